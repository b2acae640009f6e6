"""Import spec for training courses (培训课程): one row per course, keyed by the course code.

Each row also names its training base (培训基地). Bases are upserted by their code while the file
is imported: a new code creates the base, a known one gets its name, county and accessibility
updated (like any absent column, an absent 基地无障碍条件 column leaves the stored value alone).
Within one file the first accepted row of a base defines it; a later row that gives the same base
code with another name, county or accessibility is rejected (``base_conflict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from matching import codes
from matching.errors import ValidationError
from matching.imports import fields as f
from matching.imports.runner import chunks
from matching.imports.spec import EntitySpec, Field, ParsedRow
from matching.occupations import parse_occupation
from matching.storage import Course, TrainingBase

EARLIEST = date(2000, 1, 1)
MAX_SUBSIDY = Decimal(1_000_000)
# Record key of a base attribute → the import field that carries it.
BASE_ATTRIBUTES = {
    "name": "base_name",
    "county": "base_county",
    "accessibility": "base_accessibility",
}


def _within_two_years() -> date:
    return f.today() + timedelta(days=2 * 366)


_SUBSIDY = f.decimal_number(Decimal(0), MAX_SUBSIDY, 2)
_ACCOMMODATIONS = "、".join(item.zh for item in codes.ACCOMMODATIONS)

FIELDS = (
    Field("code", "课程编号", f.identifier, True, ("课程代码", "培训项目编号"), "PX-2024-001",
          "课程唯一编号，不超过40字；重复导入同一编号即更新该课程"),
    Field("base_code", "培训基地编号", f.identifier, True, ("基地编号", "培训基地代码"),
          "JD-371502-01", "培训基地唯一编号，不超过40字；新编号将自动建立培训基地"),
    Field("base_name", "培训基地名称", f.text(100, name=True), True,
          ("基地名称", "培训基地", "培训机构名称"), "东昌府区残疾人职业培训基地",
          "不超过100字；同一基地编号的各行须一致"),
    Field("base_county", "基地所在县区", f.code(codes.COUNTIES), True,
          ("基地县区", "所属县区", "县区"), "东昌府区",
          "聊城市8个县（市、区）或3个功能区；同一基地编号的各行须一致"),
    Field("base_accessibility", "基地无障碍条件", f.code_set(codes.ACCOMMODATIONS), False,
          ("基地无障碍设施", "基地便利条件"), "无障碍通道、无障碍卫生间",
          f"可多选，用顿号分隔：{_ACCOMMODATIONS}；同一基地编号的各行须一致"),
    Field("title", "课程名称", f.text(100), True, ("培训项目", "培训项目名称", "培训课程"),
          "盲人保健按摩", "不超过100字"),
    Field("occupation_code", "对应职业", parse_occupation, False,
          ("职业", "职业代码", "培训工种", "工种"), "4-10-04-02",
          "可不填；《职业分类大典（2022）》细类代码（如 4-10-04-02）或准确的职业名称"),
    Field("description", "课程简介", f.text(2000), False, ("课程介绍", "培训内容"),
          "保健按摩基础手法与实操", "不超过2000字"),
    Field("skills", "培训技能", f.words(20), False, ("所学技能", "技能"), "保健按摩、推拿",
          "可多项，用顿号分隔；最多20项，每项不超过40字"),
    Field("duration_days", "培训天数", f.integer(1, 730), True,
          ("培训时长（天）", "培训周期（天）", "天数"), "30", "1-730的整数"),
    Field("next_intake", "下期开班日期", f.date_between(EARLIEST, _within_two_years), False,
          ("开班日期", "开班时间"), "2024-09-01", "可不填；2000-01-01至今后两年内的日期"),
    Field("capacity", "招生人数", f.integer(1, 10000), True,
          ("计划招生人数", "招生计划", "培训人数"), "20", "1-10000的整数"),
    Field("accessibility", "课程无障碍条件", f.code_set(codes.ACCOMMODATIONS), False,
          ("课程便利条件", "可提供便利"), "大字/盲文资料、手语翻译",
          f"课程能提供的合理便利，可多选，用顿号分隔：{_ACCOMMODATIONS}"),
    Field("fee_subsidy", "培训补贴", _SUBSIDY, False, ("培训补贴（元）", "培训费补贴"), "1500",
          "元，0-1000000，最多2位小数；留空为0"),
    Field("living_subsidy", "生活补贴", _SUBSIDY, False, ("生活补贴（元）", "生活费补贴"), "600",
          "元，0-1000000，最多2位小数；留空为0"),
    Field("status", "状态", f.code(codes.COURSE_STATUSES), False, ("课程状态", "招生状态"),
          "招生中",
          f"{'、'.join(item.zh for item in codes.COURSE_STATUSES)}；留空为招生中"),
)  # fmt: skip
SPEC_FIELDS = {field.key: field for field in FIELDS}


def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """Upsert the bases the rows name, then give each row its ``base_id``.

    A row whose course code repeats an earlier accepted row leaves the bases alone: the runner
    rejects it as a duplicate, and a rejected row must not change what is stored.
    """
    del reach  # not person data
    defined: dict[str, tuple[int, dict[str, Any]]] = {}
    seen_courses: set[str] = set()
    duplicates: list[ParsedRow] = []
    accepted: list[ParsedRow] = []
    for row in rows:
        if row.values["code"] in seen_courses:
            duplicates.append(row)
            continue
        attributes = base_attributes(row)
        first = defined.setdefault(row.values["base_code"], (row.number, attributes))
        if first[0] != row.number:
            conflict = _conflict(first[0], first[1], attributes)
            if conflict is not None:
                row.reject(*conflict)
                continue
        seen_courses.add(row.values["code"])
        accepted.append(row)
    base_ids = _upsert_bases(session, {code: attrs for code, (_, attrs) in defined.items()})
    for row in accepted:
        row.record = record(row.values, base_ids[row.values["base_code"]])
    for row in duplicates:
        # Rejected by the runner as duplicate_in_file; the record only has to carry the key.
        row.record = record(row.values, base_ids.get(row.values["base_code"]))


def base_attributes(row: ParsedRow) -> dict[str, Any]:
    """The TrainingBase values a row gives (no accessibility when the file lacks that column)."""
    attributes = {"name": row.values["base_name"], "county": row.values["base_county"]}
    if "base_accessibility" in row.raw:
        attributes["accessibility"] = row.values["base_accessibility"] or []
    return attributes


def record(values: Mapping[str, Any], base_id: int | None) -> dict[str, Any]:
    """The Course column values of one valid row: defaults applied, no ``base_*`` keys."""
    result = {key: value for key, value in values.items() if not key.startswith("base_")}
    return {
        **result,
        "base_id": base_id,
        "skills": values["skills"] or [],
        "accessibility": values["accessibility"] or [],
        "fee_subsidy": values["fee_subsidy"] or Decimal("0.00"),
        "living_subsidy": values["living_subsidy"] or Decimal("0.00"),
        "status": values["status"] or "open",
    }


def _conflict(
    first_row: int, first: Mapping[str, Any], attributes: Mapping[str, Any]
) -> tuple[str, ValidationError] | None:
    for name, key in BASE_ATTRIBUTES.items():
        if name in attributes and attributes[name] != first[name]:
            label = SPEC_FIELDS[key].zh
            return key, ValidationError(
                "base_conflict",
                f"{key} differs from row {first_row} for the same base code",
                f"同一培训基地编号在第{first_row}行的{label}为“{_shown(name, first[name])}”，"
                f"本行为“{_shown(name, attributes[name])}”，同一基地各行须一致",
            )
    return None


def _shown(name: str, value: Any) -> str:
    if name == "county":
        return codes.COUNTIES.label(value)
    if name == "accessibility":
        return "、".join(codes.ACCOMMODATIONS.label(item) for item in value) or "空"
    return str(value)


def _upsert_bases(session: Session, wanted: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Create new bases, update changed ones; return base code → id."""
    stored: dict[str, TrainingBase] = {}
    for chunk in chunks(sorted(wanted)):
        for base in session.scalars(select(TrainingBase).where(TrainingBase.code.in_(chunk))):
            stored[base.code] = base
    for code, attributes in wanted.items():
        found = stored.get(code)
        if found is None:
            created = TrainingBase(code=code, **attributes)
            session.add(created)
            stored[code] = created
            continue
        for name, value in attributes.items():
            if getattr(found, name) != value:
                setattr(found, name, value)
    session.flush()
    return {code: base.id for code, base in stored.items()}


SPEC = EntitySpec(
    name="courses",
    zh="培训课程",
    fields=FIELDS,
    model=Course,
    record_key=("code",),
    key_fields=("code",),
    prepare=prepare,
)
