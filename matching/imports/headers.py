"""Find the header row and map its columns to fields (Chinese, English or alias headers)."""

from __future__ import annotations

import re
import unicodedata

from matching.errors import ConfigError, ImportFileError
from matching.imports.spec import EntitySpec

HEADER_SEARCH_ROWS = 10
_DECORATION = re.compile(r"[\s*＊:：]|[(（]必填[)）]")


def header_key(text: str) -> str:
    """Fold a header: NFKC, no spaces, no required-marks ('*', '（必填）'), case-insensitive."""
    return _DECORATION.sub("", unicodedata.normalize("NFKC", text)).lower()


def header_lookup(spec: EntitySpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field in spec.fields:
        for spelling in (field.zh, field.key, *field.aliases):
            owner = lookup.setdefault(header_key(spelling), field.key)
            if owner != field.key:
                raise ConfigError(
                    f"{spec.name}: header {spelling!r} of {field.key!r} already names {owner!r}"
                )
    return lookup


def find_header(
    spec: EntitySpec, rows: list[tuple[int, list[str]]]
) -> tuple[int, dict[str, int], list[str]]:
    """Index of the header row in ``rows``, field key → column index, and ignored headers.

    Offices often put a title line above the header; the header is the first of the first rows
    that names most of the required columns.
    """
    lookup = header_lookup(spec)
    required = {field.key for field in spec.required}
    best: tuple[int, int] = (-1, 0)
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {lookup.get(header_key(cell)) for cell in cells} & required
        if len(found) > best[1]:
            best = (index, len(found))
    if best[0] < 0:
        raise _missing(spec, sorted(required, key=[f.key for f in spec.fields].index))
    index = best[0]
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(rows[index][1]):
        key = lookup.get(header_key(cell))
        if key is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if key in columns:
            zh = spec.field(key).zh
            raise ImportFileError(
                f"column {key!r} appears twice in the header",
                f"表头中“{zh}”列出现了两次，请删除重复的列",
            )
        columns[key] = position
    missing = [field.key for field in spec.required if field.key not in columns]
    if missing:
        raise _missing(spec, missing)
    return index, columns, ignored


def _missing(spec: EntitySpec, keys: list[str]) -> ImportFileError:
    names = "、".join(spec.field(key).zh for key in keys)
    return ImportFileError(
        f"missing required columns: {', '.join(keys)}",
        f"缺少必填列：{names}。可用 `jobmatch template {spec.name}` 生成带表头的模板",
    )
