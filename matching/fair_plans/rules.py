"""Who may be sent to which booth, beyond the job's own requirements: the venue and reserved posts.

Venue: a candidate whose needed accommodations (latest assessment) include one the venue must
provide but does not is not sent to any booth, and is listed with the reason ("会场无无障碍通道").
Which needs concern the venue is an *assumption* (docs/domain.md lists accommodations, not which of
them a fair has to provide): on site, step-free access, an accessible toilet, a sign-language
interpreter, large print or braille material and transport to the venue; online, the interpreter,
screen-reader-friendly pages and large print. Needs such as flexible hours concern the job, not
the fair, and are left to the job's own rules.

Reserved posts: the channel rules of ``matching.eligibility`` (a certificate for reserved posts and
the kiosk, lottery and tobacco channels, employment difficulty for public-welfare posts, the licence
for blind medical massage), the same rules job recommendations apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matching import codes
from matching.eligibility import (
    CERTIFICATE_ZH,
    DIFFICULTY_EXCLUDED,
    DIFFICULTY_ZH,
    LICENCE_ZH,
    RESERVED_CHANNELS,
    WELFARE_CHANNELS,
    channel_allows,
)

BoolMatrix = npt.NDArray[np.bool_]
ON_SITE_NEEDS = (
    "step_free",
    "accessible_toilet",
    "sign_interpreter",
    "large_print_braille",
    "transport",
)
ONLINE_NEEDS = ("sign_interpreter", "screen_reader", "large_print_braille")


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
    has_licence: bool  # the blind medical massage licence (``matching.eligibility``)

    @property
    def has_difficulty(self) -> bool:
        return self.employment_status not in DIFFICULTY_EXCLUDED


@dataclass(frozen=True)
class VacancyTerms:
    """What makes a post reserved."""

    reserved_for_disabled: bool
    channel: str
    wants_massage: bool  # asks for blind medical massage: the licence is needed

    @property
    def needs_certificate(self) -> bool:
        return self.reserved_for_disabled or self.channel in RESERVED_CHANNELS

    @property
    def needs_difficulty(self) -> bool:
        return self.channel in WELFARE_CHANNELS


def reservation_allows(
    candidates: Sequence[CandidateTerms], vacancies: Sequence[VacancyTerms]
) -> BoolMatrix:
    """candidates × vacancies: True where no channel rule keeps the candidate from the post."""

    def column(values: list[bool]) -> BoolMatrix:
        return np.array(values, dtype=bool).reshape(-1, 1)

    def row(values: list[bool]) -> BoolMatrix:
        return np.array(values, dtype=bool).reshape(1, -1)

    allowed = channel_allows(
        needs_certificate=row([v.needs_certificate for v in vacancies]),
        needs_difficulty=row([v.needs_difficulty for v in vacancies]),
        needs_licence=row([v.wants_massage for v in vacancies]),
        has_certificate=column([c.has_certificate for c in candidates]),
        has_difficulty=column([c.has_difficulty for c in candidates]),
        has_licence=column([c.has_licence for c in candidates]),
    )
    return np.broadcast_to(allowed, (len(candidates), len(vacancies))).copy()


def reservation_note(vacancy: VacancyTerms) -> str | None:
    """The rule a reserved post applies, for its line in the employer's list (None: open post)."""
    if vacancy.needs_difficulty:
        return DIFFICULTY_ZH
    if vacancy.needs_certificate:
        return CERTIFICATE_ZH
    return LICENCE_ZH if vacancy.wants_massage else None
