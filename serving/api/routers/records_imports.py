"""POST /api/imports/{entity}: upload a CSV or .xlsx file to the import pipeline.

The answer is the import's counts and its reject report as JSON (row, column, reason code,
Chinese message, masked value). Counselors may upload persons, assessments, employers and
vacancies, and rows of other counties are rejected; courses are uploaded by admins. The import
is audited by the pipeline (``import``), a file that cannot be read as ``import_refused``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, UploadFile

from matching.access import Caller
from matching.imports import SPECS
from matching.records import import_upload
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.records_common import PERSON_WRITERS
from serving.api.schemas.common import OneOf, error_responses
from serving.api.schemas.imports import ImportAnswer
from serving.api.security import require_roles

router = APIRouter(tags=["imports"], route_class=AllowRoute)
Uploader = Annotated[Caller, Depends(require_roles(*PERSON_WRITERS))]
Entity = Annotated[
    str,
    OneOf(tuple(SPECS)),
    Path(description="persons, assessments, employers, vacancies or courses"),
]


@router.post(
    "/imports/{entity}",
    response_model=ImportAnswer,
    responses=error_responses(400, 401, 403, 413, 422),
)
def upload_import(
    entity: Entity,
    file: Annotated[UploadFile, File(description=".csv (UTF-8, GBK or UTF-16) or .xlsx")],
    caller: Uploader,
    sessions: SessionsDep,
    settings: SettingsDep,
) -> ImportAnswer:
    """Import the file as ``jobmatch import`` does: valid rows are upserted by natural key,
    every problem is listed (a file that cannot be read at all answers 422, one over a size
    limit of ``matching.imports.limits`` 413)."""
    outcome = import_upload(
        sessions,
        entity,
        file.file,
        file.filename,
        actor=caller.username,
        caller=caller,
        reports_dir=settings.reports_dir,
    )
    return ImportAnswer.of(outcome)
