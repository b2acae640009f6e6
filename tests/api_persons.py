"""Add one person (and an assessment) to a served test database, as a registration would.

``add_person(engine, county)`` copies a test-city person of that county under a new ID number
and gives them an assessment scoring ``scores`` on every dimension. ``UNFIT`` (all scores 0,
living far outside the city) leaves no vacancy eligible in the test city: only home-based work
is in reach, and each of those asks for 3 or more in some dimension.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

from sqlalchemy import Engine, insert

from matching import codes
from matching.storage import Assessment, Person
from tests.api_city import persons_of

ASSESSED_ON = date(2026, 11, 1)  # known from the next day on: before any request in the tests
_serial = count(1)


UNFIT: dict[str, object] = {"scores": 0, "latitude": 30.0, "longitude": 100.0, "commute_km": 1}


def add_person(engine: Engine, county: str, *, scores: object = 2, **columns: object) -> int:
    """A new person of ``county`` with an assessment (``scores`` None: none) and ``columns``
    of the persons table changed; returns the id."""
    template = persons_of(county).row(0, named=True)
    serial = next(_serial)
    values = {name: value for name, value in template.items() if name != "id"} | columns
    values |= {
        "id_number": f"99000019000101{serial:04d}",  # no real region: never a city person's
        "certificate_number": f"T{serial:08d}",
        "name": f"测试{serial}",
    }
    with engine.begin() as connection:
        inserted = connection.execute(insert(Person).values(values)).inserted_primary_key
        assert inserted is not None
        person_id = int(inserted[0])
        if scores is not None:
            connection.execute(
                insert(Assessment).values(
                    person_id=person_id,
                    assessed_on=ASSESSED_ON,
                    sustainable_hours=Decimal(8),
                    **dict.fromkeys(codes.ASSESSMENT_DIMENSIONS.codes, scores),
                )
            )
    return person_id
