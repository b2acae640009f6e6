"""Import spec for employers (用人单位): one row per employer, keyed by unified social credit code.

The staff figures feed the quota and levy rules (:mod:`matching.quota`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from matching import codes
from matching.errors import ValidationError
from matching.imports import fields as f
from matching.imports.spec import EntitySpec, Field, ParsedRow
from matching.storage import Employer
from matching.validators import make_uscc, parse_uscc

MAX_STAFF = 1_000_000
MAX_AVERAGE_WAGE = Decimal(10_000_000)
EXAMPLE_CREDIT_CODE = make_uscc("91371502MA3C12345")

FIELDS = (
    Field("credit_code", "统一社会信用代码", parse_uscc, True,
          ("信用代码", "社会信用代码", "统一信用代码", "统一社会信用代码证"),
          EXAMPLE_CREDIT_CODE, "18位代码（数字和大写字母，不含I、O、S、V、Z）"),
    Field("name", "单位名称", f.text(100, name=True), True,
          ("用人单位名称", "企业名称", "单位全称"), "聊城市某某电子科技有限公司", "不超过100字"),
    Field("kind", "单位类型", f.code(codes.EMPLOYER_KINDS), True,
          ("单位性质", "单位类别", "企业类型"), "民营企业",
          "、".join(item.zh for item in codes.EMPLOYER_KINDS)),
    Field("county", "所属县区", f.code(codes.COUNTIES), True,
          ("县区", "县(市、区)", "所在县区"), "东昌府区", "聊城市8个县（市、区）或3个功能区"),
    Field("address", "地址", f.text(200), False, ("单位地址", "详细地址", "经营地址"),
          "聊城市东昌府区某某路1号", "不超过200字"),
    Field("staff_count", "在职职工人数", f.integer(0, MAX_STAFF), True,
          ("职工人数", "在职职工总数", "职工总数", "在职人数"), "200", "0-1000000的整数"),
    Field("established_posts", "编制数", f.integer(0, MAX_STAFF), False,
          ("编制人数", "核定编制数"), "", "机关、事业单位填写；0-1000000的整数"),
    Field("is_school", "是否学校或幼儿园", f.boolean, False,
          ("是否学校", "是否为学校或幼儿园"), "否", "是/否，不填视为否"),
    Field("average_wage", "职工年平均工资", f.decimal_number(Decimal(0), MAX_AVERAGE_WAGE, 2),
          False, ("年平均工资", "职工平均工资", "上年度职工年平均工资"), "60000",
          "元/年，0-10000000，保留2位小数"),
    Field("disabled_staff_severe", "一二级残疾职工人数", f.integer(0, MAX_STAFF), False,
          ("一、二级残疾职工人数", "1-2级残疾职工人数", "重度残疾职工人数"), "1",
          "持一、二级残疾人证的在职职工人数，不填视为0"),
    Field("disabled_staff_other", "三四级残疾职工人数", f.integer(0, MAX_STAFF), False,
          ("三、四级残疾职工人数", "3-4级残疾职工人数"), "2",
          "持三、四级残疾人证的在职职工人数，不填视为0"),
    Field("accommodations", "可提供便利", f.code_set(codes.ACCOMMODATIONS), False,
          ("可提供合理便利", "合理便利", "无障碍便利"), "无障碍通道、弹性工时",
          "可多选，用顿号分隔：" + "、".join(item.zh for item in codes.ACCOMMODATIONS)),
    Field("contact_phone", "联系电话", f.phone, False, ("电话", "联系方式", "手机号"),
          "0635-8888888", "11位手机号或带区号固话"),
)  # fmt: skip


def check(values: Mapping[str, Any]) -> list[tuple[str, ValidationError]]:
    severe = values["disabled_staff_severe"] or 0
    other = values["disabled_staff_other"] or 0
    staff = values["staff_count"]
    if severe + other <= staff:
        return []
    return [
        (
            "staff_count",
            ValidationError(
                "disabled_exceeds_staff",
                f"disabled staff {severe} + {other} exceeds staff count {staff}",
                f"一二级残疾职工（{severe}人）与三四级残疾职工（{other}人）合计"
                f"{severe + other}人，超过在职职工人数{staff}人，请核对",
            ),
        )
    ]


def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """The record is the parsed values with empty optional counts and flags at their defaults."""
    del session, reach  # not person data
    for row in rows:
        values = row.values
        row.record = {
            **values,
            "is_school": bool(values["is_school"]),
            "disabled_staff_severe": values["disabled_staff_severe"] or 0,
            "disabled_staff_other": values["disabled_staff_other"] or 0,
            "accommodations": values["accommodations"] or [],
        }


SPEC = EntitySpec(
    name="employers",
    zh="用人单位",
    fields=FIELDS,
    model=Employer,
    record_key=("credit_code",),
    key_fields=("credit_code",),
    check=check,
    prepare=prepare,
)
