"""数据导入 for counselors: the entities one may import, their templates, an upload form and the
answer (counts and the reject report, downloadable).

The same code as the CLI and ``POST /api/imports/{entity}``: ``write_template`` for templates,
``import_upload`` for the file (same size limits, county scope and audit rows). The reject
report shown and downloaded is the API's: values masked by the runner, messages masked when read
(``read_rejects``); the download is rewritten through ``csv_writer`` (no cell runs as a formula)
and is signed for the user who uploaded it, so nobody else can fetch it by its name.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from matching.access import ROLES_FOR, Act, Caller
from matching.codes import USER_ROLES
from matching.csv_safety import csv_writer
from matching.errors import ForbiddenError, ImportFileError, ImportTooLargeError, NotFoundError
from matching.imports import SPECS, EntitySpec, write_template
from matching.imports.report import REPORT_HEADERS
from matching.records import import_upload
from matching.records.uploads import read_rejects
from matching.settings import Settings
from serving.api.deps import SessionsDep, SettingsDep
from serving.api.schemas.imports import ImportAnswer
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import render

router = APIRouter(include_in_schema=False)
IMPORT_ROLES = ROLES_FOR[Act.EDIT]  # as POST /api/imports/{entity} (PERSON_WRITERS)
SHOWN_REJECTS = 200
REPORT_NAME = re.compile(r"import-[a-z]+-\d{8}-\d{6}-\d{6}-rejects\.csv")
TEMPLATE_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
NO_FILE_ZH = "请选择要上传的文件（.xlsx 或 .csv）"
NO_ENTITY_ZH = "请选择要导入的数据类型"


def importer(caller: PageCaller) -> Caller:
    """The caller, if their role may import (403 otherwise, audited by the error handler)."""
    if caller.role not in IMPORT_ROLES:
        allowed = "、".join(USER_ROLES.label(role) for role in IMPORT_ROLES)
        raise ForbiddenError(
            f"role {caller.role!r} may not import; allowed: {', '.join(IMPORT_ROLES)}",
            f"当前角色（{USER_ROLES.label(caller.role)}）无权导入数据，仅限：{allowed}",
        )
    return caller


Importer = Annotated[Caller, Depends(importer)]


def entities_for(caller: Caller) -> list[EntitySpec]:
    """What the caller may import: courses only city-wide (``require_city_wide``)."""
    return [spec for spec in SPECS.values() if spec.name != "courses" or caller.city_wide]


def allowed_spec(caller: Caller, entity: str) -> EntitySpec:
    spec = next((s for s in entities_for(caller) if s.name == entity), None)
    if spec is None:
        raise NotFoundError(f"no import {entity!r} for this user", "没有这种导入数据类型")
    return spec


def report_signature(settings: Settings, caller: Caller, name: str) -> str:
    message = f"rejects|{caller.user_id}|{name}".encode()
    return hmac.new(settings.signing_key().encode(), message, hashlib.sha256).hexdigest()[:32]


def imports_page(
    request: Request,
    caller: Caller,
    *,
    entity: str = "",
    answer: ImportAnswer | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    settings: Settings | None = None,
) -> Response:
    context: dict[str, Any] = {
        "entities": entities_for(caller),
        "entity_options": [(spec.name, spec.zh) for spec in entities_for(caller)],
        "entity": entity,
        "answer": answer,
        "errors": errors or {},
        "shown": SHOWN_REJECTS,
        "report_link": None,
    }
    if answer is not None and answer.rejected and settings is not None:
        signature = report_signature(settings, caller, answer.report)
        context["report_link"] = f"/imports/reports/{answer.report}?sig={signature}"
    return render(request, "imports.html", context, caller=caller, status_code=status_code)


@router.get("/imports")
def imports(request: Request, caller: Importer) -> Response:
    return imports_page(request, caller)


@router.get("/imports/{entity}/template.{kind}")
def template(request: Request, caller: Importer, entity: str, kind: str) -> Response:
    """The empty template ``jobmatch template`` writes: headers, an example row, (in .xlsx) a
    sheet explaining every column."""
    spec = allowed_spec(caller, entity)
    if kind not in TEMPLATE_TYPES:
        raise NotFoundError(f"no template .{kind}", "模板只有 .xlsx 和 .csv 两种")
    with tempfile.TemporaryDirectory(prefix="jobmatch-template-") as folder:
        path = Path(folder) / f"{spec.name}.{kind}"
        write_template(spec, path)
        content = path.read_bytes()
    headers = download(spec.name, spec.zh + "导入模板", kind)
    return Response(content, media_type=TEMPLATE_TYPES[kind], headers=headers)


def download(ascii_name: str, zh_name: str, kind: str) -> dict[str, str]:
    disposition = (
        f"attachment; filename=\"{ascii_name}.{kind}\"; filename*=UTF-8''{quote(zh_name)}.{kind}"
    )
    return {"Content-Disposition": disposition}


@router.post("/imports")
async def upload(
    request: Request,
    caller: Importer,
    form: CheckedForm,
    sessions: SessionsDep,
    settings: SettingsDep,
) -> Response:
    """Import the uploaded file; problems with the file itself go next to the file field."""
    entity = form.get("entity", "")
    if entity not in {spec.name for spec in entities_for(caller)}:
        errors = {"entity": NO_ENTITY_ZH}
        return imports_page(request, caller, errors=errors, status_code=422)
    file = (await request.form()).get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        errors = {"file": NO_FILE_ZH}
        return imports_page(request, caller, entity=entity, errors=errors, status_code=422)
    try:
        outcome = await run_in_threadpool(
            import_upload,
            sessions,
            entity,
            file.file,
            file.filename,
            actor=caller.username,
            caller=caller,
            reports_dir=settings.reports_dir,
        )
    except ImportFileError as error:
        status = 413 if isinstance(error, ImportTooLargeError) else 422
        errors = {"file": error.message_zh}
        return imports_page(request, caller, entity=entity, errors=errors, status_code=status)
    answer = ImportAnswer.of(outcome)
    return imports_page(request, caller, entity=entity, answer=answer, settings=settings)


@router.get("/imports/reports/{name}")
def reject_report(caller: Importer, settings: SettingsDep, name: str, sig: str = "") -> Response:
    """The reject report of the caller's own upload, as CSV (masked, formula-safe)."""
    expected = report_signature(settings, caller, name)
    path = settings.reports_dir / name
    if not (REPORT_NAME.fullmatch(name) and hmac.compare_digest(sig, expected) and path.is_file()):
        raise NotFoundError(f"no reject report {name!r} of yours", "未找到该导入的问题清单")
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(REPORT_HEADERS)
    for row in read_rejects(path):
        writer.writerow((row.row, row.column, row.code, row.message_zh, row.value))
    content = "\ufeff" + buffer.getvalue()  # a BOM: Excel opens the Chinese right
    headers = download(
        name.removesuffix(".csv"), "导入问题清单-" + name.removesuffix(".csv"), "csv"
    )
    return Response(content.encode("utf-8"), media_type=TEMPLATE_TYPES["csv"], headers=headers)
