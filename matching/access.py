"""The one access policy: who may see, change and reveal which records.

A ``Caller`` is a logged-in user (or a script) as the domain sees it; every route, export and
import asks it. Two questions, answered from one table each:

- **Which roles may do an act at all** (``ROLES_FOR``): a role without the act gets 403.

  - ``read`` a person's profile, assessments, referrals, ledger and recommendations: admin,
    counselor, case worker;
  - ``edit`` the person record and assessments: admin, counselor;
  - ``refer`` (create a referral, record its stages): admin, counselor, case worker;
  - ``ledger`` (open and keep a 一人一策 ledger): admin, counselor, case worker;
  - ``reveal`` the full ID and certificate numbers: admin, counselor, case worker;
  - ``fair`` (register a person for a fair, see them in its lists, record a contact made at
    the fair as a referral with ``source`` ``fair``): admin, counselor, case worker, fair
    organiser;
  - ``progress`` (the plan's figures as aggregates, within ``sees_county``; the lists of
    persons behind a figure need ``read`` as well): admin, analyst, counselor, case worker;
  - ``outreach`` (employers below the quota, their levy and the persons fitting their
    vacancies, within ``sees_county``; the persons themselves need ``read`` as well, so
    analysts get their count only: ``matching.outreach``): admin, analyst, counselor;
  - ``organise`` fairs (create them, add booths, run the pre-match in the request or as a
    background job): admin, fair organiser;
  - ``operate`` (run the nightly batch and rebuild the serving snapshot as background jobs):
    admin.
- **Which persons** (``reaches``): admins, and analysts and fair organisers without a county, are
  city-wide; everyone else reaches the persons of their own county only (a counselor or case
  worker without a county reaches nobody); a graduates' case worker reaches university
  graduates and students (employment status 在校) only, the persons a 一人一策 ledger is
  for. The same rule, as SQL, is ``person_condition``.

- **The cross-county conflict queue** (``CONFLICT_ROLES``): persons registered in two counties,
  both records side by side, and the decision to transfer or dismiss: admins only. It is the one
  place where one county's record meets another's, so that no county-scoped answer has to.

A person the caller cannot reach is answered exactly like a missing one (404), so that another
county's records — or a non-graduate, for a case worker — do not reveal that they exist.
Employers, vacancies, courses and fairs are not personal: every staff role reads them within
``sees_county``, and writes of them stay in the writer's county (``require_county``, 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, TypeVar

from sqlalchemy import ColumnElement, false, true
from sqlalchemy.orm import InstrumentedAttribute

from matching.codes import COUNTIES, USER_ROLES
from matching.errors import ForbiddenError, NotFoundError, OutOfCounty
from matching.storage import Person

__all__ = [
    "CONFLICT_ROLES",
    "COUNTY_ROLES",
    "ROLES_FOR",
    "Act",
    "Caller",
    "PersonFacts",
    "not_found_person",
]

STUDYING = "studying"  # the employment status of a student (codes.EMPLOYMENT_STATUSES)
COUNTY_ROLES: frozenset[str] = frozenset({"counselor", "case_worker"})
"""Roles that always belong to one county (they reach nobody without one)."""


class Act(StrEnum):
    READ = "read"
    EDIT = "edit"
    REFER = "refer"
    LEDGER = "ledger"
    REVEAL = "reveal"
    FAIR = "fair"
    PROGRESS = "progress"
    OUTREACH = "outreach"
    ORGANISE = "organise"
    OPERATE = "operate"


_PERSON_STAFF = ("counselor", "case_worker", "admin")
ROLES_FOR: dict[Act, tuple[str, ...]] = {
    Act.READ: _PERSON_STAFF,
    Act.EDIT: ("counselor", "admin"),
    Act.REFER: _PERSON_STAFF,
    Act.LEDGER: _PERSON_STAFF,
    Act.REVEAL: _PERSON_STAFF,
    Act.FAIR: ("fair_organizer", *_PERSON_STAFF),
    Act.PROGRESS: ("analyst", *_PERSON_STAFF),
    Act.OUTREACH: ("analyst", "counselor", "admin"),
    Act.ORGANISE: ("fair_organizer", "admin"),
    Act.OPERATE: ("admin",),
}
"""The roles that may do each act to anyone (routes admit these; ``Caller.require_act``)."""
CONFLICT_ROLES: tuple[str, ...] = ("admin",)
"""Who reads and resolves the cross-county conflict queue (``matching.person_conflicts``)."""


class PersonFacts(Protocol):
    """What the policy reads of a person (a stored ``Person`` row has both)."""

    @property
    def county(self) -> str: ...

    @property
    def is_graduate(self) -> bool: ...

    @property
    def employment_status(self) -> str: ...


P = TypeVar("P", bound=PersonFacts)


def not_found_person(person_id: int) -> NotFoundError:
    """The one answer for a missing person and for one the caller may not reach."""
    return NotFoundError(
        f"person {person_id} not found in your county",
        "未找到该人员，或该人员不在您的服务范围内",
    )


@dataclass(frozen=True, slots=True)
class Caller:
    """A user as the policy sees them; ``user_id`` None for scripts (the CLI's imports)."""

    user_id: int | None
    username: str
    role: str
    county: str | None = None

    @classmethod
    def script(cls, username: str) -> Caller:
        """A command-line actor: city-wide, acting as an administrator."""
        return cls(user_id=None, username=username, role="admin", county=None)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def city_wide(self) -> bool:
        return self.county is None and self.role not in COUNTY_ROLES

    @property
    def graduates_only(self) -> bool:
        """Graduates' case workers serve university graduates and students only."""
        return self.role == "case_worker"

    # Counties -------------------------------------------------------------------------------

    def sees_county(self, county: str | None) -> bool:
        """Whether records of ``county`` are visible (employers, vacancies, fairs, ledgers)."""
        if self.city_wide:
            return True
        return self.county is not None and county == self.county

    def county_filter(
        self, column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None]
    ) -> ColumnElement[bool]:
        """A WHERE clause keeping the rows of visible counties (a row without a county, such as
        a city-wide job, only for city-wide callers)."""
        if self.city_wide:
            return true()
        if self.county is None:
            return false()
        return column == self.county

    @property
    def county_zh(self) -> str:
        """The caller's county as users read it."""
        if self.city_wide:
            return "全市"
        return COUNTIES.label(self.county) if self.county is not None else "（未指定县区）"

    def require_county(self, county: str, what_zh: str) -> None:
        """Refuse (403) a write that would place a record of kind ``what_zh`` in ``county``."""
        if self.sees_county(county):
            return
        raise OutOfCounty(
            f"you may only write records of your own county ({self.county}); got {county}",
            f"只能登记或修改本县（市、区）（{self.county_zh}）的{what_zh}，"
            f"不能登记到或改为{COUNTIES.label(county)}",
        )

    # Persons --------------------------------------------------------------------------------

    def may_act(self, act: Act) -> bool:
        """Whether the role may do ``act`` to anyone at all."""
        return self.role in ROLES_FOR[act]

    def reaches(self, person: PersonFacts) -> bool:
        """Whether the person is within the caller's county (and remit, for case workers)."""
        if not self.sees_county(person.county):
            return False
        return not self.graduates_only or person.is_graduate or person.employment_status == STUDYING

    def may(self, act: Act, person: PersonFacts) -> bool:
        return self.may_act(act) and self.reaches(person)

    def person_condition(self) -> ColumnElement[bool]:
        """``reaches`` as SQL over ``Person`` (the storage model)."""
        county = self.county_filter(Person.county)
        if not self.graduates_only:
            return county
        return county & (Person.is_graduate | (Person.employment_status == STUDYING))

    def require_act(self, act: Act) -> None:
        """Refuse (403) a role that may not do ``act`` to anyone."""
        if self.may_act(act):
            return
        allowed = ROLES_FOR[act]
        raise ForbiddenError(
            f"role {self.role!r} may not {act.value} persons; allowed: {', '.join(allowed)}",
            f"当前角色（{USER_ROLES.label(self.role)}）无权进行此操作，仅限："
            + "、".join(USER_ROLES.label(role) for role in allowed),
        )

    def require_conflict_queue(self) -> None:
        """Refuse (403) a role that may not read or resolve the cross-county conflict queue."""
        if self.role in CONFLICT_ROLES:
            return
        raise ForbiddenError(
            f"role {self.role!r} may not use the person conflict queue; allowed: "
            + ", ".join(CONFLICT_ROLES),
            "跨县重复登记的处理仅限："
            + "、".join(USER_ROLES.label(role) for role in CONFLICT_ROLES),
        )

    def require(self, act: Act, person: P | None, person_id: int) -> P:
        """``person`` when the caller may do ``act`` to them: 403 for the role, 404 (as for a
        missing person, ``person`` None) when out of reach."""
        self.require_act(act)
        if person is None or not self.reaches(person):
            raise not_found_person(person_id)
        return person
