"""Background jobs in the database, on SQLite and PostgreSQL: the life of a job (a second
submission answers the unfinished one, the first outcome stands, start-up fails what no
worker can still finish) and who may follow which job."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from matching.access import Caller
from matching.background_jobs import (
    fail_unfinished,
    finish_job,
    get_job,
    list_jobs,
    record_progress,
    start_job,
    submit_job,
)
from matching.errors import NotFoundError
from matching.storage import BackgroundJob

COUNTY_A, COUNTY_B = "371502", "371521"
ORGANISER = Caller(1, "organiser", "fair_organizer")
COUNTY_ORGANISER = Caller(2, "organiser_b", "fair_organizer", COUNTY_B)
ADMIN = Caller(3, "admin", "admin")
COUNSELOR = Caller(4, "counselor_a", "counselor", COUNTY_A)
ANALYST = Caller(5, "analyst", "analyst")


def test_a_job_goes_from_queued_to_done_and_its_first_outcome_stands(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        job, new = submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=7)
        again, second = submit_job(session, "prematch", ADMIN, county=COUNTY_A, subject_id=7)
        other, third = submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=8)
        job_id = job.id
    assert new and not second and again.id == job_id  # one run per fair at a time
    assert third and other.id != job_id
    with sessions.begin() as session:
        start_job(session, job_id, total=4)
        record_progress(session, job_id, 3, 4)
    with sessions() as session:
        running = session.get(BackgroundJob, job_id)
        assert running is not None
        assert (running.status, running.done, running.total) == ("running", 3, 4)
        assert running.started_at is not None and running.finished_at is None
    with sessions.begin() as session:
        assert finish_job(session, job_id, result={"interviews": 12})
        assert not finish_job(session, job_id, failure_zh="晚到的失败")  # the first one stands
        assert fail_unfinished(session, job_id, "进程退出") == 0
    with sessions() as session:
        done = session.get(BackgroundJob, job_id)
        assert done is not None and done.status == "done" and done.message_zh is None
        assert done.result == {"interviews": 12} and done.finished_at is not None
    with sessions.begin() as session:  # the fair's next run is a new job
        assert submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=7)[1]


def test_start_up_fails_every_unfinished_job_with_a_reason(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        queued = submit_job(session, "batch", ADMIN, county=None)[0].id
        running = submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=1)[0].id
        start_job(session, running)
        ended = submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=2)[0].id
        finish_job(session, ended, result={})
    with sessions.begin() as session:
        session.get(BackgroundJob, running).created_at = datetime(2026, 12, 1, tzinfo=UTC)  # type: ignore[union-attr]
        session.get(BackgroundJob, queued).created_at = datetime(2026, 12, 1, tzinfo=UTC)  # type: ignore[union-attr]
        later = submit_job(session, "snapshot", ADMIN, county=None)[0]  # the new app's own
        later.created_at = datetime(2026, 12, 3, tzinfo=UTC)
    restart = datetime(2026, 12, 2, tzinfo=UTC)
    with sessions.begin() as session:
        assert fail_unfinished(session, None, "服务重新启动", created_before=restart) == 2
        assert session.get(BackgroundJob, later.id).status == "queued"  # type: ignore[union-attr]
    with sessions() as session:
        statuses = {
            job_id: (found.status, found.message_zh)
            for job_id in (queued, running, ended)
            if (found := session.get(BackgroundJob, job_id)) is not None
        }
    assert statuses == {
        queued: ("failed", "服务重新启动"),
        running: ("failed", "服务重新启动"),
        ended: ("done", None),
    }


@pytest.mark.parametrize(
    ("caller", "sees"),
    [
        (ADMIN, {"a", "b", "batch"}),
        (ORGANISER, {"a", "b"}),  # city-wide organiser: every fair's pre-match, not the batch
        (COUNTY_ORGANISER, {"b", "own"}),  # their county's, and their own wherever
        (COUNSELOR, set()),  # may not pre-match: follows no one's pre-match
        (ANALYST, set()),
    ],
)
def test_who_follows_which_job(
    sessions: sessionmaker[Session], caller: Caller, sees: set[str]
) -> None:
    with sessions.begin() as session:
        ids = {
            "a": submit_job(session, "prematch", ORGANISER, county=COUNTY_A, subject_id=1)[0].id,
            "b": submit_job(session, "prematch", ADMIN, county=COUNTY_B, subject_id=2)[0].id,
            "batch": submit_job(session, "batch", ADMIN, county=None)[0].id,
        }
        if caller is COUNTY_ORGANISER:  # asked in county A, e.g. before a move to county B
            own = submit_job(session, "prematch", caller, county=COUNTY_A, subject_id=3)[0]
            ids["own"] = own.id
    with sessions() as session:
        listed = {job.id for job in list_jobs(session, caller, page=1, page_size=20).items}
        followed = set()
        for name, job_id in ids.items():
            try:
                get_job(session, job_id, caller)
                followed.add(name)
            except NotFoundError as error:
                assert "不在您的服务范围内" in error.message_zh
    assert followed == sees
    assert listed == {ids[name] for name in sees}
