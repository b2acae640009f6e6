"""Storage on SQLite and PostgreSQL: migrations match the models, rows round-trip, rules hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from matching.storage import (
    Assessment,
    AuditEntry,
    Base,
    Course,
    Employer,
    Fair,
    FairCandidate,
    FairVacancy,
    GraduateLedger,
    LedgerFollowUp,
    Person,
    Referral,
    ReferralEvent,
    TrainingBase,
    User,
    Vacancy,
    append_audit,
    upgrade_database,
)

DIMENSIONS = [
    "vision", "hearing", "speech", "reading_writing", "fine_dexterity", "lifting", "standing",
    "mobility", "learning", "attention", "social", "stress", "computer",
]  # fmt: skip


def a_person(id_number: str = "11010519491231002X") -> Person:
    return Person(
        id_number=id_number,
        certificate_number=id_number + "42",
        name="张三",
        sex="F",
        birth_date=date(1949, 12, 31),
        county="371502",
        hukou="rural",
        disability_category="4",
        disability_level="2",
        education="bachelor",
        employment_status="seeking",
        registered_on=date(2024, 3, 1),
        preferred_work_modes=["home_based", "part_time"],
    )


def an_employer() -> Employer:
    return Employer(
        credit_code="91350100M000100Y43",
        name="聊城市示例科技有限公司",
        kind="private",
        county="371502",
        staff_count=120,
        average_wage=Decimal("65000.00"),
        accommodations=["step_free", "screen_reader"],
    )


def a_vacancy(employer: Employer) -> Vacancy:
    demand = {f"demand_{dimension}": 2 for dimension in DIMENSIONS}
    return Vacancy(
        code="V-0001",
        employer=employer,
        occupation_code="4-04-05-03",
        title="呼叫中心客服",
        county="371502",
        channel="open",
        work_mode="on_site",
        hours_per_day=Decimal("8.0"),
        pay_min=3000,
        pay_max=4200,
        openings=3,
        opened_on=date(2024, 5, 1),
        **demand,
    )


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_is_safe_to_repeat(engine: Engine) -> None:
    upgrade_database(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_every_entity_round_trips(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        person = a_person()
        scores = dict.fromkeys(DIMENSIONS, 3)
        person.assessments.append(
            Assessment(
                assessed_on=date(2024, 3, 2),
                sustainable_hours=Decimal("6.5"),
                skills=["盲人医疗按摩"],
                accommodations_needed=["screen_reader"],
                **scores,
            )
        )
        employer = an_employer()
        vacancy = a_vacancy(employer)
        base = TrainingBase(code="TB-01", name="东昌府区残疾人职业培训基地", county="371502")
        course = Course(code="C-01", base=base, title="电子商务运营", duration_days=30, capacity=20)
        user = User(username="counselor1", display_name="李老师", role="counselor", county="371502")
        fair = Fair(
            name="就业援助月招聘会", held_on=date(2024, 1, 20), venue="聊城市残联", county="371502"
        )
        session.add_all([person, vacancy, course, user, fair])
        session.flush()
        referral = Referral(
            person_id=person.id,
            vacancy_id=vacancy.id,
            source="counselor",
            referred_by=user.id,
            referred_at=datetime(2024, 5, 2, 9, 30, tzinfo=UTC),
            shown_rank=3,
            stage="interviewed",
        )
        referral.events.append(ReferralEvent(stage="referred", at=referral.referred_at))
        session.add(referral)
        session.add(FairVacancy(fair_id=fair.id, vacancy_id=vacancy.id, interview_capacity=6))
        session.add(
            FairCandidate(fair_id=fair.id, person_id=person.id, registered_on=date(2024, 1, 5))
        )
        ledger = GraduateLedger(
            person_id=person.id,
            county="371502",
            school="聊城大学",
            major="计算机科学与技术",
            graduation_year=2024,
            status="unemployed",
            intended_services=["career_guidance", "job_referral"],
        )
        ledger.follow_ups.append(
            LedgerFollowUp(contacted_on=date(2024, 7, 10), channel="phone", action="电话回访")
        )
        session.add(ledger)
        append_audit(session, actor="counselor1", action="reveal", entity="person", entity_id="1")

    with sessions() as session:
        stored = session.scalars(select(Person)).one()
        assert stored.name == "张三"
        assert stored.preferred_work_modes == ["home_based", "part_time"]
        assert stored.assessments[0].skills == ["盲人医疗按摩"]
        assert stored.assessments[0].sustainable_hours == Decimal("6.5")
        assert session.scalars(select(Vacancy)).one().employer.accommodations == [
            "step_free",
            "screen_reader",
        ]
        assert session.scalars(select(Referral)).one().events[0].stage == "referred"
        assert session.scalars(select(Referral)).one().shown_rank == 3
        assert session.scalars(select(GraduateLedger)).one().follow_ups[0].action == "电话回访"
        assert session.scalars(select(Course)).one().base.name.startswith("东昌府区")


def test_resident_id_is_a_natural_key(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.add(a_person())
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(a_person())


def test_a_referral_targets_exactly_one_item(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        person = a_person()
        session.add(person)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(
            Referral(
                person_id=person.id,
                source="self",
                referred_at=datetime(2024, 5, 2, tzinfo=UTC),
                stage="referred",
            )
        )


def test_the_audit_log_is_append_only(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        append_audit(session, actor="analyst", action="export", entity="person", detail={"rows": 3})
    with pytest.raises(DBAPIError), sessions.begin() as session:
        session.execute(update(AuditEntry).values(actor="someone else"))
    with pytest.raises(DBAPIError), sessions.begin() as session:
        session.execute(delete(AuditEntry))
    with sessions() as session:
        entry = session.scalars(select(AuditEntry)).one()
        assert (entry.actor, entry.detail) == ("analyst", {"rows": 3})
