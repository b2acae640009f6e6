"""Import spec for vocational ability assessments (职业能力评估): one row per person and date.

The person must already be registered (persons import): rows are matched to persons by resident
ID within the importer's reach (an ID is unique per county only), and the stored assessment
refers to the person by ``person_id`` only, never by ID number.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from matching import codes
from matching.errors import ValidationError
from matching.imports import fields as f
from matching.imports.spec import EntitySpec, Field, ParsedRow
from matching.person_conflicts.lookup import ambiguous_id, persons_by_id_number
from matching.storage import Assessment
from matching.validators import parse_resident_id

_SCORE_NUMBER = f.integer(codes.SCORE_MIN, codes.SCORE_MAX)
_SCORE_ALLOWED = "、".join(f"{level.code}{level.zh}" for level in codes.SCORE_LEVELS)
LIST_FIELDS = ("skills", "certificates", "accommodations_needed", "preferred_forms")


def _resident_id(value: str) -> str:
    return parse_resident_id(value).number


def score(value: str) -> int:
    """A score 0-4 as a number ("3", "3.0") or as its level name ("基本胜任")."""
    cleaned = f.clean(value)
    try:
        return int(codes.SCORE_LEVELS.parse(cleaned))
    except ValidationError:
        number = _SCORE_NUMBER(cleaned)
        assert isinstance(number, int)
        return number


# A person with a lower-limb disability: the template's example row.
_EXAMPLE_SCORES = {
    "vision": 4, "hearing": 4, "speech": 4, "reading_writing": 3, "fine_dexterity": 3,
    "lifting": 1, "standing": 1, "mobility": 1, "learning": 3, "attention": 3, "social": 3,
    "stress": 2, "computer": 3,
}  # fmt: skip


def _dimension_aliases(dimension: codes.Code) -> tuple[str, ...]:
    """The code list's other spellings, plus the label with its range as offices often write it."""
    spellings = (*dimension.aliases, dimension.en, f"{dimension.zh}(0-4)", f"{dimension.zh}评分")
    return tuple(s for s in dict.fromkeys(spellings) if s not in (dimension.code, dimension.zh))


DIMENSION_FIELDS = tuple(
    Field(
        dimension.code,
        dimension.zh,
        score,
        True,
        _dimension_aliases(dimension),
        str(_EXAMPLE_SCORES[dimension.code]),
        f"0-4分：{_SCORE_ALLOWED}；也可填等级名称",
    )
    for dimension in codes.ASSESSMENT_DIMENSIONS
)

FIELDS = (
    Field("id_number", "身份证号", _resident_id, True, ("公民身份号码", "身份证号码"),
          "371502199001011234", "18位居民身份证号，末位可为X；须为已登记的人员", sensitive=True),
    Field("assessed_on", "评估日期", f.date_between(date(2000, 1, 1), f.today), True,
          ("评估时间",), "2024-03-15", "2000-01-01至今天"),
    Field("assessor", "评估人", f.text(50, name=True), False, ("评估员", "评估人员"), "李四",
          "不超过50字"),
    *DIMENSION_FIELDS,
    Field("sustainable_hours", "每日可持续工作小时",
          f.decimal_number(Decimal("0.5"), Decimal(12), 1), True,
          ("可持续工作小时", "每日可持续工作时间", "每日可持续工作时长"), "6",
          "0.5-12，保留1位小数"),
    Field("skills", "技能", f.words(20), False, ("掌握技能", "职业技能", "专长"),
          "电脑打字、客服接线", "可多项，用顿号分隔；最多20项，每项不超过40字"),
    Field("certificates", "证书", f.words(20), False, ("持有证书", "资格证书", "职业资格证书"),
          "计算机操作员（五级）", "可多项，用顿号分隔；最多20项，每项不超过40字"),
    Field("accommodations_needed", "所需便利", f.code_set(codes.ACCOMMODATIONS), False,
          ("所需合理便利", "需要的便利", "合理便利需求"), "无障碍通道、无障碍卫生间",
          "可多选，用顿号分隔：" + "、".join(item.zh for item in codes.ACCOMMODATIONS)),
    Field("preferred_forms", "期望就业形式", f.code_set(codes.EMPLOYMENT_FORMS), False,
          ("意向就业形式", "就业意向"), "按比例就业、居家就业",
          "可多选，用顿号分隔：" + "、".join(item.zh for item in codes.EMPLOYMENT_FORMS)),
    Field("notes", "备注", f.text(500), False, ("说明",), "", "不超过500字"),
)  # fmt: skip


def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """Find each row's person by resident ID within ``reach``; reject rows whose person is not
    registered there, or whose ID names persons of two counties (a pending transfer)."""
    persons = persons_by_id_number(session, (row.values["id_number"] for row in rows), reach)
    for row in rows:
        found = persons.get(row.values["id_number"], [])
        if len(found) > 1:
            advice = "请先由管理员处理跨县冲突队列，或在系统中按人员编号录入"
            row.reject("id_number", ambiguous_id(advice))
            continue
        if not found:
            row.reject(
                "id_number",
                ValidationError(
                    "person_not_found",
                    "no registered person has this resident ID",
                    "系统中没有该身份证号的登记人员，请先导入人员信息",
                ),
            )
            continue
        record = {key: value for key, value in row.values.items() if key != "id_number"}
        record["person_id"] = found[0].id
        for key in LIST_FIELDS:
            record[key] = record[key] or []
        row.record = record


SPEC = EntitySpec(
    name="assessments",
    zh="职业能力评估",
    fields=FIELDS,
    model=Assessment,
    record_key=("person_id", "assessed_on"),
    key_fields=("id_number", "assessed_on"),
    prepare=prepare,
)
