"""Recruitment fairs: create, list and read fairs, add booths, register candidates, pre-match
and read the pre-match as JSON or Excel.

Roles: fair organisers and admins create fairs, add vacancies and pre-match, city-wide.
Counselors (and graduate case workers) read their county's fairs and register candidates of
their own scope; a fair of another county is answered 404, as a missing one. Analysts read
fairs and the pre-match's aggregate figures only (person-level output: 403). In every person
list a caller sees only the persons of their scope; ID numbers are always masked.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Path, Query, UploadFile
from sqlalchemy.orm import Session

from matching.access import ROLES_FOR, Act, Caller
from matching.errors import NotFoundError
from matching.fair_plans import (
    BoothRequest,
    PrematchResult,
    add_vacancies,
    candidate_count,
    create_fair,
    export_prematch,
    fair_booths,
    get_fair,
    list_candidates,
    list_fairs,
    load_prematch,
    load_visible_prematch,
    register_persons,
    register_upload,
)
from matching.storage import Fair
from serving.api.deps import ServiceDep, SessionsDep, SnapshotOrNoneDep
from serving.api.paging import PageNumber, PageSize
from serving.api.routers.allow_route import AllowRoute
from serving.api.routers.fairs_answers import (
    XLSX_RESPONSES,
    XlsxResponse,
    day_of,
    errors,
    fair_out,
    prematch_out,
    registration_answer,
    summary,
    xlsx,
)
from serving.api.schemas.common import IdText
from serving.api.schemas.fairs import (
    MAX_PAGE_SIZE,
    BoothsAnswer,
    CandidatePage,
    CandidatesIn,
    FairCreate,
    FairDetail,
    FairOut,
    FairPage,
    PrematchIn,
    PrematchOut,
    RegistrationAnswer,
    VacanciesIn,
)
from serving.api.security import require_roles
from serving.services.fair_prematch import run_prematch

router = APIRouter(prefix="/fairs", tags=["fairs"], route_class=AllowRoute)
ORGANISERS = ROLES_FOR[Act.ORGANISE]
REGISTRARS = ROLES_FOR[Act.FAIR]
PERSON_READERS = REGISTRARS
READERS = (*REGISTRARS, "analyst")
NO_PREMATCH_ZH = "该招聘会还没有预匹配结果，请先进行预匹配"

Organiser = Annotated[Caller, Depends(require_roles(*ORGANISERS))]
Registrar = Annotated[Caller, Depends(require_roles(*REGISTRARS))]
PersonReader = Annotated[Caller, Depends(require_roles(*PERSON_READERS))]
Reader = Annotated[Caller, Depends(require_roles(*READERS))]
FairId = Annotated[IdText, Path(description="fair id")]
# A pre-match page lists a booth's whole shortlist, so it may be larger than other pages.
PrematchPageSize = Annotated[
    int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"at most {MAX_PAGE_SIZE}")
]


@router.post("", status_code=201, response_model=FairOut, responses=errors(400, 401, 403, 422))
def create(
    sessions: SessionsDep, body: Annotated[FairCreate, Body()], caller: Organiser
) -> FairOut:
    """Create a fair (name, date, venue, county, the accommodations the venue provides)."""
    with sessions.begin() as session:
        return fair_out(create_fair(session, body.new_fair(), actor=caller.username))


@router.get("", response_model=FairPage, responses=errors(401, 403, 422))
def list_all(
    sessions: SessionsDep, caller: Reader, page: PageNumber = 1, page_size: PageSize = 20
) -> FairPage:
    """The fairs you may see (your county's, or all for city-wide roles), latest first."""
    with sessions() as session:
        found = list_fairs(session, caller, page=page, page_size=page_size)
        items = [fair_out(fair) for fair in found.items]
    return FairPage(total=found.total, page=page, page_size=page_size, items=items)


@router.get("/{fair_id}", response_model=FairDetail, responses=errors(401, 403, 404, 422))
def read(sessions: SessionsDep, fair_id: FairId, caller: Reader) -> FairDetail:
    """A fair with its booths, how many candidates you may see, and the latest pre-match's
    aggregate figures."""
    scope = caller
    with sessions() as session:
        fair = get_fair(session, fair_id, scope)
        latest = load_prematch(session, fair_id)
        return FairDetail(
            **fair_out(fair).model_dump(),
            candidates=candidate_count(session, fair_id, scope),
            booths=[asdict(booth) for booth in fair_booths(session, fair_id)],
            latest_prematch=None if latest is None else summary(latest),
        )


@router.post(
    "/{fair_id}/vacancies",
    response_model=BoothsAnswer,
    responses=errors(400, 401, 403, 404, 409, 422),
)
def add_booths(
    sessions: SessionsDep, fair_id: FairId, body: Annotated[VacanciesIn, Body()], caller: Organiser
) -> BoothsAnswer:
    """Add open vacancies (or change their capacity or booth); 409 for a closed vacancy or a
    fair that would exceed its booths."""
    items = [BoothRequest(b.vacancy_id, b.interview_capacity, b.booth) for b in body.vacancies]
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, caller)
        added = add_vacancies(session, fair, items, actor=caller.username)
    return BoothsAnswer(added=added.added, updated=added.updated)


@router.get(
    "/{fair_id}/candidates", response_model=CandidatePage, responses=errors(401, 403, 404, 422)
)
def candidates(
    sessions: SessionsDep,
    fair_id: FairId,
    caller: PersonReader,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> CandidatePage:
    """Registered candidates you may see, by person id (ID numbers masked)."""
    scope = caller
    with sessions() as session:
        get_fair(session, fair_id, scope)
        views, total = list_candidates(session, fair_id, scope, page=page, page_size=page_size)
    items = [asdict(view) for view in views]
    return CandidatePage(total=total, page=page, page_size=page_size, items=items)


@router.post(
    "/{fair_id}/candidates",
    response_model=RegistrationAnswer,
    responses=errors(400, 401, 403, 404, 422),
)
def register(
    sessions: SessionsDep, fair_id: FairId, body: Annotated[CandidatesIn, Body()], caller: Registrar
) -> RegistrationAnswer:
    """Register picked persons; each id that cannot be registered is listed with its position
    in the list (``row``) and the reason."""
    scope = caller
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, scope)
        done = register_persons(
            session, fair, body.person_ids, scope, actor=caller.username, today=_today()
        )
    return registration_answer(done)


@router.post(
    "/{fair_id}/candidates/upload",
    response_model=RegistrationAnswer,
    responses=errors(400, 401, 403, 404, 413, 422),
)
def upload(
    sessions: SessionsDep,
    fair_id: FairId,
    file: Annotated[UploadFile, File(description=".csv or .xlsx: 身份证号 or 人员编号 column")],
    caller: Registrar,
) -> RegistrationAnswer:
    """Register the persons a file lists by ID number (身份证号) or person id (人员编号); every
    row is registered, already registered, or rejected with its row number and reason (422 for a
    file that cannot be read at all, 413 for one over a size limit)."""
    scope = caller
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, scope)
        done = register_upload(
            session, fair, file.file, file.filename, scope, actor=caller.username,
            today=_today(),
        )  # fmt: skip
    return registration_answer(done)


@router.post(
    "/{fair_id}/prematch",
    response_model=PrematchOut,
    responses=errors(400, 401, 403, 404, 409, 422, 503),
)
def prematch(
    sessions: SessionsDep,
    fair_id: FairId,
    caller: Organiser,
    state: ServiceDep,
    snapshot: SnapshotOrNoneDep,
    body: Annotated[PrematchIn | None, Body()] = None,
    page: PageNumber = 1,
    page_size: PrematchPageSize = 100,
) -> PrematchOut:
    """Send every registered candidate to at most ``max_booths`` booths, maximising the
    expected hires under each booth's capacity, then time the interviews without clashes;
    compare with the naive way (everyone at their own top booths). The result is stored as the
    fair's latest pre-match (audited) and answered with its first page."""
    day, rule = day_of(body or PrematchIn())
    with sessions.begin() as session:
        fair = get_fair(session, fair_id, caller)
        result = run_prematch(
            session,
            state,
            snapshot,
            fair,
            day,
            rule,
            actor=caller.username,
            now=datetime.now(UTC),
        )
    return prematch_out(result, page, page_size)


@router.get("/{fair_id}/prematch", response_model=PrematchOut, responses=errors(401, 403, 404, 422))
def read_prematch(
    sessions: SessionsDep,
    fair_id: FairId,
    caller: PersonReader,
    page: PageNumber = 1,
    page_size: PrematchPageSize = 100,
) -> PrematchOut:
    """The latest pre-match, one page of each list, with only the persons you may see."""
    with sessions() as session:
        _fair, result = visible_prematch(session, fair_id, caller)
    return prematch_out(result, page, page_size)


@router.get("/{fair_id}/prematch.xlsx", response_class=XlsxResponse, responses=XLSX_RESPONSES)
def prematch_xlsx(sessions: SessionsDep, fair_id: FairId, caller: PersonReader) -> XlsxResponse:
    """The latest pre-match as Excel in Chinese (audited), with only the persons you may see."""
    with sessions.begin() as session:
        fair, result = visible_prematch(session, fair_id, caller)
        return xlsx(export_prematch(session, fair, result, actor=caller.username))


def visible_prematch(session: Session, fair_id: int, caller: Caller) -> tuple[Fair, PrematchResult]:
    scope = caller
    fair = get_fair(session, fair_id, scope)
    result = load_visible_prematch(session, fair_id, scope)
    if result is None:
        raise NotFoundError(f"fair {fair_id} has no pre-match yet", NO_PREMATCH_ZH)
    return fair, result


def _today() -> date:
    return datetime.now(UTC).date()
