"""/api/progress over the served test city, on SQLite and PostgreSQL: figures recounted from the
city's own tables, each figure equal to its list, county scope, analysts without person lists,
and bad input answered 422 in the house shape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import polars as pl
import pytest

from serving.api.routers.progress import report_day
from tests import api_city
from tests.api_city import COUNTY_A, COUNTY_B, served_city
from tests.conftest import database_of_kind
from tests.test_api_ledgers import City

TODAY = date(2026, 10, 31)  # the test city is dated 1 November 2026: its last day of records


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    from matching.storage import make_engine

    folder: Path = tmp_path_factory.mktemp("progress")
    with database_of_kind(request.param, folder) as url:
        engine = make_engine(url)
        try:
            with served_city(engine, folder) as client:
                client.app.dependency_overrides[report_day] = lambda: TODAY  # type: ignore[attr-defined]
                yield City(client, engine, {})
        finally:
            engine.dispose()


def measure(answer: dict[str, Any], key: str) -> dict[str, Any]:
    return next(m for m in answer["measures"] if m["key"] == key)


def ok(city: City, url: str, username: str = "admin", **params: Any) -> dict[str, Any]:
    answer = city.get(url, username, **params)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def whole_list(city: City, link: str, username: str = "admin") -> list[dict[str, Any]]:
    path, _, query = link.partition("?")
    params = dict(parse_qsl(query))  # httpx's params would replace the link's query
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = ok(city, path, username, **params, page=page, page_size=100)
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1


def frames() -> dict[str, pl.DataFrame]:
    return api_city.test_city().frames


def enrolled_persons(start: date, end: date, county: str | None = None) -> set[int]:
    """Persons with a course enrolment recorded on a local day from ``start`` to ``end``."""
    events = frames()["referral_events"].filter(pl.col("stage") == "enrolled")
    days = events.with_columns(day=(pl.col("at") + pl.duration(hours=8)).dt.date())  # UTC+8
    persons = frames()["persons"].select(pl.col("id").alias("person_id"), "county")
    found = (
        days.filter(pl.col("day").is_between(start, end))
        .join(
            frames()["referrals"].select(pl.col("id").alias("referral_id"), "person_id"),
            on="referral_id",
        )
        .join(persons, on="person_id")
    )
    if county:
        found = found.filter(pl.col("county") == county)
    return set(found["person_id"].to_list())


def test_figures_are_recounted_from_the_city_and_equal_their_lists(city: City) -> None:
    body = ok(city, "/api/progress", year=2026, month=10)
    assert (body["through"], body["county"], body["county_zh"]) == ("2026-10-31", None, "全市")
    enrolled = measure(body, "training_enrolled")
    first_of_year = enrolled_persons(date(2026, 1, 1), TODAY)
    assert enrolled["year_to_date"]["value"] == len(first_of_year) > 0
    before_october = enrolled_persons(date(2026, 1, 1), date(2026, 9, 30))
    assert enrolled["month"]["value"] == len(first_of_year - before_october)
    for key in ("newly_employed", "training_enrolled", "auxiliary_employment"):
        found = measure(body, key)
        rows = whole_list(city, found["link"])
        assert len(rows) == found["year_to_date"]["value"] == found["year_to_date"]["listed"]
        assert len({row["person_id"] for row in rows}) == len(rows)  # once per person
        assert len(whole_list(city, found["month_link"])) == found["month"]["value"]


def test_the_employment_rate_is_recounted_from_the_register(city: City) -> None:
    persons = frames()["persons"]
    youngest = date(TODAY.year - 16, TODAY.month, TODAY.day)
    oldest = date(TODAY.year - 60, TODAY.month, TODAY.day) + timedelta(days=1)
    population = persons.filter(
        pl.col("certificate_number").is_not_null(),
        pl.col("registered_on") <= TODAY,
        pl.col("birth_date").is_between(oldest, youngest),
        pl.col("employment_status") != "studying",
    )
    employed = population.filter(pl.col("employment_status").is_in(["employed", "flexible",
                                                                    "auxiliary"]))  # fmt: skip
    rate = measure(ok(city, "/api/progress", year=2026, month=10), "employment_rate")
    figure = rate["year_to_date"]
    assert (figure["numerator"], figure["denominator"]) == (employed.height, population.height)
    assert rate["target"]["value"] == 0.55 and rate["pace"]["on_track"] == (figure["value"] >= 0.55)
    september = measure(ok(city, "/api/progress", year=2026, month=9), "employment_rate")
    assert september["year_to_date"]["value"] is None
    assert september["year_to_date"]["reason"]["code"] == "no_history"


def test_the_county_breakdown_adds_up_to_the_city(city: City) -> None:
    body = ok(city, "/api/progress", year=2026, breakdown="county")
    for key in ("newly_employed", "training_completed", "public_welfare"):
        found = measure(body, key)
        parts = [group["year_to_date"]["value"] for group in found["groups"]]
        assert len(parts) == 11 and sum(parts) == found["year_to_date"]["value"]


def test_county_users_get_their_own_county_only(city: City) -> None:
    own = ok(city, "/api/progress", "county_a", year=2026, month=10)
    assert own["county"] == COUNTY_A
    city_wide = ok(city, "/api/progress", year=2026, month=10, county=COUNTY_A)
    assert own["measures"] == city_wide["measures"]
    refused = city.get("/api/progress", "county_a", year=2026, county=COUNTY_B)
    assert refused.status_code == 404 and refused.json()["message_zh"]
    refused = city.get("/api/progress/records", "county_a", measure="newly_employed",
                       year=2026, county=COUNTY_B)  # fmt: skip
    assert refused.status_code == 404
    link = measure(own, "training_enrolled")["link"]
    rows = whole_list(city, link, "county_a")
    assert rows and {row["county"] for row in rows} == {COUNTY_A}
    assert len(rows) == len(enrolled_persons(date(2026, 1, 1), TODAY, COUNTY_A))


def test_lists_mask_id_numbers(city: City) -> None:
    link = measure(ok(city, "/api/progress", year=2026), "newly_employed")["link"]
    rows = whole_list(city, link)
    numbers = dict(frames()["persons"].select("id", "id_number").iter_rows())
    for row in rows:
        full = numbers[row["person_id"]]
        assert row["id_number"] != full and full[6:14] not in row["id_number"]
        assert row["id_number"][:6] == full[:6] and row["id_number"][-4:] == full[-4:]


def test_analysts_get_aggregates_and_the_base_list_only(city: City) -> None:
    body = ok(city, "/api/progress", "analyst", year=2026, month=10)
    assert measure(body, "newly_employed")["year_to_date"]["value"] > 0
    assert all(m["link"] is None for m in body["measures"] if m["key"] != "training_bases")
    refused = city.get("/api/progress/records", "analyst", measure="newly_employed", year=2026)
    assert refused.status_code == 403 and refused.json()["error"] == "ForbiddenError"
    bases = ok(city, "/api/progress/records", "analyst", measure="training_bases", year=2026)
    in_counties = frames()["training_bases"].filter(~pl.col("county").str.starts_with("Z-"))
    assert bases["total"] == in_counties.height > 0  # the zones have no base target
    assert all(row["person_id"] is None for row in bases["items"])
    assert city.get("/api/progress", "organiser", year=2026).status_code == 403
    assert city.client.get("/api/progress").status_code == 401


def test_a_period_not_begun_has_reasons_not_zeros(city: City) -> None:
    body = ok(city, "/api/progress", year=2027)
    for found in body["measures"]:
        figure = found["year_to_date"]
        assert figure["value"] is None and figure["reason"]["code"] == "period_not_begun"
    empty = ok(city, "/api/progress/records", measure="newly_employed", year=2027)
    assert empty["total"] == 0 and empty["reason"]["code"] == "period_not_begun"


@pytest.mark.parametrize(
    "params",
    [
        {"year": 2026, "month": 13},
        {"year": 1999},
        {"year": 2026, "breakdown": "religion"},
        {"year": 2026, "county": "北京"},
    ],
)
def test_bad_input_is_a_422_in_the_house_shape(city: City, params: dict[str, Any]) -> None:
    answer = city.get("/api/progress", "admin", **params)
    assert answer.status_code == 422 and answer.json()["message"]


def test_bad_list_queries_are_422(city: City) -> None:
    for params in (
        {"measure": "happiness", "year": 2026},
        {"measure": "newly_employed", "year": 2026, "group": "1"},
        {"measure": "newly_employed", "year": 2026, "page_size": 1000},
    ):
        answer = city.get("/api/progress/records", "admin", **params)
        assert answer.status_code == 422, params
        assert answer.json()["message"]
