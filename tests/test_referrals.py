"""The referral workflow: stage tables, eligibility, events, list moments and the training shape."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from features.histories import person_history
from features.sources import read_snapshot
from features.training_frames import COURSE_GRADES, JOB_GRADES, grades, job_queries
from matching.access import Caller
from matching.codes import COURSE_STAGE_ORDER, JOB_STAGE_ORDER
from matching.errors import ConflictError, NotFoundError, ValidationError
from matching.referral_flow import (
    CLOSING_STAGES,
    COURSE_NEXT,
    JOB_NEXT,
    LIST_WINDOW,
    NewReferral,
    StageChange,
    advance_referral,
    allowed_next,
    check_transition,
    create_referral,
    initial_stage,
    person_referrals,
    referral_view,
)
from matching.storage import (
    Course,
    Employer,
    Fair,
    FairVacancy,
    Person,
    Referral,
    ReferralEvent,
    TrainingBase,
    User,
    Vacancy,
)
from matching.validators import make_resident_id

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
COUNTY = "371502"
DIMENSIONS = (
    "vision", "hearing", "speech", "reading_writing", "fine_dexterity", "lifting", "standing",
    "mobility", "learning", "attention", "social", "stress", "computer",
)  # fmt: skip


ELSEWHERE = Caller(None, "elsewhere", "counselor", "371581")  # a counselor of another county


# --- the stage tables (no database) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "order"), [(JOB_NEXT, JOB_STAGE_ORDER), (COURSE_NEXT, COURSE_STAGE_ORDER)]
)
def test_stages_only_move_forward_one_step_or_close(
    table: dict[str, tuple[str, ...]], order: dict[str, int]
) -> None:
    for stage, following in table.items():
        for target in following:
            if target in CLOSING_STAGES:
                assert stage in order, (stage, target)  # only an open stage closes
            else:
                assert order[target] == order[stage] + 1, (stage, target)
    ends = [stage for stage, following in table.items() if not following]
    assert sorted(ends) == sorted(
        [max(order, key=order.__getitem__), *(set(table) & CLOSING_STAGES)]
    )


@given(
    kind=st.sampled_from(["job", "course"]),
    steps=st.lists(st.sampled_from(sorted(set(JOB_NEXT) | set(COURSE_NEXT))), max_size=12),
)
def test_any_sequence_of_requests_keeps_to_the_table(kind: str, steps: list[str]) -> None:
    """Whatever is asked, the accepted path is a walk through the table that never revisits."""
    stage = initial_stage("job" if kind == "job" else "course", "counselor")
    seen = [stage]
    for target in steps:
        try:
            check_transition(1, "job" if kind == "job" else "course", stage, target)
        except ConflictError as conflict:
            assert conflict.code in {"stage_not_allowed", "referral_closed"}
            assert set(conflict.allowed) == set(
                allowed_next("job" if kind == "job" else "course", stage)
            )
            continue
        assert target not in seen
        stage = target
        seen.append(stage)


def test_a_refused_move_names_the_stage_and_what_is_allowed_in_both_languages() -> None:
    with pytest.raises(ConflictError) as caught:
        check_transition(7, "job", "applied", "hired")
    assert "'applied'" in str(caught.value) and "interviewed" in str(caught.value)
    assert "已投递" in caught.value.message_zh and "已面试、未成功" in caught.value.message_zh
    assert caught.value.allowed == ("interviewed", "refused")
    with pytest.raises(ConflictError) as ended:
        check_transition(7, "course", "dropped", "enrolled")
    assert ended.value.code == "referral_closed" and "中途退出" in ended.value.message_zh


def test_direct_job_contacts_start_as_applications() -> None:
    assert initial_stage("job", "counselor") == "referred"
    assert initial_stage("job", "fair") == initial_stage("job", "self") == "applied"
    assert initial_stage("course", "counselor") == "referred"


# --- a tiny world in the database --------------------------------------------------------------


@dataclass
class World:
    sessions: sessionmaker[Session]
    adult: int
    minor: int
    vacancy: int
    closed_vacancy: int
    past_vacancy: int
    young_only: int
    other_vacancy: int
    course: int
    closed_course: int
    fair: int
    counselor: Caller


def _vacancy(employer_id: int, code: str, **changes: object) -> Vacancy:
    values: dict[str, object] = {
        "code": code, "employer_id": employer_id, "occupation_code": "4-01-02-01",
        "title": f"岗位{code}", "county": COUNTY, "channel": "open", "work_mode": "on_site",
        "hours_per_day": 8, "pay_min": 2000, "pay_max": 3000, "openings": 2,
        "opened_on": date(2026, 10, 1), "deadline": None, "status": "open",
        **{f"demand_{d}": 1 for d in DIMENSIONS},
    }  # fmt: skip
    values |= changes
    return Vacancy(**values)


def _person(number: int, birth: date) -> Person:
    return Person(
        id_number=make_resident_id(COUNTY, birth, number), name=f"测试{number}", sex="M",
        birth_date=birth, county=COUNTY, hukou="urban", disability_category="4",
        disability_level="3", education="senior", employment_status="seeking",
        registered_on=date(2026, 1, 1),
    )  # fmt: skip


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> Iterator[World]:
    with sessions.begin() as session:
        user = User(username="li", display_name="李", role="counselor", county=COUNTY)
        employer = Employer(
            credit_code="91371502MA3C000001", name="聊城测试公司", kind="private",
            county=COUNTY, staff_count=50,
        )  # fmt: skip
        base = TrainingBase(code="B1", name="培训基地", county=COUNTY)
        adult, minor = _person(11, date(1990, 5, 1)), _person(13, date(2012, 1, 1))
        session.add_all([user, employer, base, adult, minor])
        session.flush()
        vacancies = [
            _vacancy(employer.id, "V1"),
            _vacancy(employer.id, "V2", status="filled"),
            _vacancy(employer.id, "V3", deadline=date(2026, 10, 31)),
            _vacancy(employer.id, "V4", age_max=30),
            _vacancy(employer.id, "V5"),
        ]
        courses = [
            Course(
                code=c, base_id=base.id, title=f"课程{c}", duration_days=30, capacity=20, status=s
            )
            for c, s in (("C1", "open"), ("C2", "closed"))
        ]
        fair = Fair(name="招聘会", held_on=date(2026, 11, 2), venue="大厅", county=COUNTY)
        session.add_all([*vacancies, *courses, fair])
        session.flush()
        session.add(FairVacancy(fair_id=fair.id, vacancy_id=vacancies[0].id, interview_capacity=8))
        v1, v2, v3, v4, v5 = (v.id for v in vacancies)
        built = World(
            sessions, adult=adult.id, minor=minor.id, vacancy=v1, closed_vacancy=v2,
            past_vacancy=v3, young_only=v4, other_vacancy=v5, course=courses[0].id,
            closed_course=courses[1].id, fair=fair.id,
            counselor=Caller(user.id, user.username, "counselor", COUNTY),
        )  # fmt: skip
    yield built


def create(world: World, new: NewReferral, now: datetime = NOW) -> int:
    with world.sessions.begin() as session:
        return create_referral(session, new, world.counselor, now=now).id


def advance(world: World, referral_id: int, change: StageChange, now: datetime = NOW) -> str:
    with world.sessions.begin() as session:
        return advance_referral(session, referral_id, change, world.counselor, now=now).stage


def events(world: World, referral_id: int) -> list[tuple[str, str | None]]:
    with world.sessions() as session:
        rows = session.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.at, ReferralEvent.id)
        ).all()
        return [(row.stage, row.refusal_reason) for row in rows]


def test_a_counselor_referral_from_a_list_keeps_rank_model_and_user(world: World) -> None:
    new = NewReferral(
        world.adult, "counselor", vacancy_id=world.vacancy, shown_rank=2,
        model_version="champion:3", note="电话通知，身份证370102199001011234",
    )  # fmt: skip
    referral_id = create(world, new)
    with world.sessions() as session:
        row = session.get(Referral, referral_id)
        assert row is not None
        assert (row.stage, row.shown_rank, row.model_version) == ("referred", 2, "champion:3")
        assert row.referred_by == world.counselor.user_id and row.refusal_reason is None
        event = session.scalars(select(ReferralEvent)).one()
        assert (event.stage, event.recorded_by) == ("referred", world.counselor.user_id)
        assert event.note is not None and "370102199001011234" not in event.note


def test_fair_and_self_contacts_start_applied_without_a_referred_event(world: World) -> None:
    fair = create(
        world, NewReferral(world.adult, "fair", vacancy_id=world.vacancy, fair_id=world.fair)
    )
    assert events(world, fair) == [("applied", None)]
    own = create(
        world,
        NewReferral(world.minor, "self", vacancy_id=world.vacancy),
        now=NOW.replace(year=2030),
    )
    assert events(world, own) == [("applied", None)]


def test_a_job_referral_walks_to_retention_six_months_after_the_hire(world: World) -> None:
    referral_id = create(world, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy))
    for day, stage in enumerate(("applied", "interviewed", "offered", "hired"), start=1):
        assert advance(world, referral_id, StageChange(stage), NOW + timedelta(days=day)) == stage
    hired_at = NOW + timedelta(days=4)
    with pytest.raises(ConflictError) as early:
        advance(world, referral_id, StageChange("retained_6m"), hired_at + timedelta(days=100))
    assert early.value.code == "too_early" and "2027-05-07" in str(early.value)
    assert (
        advance(world, referral_id, StageChange("retained_6m"), hired_at + timedelta(days=182))
        == "retained_6m"
    )
    assert [stage for stage, _ in events(world, referral_id)] == [
        "referred", "applied", "interviewed", "offered", "hired", "retained_6m",
    ]  # fmt: skip
    with pytest.raises(ConflictError, match="ended"):
        advance(world, referral_id, StageChange("refused", "pay"), NOW + timedelta(days=400))


def test_a_refusal_needs_a_reason_and_closes_the_referral(world: World) -> None:
    referral_id = create(world, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy))
    with pytest.raises(ValidationError) as missing:
        advance(world, referral_id, StageChange("refused"))
    assert missing.value.field == "refusal_reason" and "距离太远" in missing.value.message_zh
    with pytest.raises(ValidationError):
        advance(world, referral_id, StageChange("applied", refusal_reason="pay"))
    assert advance(world, referral_id, StageChange("refused", "distance")) == "refused"
    with world.sessions() as session:
        row = session.get(Referral, referral_id)
        assert row is not None and row.refusal_reason == "distance"
    assert events(world, referral_id)[-1] == ("refused", "distance")
    for stage in ("applied", "refused"):
        with pytest.raises(ConflictError) as closed:
            advance(world, referral_id, StageChange(stage, "pay" if stage == "refused" else None))
        assert closed.value.code == "referral_closed" and closed.value.allowed == ()
    # once closed, the person may be referred to the same vacancy again
    create(world, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy))


def test_course_referrals_take_course_stages_only(world: World) -> None:
    referral_id = create(world, NewReferral(world.adult, "counselor", course_id=world.course))
    with pytest.raises(ConflictError) as wrong:
        advance(world, referral_id, StageChange("applied"))
    assert (
        wrong.value.allowed == ("enrolled", "dropped")
        and "已报名、中途退出" in wrong.value.message_zh
    )
    for stage in ("enrolled", "completed", "employed_6m"):
        assert advance(world, referral_id, StageChange(stage)) == stage
    dropped = create(
        world, NewReferral(world.minor, "counselor", course_id=world.course), NOW.replace(year=2030)
    )
    assert advance(world, dropped, StageChange("dropped", "health")) == "dropped"


def test_eligibility_is_checked_with_a_bilingual_reason(world: World) -> None:
    cases = [
        (world.minor, world.vacancy, None, "under_working_age"),
        (world.adult, world.closed_vacancy, None, "vacancy_not_open"),
        (world.adult, world.past_vacancy, None, "vacancy_not_open"),
        (world.adult, world.young_only, None, "vacancy_age_range"),
        (world.adult, None, world.closed_course, "course_not_open"),
    ]
    for person, vacancy, course, code in cases:
        with pytest.raises(ConflictError) as caught:
            create(world, NewReferral(person, "counselor", vacancy_id=vacancy, course_id=course))
        assert caught.value.code == code and caught.value.message_zh


def test_an_open_referral_is_not_made_twice(world: World) -> None:
    first = create(world, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy))
    with pytest.raises(ConflictError) as twice:
        create(world, NewReferral(world.adult, "self", vacancy_id=world.vacancy))
    assert twice.value.code == "already_referred" and str(first) in str(twice.value)


def test_fairs_missing_records_and_scope(world: World) -> None:
    with pytest.raises(ConflictError, match="no booth"):
        create(
            world,
            NewReferral(world.adult, "fair", vacancy_id=world.other_vacancy, fair_id=world.fair),
        )
    for new in (
        NewReferral(world.adult, "fair", vacancy_id=world.vacancy, fair_id=999),
        NewReferral(world.adult, "counselor", vacancy_id=999),
        NewReferral(world.adult, "counselor", course_id=999),
    ):
        with pytest.raises(NotFoundError):
            create(world, new)
    with world.sessions() as session, pytest.raises(NotFoundError) as hidden:
        create_referral(
            session, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy),
            ELSEWHERE, now=NOW,
        )  # fmt: skip
    with world.sessions() as session, pytest.raises(NotFoundError) as missing:
        create_referral(
            session, NewReferral(987654, "counselor", vacancy_id=world.vacancy),
            world.counselor, now=NOW,
        )  # fmt: skip
    assert str(hidden.value) == str(missing.value).replace("987654", str(world.adult))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"course_id": 1}, "target"),
        ({"vacancy_id": None}, "target"),
        ({"source": "agency"}, "source"),
        ({"source": "fair"}, "fair_id"),
        ({"fair_id": 1}, "fair_id"),
        ({"source": "self", "shown_rank": 1}, "shown_rank"),
    ],
)
def test_malformed_requests_from_other_callers_are_refused(
    changes: dict[str, object], field: str
) -> None:
    """Checked before the database is asked anything (the session here has no database)."""
    values: dict[str, object] = {"person_id": 1, "source": "counselor", "vacancy_id": 1}
    values |= changes
    with Session() as session, pytest.raises(ValidationError) as caught:
        new = NewReferral(**values)  # type: ignore[arg-type]
        create_referral(session, new, Caller.script("script"), now=NOW)
    assert caught.value.field == field


def ranked(world: World, rank: int, at: datetime, **changes: object) -> datetime:
    """Refer the adult from a ranked list; the referral's stored moment (UTC)."""
    values: dict[str, object] = {"vacancy_id": world.vacancy, "model_version": "champion:3"}
    values |= changes
    new = NewReferral(world.adult, "counselor", shown_rank=rank, **values)  # type: ignore[arg-type]
    with world.sessions.begin() as session:
        moment = create_referral(session, new, world.counselor, now=at).referred_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_referrals_from_one_list_share_their_moment_and_query(world: World) -> None:
    first = ranked(world, 1, NOW)
    assert first == NOW
    assert ranked(world, 2, NOW + timedelta(minutes=10), vacancy_id=world.other_vacancy) == NOW
    later = NOW + timedelta(minutes=11)
    assert (
        ranked(world, 3, later, vacancy_id=None, course_id=world.course) == later
    )  # a course list
    with world.sessions() as session:
        rows = session.execute(
            select(Referral.id, Referral.person_id, Referral.vacancy_id, Referral.referred_at)
        ).all()
    frame = pl.DataFrame(
        rows, schema=["id", "person_id", "vacancy_id", "referred_at"], orient="row"
    ).with_columns(source=pl.lit("counselor"))
    queries = job_queries(frame.lazy()).collect()
    assert queries.height == 2 and queries["query_id"].n_unique() == 1


@pytest.mark.parametrize(
    ("rank", "minutes", "changes"),
    [
        (1, 10, {}),  # the rank is taken: a new list was shown
        (2, 10, {"model_version": "champion:4"}),  # another model ranked it
        (2, 10, {"model_version": None}),
        (2, 121, {}),  # after the session window
    ],
)
def test_a_new_list_gets_a_new_moment(
    world: World, rank: int, minutes: int, changes: dict[str, object]
) -> None:
    ranked(world, 1, NOW)
    at = NOW + timedelta(minutes=minutes)
    assert ranked(world, rank, at, vacancy_id=world.other_vacancy, **changes) == at
    assert timedelta(minutes=minutes) <= LIST_WINDOW or minutes > 120


def test_another_counselor_starts_their_own_list(world: World) -> None:
    ranked(world, 1, NOW)
    other = Caller.script("script")
    new = NewReferral(
        world.adult,
        "counselor",
        vacancy_id=world.other_vacancy,
        shown_rank=2,
        model_version="champion:3",
    )
    with world.sessions.begin() as session:
        moment = create_referral(session, new, other, now=NOW + timedelta(minutes=1)).referred_at
    assert moment.replace(tzinfo=UTC) == NOW + timedelta(minutes=1)


def test_views_and_pages(world: World) -> None:
    ids = [
        create(world, NewReferral(world.adult, "counselor", vacancy_id=world.vacancy)),
        create(
            world,
            NewReferral(world.adult, "counselor", course_id=world.course),
            NOW + timedelta(hours=3),
        ),
    ]
    with world.sessions() as session:
        view = referral_view(session, ids[0], world.counselor)
        assert view.kind == "job" and view.title == "岗位V1" and view.referred_by == "li"
        assert view.allowed_next == ("applied", "refused") and view.events[0].recorded_by == "li"
        assert view.referred_at.tzinfo is not None
        page = person_referrals(session, world.adult, world.counselor, page=1, page_size=1)
        assert page.total == 2 and [item.id for item in page.items] == [ids[1]]
        assert (
            person_referrals(session, world.adult, world.counselor, page=3, page_size=1).items == []
        )
        with pytest.raises(NotFoundError):
            person_referrals(session, world.adult, ELSEWHERE, page=1, page_size=5)
        with pytest.raises(NotFoundError):
            referral_view(session, ids[0], ELSEWHERE)


def test_api_rows_feed_the_training_frames_like_the_synthetic_history(
    world: World, engine: Engine
) -> None:
    """Grades and person histories computed by ``features`` from rows the workflow wrote."""
    hired = create(
        world,
        NewReferral(
            world.adult, "counselor", vacancy_id=world.vacancy, shown_rank=1, model_version="rule"
        ),
    )
    for day, stage in enumerate(("applied", "interviewed", "offered", "hired"), start=1):
        advance(world, hired, StageChange(stage), NOW + timedelta(days=day))
    course = create(world, NewReferral(world.adult, "counselor", course_id=world.course))
    advance(world, course, StageChange("enrolled"), NOW + timedelta(days=1))
    snapshot = read_snapshot(engine)
    job_grades = dict(grades(snapshot.events.lazy(), JOB_GRADES).collect().iter_rows())
    course_grades = dict(grades(snapshot.events.lazy(), COURSE_GRADES).collect().iter_rows())
    assert job_grades[hired] == 3 and course_grades[course] == 1
    history = person_history(snapshot).collect().filter(pl.col("person_id") == world.adult)
    last = history.sort("at").row(-1, named=True)
    assert (last["past_referrals"], last["past_applied"], last["past_hired"]) == (1, 1, 1)
    assert snapshot.referrals.filter(pl.col("id") == hired)["shown_rank"].to_list() == [1]
