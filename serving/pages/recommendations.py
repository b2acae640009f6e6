"""The person's recommendations: jobs and courses with their reasons, ability and
accommodation statements and congestion notes (the API's answers, ``serving.api.recommending``),
the 推荐 button that records a referral from a line (``serving.services.referrals``, as
POST /api/referrals does), the printable recommendation sheet (打印推荐单) and 为什么没有这个岗位？
(``serving.api.recommending.why_answer``, as the API's .../jobs/why).

No model or snapshot loaded: the answers raise ``UnavailableError``, which the pages' error
handler renders as a Chinese 503 page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import TypeAdapter
from pydantic import ValidationError as ModelError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching import records
from matching.errors import ValidationError
from matching.storage import Course, Employer, TrainingBase, Vacancy
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.recommending import (
    SourcesDep,
    UnknownVacancyCode,
    course_answer,
    job_answer,
    why_answer,
)
from serving.api.schemas.common import RecordId
from serving.api.schemas.persons import PersonRecord
from serving.api.schemas.referrals import ReferralRequest
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render
from serving.services.referrals import new_referral, record_referral

router = APIRouter(include_in_schema=False)
JOBS_SHOWN = 10
COURSES_SHOWN = 5
PRINTED_JOBS = 5
PRINTED_COURSES = 3
REFERRAL = TypeAdapter(ReferralRequest)
BAD_REFERRAL_ZH = "推荐信息不完整，请返回推荐列表后重新点击“推荐”"


def _person(sessions: sessionmaker[Session], caller: Any, person_id: int) -> PersonRecord:
    with sessions() as session:
        return PersonRecord.of(records.get_person(session, person_id, caller))


@router.get("/persons/{person_id}/recommendations")
def recommendations_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    person_id: RecordId,
) -> Response:
    """Both lists on one page (one visit for the counselor; the print sheet reads the same)."""
    jobs = job_answer(sources, caller, person_id, JOBS_SHOWN)
    courses = course_answer(sources, caller, person_id, COURSES_SHOWN)
    context = {
        "person": _person(sessions, caller, person_id),
        "jobs": jobs,
        "courses": courses,
    }
    return render(request, "recommendations.html", context, caller=caller)


@router.post("/persons/{person_id}/referrals")
def refer(
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    settings: SettingsDep,
    person_id: RecordId,
) -> Response:
    """推荐: record the referral of the line, with its rank and the list's model version, the
    way POST /api/referrals does (the same request model and domain function); then show it."""
    body: dict[str, Any] = {"person_id": person_id, "source": "counselor"}
    for name in ("vacancy_id", "course_id", "shown_rank"):
        value = form.get(name, "")
        if value:  # a form sends text; the request model wants the numbers JSON would carry
            body[name] = int(value) if value.isascii() and value.isdigit() else value
    if form.get("model_version"):
        body["model_version"] = form["model_version"]
    try:
        parsed = REFERRAL.validate_python(body)
    except ModelError:
        raise ValidationError(
            "bad_referral_form", "referral form incomplete", BAD_REFERRAL_ZH
        ) from None
    with sessions.begin() as session:
        view, _action = record_referral(
            session, new_referral(parsed), caller, settings, datetime.now(UTC)
        )
    return RedirectResponse(f"/referrals/{view.id}?created=1", status_code=303)


@router.get("/persons/{person_id}/recommendations/print")
def print_sheet(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    person_id: RecordId,
) -> Response:
    """打印推荐单: the top jobs and courses with employer, place, pay and contact, and the
    reasons in plain words; A4 by the print stylesheet."""
    jobs = job_answer(sources, caller, person_id, PRINTED_JOBS)
    courses = course_answer(sources, caller, person_id, PRINTED_COURSES)
    with sessions() as session:
        vacancy_ids = [item.vacancy_id for item in jobs.items]
        places = {
            vacancy.id: (vacancy, employer)
            for vacancy, employer in session.execute(
                select(Vacancy, Employer)
                .join(Employer, Vacancy.employer_id == Employer.id)
                .where(Vacancy.id.in_(vacancy_ids))
            )
        }
        course_ids = [item.course_id for item in courses.items]
        bases = {
            course.id: base
            for course, base in session.execute(
                select(Course, TrainingBase)
                .join(TrainingBase, Course.base_id == TrainingBase.id)
                .where(Course.id.in_(course_ids))
            )
        }
        person = PersonRecord.of(records.get_person(session, person_id, caller))
    context = {
        "person": person,
        "jobs": jobs,
        "courses": courses,
        "places": places,
        "bases": bases,
    }
    return render(request, "print_sheet.html", context, caller=caller)


@router.get("/persons/{person_id}/why")
def why_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    person_id: RecordId,
    vacancy: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """为什么没有这个岗位？ The answer of GET /api/persons/{id}/recommendations/jobs/why."""
    person = _person(sessions, caller, person_id)
    code = vacancy.strip()
    context: dict[str, Any] = {"person": person, "code": code, "why": None, "errors": {}}
    status = 200
    if not code:
        context["errors"] = {"vacancy": "请输入岗位编号（如 V0000123）"}
        status = 422
    elif not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        context["errors"] = {"vacancy": "岗位编号只含字母和数字（如 V0000123）"}
        status = 422
    else:
        try:
            context["why"] = why_answer(sources, caller, person_id, code, JOBS_SHOWN)
        except UnknownVacancyCode as error:
            context["errors"] = {"vacancy": error.message_zh}
            status = 404
    return render(request, "why.html", context, caller=caller, status_code=status)
