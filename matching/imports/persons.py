"""Import spec for persons (求职登记): one row per person, keyed by resident ID.

A resident ID is unique within a county only (``matching.person_conflicts``), so a row updates
the person holding its ID within the importer's reach, and a new one is inserted otherwise; an
ID held by two persons within reach (a city-wide importer, a pending transfer) is refused as
ambiguous. After the upsert, a person whose ID is also stored in another county is queued for an
administrator; the importer's answer is the same as for any new person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import Session

from matching import codes
from matching.errors import ValidationError
from matching.imports import fields as f
from matching.imports.spec import EntitySpec, Field, ParsedRow
from matching.person_conflicts.detect import queue_conflicts
from matching.person_conflicts.lookup import ambiguous_id, persons_by_id_number
from matching.storage import Person
from matching.validators import parse_certificate, parse_resident_id

MIN_AGE = 16
MAX_AGE = 75


def _resident_id(value: str) -> str:
    return parse_resident_id(value).number


def _certificate(value: str) -> str:
    return parse_certificate(value).number


FIELDS = (
    Field("id_number", "身份证号", _resident_id, True, ("公民身份号码", "身份证号码"),
          "371502199001011234", "18位居民身份证号，末位可为X", sensitive=True),
    Field("name", "姓名", f.text(50, name=True), True, (), "张三", "不超过50字"),
    Field("certificate_number", "残疾人证号", _certificate, True, ("残疾证号",),
          "37150219900101123442", "20位：身份证号+残疾类别(1-7)+残疾等级(1-4)", sensitive=True),
    Field("disability_category", "残疾类别", f.code(codes.DISABILITY_CATEGORIES), False, (),
          "肢体", "可不填（由残疾人证号得出）；填写时须与证号一致"),
    Field("disability_level", "残疾等级", f.code(codes.DISABILITY_LEVELS), False, (),
          "二级", "可不填（由残疾人证号得出）；填写时须与证号一致"),
    Field("sex", "性别", f.code(codes.SEXES), False, (), "男", "可不填（由身份证号得出）"),
    Field("county", "所属县区", f.code(codes.COUNTIES), True, ("县区", "县(市、区)"),
          "东昌府区", "聊城市8个县（市、区）或3个功能区"),
    Field("hukou", "户籍性质", f.code(codes.HUKOU), True, ("户口性质",), "农村", "城镇/农村"),
    Field("education", "文化程度", f.code(codes.EDUCATION_LEVELS), True, ("学历",), "高中",
          "小学、初中、高中、中专/职高、大专、本科、研究生等"),
    Field("employment_status", "就业状态", f.code(codes.EMPLOYMENT_STATUSES), True, (),
          "求职中", "求职中、已就业、灵活就业、辅助性就业、暂不求职、在校"),
    Field("phone", "联系电话", f.phone, False, ("手机号",), "13800000000",
          "11位手机号或带区号固话"),
    Field("registered_on", "登记日期", f.date_between(date(2000, 1, 1), f.today), True,
          ("求职登记日期",), "2024-03-01", "2000-01-01至今天"),
    Field("is_graduate", "是否高校毕业生", f.boolean, False, (), "否", "是/否"),
    Field("school", "毕业院校", f.text(100), False, (), "", "高校毕业生必填"),
    Field("major", "所学专业", f.text(100), False, (), "", "高校毕业生必填"),
    Field("graduation_year", "毕业年份", f.integer(1980, 2100), False, (), "", "高校毕业生必填"),
    Field("expected_pay_min", "期望月薪", f.integer(0, 100000), False, ("期望月薪（元）",),
          "3000", "元/月，0-100000"),
    Field("preferred_hours_per_day", "每日可工作小时",
          f.decimal_number(Decimal("0.5"), Decimal(12), 1), False, (), "6", "0.5-12"),
    Field("preferred_work_modes", "期望工作方式", f.code_set(codes.WORK_MODES), False, (),
          "全日制坐班、居家就业", "可多选，用顿号分隔"),
    Field("commute_km", "可接受通勤距离", f.integer(0, 200), False, ("通勤距离(公里)",),
          "10", "公里，0-200"),
)  # fmt: skip


def check(values: Mapping[str, Any]) -> list[tuple[str, ValidationError]]:
    problems: list[tuple[str, ValidationError]] = []
    person_id = parse_resident_id(values["id_number"])
    certificate = parse_certificate(values["certificate_number"])
    if certificate.resident_id != person_id.number:
        problems.append(("certificate_number", _mismatch("残疾人证号前18位与身份证号不一致")))
    for key, derived in (
        ("disability_category", certificate.category),
        ("disability_level", certificate.level),
        ("sex", person_id.sex),
    ):
        if values[key] is not None and values[key] != derived:
            field = SPEC_FIELDS[key]
            problems.append((key, _mismatch(f"“{field.zh}”与证件号码中的信息不一致")))
    age = person_id.age_on(values["registered_on"])
    if not MIN_AGE <= age <= MAX_AGE:
        problems.append(
            (
                "id_number",
                ValidationError(
                    "age_out_of_range",
                    f"age at registration {age} outside {MIN_AGE}..{MAX_AGE}",
                    f"登记时年龄{age}岁，超出可登记范围（{MIN_AGE}-{MAX_AGE}岁）",
                ),
            )
        )
    if values["is_graduate"]:
        for key in ("school", "major", "graduation_year"):
            if values[key] is None:
                problems.append(
                    (key, ValidationError("graduate_incomplete", f"{key} is required for graduates",
                                          f"高校毕业生须填写“{SPEC_FIELDS[key].zh}”"))
                )  # fmt: skip
    return problems


def _mismatch(message_zh: str) -> ValidationError:
    return ValidationError("inconsistent", "value disagrees with the ID or certificate", message_zh)


def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """Build each row's record and find the person it updates (``row.stored``) within reach."""
    stored = persons_by_id_number(session, (row.values["id_number"] for row in rows), reach)
    for row in rows:
        found = stored.get(row.values["id_number"], [])
        if len(found) > 1:
            row.reject("id_number", ambiguous_id("请先由管理员处理跨县冲突队列后再导入"))
            continue
        row.stored = found[0] if found else None
        values = row.values
        person_id = parse_resident_id(values["id_number"])
        certificate = parse_certificate(values["certificate_number"])
        row.record = {
            **values,
            "sex": person_id.sex,
            "birth_date": person_id.birth_date,
            "disability_category": certificate.category,
            "disability_level": certificate.level,
            "is_graduate": bool(values["is_graduate"]),
            "preferred_work_modes": values["preferred_work_modes"] or [],
        }


def settle(session: Session, rows: Sequence[ParsedRow], actor: str) -> None:
    """Queue the persons just written whose ID is also stored in another county."""
    keys = [(row.record["id_number"], row.record["county"]) for row in rows]
    written: list[Person] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        written += session.scalars(
            select(Person).where(tuple_(Person.id_number, Person.county).in_(chunk))
        )
    queue_conflicts(session, written, actor=actor, via="import")


SPEC_FIELDS = {field.key: field for field in FIELDS}
SPEC = EntitySpec(
    name="persons",
    zh="求职登记人员",
    fields=FIELDS,
    model=Person,
    record_key=("id_number",),
    key_fields=("id_number",),
    check=check,
    prepare=prepare,
    derived=frozenset({"sex", "disability_category", "disability_level"}),
    locates=True,
    settle=settle,
)
