"""Background jobs on pages: a job's status page, which reloads itself until the job ends, the
list of the jobs the caller may follow (``matching.background_jobs``), and for administrators
the buttons that run tonight's batch or rebuild the serving snapshot now.

The page reloads through the HTTP ``Refresh`` header, without script, every
``REFRESH_SECONDS`` while the job is queued or running; ``?auto=0`` (a link on the page) turns
that off and offers a button instead, so nobody is made to re-hear a page every few seconds
(WCAG 2.2.2). A ``<meta http-equiv="refresh">`` would do the same, but axe refuses it as it
cannot see the off switch. Once the job ends the page shows its result's link or why it failed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from matching.access import ROLES_FOR, Act, Caller
from matching.background_jobs import get_job, list_jobs
from matching.errors import ForbiddenError
from serving.api.deps import JobsDep, ServiceDep, SessionsDep, SettingsDep
from serving.api.schemas.common import RecordId
from serving.api.schemas.jobs import job_out
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import date_zh, render
from serving.services.job_tasks import submit_batch, submit_snapshot

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 3
PAGE_SIZE = 20
RESULT_PAGES = {"prematch": ("/fairs/{subject_id}/prematch?done=1", "查看预匹配结果")}
BACK_PAGES = {"prematch": ("/fairs/{subject_id}#prematch", "返回招聘会")}
OPERATORS = ROLES_FOR[Act.OPERATE]
OPERATORS_ONLY_ZH = "仅管理员可以运行全市夜间批量推荐或重建推荐数据"
CHINA = timezone(timedelta(hours=8), "CST")  # times as the office reads them


def local_time(moment: datetime | None) -> str:
    """A stored moment (UTC; SQLite gives it back without its zone) in China time."""
    if moment is None:
        return "—"
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return date_zh(aware.astimezone(CHINA))


def _links(kind: str, subject_id: int | None, table: dict[str, tuple[str, str]]) -> Any:
    found = table.get(kind)
    if found is None or subject_id is None:
        return None
    return {"href": found[0].format(subject_id=subject_id), "text": found[1]}


@router.get("/jobs/{job_id}")
def job_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    job_id: RecordId,
    auto: Annotated[int, Query(ge=0, le=1)] = 1,
) -> Response:
    """One job: status, times, progress; the result's link once done, the reason if failed."""
    with sessions() as session:
        job = job_out(get_job(session, job_id, caller))
    running = job.status in ("queued", "running")
    context = {
        "job": job,
        "running": running,
        "auto": bool(auto),
        "refresh_seconds": REFRESH_SECONDS,
        "result_link": _links(job.kind, job.subject_id, RESULT_PAGES),
        "back_link": _links(job.kind, job.subject_id, BACK_PAGES),
        "times": {
            name: local_time(getattr(job, name))
            for name in ("created_at", "started_at", "finished_at")
        },
    }
    response = render(request, "job.html", context, caller=caller)
    if running and auto:
        response.headers["Refresh"] = str(REFRESH_SECONDS)
    return response


@router.get("/jobs")
def jobs_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The jobs the caller may follow, newest first."""
    with sessions() as session:
        found = list_jobs(session, caller, page=page, page_size=PAGE_SIZE)
        items = [job_out(job) for job in found.items]
    context = {
        "jobs": items,
        "page": page,
        "pages": max(1, -(-found.total // PAGE_SIZE)),
        "total": found.total,
        "local_time": local_time,
        "operator": caller.role in OPERATORS,
    }
    return render(request, "jobs.html", context, caller=caller)


def _operator(caller: Caller) -> None:
    if caller.role not in OPERATORS:
        raise ForbiddenError(f"role {caller.role} may not run operations jobs", OPERATORS_ONLY_ZH)


@router.post("/jobs/batch")
def queue_batch_form(
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    settings: SettingsDep,
    runner: JobsDep,
) -> Response:
    """Tonight's batch for every registered person, as ``POST /api/batch/jobs``."""
    _operator(caller)
    at = datetime.now(UTC).replace(microsecond=0)
    job = submit_batch(sessions, runner, settings, caller, None, at)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.post("/jobs/snapshot")
def queue_snapshot_form(
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    runner: JobsDep,
    state: ServiceDep,
) -> Response:
    """Rebuild the serving snapshot now, as ``POST /api/snapshot/jobs``."""
    _operator(caller)
    job = submit_snapshot(sessions, runner, state, caller)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)
