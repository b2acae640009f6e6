"""Occupations: a subset of the 2022 national classification with jobmatch's demand profiles.

Vacancies, courses and assessments name occupations by their 细类 code from the classification
(中华人民共和国职业分类大典, 2022). The package ships the verbatim rows of the occupations
the city needs (``data/csco2022_subset.csv``) and, per code, what the job demands on each
assessment dimension (``data/occupation_demands.csv``, 0–4, the same scale a person's ability is
scored on), its sector and typical work mode. The demand profiles are jobmatch's own modelling
assumptions, not part of the classification (see ``data/ATTRIBUTION.md``).
Both files are validated together on first load, so a bad edit fails loudly with the file, line
and column named instead of silently skewing the rankings.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from matching.codelist import normalize_key
from matching.codes import ASSESSMENT_DIMENSIONS, SCORE_MAX, SCORE_MIN, WORK_MODES
from matching.errors import ConfigError, UnknownCodeError

__all__ = [
    "DEMAND_HEADER",
    "SECTORS",
    "SUBSET_HEADER",
    "Occupation",
    "load_occupations",
    "occupation",
    "parse_occupation",
    "split_tasks",
]

SECTORS: frozenset[str] = frozenset(
    {"services", "manufacturing", "agriculture", "crafts", "health", "it", "retail", "logistics",
     "public"}
)  # fmt: skip
SUBSET_HEADER: tuple[str, ...] = (
    "level", "code", "code_num", "name", "definition", "tasks", "csco_code_num", "alias",
)  # fmt: skip
DEMAND_HEADER: tuple[str, ...] = ("code", *ASSESSMENT_DIMENSIONS.codes, "sector", "typical_mode")

_SUBSET_FILE = "csco2022_subset.csv"
_DEMAND_FILE = "occupation_demands.csv"
_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
_SCORE = re.compile(r"^\d$")
# A task list reads "1.做某事 2.做另一事。"; split at a 1–2 digit item number after a space.
_TASK_NUMBER = re.compile(r"(?:^|\s+)\d{1,2}[.．、](?!\d)")
# The 2022 edition marks green occupations with "L", digital ones with "S", both with "L/S".
_MARKER = re.compile(r"^(?P<base>.*[^\x00-\x7f])(?P<mark>L/S|L|S)$")


@dataclass(frozen=True)
class Occupation:
    """One 细类 occupation with the demand profile jobmatch matches persons against."""

    code: str
    name: str
    definition: str
    tasks: tuple[str, ...]
    sector: str
    typical_mode: str
    demand: Mapping[str, int] = field(hash=False)
    green: bool = False
    digital: bool = False


@dataclass(frozen=True)
class _SubsetRow:
    code: str
    code_num: str
    raw_name: str
    definition: str
    tasks: str


@dataclass(frozen=True)
class _DemandRow:
    code: str
    sector: str
    typical_mode: str
    demand: Mapping[str, int]


def split_tasks(text: str) -> tuple[str, ...]:
    """Split the classification's numbered task text into items, without numbers or end stops."""
    items = (part.strip().rstrip("。；;，,").strip() for part in _TASK_NUMBER.split(text))
    return tuple(item for item in items if item)


def _split_marker(raw_name: str) -> tuple[str, bool, bool]:
    """Strip the green/digital marker from a name; return (name, green, digital)."""
    found = _MARKER.match(raw_name)
    if found is None:
        return raw_name, False, False
    mark = found["mark"]
    return found["base"], "L" in mark, "S" in mark


def _rows(text: str, source: str, header: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """CSV rows after an exact header check, each with its 1-based line number."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    first = next(reader, None)
    if first is None or tuple(first) != header:
        raise ConfigError(f"{source}: header must be {','.join(header)}; got {first!r}")
    out: list[tuple[int, list[str]]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ConfigError(
                f"{source} line {reader.line_num}: expected {len(header)} columns, got {len(row)}"
            )
        out.append((reader.line_num, row))
    return out


def _parse_subset(text: str, source: str = _SUBSET_FILE) -> dict[str, _SubsetRow]:
    """Parse and check the verbatim classification rows (level-4 only, unique codes)."""
    parsed: dict[str, _SubsetRow] = {}
    for line, row in _rows(text, source, SUBSET_HEADER):
        level, code, code_num, name, definition, tasks = row[:6]
        where = f"{source} line {line} (code {code!r})"
        if level != "4" or not _CODE.fullmatch(code):
            raise ConfigError(f"{where}: must be a level-4 occupation code like 4-04-05-03")
        if code in parsed:
            raise ConfigError(f"{where}: duplicate code")
        if not name.strip() or not definition.strip():
            raise ConfigError(f"{where}: name and definition must not be empty")
        parsed[code] = _SubsetRow(code, code_num, name.strip(), definition.strip(), tasks)
    return parsed


def _parse_demands(text: str, source: str = _DEMAND_FILE) -> dict[str, _DemandRow]:
    """Parse and check demand profiles: every dimension an integer 0–4, known sector and mode."""
    parsed: dict[str, _DemandRow] = {}
    dims = ASSESSMENT_DIMENSIONS.codes
    for line, row in _rows(text, source, DEMAND_HEADER):
        code, *scores, sector, mode = row
        where = f"{source} line {line} (code {code!r})"
        if not _CODE.fullmatch(code):
            raise ConfigError(f"{where}: code must look like 4-04-05-03")
        if code in parsed:
            raise ConfigError(f"{where}: duplicate code")
        demand: dict[str, int] = {}
        for dim, value in zip(dims, scores, strict=True):
            if not _SCORE.fullmatch(value) or not SCORE_MIN <= int(value) <= SCORE_MAX:
                raise ConfigError(
                    f"{where}: {dim} must be an integer {SCORE_MIN}–{SCORE_MAX}, got {value!r}"
                )
            demand[dim] = int(value)
        if sector not in SECTORS:
            raise ConfigError(f"{where}: sector {sector!r} not in {sorted(SECTORS)}")
        if mode not in WORK_MODES:
            raise ConfigError(f"{where}: typical_mode {mode!r} not in {list(WORK_MODES.codes)}")
        parsed[code] = _DemandRow(code, sector, mode, MappingProxyType(demand))
    return parsed


def _combine(
    subset: Mapping[str, _SubsetRow], demands: Mapping[str, _DemandRow]
) -> Mapping[str, Occupation]:
    """Join the two files; each code must be in both, and names must stay unambiguous."""
    only_subset = sorted(set(subset) - set(demands))
    only_demand = sorted(set(demands) - set(subset))
    if only_subset or only_demand:
        raise ConfigError(
            f"{_SUBSET_FILE} and {_DEMAND_FILE} disagree: no demand profile for {only_subset}, "
            f"not in the subset: {only_demand}"
        )
    result: dict[str, Occupation] = {}
    names: set[str] = set()
    for code, row in subset.items():
        name, green, digital = _split_marker(row.raw_name)
        if name in names:
            raise ConfigError(f"{_SUBSET_FILE} (code {code!r}): duplicate name {name!r}")
        names.add(name)
        prof = demands[code]
        result[code] = Occupation(
            code=code,
            name=name,
            definition=row.definition,
            tasks=split_tasks(row.tasks),
            sector=prof.sector,
            typical_mode=prof.typical_mode,
            demand=prof.demand,
            green=green,
            digital=digital,
        )
    return MappingProxyType(result)


def _read_data(filename: str) -> str:
    return resources.files("matching").joinpath("data").joinpath(filename).read_text("utf-8")


@functools.cache
def load_occupations() -> Mapping[str, Occupation]:
    """All shipped occupations by code, in classification order (read and validated once)."""
    return _combine(
        _parse_subset(_read_data(_SUBSET_FILE)), _parse_demands(_read_data(_DEMAND_FILE))
    )


@functools.cache
def _lookup() -> Mapping[str, str]:
    """Accepted spellings (code, 7-digit code_num, name with or without marker) → code."""
    keys: dict[str, str] = {}
    raw = _parse_subset(_read_data(_SUBSET_FILE))
    for code, occ in load_occupations().items():
        for spelling in (code, raw[code].code_num, occ.name, raw[code].raw_name):
            keys[normalize_key(spelling)] = code
    return MappingProxyType(keys)


def _unknown(text: object) -> UnknownCodeError:
    known = load_occupations()
    return UnknownCodeError(
        code="unknown_occupation",
        message=(
            f"unknown occupation {text!r}; use one of the {len(known)} shipped 2022 "
            "classification codes (e.g. 4-04-05-03) or its exact Chinese name"
        ),
        message_zh=(
            f"职业“{text}”无效，请填写《职业分类大典（2022）》细类代码（如 4-04-05-03）"
            f"或准确的职业名称（如 呼叫中心服务员），本系统收录{len(known)}个职业"
        ),
        field=None,
    )


def occupation(code: str) -> Occupation:
    """The occupation for an exact code; raises ``UnknownCodeError`` with a Chinese message."""
    found = load_occupations().get(code) if isinstance(code, str) else None
    if found is None:
        raise _unknown(code)
    return found


def parse_occupation(text: str) -> str:
    """Return the code for a code or exact Chinese name, ignoring surrounding whitespace."""
    found = _lookup().get(normalize_key(text)) if isinstance(text, str) else None
    if found is None:
        raise _unknown(text)
    return found
