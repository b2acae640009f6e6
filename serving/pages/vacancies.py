"""A vacancy and its 推荐合适人选 (点对点推荐): the persons seeking work whom the caller reaches
who fit it best, with the reasons from the employer's side, each with the 推荐 button of a
person's list (``POST /persons/{id}/referrals``: the same request model and domain function,
with the line's rank and the list's model version, source counselor), so that a referral made
here counts in the congestion load like any other. The list is the API's answer
(``serving.api.candidates``, as ``GET /api/vacancies/{id}/candidates``).

Reached from a fair's booths and from 岗位 in the menu (find by 岗位编号). Vacancies are no
personal data: every staff role reads them within their counties (another county's is not
found); the list of persons is for the roles that read persons.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from matching.access import Act
from matching.errors import ConflictError
from matching.storage import Vacancy
from serving.api.candidates import candidates_answer, not_found_vacancy
from serving.api.deps import SessionsDep
from serving.api.recommending import SourcesDep
from serving.api.schemas.common import RecordId
from serving.pages.session import PageCaller
from serving.pages.templating import render
from serving.services.vacancy_candidates import DEFAULT_K

router = APIRouter(include_in_schema=False)
CODE_NEEDED_ZH = "请输入岗位编号（如 V0000123）"
CODE_BAD_ZH = "岗位编号只含字母和数字（如 V0000123）"


@router.get("/vacancies")
def find_vacancy(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    code: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """Find a vacancy by its 岗位编号 and go to its page (one the caller sees)."""
    text = code.strip().upper()
    errors: dict[str, str] = {}
    status = 200
    if "code" in request.query_params:
        status = 422
        if not text:
            errors["code"] = CODE_NEEDED_ZH
        elif not text.isascii() or not text.replace("-", "").replace("_", "").isalnum():
            errors["code"] = CODE_BAD_ZH
        else:
            with sessions() as session:
                found = session.execute(
                    select(Vacancy.id, Vacancy.county).where(Vacancy.code == text)
                ).first()
            if found is not None and caller.sees_county(found.county):
                return RedirectResponse(f"/vacancies/{found.id}", status_code=303)
            status = 404
            errors["code"] = f"未找到岗位编号为“{text}”的岗位，或该岗位不在您的服务范围内"
    context = {"code": code, "errors": errors}
    return render(request, "vacancy_find.html", context, caller=caller, status_code=status)


@router.get("/vacancies/{vacancy_id}")
def vacancy_page(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    sources: SourcesDep,
    vacancy_id: RecordId,
) -> Response:
    """The vacancy's facts and, for the roles that read persons, its 推荐合适人选."""
    with sessions() as session:
        vacancy = session.get(Vacancy, vacancy_id)
        if vacancy is None or not caller.sees_county(vacancy.county):
            raise not_found_vacancy(vacancy_id)
        facts = _facts(vacancy)
    context: dict[str, Any] = {"v": facts, "answer": None, "not_open_zh": None}
    context["may_refer"] = caller.may_act(Act.REFER)
    if caller.may_act(Act.READ):
        try:
            context["answer"] = candidates_answer(sources, caller, vacancy_id, DEFAULT_K)
        except ConflictError as error:  # not open: the facts stay, the list says why not
            context["not_open_zh"] = error.message_zh
    return render(request, "vacancy.html", context, caller=caller)


def _facts(vacancy: Vacancy) -> dict[str, Any]:
    """What the page says of the vacancy, read while the session is open."""
    return {
        "id": vacancy.id,
        "code": vacancy.code,
        "title": vacancy.title,
        "employer": vacancy.employer.name,
        "county": vacancy.county,
        "status": vacancy.status,
        "openings": vacancy.openings,
        "pay_min": vacancy.pay_min,
        "pay_max": vacancy.pay_max,
        "work_mode": vacancy.work_mode,
        "hours": f"{float(vacancy.hours_per_day):g}",
        "opened_on": vacancy.opened_on,
        "deadline": vacancy.deadline,
        "today": datetime.now(UTC).date(),
    }
