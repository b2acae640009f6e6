"""Builders shared by the ledger tests (this module holds no tests): persons, users, referrals
and callers of two counties, on whichever database the ``engine`` fixture gives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from matching.codes import ASSESSMENT_DIMENSIONS
from matching.ledgers import Caller
from matching.storage import (
    Course,
    Employer,
    Person,
    Referral,
    TrainingBase,
    User,
    Vacancy,
)
from matching.validators import make_certificate, make_resident_id, make_uscc

TODAY = date(2026, 11, 20)
COUNTY_A = "371502"
COUNTY_B = "371581"
_sequence = count(1)


def a_person(
    session: Session,
    *,
    county: str = COUNTY_A,
    graduate: bool = True,
    employment: str = "seeking",
    education: str = "bachelor",
    graduation_year: int | None = 2025,
    name: str = "李明",
) -> Person:
    number = next(_sequence)
    id_number = make_resident_id(county, date(2002, 1, 1 + number % 28), number % 1000)
    person = Person(
        id_number=id_number,
        certificate_number=make_certificate(id_number, 4, 3),
        name=name,
        sex="M" if number % 2 else "F",
        birth_date=date(2002, 1, 1 + number % 28),
        county=county,
        hukou="urban",
        disability_category="4",
        disability_level="3",
        education=education,
        employment_status=employment,
        phone="13812345678",
        registered_on=date(2024, 3, 1),
        is_graduate=graduate,
        school="聊城大学" if graduate else None,
        major="计算机科学与技术" if graduate else None,
        graduation_year=graduation_year if graduate else None,
    )
    session.add(person)
    session.flush()
    return person


def a_user(session: Session, username: str, role: str, county: str | None) -> User:
    user = User(username=username, display_name=f"{username}老师", role=role, county=county)
    session.add(user)
    session.flush()
    return user


def caller_of(user: User) -> Caller:
    return Caller(user_id=user.id, username=user.username, role=user.role, county=user.county)


@dataclass(frozen=True)
class Staff:
    worker_a: Caller
    counselor_b: Caller
    admin: Caller
    worker_a_id: int
    counselor_b_id: int


def staff(session: Session) -> Staff:
    worker = a_user(session, "worker_a", "case_worker", COUNTY_A)
    counselor = a_user(session, "counselor_b", "counselor", COUNTY_B)
    admin = a_user(session, "admin", "admin", None)
    return Staff(caller_of(worker), caller_of(counselor), caller_of(admin), worker.id, counselor.id)


def a_referral(session: Session, person: Person, *, to_course: bool = False) -> Referral:
    number = next(_sequence)
    employer = Employer(
        credit_code=make_uscc(f"91371500MA{number:07d}"),
        name=f"聊城示例公司{number}",
        kind="private",
        county=person.county,
        staff_count=50,
    )
    referral = Referral(
        person_id=person.id,
        source="counselor",
        referred_at=datetime(2026, 11, 1, tzinfo=UTC),
        stage="referred",
    )
    if to_course:
        base = TrainingBase(code=f"TB-{number}", name="培训基地", county=person.county)
        course = Course(
            code=f"C-{number}", base=base, title="电子商务", duration_days=30, capacity=9
        )
        session.add(course)
        session.flush()
        referral.course_id = course.id
    else:
        vacancy = Vacancy(
            code=f"V-{number}",
            employer=employer,
            occupation_code="4-04-05-03",
            title="客服",
            county=person.county,
            channel="open",
            work_mode="on_site",
            hours_per_day=Decimal("8.0"),
            pay_min=3000,
            pay_max=4000,
            openings=1,
            opened_on=date(2026, 10, 1),
            **{f"demand_{d}": 1 for d in ASSESSMENT_DIMENSIONS.codes},
        )
        session.add(vacancy)
        session.flush()
        referral.vacancy_id = vacancy.id
    session.add(referral)
    session.flush()
    return referral
