"""Who may be sent to which booth, beyond the job's own requirements: the venue and reserved posts.

Venue: a candidate whose needed accommodations (latest assessment) include one the venue must
provide but does not is not sent to any booth, and is listed with the reason ("会场无无障碍通道").
Which needs concern the venue is an *assumption* (docs/domain.md lists accommodations, not which of
them a fair has to provide): on site, step-free access, an accessible toilet, a sign-language
interpreter, large print or braille material and transport to the venue; online, the interpreter,
screen-reader-friendly pages and large print. Needs such as flexible hours concern the job, not
the fair, and are left to the job's own rules.

Reserved posts (docs/domain.md, "Channels that are reserved openings"): a post reserved for persons
with disabilities (``reserved_for_disabled``) and the channels that are really reserved openings —
postal kiosks, lottery outlets, tobacco retail — go to holders of a disability certificate only;
public-welfare posts (公益性岗位) go to persons with employment difficulties only, taken here as
anyone not employed and not still in school (*assumption*, see ``DIFFICULTY_EXCLUDED``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching import codes

BoolMatrix = npt.NDArray[np.bool_]
ON_SITE_NEEDS = (
    "step_free",
    "accessible_toilet",
    "sign_interpreter",
    "large_print_braille",
    "transport",
)
ONLINE_NEEDS = ("sign_interpreter", "screen_reader", "large_print_braille")
RESERVED_CHANNELS = frozenset({"kiosk", "lottery", "tobacco"})
WELFARE_CHANNELS = frozenset({"public_welfare"})
DIFFICULTY_EXCLUDED = frozenset({"employed", "studying"})  # statuses without employment difficulty
RESERVED_ZH = "残疾人专岗，需持残疾人证"
WELFARE_ZH = "公益性岗位仅面向就业困难人员"


def venue_needs(online: bool) -> tuple[str, ...]:
    """The accommodations a fair of this kind has to provide itself."""
    return ONLINE_NEEDS if online else ON_SITE_NEEDS


def venue_gaps(needed: Sequence[str], provided: Sequence[str], *, online: bool) -> list[str]:
    """The candidate's needs the venue must meet but does not, in code-list order."""
    concern = set(venue_needs(online)) & set(needed)
    return [code for code in codes.ACCOMMODATIONS.codes if code in concern - set(provided)]


def venue_reason(gaps: Sequence[str]) -> str:
    """The reason shown for the gaps ``venue_gaps`` found, e.g. 会场无无障碍通道、手语翻译."""
    return "会场无" + "、".join(codes.ACCOMMODATIONS.label(code) for code in gaps)


@dataclass(frozen=True)
class CandidateTerms:
    """What reserved posts ask of a candidate."""

    has_certificate: bool
    employment_status: str

    @property
    def has_difficulty(self) -> bool:
        return self.employment_status not in DIFFICULTY_EXCLUDED


@dataclass(frozen=True)
class VacancyTerms:
    """What makes a post reserved."""

    reserved_for_disabled: bool
    channel: str

    @property
    def needs_certificate(self) -> bool:
        return self.reserved_for_disabled or self.channel in RESERVED_CHANNELS

    @property
    def needs_difficulty(self) -> bool:
        return self.channel in WELFARE_CHANNELS


def reservation_allows(
    candidates: Sequence[CandidateTerms], vacancies: Sequence[VacancyTerms]
) -> BoolMatrix:
    """candidates × vacancies: True where no reservation keeps the candidate from the post."""
    certified = np.array([c.has_certificate for c in candidates], dtype=bool)
    difficulty = np.array([c.has_difficulty for c in candidates], dtype=bool)
    certificate_posts = np.array([v.needs_certificate for v in vacancies], dtype=bool)
    welfare_posts = np.array([v.needs_difficulty for v in vacancies], dtype=bool)
    blocked = (certificate_posts[None, :] & ~certified[:, None]) | (
        welfare_posts[None, :] & ~difficulty[:, None]
    )
    return np.asarray(~blocked, dtype=bool).reshape(len(candidates), len(vacancies))


def reservation_note(vacancy: VacancyTerms) -> str | None:
    """The rule a reserved post applies, for its line in the employer's list (None: open post)."""
    if vacancy.needs_difficulty:
        return WELFARE_ZH
    return RESERVED_ZH if vacancy.needs_certificate else None
