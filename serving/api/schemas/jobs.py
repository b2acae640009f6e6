"""API shapes of background jobs (``matching.background_jobs``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from matching.background_jobs import KIND_ZH, STATUS_ZH
from matching.storage import BackgroundJob
from serving.api.schemas.common import Stamp
from serving.api.schemas.fairs import Number  # a JSON number, never text or true/false

RESULT_PATHS = {"prematch": "/api/fairs/{subject_id}/prematch"}


class JobOut(BaseModel):
    id: int
    kind: Literal["prematch", "batch", "snapshot"]
    kind_zh: str
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="queued → running → done | failed; poll `url` until done or failed"
    )
    status_zh: str
    requested_by: str
    county: str | None = Field(description="the scope whose users may follow it; null: city")
    subject_id: int | None = Field(description="what the job is about (a pre-match: the fair)")
    parameters: dict[str, Any]
    created_at: Stamp
    started_at: Stamp | None
    finished_at: Stamp | None
    done: int = Field(description="steps done (the batch: blocks written)")
    total: int | None = Field(description="steps in all, when known")
    result: dict[str, Any] | None = Field(description="a small summary, once done")
    message_zh: str | None = Field(description="why it failed, in Chinese")
    url: str = Field(description="this job's status")
    result_url: str | None = Field(description="where the whole result is read, once done")


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    persons: Annotated[int, Field(ge=1, le=10_000_000), Number] | None = Field(
        default=None, description="rank the first N persons by county and id (default: all)"
    )


class JobPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[JobOut]


def job_out(job: BackgroundJob) -> JobOut:
    template = RESULT_PATHS.get(job.kind)
    result_url = (
        template.format(subject_id=job.subject_id)
        if template and job.status == "done" and job.subject_id is not None
        else None
    )
    return JobOut(
        id=job.id,
        kind=job.kind,
        kind_zh=KIND_ZH[job.kind],
        status=job.status,
        status_zh=STATUS_ZH[job.status],
        requested_by=job.requested_by,
        county=job.county,
        subject_id=job.subject_id,
        parameters=job.parameters,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        done=job.done,
        total=job.total,
        result=job.result,
        message_zh=job.message_zh,
        url=f"/api/jobs/{job.id}",
        result_url=result_url,
    )
