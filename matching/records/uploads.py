"""Uploaded import files: the import pipeline of ``matching.imports``, kept within a county.

A county-scoped caller (a counselor) may upload persons, assessments, employers and vacancies:
each row whose record lies in another county is rejected like an invalid cell (an assessment of a
person outside the county reads as "no such person", as everywhere else), so a file can neither
add to nor change another county's records. Courses name shared training bases and are uploaded
by city-wide users only. The runner writes the reject report and the audit entry; a file that
cannot be read at all is audited here as ``import_refused``.
"""

from __future__ import annotations

import codecs
import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from matching.access import Caller
from matching.errors import ImportFileError
from matching.imports import SPECS, ImportResult, default_report_path, import_file
from matching.imports.limits import MAX_FILE_BYTES, file_too_large
from matching.imports.report import REPORT_HEADERS, Reject
from matching.records.courses import require_city_wide
from matching.records.upload_scope import scoped
from matching.storage import append_audit
from matching.validators import mask_sensitive

MAX_REJECTS_SHOWN = 1000
CHUNK = 1024 * 1024
MAX_NAME = 100
_UNSAFE_NAME = re.compile(r"[^\w.\-()（）]+")


@dataclass(frozen=True)
class UploadOutcome:
    """The import's counts and its reject lines (at most ``MAX_REJECTS_SHOWN`` of them)."""

    result: ImportResult
    rejects: list[Reject]
    rejects_truncated: bool


def import_upload(
    sessions: sessionmaker[Session],
    entity: str,
    stream: BinaryIO,
    filename: str | None,
    *,
    actor: str,
    caller: Caller,
    reports_dir: Path,
) -> UploadOutcome:
    """Import an uploaded file as ``jobmatch import`` would, rows outside ``scope`` rejected."""
    spec = SPECS[entity]
    if entity == "courses":
        require_city_wide(caller)
    name = safe_filename(filename)
    report_path = default_report_path(reports_dir, spec.name)
    with tempfile.TemporaryDirectory(prefix="jobmatch-upload-") as folder:
        path = Path(folder) / name
        try:
            save(stream, path)
            result = import_file(
                sessions, scoped(spec, caller), path, actor=actor, report_path=report_path
            )
        except ImportFileError as error:
            with sessions.begin() as session:
                append_audit(
                    session,
                    actor=actor,
                    action="import_refused",
                    entity=spec.name,
                    detail={"file": name, "reason": mask_sensitive(str(error))[:200]},
                )
            raise
    rejects = read_rejects(report_path)
    return UploadOutcome(
        result=result,
        rejects=rejects[:MAX_REJECTS_SHOWN],
        rejects_truncated=len(rejects) > MAX_REJECTS_SHOWN,
    )


def safe_filename(filename: str | None) -> str:
    """The upload's base name with unusual characters replaced (its suffix picks the reader)."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    base = mask_sensitive(_UNSAFE_NAME.sub("_", base)).strip("._") or "upload"
    if len(base) > MAX_NAME:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: MAX_NAME - len(suffix)] + suffix
    return base


def save(stream: BinaryIO, path: Path) -> None:
    """Copy the upload to ``path``, refusing files over ``MAX_FILE_BYTES`` (413) and UTF-16 text
    the reader would pass on with NUL characters or broken surrogates."""
    size = 0
    with path.open("wb") as handle:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                file_too_large(size)
            handle.write(chunk)
    head = path.read_bytes()[:2] if size else b""
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        check_utf16(path.read_bytes())


def check_utf16(data: bytes) -> None:
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise ImportFileError(
            "cannot decode the file as UTF-16 text without NUL characters",
            "文件编码无法识别（UTF-16 内容损坏或含有空字符），请另存为“CSV UTF-8”后再导入",
        )


def read_rejects(report_path: Path) -> list[Reject]:
    """The reject report the runner wrote (values masked by the runner; messages masked here,
    as a message may quote the cell)."""
    with report_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(header) != REPORT_HEADERS:
            return []
        return [
            Reject(row=int(line[0]), column=line[1], code=line[2],
                   message_zh=mask_sensitive(line[3]), value=line[4])
            for line in reader
            if len(line) == len(REPORT_HEADERS)
        ]  # fmt: skip
