"""Background jobs as the domain sees them: who may follow which job, and the steps of its life.

A job is asked for by a user (``submit_job``: ``queued``), picked up by a worker
(``start_job``: ``running``, with ``done``/``total`` as it goes), and ends ``done`` with a small
result or ``failed`` with a reason in Chinese. The worker's task writes every step itself;
``fail_unfinished`` is the app's word for a task that could not (its worker died, the app that
held it restarted), and never overwrites an outcome the task wrote.

Who follows a job (``job_condition``): admins every job; the user who asked for it; and any
user whose role may do the job's act (``matching.access``: ``organise`` for a pre-match,
``operate`` for the batch and a snapshot rebuild) and who sees the job's county. Any other job
is answered like a missing one (404), as for persons.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true, update
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.errors import NotFoundError
from matching.pages import Page, paginate
from matching.storage.base import utcnow
from matching.storage.jobs import UNFINISHED, BackgroundJob

__all__ = [
    "ACT_OF_KIND",
    "KIND_ZH",
    "STATUS_ZH",
    "fail_unfinished",
    "finish_job",
    "get_job",
    "job_condition",
    "latest_job",
    "list_jobs",
    "record_progress",
    "start_job",
    "submit_job",
]

ACT_OF_KIND: dict[str, Act] = {
    "prematch": Act.ORGANISE,
    "batch": Act.OPERATE,
    "snapshot": Act.OPERATE,
}
KIND_ZH = {"prematch": "招聘会预匹配", "batch": "全市夜间批量推荐", "snapshot": "重建推荐数据"}
STATUS_ZH = {
    "queued": "排队等待",
    "running": "正在运行",
    "done": "已完成",
    "failed": "未完成（出错）",
}
JOB_NOT_FOUND_ZH = "未找到该后台任务，或该任务不在您的服务范围内"


def job_condition(caller: Caller) -> ColumnElement[bool]:
    """The jobs ``caller`` may follow, as SQL (see the module's docstring)."""
    if caller.is_admin:
        return true()
    kinds = [kind for kind, act in ACT_OF_KIND.items() if caller.may_act(act)]
    shared = BackgroundJob.kind.in_(kinds) & caller.county_filter(BackgroundJob.county)
    return or_(BackgroundJob.requested_by == caller.username, shared)


def get_job(session: Session, job_id: int, caller: Caller) -> BackgroundJob:
    """The job, if the caller may follow it; 404 otherwise, as for a missing one."""
    job = session.scalar(
        select(BackgroundJob).where(BackgroundJob.id == job_id, job_condition(caller))
    )
    if job is None:
        raise NotFoundError(f"job {job_id} not found in your scope", JOB_NOT_FOUND_ZH)
    return job


def latest_job(
    session: Session, kind: str, subject_id: int, caller: Caller
) -> BackgroundJob | None:
    """The newest job of ``kind`` on ``subject_id`` the caller may follow (a fair's last
    pre-match job), if any."""
    return session.scalars(
        select(BackgroundJob)
        .where(
            BackgroundJob.kind == kind,
            BackgroundJob.subject_id == subject_id,
            job_condition(caller),
        )
        .order_by(BackgroundJob.id.desc())
        .limit(1)
    ).first()


def list_jobs(
    session: Session, caller: Caller, *, page: int, page_size: int
) -> Page[BackgroundJob]:
    """The jobs the caller may follow, newest first."""
    return paginate(
        session,
        BackgroundJob,
        [job_condition(caller)],
        order_by=[BackgroundJob.id.desc()],
        page=page,
        page_size=page_size,
    )


def submit_job(
    session: Session,
    kind: str,
    caller: Caller,
    *,
    county: str | None,
    subject_id: int | None = None,
    parameters: dict[str, Any] | None = None,
) -> tuple[BackgroundJob, bool]:
    """A new queued job, or the same kind's unfinished job on the same subject (a second click
    waits for the first run instead of queueing another): the job, and whether it is new."""
    same = (
        BackgroundJob.subject_id.is_(None)
        if subject_id is None
        else BackgroundJob.subject_id == subject_id
    )
    running = session.scalars(
        select(BackgroundJob)
        .where(BackgroundJob.kind == kind, same, BackgroundJob.status.in_(UNFINISHED))
        .order_by(BackgroundJob.id)
    ).first()
    if running is not None:
        return running, False
    job = BackgroundJob(
        kind=kind,
        status="queued",
        requested_by=caller.username,
        county=county,
        subject_id=subject_id,
        parameters=parameters or {},
        done=0,
    )
    session.add(job)
    session.flush()
    return job, True


def start_job(session: Session, job_id: int, total: int | None = None) -> None:
    """The worker took the job up (a job already ended stays as it is)."""
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status.in_(UNFINISHED))
        .values(status="running", started_at=utcnow(), total=total)
    )


def record_progress(session: Session, job_id: int, done: int, total: int | None) -> None:
    session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status == "running")
        .values(done=done, total=total)
    )


def finish_job(
    session: Session,
    job_id: int,
    *,
    result: dict[str, Any] | None = None,
    failure_zh: str | None = None,
    at: datetime | None = None,
) -> bool:
    """End an unfinished job: ``done`` with ``result``, or ``failed`` with ``failure_zh``.
    False when it had ended already (its first outcome stands)."""
    values: dict[str, Any] = {"finished_at": at or utcnow()}
    if failure_zh is None:
        values |= {"status": "done", "result": result or {}}
    else:
        values |= {"status": "failed", "message_zh": failure_zh[:500]}
    changed = session.execute(
        update(BackgroundJob)
        .where(BackgroundJob.id == job_id, BackgroundJob.status.in_(UNFINISHED))
        .values(**values)
    )
    return bool(changed.rowcount)  # type: ignore[attr-defined]


def fail_unfinished(
    session: Session,
    job_id: int | None,
    reason_zh: str,
    *,
    created_before: datetime | None = None,
) -> int:
    """Mark as failed the unfinished job ``job_id`` (None: every unfinished job asked for before
    ``created_before``, as when an app starts: the jobs of the app before it lost their
    cluster); the number of jobs marked."""
    query = update(BackgroundJob).where(BackgroundJob.status.in_(UNFINISHED))
    if job_id is not None:
        query = query.where(BackgroundJob.id == job_id)
    if created_before is not None:
        query = query.where(BackgroundJob.created_at < created_before)
    changed = session.execute(
        query.values(status="failed", message_zh=reason_zh[:500], finished_at=utcnow())
    )
    return int(changed.rowcount)  # type: ignore[attr-defined]
