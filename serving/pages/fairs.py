"""The fair organiser's pages: the fairs list, a new fair, a fair with its booths and candidates,
adding vacancies (booths) and registering candidates by upload.

Every write goes through the same domain functions and request models as the API's fair routes
(``serving.api.routers.fairs``): the roles are the API's tuples, the forms are checked by the
API's request models (``FairCreate``, ``VacanciesIn``) and refused values are said next to their
field. A fair of another county is not found, as in the API. The pre-match pages are in
``serving.pages.fair_prematch``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError as SchemaError
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import UploadFile

from matching import codes
from matching.access import Caller
from matching.background_jobs import STATUS_ZH, latest_job
from matching.errors import ConflictError, ForbiddenError, ImportFileError, NotFoundError
from matching.fair_plans import (
    BoothRequest,
    Registration,
    add_vacancies,
    candidate_count,
    create_fair,
    fair_booths,
    get_fair,
    list_fairs,
    load_prematch,
    register_upload,
)
from matching.fair_plans.registration import ID_COLUMN, PERSON_COLUMN
from serving.api.deps import SessionsDep
from serving.api.routers.fairs import ORGANISERS, READERS, REGISTRARS
from serving.api.routers.fairs_answers import fair_out, registration_answer, summary
from serving.api.schemas.common import RecordId
from serving.api.schemas.fairs import FairCreate, VacanciesIn
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
Sessions = sessionmaker[Session]
PAGE_SIZE = 20
NOT_ALLOWED_ZH = "您的账号无权进行此项操作（招聘会由招聘会组织者或管理员管理）"
FAIR_FIELDS_ZH = {
    "name": "请填写招聘会名称（1至100个字）",
    "held_on": "请填写举办日期，格式如2026-12-05",
    "venue": "请填写举办地点（1至200个字）",
    "county": "请选择招聘会所属的县（市、区）",
    "venue_accessibility": "请从列出的无障碍条件中选择",
}
VACANCY_LINE_ZH = "第{line}行无法识别：每行填写“岗位编号 展位号 面试容量”，展位号和容量可省略"
VACANCY_COUNT_ZH = "请至少填写一个岗位编号（每次最多500个）"
VACANCY_VALUE_ZH = "第{line}行有误：岗位编号须为正整数，展位号1至20个字，面试容量0至200"


def allow(caller: Caller, roles: Iterable[str]) -> None:
    """The API's role rule on a page: a role outside ``roles`` gets the 403 page."""
    if caller.role not in roles:
        raise ForbiddenError(f"role {caller.role} may not do this", NOT_ALLOWED_ZH)


def fair_form_page(
    request: Request, caller: Caller, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    context = {
        "values": values,
        "errors": errors,
        "counties": [(c.code, c.zh) for c in codes.COUNTIES],
        "accommodations": [(c.code, c.zh) for c in codes.ACCOMMODATIONS],
    }
    status = 422 if errors else 200
    return render(request, "fair_new.html", context, caller=caller, status_code=status)


@router.get("/fairs")
def fairs_page(
    request: Request, caller: PageCaller, sessions: SessionsDep, page: int = 1
) -> Response:
    allow(caller, READERS)
    page = max(1, min(page, 100_000))
    with sessions() as session:
        found = list_fairs(session, caller, page=page, page_size=PAGE_SIZE)
        fairs = [fair_out(fair) for fair in found.items]
    context = {"fairs": fairs, "found": found, "organiser": caller.role in ORGANISERS}
    return render(request, "fairs.html", context, caller=caller)


@router.get("/fairs/new")
def new_fair_page(request: Request, caller: PageCaller) -> Response:
    allow(caller, ORGANISERS)
    values = {"county": caller.county or "", "venue_accessibility": []}
    return fair_form_page(request, caller, values, {})


@router.post("/fairs")
async def create_fair_form(
    request: Request, caller: PageCaller, form: CheckedForm, sessions: SessionsDep
) -> Response:
    allow(caller, ORGANISERS)
    chosen = [str(v) for v in (await request.form()).getlist("venue_accessibility")]
    values: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "held_on": form.get("held_on", "").strip(),
        "venue": form.get("venue", "").strip(),
        "county": form.get("county", ""),
        "venue_accessibility": chosen,
        "online": form.get("online") == "1",
    }
    try:
        body = FairCreate.model_validate(values)
    except SchemaError as error:
        failed = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
        errors = {name: text for name, text in FAIR_FIELDS_ZH.items() if name in failed}
        return fair_form_page(request, caller, values, errors or {"name": FAIR_FIELDS_ZH["name"]})
    with sessions.begin() as session:
        fair_id = create_fair(session, body.new_fair(), actor=caller.username).id
    return RedirectResponse(f"/fairs/{fair_id}?created=1", status_code=303)


def fair_context(session: Any, fair_id: int, caller: Caller) -> dict[str, Any]:
    """What the fair page shows: the fair, its booths, the candidates the caller may see and the
    latest pre-match's figures."""
    fair = get_fair(session, fair_id, caller)
    latest = load_prematch(session, fair_id)
    job = latest_job(session, "prematch", fair_id, caller)
    return {
        "prematch_job": None
        if job is None
        else {"id": job.id, "status": job.status, "status_zh": STATUS_ZH[job.status]},
        "fair": fair_out(fair),
        "booths": [asdict(booth) for booth in fair_booths(session, fair_id)],
        "candidates": candidate_count(session, fair_id, caller),
        "latest": None if latest is None else summary(latest),
        "organiser": caller.role in ORGANISERS,
        "registrar": caller.role in REGISTRARS,
        "id_column": ID_COLUMN,
        "person_column": PERSON_COLUMN,
    }


def fair_page(
    request: Request,
    caller: Caller,
    sessions: Sessions,
    fair_id: int,
    *,
    errors: dict[str, str] | None = None,
    vacancies_text: str = "",
    registration: Registration | None = None,
    notice: str | None = None,
    prematch_values: dict[str, str] | None = None,
) -> Response:
    with sessions() as session:
        context = fair_context(session, fair_id, caller)
    context |= {
        "errors": errors or {},
        "vacancies_text": vacancies_text,
        "registration": None if registration is None else registration_answer(registration),
        "notice": notice,
        "prematch": prematch_values or PREMATCH_DEFAULTS,
    }
    status = 422 if errors else 200
    return render(request, "fair.html", context, caller=caller, status_code=status)


PREMATCH_DEFAULTS = {"max_booths": "3", "slots": "9", "slot_minutes": "20", "start": "09:00"}
NOTICES_ZH = {
    "created": "招聘会已创建。下一步：添加参会岗位（展位），再登记求职者。",
    "prematch": "预匹配已完成。",
}


@router.get("/fairs/{fair_id}")
def fair_detail(
    request: Request,
    caller: PageCaller,
    sessions: SessionsDep,
    fair_id: RecordId,
    created: int = 0,
) -> Response:
    allow(caller, READERS)
    return fair_page(
        request, caller, sessions, fair_id, notice=NOTICES_ZH["created"] if created else None
    )


def booth_requests(text: str) -> tuple[list[dict[str, Any]], str | None]:
    """The lines "岗位编号 [展位号] [面试容量]" as the API's booth items, or the first line that
    cannot be read."""
    items: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(",", " ").replace("，", " ").replace("、", " ").split()
        if not parts:
            continue
        if len(parts) > 3 or not parts[0].isdigit():
            return [], VACANCY_LINE_ZH.format(line=number)
        item: dict[str, Any] = {"vacancy_id": int(parts[0])}
        if len(parts) >= 2:
            item["booth"] = parts[1]
        if len(parts) == 3:
            if not parts[2].isdigit():
                return [], VACANCY_LINE_ZH.format(line=number)
            item["interview_capacity"] = int(parts[2])
        items.append(item)
    return items, None


def line_of(error: SchemaError, items: list[dict[str, Any]]) -> str:
    """The message of the first item the request model refused (its position counts lines)."""
    for problem in error.errors():
        loc = problem["loc"]
        if len(loc) >= 2 and loc[0] == "vacancies" and isinstance(loc[1], int):
            return VACANCY_VALUE_ZH.format(line=loc[1] + 1)
    return VACANCY_COUNT_ZH if len(items) != 1 else VACANCY_VALUE_ZH.format(line=1)


@router.post("/fairs/{fair_id}/vacancies")
def add_booths_form(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    fair_id: RecordId,
) -> Response:
    allow(caller, ORGANISERS)
    text = form.get("vacancies", "")[:20_000]
    items, problem = booth_requests(text)
    if problem is None:
        try:
            body = VacanciesIn.model_validate({"vacancies": items})
        except SchemaError as error:
            problem = line_of(error, items)
    if problem is not None:
        return fair_page(
            request, caller, sessions, fair_id, errors={"vacancies": problem}, vacancies_text=text
        )
    booths = [BoothRequest(b.vacancy_id, b.interview_capacity, b.booth) for b in body.vacancies]
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, caller)  # another county's fair: the 404 page
        try:  # the domain checks every vacancy before it writes anything
            added = add_vacancies(session, fair, booths, actor=caller.username)
        except (NotFoundError, ConflictError) as error:
            problem = error.message_zh
    if problem is not None:
        return fair_page(
            request, caller, sessions, fair_id, errors={"vacancies": problem}, vacancies_text=text
        )
    notice = f"已添加{added.added}个岗位，更新{added.updated}个岗位。"
    return fair_page(request, caller, sessions, fair_id, notice=notice)


@router.post("/fairs/{fair_id}/candidates/upload")
async def upload_form(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    sessions: SessionsDep,
    fair_id: RecordId,
) -> Response:
    allow(caller, REGISTRARS)
    sent = (await request.form()).get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        errors = {"file": "请选择要上传的文件（.csv 或 .xlsx）"}
        return fair_page(request, caller, sessions, fair_id, errors=errors)
    try:
        with sessions.begin() as session:
            fair = get_fair(session, fair_id, caller)
            done = register_upload(
                session, fair, sent.file, sent.filename, caller, actor=caller.username,
                today=datetime.now(UTC).date(),
            )  # fmt: skip
    except ImportFileError as error:
        return fair_page(request, caller, sessions, fair_id, errors={"file": error.message_zh})
    return fair_page(request, caller, sessions, fair_id, registration=done)
