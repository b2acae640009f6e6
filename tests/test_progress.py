"""The progress measures on a tiny hand-built database (SQLite and PostgreSQL): each figure counted
by hand, once per person and year, the working-age bounds, the reasons a figure is missing, the
targets and pace, and who sees which figures and lists."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError as SettingsError
from sqlalchemy.orm import Session, sessionmaker

from matching.access import Caller
from matching.errors import ForbiddenError, NotFoundError, ValidationError
from matching.progress import (
    DEFAULT_PLAN,
    ProgressReport,
    Reason,
    TargetLine,
    progress_records,
    progress_report,
)
from matching.settings import Settings
from tests.progress_world import COUNTY_A, COUNTY_B, World

TODAY = date(2026, 6, 15)
ADMIN = Caller(1, "admin", "admin")
ANALYST = Caller(2, "analyst", "analyst")
COUNSELOR_A = Caller(3, "county_a", "counselor", COUNTY_A)
WORKER_A = Caller(4, "worker_a", "case_worker", COUNTY_A)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return World(sessions)


def report(
    world: World, year: int = 2026, month: int | None = None, **options: object
) -> ProgressReport:
    caller = options.pop("caller", ADMIN)
    with world.sessions() as session:
        return progress_report(
            session, caller, year, month, options.pop("county", None),  # type: ignore[arg-type]
            today=options.pop("today", TODAY), **options,  # type: ignore[arg-type]
        )  # fmt: skip


def value(found: ProgressReport, key: str, month: bool = False) -> float | None:
    measure = found.measure(key)
    figure = measure.month if month else measure.year_to_date
    assert figure is not None
    return figure.value


def listed(world: World, caller: Caller = ADMIN, **query: object) -> list[int]:
    """The ids (person, or base) of every row of a figure's list."""
    with world.sessions() as session:
        answer = progress_records(session, caller, today=TODAY, page_size=100, **query)  # type: ignore[arg-type]
    return [row.person_id or row.record_id for row in answer.page.items]


# Flows: once per person and year ---------------------------------------------------------------


def test_a_person_hired_twice_in_a_year_counts_once_in_the_month_of_the_first(world: World) -> None:
    post = world.vacancy()
    twice = world.person()
    world.hire(twice, post, date(2026, 1, 10))
    world.hire(twice, world.vacancy(), date(2026, 3, 5))
    once = world.person(COUNTY_B)
    world.hire(once, post, date(2026, 3, 20))
    last_year = world.person()
    world.hire(last_year, post, date(2025, 12, 31))

    assert value(report(world), "newly_employed") == 2
    assert value(report(world, month=1), "newly_employed", month=True) == 1
    march = report(world, month=3)
    assert value(march, "newly_employed", month=True) == 1  # `twice` was counted in January
    assert value(march, "newly_employed") == 2
    assert value(report(world, month=2), "newly_employed") == 1  # the year to February
    assert value(report(world, 2025), "newly_employed") == 1
    assert listed(world, measure="newly_employed", year=2026, month=3) == [once]
    assert sorted(listed(world, measure="newly_employed", year=2026, month=3, to_date=True)) == [
        twice,
        once,
    ]


def test_entries_into_work_from_courses_and_ledgers_count_and_meet_hires_once(
    world: World,
) -> None:
    course = world.course()
    trained = world.person()
    world.referral(
        trained,
        {"referred": date(2025, 9, 1), "enrolled": date(2025, 9, 2),
         "completed": date(2025, 12, 1), "employed_6m": date(2026, 2, 1)},
        course=course,
    )  # fmt: skip
    graduate = world.person(graduate=True)
    world.ledger(graduate, 2025, [("in_school", date(2025, 3, 1)), ("unemployed", date(2025, 7, 1)),
                                  ("employed", date(2026, 4, 2))])  # fmt: skip
    world.hire(graduate, world.vacancy(), date(2026, 4, 1))
    seeking = world.person()  # enrolled only: not an entry into work
    world.referral(seeking, {"referred": date(2026, 1, 1), "enrolled": date(2026, 1, 5)},
                   course=course)  # fmt: skip

    found = report(world, month=4)
    assert value(found, "newly_employed") == 2
    assert value(found, "newly_employed", month=True) == 1
    rows = listed(world, measure="newly_employed", year=2026)
    assert sorted(rows) == sorted([trained, graduate])


def test_days_are_liaocheng_days(world: World) -> None:
    """17:30 UTC on 28 February is 01:30 on 1 March in Liaocheng."""
    person = world.person()
    world.hire(person, world.vacancy(), datetime(2026, 2, 28, 17, 30, tzinfo=UTC))
    assert value(report(world, month=2), "newly_employed", month=True) == 0
    assert value(report(world, month=3), "newly_employed", month=True) == 1


def test_auxiliary_and_public_welfare_posts(world: World) -> None:
    channel = world.person()
    world.hire(channel, world.vacancy(channel="auxiliary"), date(2026, 2, 1))
    centre = world.person()
    world.hire(centre, world.vacancy(kind="auxiliary_center"), date(2026, 2, 1))
    welfare = world.person()
    world.hire(welfare, world.vacancy(channel="public_welfare"), date(2026, 2, 1))
    fallback = world.person(graduate=True)
    world.ledger(fallback, 2025, [("unemployed", date(2025, 7, 1)),
                                  ("public_welfare", date(2026, 3, 1))])  # fmt: skip
    world.hire(world.person(), world.vacancy(), date(2026, 2, 1))

    found = report(world)
    assert value(found, "auxiliary_employment") == 2
    assert value(found, "public_welfare") == 2
    assert value(found, "newly_employed") == 5
    assert sorted(listed(world, measure="auxiliary_employment", year=2026)) == [channel, centre]


def test_training_enrolments_and_completions(world: World) -> None:
    course, other = world.course(), world.course(COUNTY_B)
    both = world.person()
    world.referral(both, {"referred": date(2026, 1, 2), "enrolled": date(2026, 1, 3),
                          "completed": date(2026, 2, 20)}, course=course)  # fmt: skip
    world.referral(both, {"referred": date(2026, 3, 2), "enrolled": date(2026, 3, 3)},
                   course=other)  # fmt: skip
    dropped = world.person(COUNTY_B)
    world.referral(dropped, {"referred": date(2026, 1, 2), "enrolled": date(2026, 1, 4),
                             "dropped": date(2026, 1, 9)}, course=other)  # fmt: skip
    found = report(world)
    assert value(found, "training_enrolled") == 2
    assert value(found, "training_completed") == 1
    assert value(report(world, county=COUNTY_B), "training_enrolled") == 1


# States: the employment rate and its working age ----------------------------------------------


def test_employment_rate_counts_certified_working_age_persons_not_at_school(
    world: World,
) -> None:
    world.person(born=date(2010, 6, 15), status="employed")  # 16 today: in
    world.person(born=date(2010, 6, 16), status="employed")  # 15 until tomorrow: out
    world.person(born=date(1966, 6, 16), status="seeking")  # 59 until tomorrow: in
    world.person(born=date(1966, 6, 15), status="flexible")  # 60 today: out
    world.person(status="auxiliary")
    world.person(status="not_seeking")
    world.person(status="employed", certified=False)  # no certificate: out
    world.person(status="studying")  # at school: out
    world.person(status="employed", registered=date(2026, 6, 16))  # registered later: out

    rate = report(world).measure("employment_rate").year_to_date
    assert (rate.numerator, rate.denominator) == (2, 4)
    assert rate.value == pytest.approx(0.5)
    narrower = report(world, working_age=(18, 45)).measure("employment_rate").year_to_date
    assert (narrower.numerator, narrower.denominator) == (1, 2)


def test_working_age_comes_from_the_settings_and_is_checked() -> None:
    settings = Settings(working_age_min=18, working_age_max=45)
    assert (settings.working_age_min, settings.working_age_max) == (18, 45)
    with pytest.raises(SettingsError, match="WORKING_AGE_MIN"):
        Settings(working_age_min=60, working_age_max=59)


def test_the_rate_and_the_base_register_exist_only_for_a_period_holding_today(
    world: World,
) -> None:
    world.person(status="employed")
    world.base()
    for past in (report(world, 2025), report(world, month=5)):
        for key in ("employment_rate", "training_bases"):
            figure = past.measure(key).year_to_date
            assert figure.value is None and figure.reason is not None
            assert figure.reason.code == "no_history" and figure.reason.message_zh
            assert past.measure(key).pace is None
    assert value(report(world, month=6), "employment_rate") == 1.0


def test_graduates_employment_uses_the_status_history_at_the_period_end(world: World) -> None:
    hired = world.person(graduate=True)
    world.ledger(hired, 2026, [("in_school", date(2025, 9, 1)), ("unemployed", date(2026, 5, 1)),
                               ("employed", date(2026, 6, 1))])  # fmt: skip
    study = world.person(graduate=True)
    world.ledger(study, 2026, [("in_school", date(2025, 9, 1)),
                               ("further_study", date(2026, 5, 1))])  # fmt: skip
    looking = world.person(graduate=True)
    world.ledger(looking, 2026, [("in_school", date(2025, 9, 1)),
                                 ("unemployed", date(2026, 5, 1))])  # fmt: skip
    older = world.person(graduate=True)
    world.ledger(older, 2025, [("unemployed", date(2025, 7, 1))])

    may = report(world, month=5).measure("graduates_employed").year_to_date
    assert (may.numerator, may.denominator) == (0, 2)
    june = report(world, month=6).measure("graduates_employed").year_to_date
    assert (june.numerator, june.denominator, june.value) == (1, 2, 0.5)
    april = report(world, month=4).measure("graduates_employed").year_to_date
    assert april.value is None and april.reason is not None
    assert april.reason.code == "no_denominator"


def test_bases_cover_the_counties_and_the_zones_have_no_target(world: World) -> None:
    world.base(COUNTY_A)
    world.base(COUNTY_A)
    world.base("Z-ETDZ")
    city = report(world).measure("training_bases")
    assert (city.year_to_date.numerator, city.year_to_date.denominator) == (1, 8)
    assert city.target is not None and city.target.value == 8
    assert city.pace is not None and city.pace.gap == 7 and not city.pace.on_track
    county = report(world, county=COUNTY_A).measure("training_bases")
    assert county.year_to_date.value == 1 and county.pace is not None and county.pace.on_track
    zone = report(world, county="Z-ETDZ").measure("training_bases")
    assert zone.target is None and zone.target_reason is not None
    assert len(listed(world, measure="training_bases", year=2026)) == 2


# Reasons, targets and pace ---------------------------------------------------------------------


def test_a_period_not_begun_or_before_the_records_has_reasons_not_zeros(world: World) -> None:
    person = world.person()
    world.referral(person, {"referred": date(2025, 11, 1), "hired": date(2025, 12, 1)},
                   vacancy=world.vacancy())  # fmt: skip
    future = report(world, 2026, 7).measure("newly_employed")
    assert future.year_to_date.value is None and future.year_to_date.reason is not None
    assert future.year_to_date.reason.code == "period_not_begun"
    assert future.month is not None and future.month.reason is not None
    before = report(world, 2024).measure("newly_employed").year_to_date
    assert before.value is None and before.reason is not None
    assert before.reason.code == "before_records" and "2025-11-01" in before.reason.message
    assert value(report(world, 2025), "newly_employed") == 1


def test_targets_are_yearly_rates_of_the_plan_and_county_lines_its_population_share() -> None:
    city = DEFAULT_PLAN.line("newly_employed", 2026, None)
    county = DEFAULT_PLAN.line("newly_employed", 2026, COUNTY_A)
    within = DEFAULT_PLAN.line("newly_employed", 2023, None)
    assert isinstance(city, TargetLine) and isinstance(county, TargetLine)
    assert isinstance(within, TargetLine) and "carried forward" not in within.basis
    assert city.value == pytest.approx(2000) and "carried forward" in city.basis
    assert county.value == pytest.approx(2000 * 1000 / 5910)
    none = DEFAULT_PLAN.line("public_welfare", 2026, None)
    assert isinstance(none, Reason) and none.code == "no_target"


def test_pace_of_a_count_and_of_a_rate(world: World) -> None:
    for _ in range(3):  # without certificates, so outside the rate below
        world.hire(world.person(certified=False), world.vacancy(), date(2026, 1, 5))
    pace = report(world, month=3).measure("newly_employed").pace
    assert pace is not None
    assert pace.expected == pytest.approx(500)  # 2,000 × 3 / 12
    assert pace.gap == pytest.approx(1997)
    assert pace.per_month == pytest.approx(1997 / 9) and not pace.on_track
    # the running year stands at today (15 June: 5.5 months), not at its end
    whole = report(world, 2026).measure("newly_employed").pace
    assert whole is not None and whole.expected == pytest.approx(2000 * 5.5 / 12)
    assert whole.per_month == pytest.approx(1997 / 6.5) and whole.reason is None
    # on 5 December the rest of December is left, not nothing
    december = report(world, month=12, today=date(2026, 12, 5)).measure("newly_employed").pace
    assert december is not None and december.per_month == pytest.approx(1997 / (1 - 5 / 31))
    # a year that is over has no month left
    over = report(world, 2026, today=date(2027, 1, 3)).measure("newly_employed").pace
    assert over is not None and over.per_month is None and over.reason is not None
    assert over.reason.code == "year_over" and over.expected == pytest.approx(2000)

    for status in ("employed", "seeking", "seeking", "seeking"):
        world.person(status=status)
    rate = report(world, month=6).measure("employment_rate")
    assert rate.pace is not None  # 55% of 4 is 2.2: 3 employed are needed, 2 more
    assert rate.pace.gap == 2 and not rate.pace.on_track


def test_breakdowns_split_the_figure_and_link_each_group(world: World) -> None:
    post = world.vacancy()
    world.hire(world.person(category="1", sex="F", hukou="rural"), post, date(2026, 2, 1))
    world.hire(world.person(category="1"), post, date(2026, 2, 1))
    world.hire(world.person(category="4", county=COUNTY_B), post, date(2026, 2, 1))
    found = report(world, breakdown="category").measure("newly_employed")
    groups = {g.group: g.year_to_date.value for g in found.groups}
    assert groups["1"] == 2 and groups["4"] == 1 and groups["7"] == 0
    assert sum(v or 0 for v in groups.values()) == found.year_to_date.value
    by_county = report(world, breakdown="county").measure("newly_employed").groups
    assert {g.group: g.year_to_date.value for g in by_county}[COUNTY_B] == 1
    hukou = {g.group: g.year_to_date.value for g in report(world, breakdown="hukou")
             .measure("newly_employed").groups}  # fmt: skip
    assert hukou == {"urban": 2, "rural": 1}
    link = next(g.link for g in found.groups if g.group == "1")
    assert link is not None and "breakdown=category&group=1" in link
    assert len(listed(world, measure="newly_employed", year=2026, breakdown="category",
                      group="1")) == 2  # fmt: skip
    with pytest.raises(ValidationError):
        report(world, breakdown="religion")


def test_the_report_is_json(world: World) -> None:
    world.hire(world.person(), world.vacancy(), date(2026, 1, 5))
    text = json.dumps(report(world, month=6, breakdown="sex").to_dict(), ensure_ascii=False)
    back = json.loads(text)
    assert back["measures"][0]["key"] == "newly_employed"
    assert back["measures"][0]["year_to_date"]["value"] == 1


# Access ----------------------------------------------------------------------------------------


def test_analysts_get_aggregates_without_person_lists(world: World) -> None:
    world.hire(world.person(), world.vacancy(), date(2026, 1, 5))
    world.base()
    found = report(world, caller=ANALYST, month=6)
    assert value(found, "newly_employed") == 1
    assert found.measure("newly_employed").link is None
    assert found.measure("training_bases").link is not None  # bases are not persons
    with pytest.raises(ForbiddenError):
        listed(world, ANALYST, measure="newly_employed", year=2026)
    assert len(listed(world, ANALYST, measure="training_bases", year=2026)) == 1
    with pytest.raises(ForbiddenError):
        report(world, caller=Caller(5, "org", "fair_organizer"))


def test_county_users_see_their_county_only(world: World) -> None:
    post = world.vacancy()
    mine = world.person(COUNTY_A)
    world.hire(mine, post, date(2026, 1, 5))
    world.hire(world.person(COUNTY_B), post, date(2026, 1, 5))
    own = report(world, caller=COUNSELOR_A)
    assert own.county == COUNTY_A and value(own, "newly_employed") == 1
    assert value(report(world), "newly_employed") == 2
    with pytest.raises(NotFoundError):
        report(world, caller=COUNSELOR_A, county=COUNTY_B)
    with pytest.raises(NotFoundError):
        listed(world, COUNSELOR_A, measure="newly_employed", year=2026, county=COUNTY_B)
    assert listed(world, COUNSELOR_A, measure="newly_employed", year=2026) == [mine]
    by_county = report(world, caller=COUNSELOR_A, breakdown="county").measure("newly_employed")
    assert [g.group for g in by_county.groups] == [COUNTY_A]


def test_a_case_workers_list_holds_only_graduates(world: World) -> None:
    post = world.vacancy()
    graduate = world.person(graduate=True)
    world.hire(graduate, post, date(2026, 1, 5))
    world.hire(world.person(), post, date(2026, 1, 5))
    assert value(report(world, caller=WORKER_A), "newly_employed") == 2
    assert listed(world, WORKER_A, measure="newly_employed", year=2026) == [graduate]


def test_lists_mask_id_numbers(world: World) -> None:
    person = world.person()
    world.hire(person, world.vacancy(), date(2026, 1, 5))
    with world.sessions() as session:
        answer = progress_records(session, ADMIN, measure="newly_employed", year=2026, today=TODAY)
    (row,) = answer.page.items
    assert row.id_number == "990000********0001"
    assert row.detail_zh.startswith("已入职") and row.day == date(2026, 1, 5)
    with pytest.raises(ValidationError):
        listed(world, measure="happiness", year=2026)
