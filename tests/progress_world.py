"""A tiny hand-built world for the progress measures: every person, post, hire and ledger move
is written here, so each figure can be counted by hand.

``World(sessions)`` adds rows through the ORM and returns their ids; the helpers take the local
(UTC+8) day an event happened, stored at local noon unless a moment is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session, sessionmaker

from matching import codes
from matching.progress.periods import LOCAL_TIME
from matching.storage import (
    Course,
    Employer,
    GraduateLedger,
    Person,
    Referral,
    ReferralEvent,
    TrainingBase,
    Vacancy,
)
from matching.storage.ledgers import LedgerStatusChange

COUNTY_A = "371502"
COUNTY_B = "371581"


def local_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=LOCAL_TIME).astimezone(UTC)


@dataclass
class World:
    sessions: sessionmaker[Session]
    serial: count[int] = field(default_factory=lambda: count(1))

    def _add(self, row: object) -> int:
        with self.sessions.begin() as session:
            session.add(row)
            session.flush()
            return int(row.id)  # type: ignore[attr-defined]

    def person(
        self,
        county: str = COUNTY_A,
        *,
        born: date = date(1990, 5, 1),
        status: str = "seeking",
        certified: bool = True,
        registered: date = date(2024, 1, 1),
        category: str = "4",
        level: str = "3",
        sex: str = "M",
        hukou: str = "urban",
        graduate: bool = False,
    ) -> int:
        n = next(self.serial)
        return self._add(
            Person(
                id_number=f"99000019900501{n:04d}",
                certificate_number=f"99000019900501{n:04d}{category}{level}" if certified else None,
                name=f"人员{n}",
                sex=sex,
                birth_date=born,
                county=county,
                hukou=hukou,
                disability_category=category,
                disability_level=level,
                education="junior",
                employment_status=status,
                registered_on=registered,
                is_graduate=graduate,
            )
        )

    def vacancy(self, county: str = COUNTY_A, channel: str = "open", kind: str = "private") -> int:
        n = next(self.serial)
        employer = self._add(
            Employer(
                credit_code=f"91371500MA{n:08d}",
                name=f"单位{n}",
                kind=kind,
                county=county,
                staff_count=40,
            )
        )
        demands = {f"demand_{d}": 1 for d in codes.ASSESSMENT_DIMENSIONS.codes}
        return self._add(
            Vacancy(
                code=f"V{n}",
                employer_id=employer,
                occupation_code="4-01-01-01",
                title=f"岗位{n}",
                county=county,
                channel=channel,
                work_mode="on_site",
                hours_per_day=Decimal(8),
                pay_min=2000,
                pay_max=3000,
                openings=1,
                opened_on=date(2024, 1, 1),
                **demands,
            )
        )

    def course(self, county: str = COUNTY_A) -> int:
        n = next(self.serial)
        base = self.base(county)
        return self._add(
            Course(code=f"C{n}", base_id=base, title=f"课程{n}", duration_days=30, capacity=20)
        )

    def base(self, county: str = COUNTY_A) -> int:
        n = next(self.serial)
        return self._add(TrainingBase(code=f"B{n}", name=f"基地{n}", county=county))

    def referral(
        self,
        person: int,
        stages: dict[str, date | datetime],
        *,
        vacancy: int | None = None,
        course: int | None = None,
    ) -> int:
        """A referral whose events are ``stages`` (stage → local day, or an exact moment)."""
        moments = {
            stage: at if isinstance(at, datetime) else local_noon(at)
            for stage, at in stages.items()
        }
        first = min(moments.values())
        with self.sessions.begin() as session:
            referral = Referral(
                person_id=person,
                vacancy_id=vacancy,
                course_id=course,
                source="counselor",
                referred_at=first,
                stage=list(stages)[-1],
            )
            session.add(referral)
            session.flush()
            for stage, at in moments.items():
                session.add(ReferralEvent(referral_id=referral.id, stage=stage, at=at))
            return referral.id

    def hire(self, person: int, vacancy: int, day: date | datetime) -> int:
        return self.referral(person, {"referred": date(2020, 1, 1), "hired": day}, vacancy=vacancy)

    def ledger(
        self, person: int, year: int, moves: list[tuple[str, date]], county: str = COUNTY_A
    ) -> int:
        """A ledger of a graduate of ``year`` whose status history is ``moves`` (in order)."""
        with self.sessions.begin() as session:
            ledger = GraduateLedger(
                person_id=person,
                county=county,
                school="聊城大学",
                major="会计学",
                graduation_year=year,
                status=moves[-1][0],
            )
            session.add(ledger)
            session.flush()
            previous = None
            for status, day in moves:
                session.add(
                    LedgerStatusChange(
                        ledger_id=ledger.id, from_status=previous, to_status=status, changed_on=day
                    )
                )
                previous = status
            return ledger.id
