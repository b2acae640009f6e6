"""Background jobs: queue a fair's pre-match or the nightly batch, follow any job.

``POST /api/fairs/{id}/prematch/jobs`` answers 202 at once with the job and its URL
(``Location``); ``GET /api/jobs/{id}`` tells how it goes (queued → running → done | failed) and,
once done, where its result is read. The synchronous ``POST /api/fairs/{id}/prematch`` stays
for integrations that want the result in the answer. ``POST /api/batch/jobs`` (admins) runs
``jobmatch batch recommend --engine dask`` on the jobs' cluster; ``POST /api/snapshot/jobs``
(admins) rebuilds the serving snapshot from rows read on it. Who follows which job:
``matching.background_jobs`` (another county's job is answered 404, as a missing one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Response

from matching.access import ROLES_FOR, Act, Caller
from matching.background_jobs import get_job, list_jobs
from matching.codes import USER_ROLES
from serving.api.deps import JobsDep, ServiceDep, SessionsDep, SettingsDep
from serving.api.paging import PageNumber, PageSize
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.fairs_answers import day_of, errors
from serving.api.schemas.common import IdText
from serving.api.schemas.fairs import PrematchIn
from serving.api.schemas.jobs import BatchIn, JobOut, JobPage, job_out
from serving.api.security import require_roles
from serving.services.job_tasks import submit_batch, submit_prematch, submit_snapshot

router = APIRouter(tags=["jobs"], route_class=AllowRoute)
Operator = Annotated[Caller, Depends(require_roles(*ROLES_FOR[Act.OPERATE]))]
Organiser = Annotated[Caller, Depends(require_roles(*ROLES_FOR[Act.ORGANISE]))]
Follower = Annotated[Caller, Depends(require_roles(*USER_ROLES.codes))]
JobId = Annotated[IdText, Path(description="job id")]
FairId = Annotated[IdText, Path(description="fair id")]


@router.post(
    "/fairs/{fair_id}/prematch/jobs",
    status_code=202,
    response_model=JobOut,
    responses=errors(400, 401, 403, 404, 409, 422),
)
def queue_prematch(
    response: Response,
    sessions: SessionsDep,
    settings: SettingsDep,
    runner: JobsDep,
    fair_id: FairId,
    caller: Organiser,
    body: Annotated[PrematchIn | None, Body()] = None,
) -> JobOut:
    """Pre-match the fair in the background (as ``POST /api/fairs/{id}/prematch`` does, same
    body); follow the job at ``Location``. 409 for a fair without candidates or booths. While
    the fair's pre-match is queued or running, that job is answered instead of a second one."""
    given = body or PrematchIn()
    day, rule = day_of(given)
    job = submit_prematch(
        sessions, runner, settings, caller, fair_id, day, rule, given.model_dump(mode="json")
    )
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return job_out(job)


@router.post(
    "/batch/jobs", status_code=202, response_model=JobOut, responses=errors(400, 401, 403, 422)
)
def queue_batch(
    response: Response,
    sessions: SessionsDep,
    settings: SettingsDep,
    runner: JobsDep,
    caller: Operator,
    body: Annotated[BatchIn | None, Body()] = None,
) -> JobOut:
    """Rank tonight's lists of every registered person (``persons``: the first N by county and
    id) in the background, resuming tonight's blocks already written; follow the job at
    ``Location`` (``done``/``total``: blocks). While a batch is queued or running, that job is
    answered instead of a second one."""
    limit = None if body is None else body.persons
    at = datetime.now(UTC).replace(microsecond=0)
    job = submit_batch(sessions, runner, settings, caller, limit, at)
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return job_out(job)


@router.post(
    "/snapshot/jobs", status_code=202, response_model=JobOut, responses=errors(401, 403, 422)
)
def queue_snapshot(
    response: Response,
    sessions: SessionsDep,
    runner: JobsDep,
    state: ServiceDep,
    caller: Operator,
) -> JobOut:
    """Re-read the database now and swap the new serving snapshot in (the service also does it
    by itself when the database changed, every ``JOBMATCH_SNAPSHOT_REFRESH_SECONDS``); the rows
    are read on the jobs' cluster. ``result.persons``: persons in the new snapshot."""
    job = submit_snapshot(sessions, runner, state, caller)
    response.headers["Location"] = f"/api/jobs/{job.id}"
    return job_out(job)


@router.get("/jobs", response_model=JobPage, responses=errors(401, 403, 422))
def jobs(
    sessions: SessionsDep, caller: Follower, page: PageNumber = 1, page_size: PageSize = 20
) -> JobPage:
    """The jobs you may follow, newest first."""
    with sessions() as session:
        found = list_jobs(session, caller, page=page, page_size=page_size)
        items = [job_out(job) for job in found.items]
    return JobPage(total=found.total, page=page, page_size=page_size, items=items)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=errors(401, 403, 404, 422))
def job(sessions: SessionsDep, job_id: JobId, caller: Follower) -> JobOut:
    """How the job goes; once done, ``result`` and ``result_url``; once failed, why."""
    with sessions() as session:
        return job_out(get_job(session, job_id, caller))
