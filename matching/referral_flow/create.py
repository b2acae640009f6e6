"""Creating a referral: who may be referred where, and the row and first event it writes.

The rows have the synthetic history's shape because the rankers train on both alike: a
counselor's referral starts at ``referred``, a fair contact or self-application at ``applied``
(no ``referred`` event), ``shown_rank`` and ``model_version`` say where a recommendation list
showed the item. The training frames treat referrals of one person with the same
``referred_at`` and source as one list (one LambdaRank query), so referrals taken from one
recommendation list share the moment of the list's first referral (see ``list_moment``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.access import Act, Caller
from matching.codes import REFERRAL_SOURCES, VACANCY_STATUSES
from matching.errors import NotFoundError, ValidationError, conflict
from matching.referral_flow.stages import Kind, initial_stage, is_closed
from matching.storage import Course, Fair, FairVacancy, Person, Referral, ReferralEvent, Vacancy
from matching.validators import mask_sensitive

__all__ = [
    "LIST_WINDOW",
    "MIN_WORKING_AGE",
    "NewReferral",
    "age_on",
    "create_referral",
    "list_moment",
]

MIN_WORKING_AGE = 16  # the legal minimum (matching.settings.working_age_min by default)
LIST_WINDOW = timedelta(hours=2)  # one counseling session: referrals from one list fall in it


@dataclass(frozen=True, slots=True)
class NewReferral:
    person_id: int
    source: str
    vacancy_id: int | None = None
    course_id: int | None = None
    shown_rank: int | None = None
    model_version: str | None = None
    fair_id: int | None = None
    note: str | None = None

    @property
    def act(self) -> Act:
        """A contact made at a fair is a fair act (fair organisers record them); the rest are
        referrals."""
        return Act.FAIR if self.source == "fair" else Act.REFER

    @property
    def kind(self) -> Kind:
        return "job" if self.vacancy_id is not None else "course"


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def create_referral(
    session: Session,
    new: NewReferral,
    caller: Caller,
    *,
    now: datetime,
    min_age: int = MIN_WORKING_AGE,
) -> Referral:
    """Validate and add a referral with its first event (flushed, not committed).

    A person the caller may not refer (``matching.access``) is not found. Raises
    ``ValidationError`` for a malformed request, ``NotFoundError`` for a missing person,
    vacancy, course or fair, and ``ConflictError`` when the stored state forbids it.
    """
    _check_shape(new)
    person = caller.require(new.act, session.get(Person, new.person_id), new.person_id)
    age = age_on(person.birth_date, now.date())
    if age < min_age:
        raise conflict(
            "under_working_age",
            f"person {person.id} is {age}, under the working age of {min_age}",
            f"该人员{age}岁，未达到劳动年龄（{min_age}岁），不能推荐",
        )
    if new.vacancy_id is not None:
        _check_vacancy(session, new.vacancy_id, age, now.date())
    else:
        assert new.course_id is not None
        _check_course(session, new.course_id)
    if new.fair_id is not None:
        _check_fair(session, new.fair_id, new.vacancy_id)
    _check_not_open_already(session, new)
    moment = list_moment(session, new, caller, now) or now
    stage = initial_stage(new.kind, new.source)
    referral = Referral(
        person_id=new.person_id,
        vacancy_id=new.vacancy_id,
        course_id=new.course_id,
        source=new.source,
        fair_id=new.fair_id,
        referred_by=caller.user_id,
        referred_at=moment,
        shown_rank=new.shown_rank,
        model_version=new.model_version,
        stage=stage,
        refusal_reason=None,
    )
    session.add(referral)
    session.flush()
    session.add(
        ReferralEvent(
            referral_id=referral.id,
            stage=stage,
            at=moment,
            note=mask_sensitive(new.note) if new.note else None,
            recorded_by=caller.user_id,
        )
    )
    session.flush()
    return referral


def list_moment(
    session: Session, new: NewReferral, caller: Caller, now: datetime
) -> datetime | None:
    """The ``referred_at`` of the list this referral was taken from, if one is under way.

    A list is under way when the same user referred the same person from a ranked list of the
    same kind and model version within ``LIST_WINDOW``, and this rank is not yet in it (a rank
    already used means a new list was shown).
    """
    if new.source != "counselor" or new.shown_rank is None:
        return None
    target = Referral.vacancy_id if new.kind == "job" else Referral.course_id
    latest = session.scalars(
        select(Referral.referred_at)
        .where(
            Referral.person_id == new.person_id,
            Referral.source == "counselor",
            Referral.referred_by.is_not_distinct_from(caller.user_id),
            Referral.model_version.is_not_distinct_from(new.model_version),
            Referral.shown_rank.is_not(None),
            target.is_not(None),
            Referral.referred_at >= now - LIST_WINDOW,
        )
        .order_by(Referral.referred_at.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    ranks = session.scalars(
        select(Referral.shown_rank).where(
            Referral.person_id == new.person_id, Referral.referred_at == latest, target.is_not(None)
        )
    ).all()
    return None if new.shown_rank in ranks else latest


def _check_shape(new: NewReferral) -> None:
    """The rules the API's request models already enforce, for callers that are not the API."""
    rules = (
        (
            (new.vacancy_id is None) != (new.course_id is None),
            "target",
            "exactly one of vacancy_id and course_id is needed",
            "岗位和培训课程须且只能填写一项",
        ),
        (
            new.source in REFERRAL_SOURCES,
            "source",
            f"source must be one of {', '.join(REFERRAL_SOURCES.codes)}",
            "推荐来源只能是：辅导员推荐、招聘会、自主求职",
        ),
        (
            (new.fair_id is not None) == (new.source == "fair")
            and (new.source != "fair" or new.vacancy_id is not None),
            "fair_id",
            "a fair referral needs fair_id and a vacancy; other sources take no fair_id",
            "招聘会推荐须填写招聘会并推荐岗位；其他来源不填招聘会",
        ),
        (
            new.kind == "job" or new.source == "counselor",
            "source",
            "course referrals come from counselors only",
            "培训课程只能由辅导员推荐",
        ),
        (
            new.shown_rank is None or new.source == "counselor",
            "shown_rank",
            "shown_rank belongs to a counselor's ranked list",
            "只有辅导员推荐列表才有展示名次",
        ),
    )
    for ok, field, message, message_zh in rules:
        if not ok:
            raise ValidationError("referral_shape", message, message_zh, field=field)


def _check_vacancy(session: Session, vacancy_id: int, age: int, day: date) -> None:
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFoundError(f"vacancy {vacancy_id} not found")
    is_open = (
        vacancy.status == "open"
        and vacancy.opened_on <= day
        and (vacancy.deadline is None or day <= vacancy.deadline)
    )
    if not is_open:
        known = vacancy.status in VACANCY_STATUSES
        status_zh = VACANCY_STATUSES.label(vacancy.status) if known else vacancy.status
        raise conflict(
            "vacancy_not_open",
            f"vacancy {vacancy_id} is not open for referrals on {day} (status {vacancy.status!r}, "
            f"open {vacancy.opened_on} to {vacancy.deadline or 'no deadline'}); refer to an open "
            "vacancy",
            f"该岗位当前不接受推荐（{status_zh}，招聘期{vacancy.opened_on}至"
            f"{vacancy.deadline or '不限'}），请推荐招聘中的岗位",
        )
    low, high = vacancy.age_min, vacancy.age_max
    if (low is not None and age < low) or (high is not None and age > high):
        range_text = f"{low or '-'}..{high or '-'}"
        raise conflict(
            "vacancy_age_range",
            f"vacancy {vacancy_id} asks for ages {range_text}; the person is {age}",
            f"该岗位年龄要求为{low or '不限'}至{high or '不限'}岁，该人员{age}岁",
        )


def _check_course(session: Session, course_id: int) -> None:
    course = session.get(Course, course_id)
    if course is None:
        raise NotFoundError(f"course {course_id} not found")
    if course.status != "open":
        raise conflict(
            "course_not_open",
            f"course {course_id} does not take enrolments (status {course.status!r}); refer to an "
            "open course",
            "该课程已停招，请推荐招生中的课程",
        )


def _check_fair(session: Session, fair_id: int, vacancy_id: int | None) -> None:
    if session.get(Fair, fair_id) is None:
        raise NotFoundError(f"fair {fair_id} not found")
    booth = session.get(FairVacancy, (fair_id, vacancy_id))
    if booth is None:
        raise conflict(
            "vacancy_not_at_fair",
            f"vacancy {vacancy_id} has no booth at fair {fair_id}; a fair contact must be with a "
            "vacancy of that fair",
            "该岗位未参加此次招聘会，请选择该招聘会的参会岗位",
        )


def _check_not_open_already(session: Session, new: NewReferral) -> None:
    target = (
        Referral.vacancy_id == new.vacancy_id
        if new.vacancy_id is not None
        else Referral.course_id == new.course_id
    )
    rows = session.execute(
        select(Referral.id, Referral.stage).where(Referral.person_id == new.person_id, target)
    ).all()
    for referral_id, stage in rows:
        if not is_closed(new.kind, stage):
            raise conflict(
                "already_referred",
                f"person {new.person_id} already has open referral {referral_id} (stage "
                f"{stage!r}) to this {'vacancy' if new.kind == 'job' else 'course'}; update it "
                "instead",
                f"该人员已有进行中的同一推荐（编号{referral_id}），请更新其进展，不要重复推荐",
            )
