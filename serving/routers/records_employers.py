"""Employers and their vacancies under /api: search, read, create, update.

Every staff role reads them (they are no personal data); admins write any, counselors those of
their own county (403 otherwise, also for moving one to another county).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from matching import records
from serving.routers.records_common import (
    CATALOG_WRITERS,
    STAFF,
    County,
    EmployerKind,
    ForeignId,
    OccupationGroup,
    RecordRoute,
    SearchText,
    VacancyChannel,
    VacancyStatus,
    WorkMode,
)
from serving.routers.records_routes import RecordApi, Search, add_record_routes
from serving.schemas.employers import EmployerChanges, EmployerCreate, EmployerRecord
from serving.schemas.vacancies import VacancyChanges, VacancyCreate, VacancyRecord

router = APIRouter(tags=["employers and vacancies"], route_class=RecordRoute)
CreditCode = Annotated[
    str | None, Query(max_length=18, pattern=r"^[0-9A-Za-z]*$", description="exact credit code")
]

EMPLOYERS = RecordApi(
    noun="employer",
    path="/employers",
    record=EmployerRecord,
    create=EmployerCreate,
    changes=EmployerChanges,
    readers=STAFF,
    writers=CATALOG_WRITERS,
    get=records.get_employer,
    add=records.create_employer,
    change=records.update_employer,
    docs={
        "create_employer": "Register an employer; validated exactly like one row of an "
        "employers import."
    },
)
VACANCIES = RecordApi(
    noun="vacancy",
    path="/vacancies",
    record=VacancyRecord,
    create=VacancyCreate,
    changes=VacancyChanges,
    readers=STAFF,
    writers=CATALOG_WRITERS,
    get=records.get_vacancy,
    add=records.create_vacancy,
    change=records.update_vacancy,
    docs={
        "create_vacancy": "Post a vacancy of a stored employer (by credit code); validated "
        "like an import row."
    },
)
add_record_routes(
    router,
    EMPLOYERS,
    Search(
        params={
            "county": Annotated[County | None, Query(description="county code")],
            "kind": Annotated[EmployerKind | None, Query()],
            "name": SearchText,
            "credit_code": CreditCode,
        },
        filters=records.EmployerFilters,
        run=records.search_employers,
        doc="Employers matching every filter given, by id.",
    ),
)
add_record_routes(
    router,
    VACANCIES,
    Search(
        params={
            "county": Annotated[County | None, Query(description="county code of the workplace")],
            "occupation": OccupationGroup,
            "status": Annotated[VacancyStatus | None, Query()],
            "channel": Annotated[VacancyChannel | None, Query()],
            "work_mode": Annotated[WorkMode | None, Query()],
            "employer_id": ForeignId,
            "reserved_for_disabled": Annotated[bool | None, Query()],
            "graduate_oriented": Annotated[bool | None, Query()],
            "title": SearchText,
        },
        filters=records.VacancyFilters,
        run=records.search_vacancies,
        doc="Vacancies matching every filter given, by id.",
    ),
)
