"""Reading referrals as plain views (what the API shows), scoped to the caller's counties."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.pages import Page, check_page, offset_of
from matching.referral_flow.advance import as_utc, kind_of, visible_referral
from matching.referral_flow.stages import Kind, allowed_next
from matching.storage import Course, Person, Referral, ReferralEvent, User, Vacancy

__all__ = ["EventView", "ReferralView", "person_referrals", "referral_view"]


@dataclass(frozen=True, slots=True)
class EventView:
    stage: str
    at: datetime
    refusal_reason: str | None
    note: str | None
    recorded_by: str | None  # username


@dataclass(frozen=True, slots=True)
class ReferralView:
    id: int
    person_id: int
    kind: Kind
    vacancy_id: int | None
    course_id: int | None
    title: str | None  # the vacancy's or course's title
    source: str
    fair_id: int | None
    referred_by: str | None  # username
    referred_at: datetime
    shown_rank: int | None
    model_version: str | None
    stage: str
    refusal_reason: str | None
    allowed_next: tuple[str, ...]
    events: tuple[EventView, ...] = ()


def referral_view(
    session: Session, referral_id: int, caller: Caller, act: Act = Act.READ
) -> ReferralView:
    """One referral with its events, oldest first; ``NotFoundError`` when out of scope.

    ``act`` is what the caller is doing: reading, or (``Act.REFER``) seeing what they wrote."""
    referral = visible_referral(session, referral_id, caller, act)
    events = session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.at, ReferralEvent.id)
    ).all()
    users = _usernames(session, [referral.referred_by, *(e.recorded_by for e in events)])
    titles = _titles(session, [referral])
    return replace(
        _view(referral, titles, users),
        events=tuple(
            EventView(
                stage=event.stage,
                at=as_utc(event.at),
                refusal_reason=event.refusal_reason,
                note=event.note,
                recorded_by=users.get(event.recorded_by) if event.recorded_by else None,
            )
            for event in events
        ),
    )


def person_referrals(
    session: Session,
    person_id: int,
    caller: Caller,
    *,
    page: int,
    page_size: int,
) -> Page[ReferralView]:
    """A person's referrals, newest first, one page (without events)."""
    check_page(page, page_size)
    caller.require(Act.READ, session.get(Person, person_id), person_id)
    total = session.scalar(
        select(func.count()).select_from(Referral).where(Referral.person_id == person_id)
    )
    rows = session.scalars(
        select(Referral)
        .where(Referral.person_id == person_id)
        .order_by(Referral.referred_at.desc(), Referral.id.desc())
        .offset(offset_of(page, page_size))
        .limit(page_size)
    ).all()
    users = _usernames(session, [row.referred_by for row in rows])
    titles = _titles(session, rows)
    items = [_view(row, titles, users) for row in rows]
    return Page(items=items, total=total or 0, page=page, page_size=page_size)


def _view(
    referral: Referral, titles: dict[tuple[Kind, int], str], users: dict[int, str]
) -> ReferralView:
    kind = kind_of(referral)
    target = referral.vacancy_id if kind == "job" else referral.course_id
    assert target is not None
    return ReferralView(
        id=referral.id,
        person_id=referral.person_id,
        kind=kind,
        vacancy_id=referral.vacancy_id,
        course_id=referral.course_id,
        title=titles.get((kind, target)),
        source=referral.source,
        fair_id=referral.fair_id,
        referred_by=users.get(referral.referred_by) if referral.referred_by else None,
        referred_at=as_utc(referral.referred_at),
        shown_rank=referral.shown_rank,
        model_version=referral.model_version,
        stage=referral.stage,
        refusal_reason=referral.refusal_reason,
        allowed_next=allowed_next(kind, referral.stage),
    )


def _usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all()
    return {user_id: username for user_id, username in rows}


def _titles(session: Session, referrals: Sequence[Referral]) -> dict[tuple[Kind, int], str]:
    vacancies = {r.vacancy_id for r in referrals if r.vacancy_id is not None}
    courses = {r.course_id for r in referrals if r.course_id is not None}
    titles: dict[tuple[Kind, int], str] = {}
    if vacancies:
        for vacancy_id, title in session.execute(
            select(Vacancy.id, Vacancy.title).where(Vacancy.id.in_(vacancies))
        ):
            titles["job", vacancy_id] = title
    if courses:
        for course_id, title in session.execute(
            select(Course.id, Course.title).where(Course.id.in_(courses))
        ):
            titles["course", course_id] = title
    return titles
