"""The records API (persons, assessments, employers, vacancies, courses, uploads) as one
router for the app to include under /api."""

from __future__ import annotations

from fastapi import APIRouter

from serving.api.routers import (
    records_courses,
    records_employers,
    records_imports,
    records_persons,
    records_vacancies,
)

router = APIRouter()
for part in (
    records_persons,
    records_employers,
    records_vacancies,
    records_courses,
    records_imports,
):
    router.include_router(part.router)
