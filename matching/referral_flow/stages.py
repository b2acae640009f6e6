"""The stage machine of a referral: which stage may follow which, for jobs and for courses.

Outcomes only move forward, one stage at a time, because every stage reached is an event the
rankers learn from (``features.histories`` counts applications, interviews and hires; the label is
the furthest stage). A referral ends either at its last stage or closed with a refusal reason
(``refused`` for jobs, ``dropped`` for courses); nothing moves a closed referral.

A counselor's referral starts at ``referred``. A fair contact or a self-application *is* an
application, so it starts at ``applied`` with no ``referred`` event — the shape the synthetic
history has, which the training frames expect.
"""

from __future__ import annotations

from typing import Literal

from matching.codes import COURSE_STAGES, OUTCOME_STAGES, REFERRAL_SOURCES
from matching.errors import conflict

__all__ = [
    "CLOSING_STAGES",
    "COURSE_NEXT",
    "JOB_NEXT",
    "Kind",
    "allowed_next",
    "check_transition",
    "initial_stage",
    "is_closed",
    "stage_label",
]

Kind = Literal["job", "course"]

JOB_NEXT: dict[str, tuple[str, ...]] = {
    "referred": ("applied", "refused"),
    "applied": ("interviewed", "refused"),
    "interviewed": ("offered", "refused"),
    "offered": ("hired", "refused"),
    "hired": ("retained_6m",),
    "retained_6m": (),
    "refused": (),
}
COURSE_NEXT: dict[str, tuple[str, ...]] = {
    "referred": ("enrolled", "dropped"),
    "enrolled": ("completed", "dropped"),
    "completed": ("employed_6m",),
    "employed_6m": (),
    "dropped": (),
}
# The stages that close a referral and must name a codes.REFUSAL_REASONS entry.
CLOSING_STAGES: frozenset[str] = frozenset({"refused", "dropped"})
DIRECT_SOURCES: frozenset[str] = frozenset({"fair", "self"})


def _table(kind: Kind) -> dict[str, tuple[str, ...]]:
    return JOB_NEXT if kind == "job" else COURSE_NEXT


def stage_label(kind: Kind, stage: str) -> str:
    """The Chinese name of ``stage``, looked up in the kind's list first (both lists name
    ``referred``), then in the other; the code itself if neither knows it."""
    lists = (OUTCOME_STAGES, COURSE_STAGES) if kind == "job" else (COURSE_STAGES, OUTCOME_STAGES)
    for codes in lists:
        if stage in codes:
            return codes.label(stage)
    return stage


def initial_stage(kind: Kind, source: str) -> str:
    """``applied`` for a job found at a fair or by the person; ``referred`` otherwise."""
    if source not in REFERRAL_SOURCES:
        raise ValueError(f"unknown referral source {source!r}; allowed: {REFERRAL_SOURCES.codes}")
    return "applied" if kind == "job" and source in DIRECT_SOURCES else "referred"


def allowed_next(kind: Kind, stage: str) -> tuple[str, ...]:
    """The stages a referral of ``kind`` at ``stage`` may move to (empty once it has ended)."""
    return _table(kind).get(stage, ())


def is_closed(kind: Kind, stage: str) -> bool:
    return not allowed_next(kind, stage)


def check_transition(referral_id: int, kind: Kind, current: str, target: str) -> None:
    """Raise ``ConflictError`` naming the current stage and the allowed next ones unless
    ``target`` may follow ``current``."""
    allowed = allowed_next(kind, current)
    if target in allowed:
        return
    here, here_zh = f"{current!r} ({stage_label(kind, current)})", stage_label(kind, current)
    if not allowed:
        raise conflict(
            "referral_closed",
            f"referral {referral_id} has ended at stage {here}; an ended referral cannot change",
            f"该推荐已结束（{here_zh}），不能再变更阶段",
        )
    names = ", ".join(f"{stage} ({stage_label(kind, stage)})" for stage in allowed)
    names_zh = "、".join(stage_label(kind, stage) for stage in allowed)
    what = "job" if kind == "job" else "course"
    raise conflict(
        "stage_not_allowed",
        f"a {what} referral at stage {here} cannot move to {target!r}; allowed next: {names}",
        f"该推荐当前为“{here_zh}”，不能变更为“{stage_label(kind, target)}”；只能变更为：{names_zh}",
        allowed=allowed,
    )
