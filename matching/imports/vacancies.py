"""Import spec for vacancies (招聘岗位): one row per opening, keyed by the vacancy code.

A row names its employer by unified social credit code; the employer must already be stored
(import 用人单位 first). The demand columns (要求-视力 … 要求-计算机使用) are optional: an empty
cell takes the value of the occupation's demand profile (``matching.occupations``). When a demand
column is absent from the file, a stored vacancy keeps its demand if its occupation is unchanged;
a new vacancy, or one whose occupation changed, gets the profile (old demands fit the old job).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from matching import codes
from matching.codelist import CodeList
from matching.errors import ValidationError
from matching.imports import fields as f
from matching.imports.runner import chunks
from matching.imports.spec import EntitySpec, Field, ParsedRow
from matching.occupations import occupation, parse_occupation
from matching.storage import Employer, Vacancy
from matching.validators import make_uscc, parse_uscc

MIN_AGE = 16
MAX_AGE = 75
EARLIEST = date(2000, 1, 1)
EXAMPLE_CREDIT_CODE = make_uscc("91371502MA3C00001")
NO_REQUIREMENT = frozenset({"不限", "无要求", "学历不限", "不限学历"})
DEMAND_PREFIX = "demand_"


def _labels(codes_list: CodeList) -> str:
    return "、".join(item.zh for item in codes_list)


def _within_a_year() -> date:
    return f.today() + timedelta(days=366)


def _within_five_years() -> date:
    return f.today() + timedelta(days=5 * 366)


def _education_min(value: str) -> str | None:
    """A level, or no minimum for "不限" (offices write it instead of leaving the cell empty)."""
    if f.clean(value) in NO_REQUIREMENT:
        return None
    return codes.EDUCATION_LEVELS.parse(value)


_HOURS = f.decimal_number(Decimal("0.5"), Decimal(12), 1)
_PAY = f.integer(0, 100000)
_AGE = f.integer(MIN_AGE, MAX_AGE)
_DEMAND = f.integer(codes.SCORE_MIN, codes.SCORE_MAX)

HEAD_FIELDS = (
    Field("code", "岗位编号", f.identifier, True, ("岗位代码", "职位编号", "岗位ID"),
          "LC-2024-0001", "本单位自定的岗位唯一编号，不超过40字；重复导入同一编号即更新该岗位"),
    Field("credit_code", "统一社会信用代码", parse_uscc, True,
          ("信用代码", "社会信用代码", "单位统一社会信用代码", "单位信用代码"),
          EXAMPLE_CREDIT_CODE, "18位统一社会信用代码；该单位须已导入系统"),
    Field("occupation_code", "职业", parse_occupation, True,
          ("职业代码", "职业名称", "职业（工种）", "工种"), "4-04-05-03",
          "《职业分类大典（2022）》细类代码（如 4-04-05-03）或准确的职业名称（如 呼叫中心服务员）"),
    Field("title", "岗位名称", f.text(100), True, ("职位名称", "招聘岗位", "岗位"), "话务客服",
          "不超过100字"),
    Field("description", "岗位描述", f.text(2000), False, ("岗位职责", "职位描述", "工作内容"),
          "接听客户来电，解答业务咨询", "不超过2000字"),
    Field("county", "工作地点", f.code(codes.COUNTIES), True,
          ("工作地点（县区）", "工作县区", "岗位所在县区"), "东昌府区",
          "聊城市8个县（市、区）或3个功能区"),
    Field("channel", "岗位渠道", f.code(codes.VACANCY_CHANNELS), False, ("岗位类别", "渠道"),
          "普通岗位", f"{_labels(codes.VACANCY_CHANNELS)}；留空为普通岗位"),
    Field("work_mode", "工作方式", f.code(codes.WORK_MODES), True, ("用工形式", "工作形式"),
          "全日制坐班", _labels(codes.WORK_MODES)),
    Field("hours_per_day", "每日工时", _HOURS, True,
          ("每日工作时长", "每天工作小时", "日工作时长", "每日工时（小时）"), "8",
          "小时，0.5-12，保留1位小数"),
    Field("pay_min", "月薪下限", _PAY, True,
          ("月薪下限（元）", "薪资下限", "薪资下限（元）", "工资下限", "最低月薪"), "3000",
          "元/月，0-100000的整数，不高于月薪上限"),
    Field("pay_max", "月薪上限", _PAY, True,
          ("月薪上限（元）", "薪资上限", "薪资上限（元）", "工资上限", "最高月薪"), "4500",
          "元/月，0-100000的整数，不低于月薪下限"),
    Field("openings", "招聘人数", f.integer(1, 10000), True,
          ("需求人数", "招聘数量", "计划招聘人数"), "2", "1-10000的整数"),
    Field("reserved_for_disabled", "残疾人专岗", f.boolean, False,
          ("是否残疾人专岗", "是否专岗"), "是", "是/否，留空为否"),
    Field("graduate_oriented", "面向高校毕业生", f.boolean, False,
          ("是否面向高校毕业生", "面向毕业生"), "否", "是/否，留空为否"),
    Field("age_min", "年龄下限", _AGE, False, ("最低年龄", "年龄要求下限"), "18",
          f"{MIN_AGE}-{MAX_AGE}岁，可不填；不高于年龄上限"),
    Field("age_max", "年龄上限", _AGE, False, ("最高年龄", "年龄要求上限"), "50",
          f"{MIN_AGE}-{MAX_AGE}岁，可不填；不低于年龄下限"),
    Field("education_min", "最低学历", _education_min, False, ("学历要求", "学历"), "高中",
          "小学、初中、高中、中专/职高、大专、本科、研究生等；留空或“不限”表示不限"),
)  # fmt: skip

DEMAND_KEYS = tuple(f"{DEMAND_PREFIX}{code}" for code in codes.ASSESSMENT_DIMENSIONS.codes)
DEMAND_FIELDS = tuple(
    Field(f"{DEMAND_PREFIX}{dimension.code}", f"要求-{dimension.zh}", _DEMAND, False,
          (f"{dimension.zh}要求", f"要求{dimension.zh}"), "",
          "0-4的整数（0=不需要，4=要求很高）；留空则取所选职业的要求画像")
    for dimension in codes.ASSESSMENT_DIMENSIONS
)  # fmt: skip

TAIL_FIELDS = (
    Field("accommodations_offered", "可提供便利", f.code_set(codes.ACCOMMODATIONS), False,
          ("可提供的便利", "可提供的合理便利", "合理便利"), "无障碍通道、弹性工时、大字/盲文资料",
          f"可多选，用顿号分隔：{_labels(codes.ACCOMMODATIONS)}"),
    Field("skills_wanted", "技能要求", f.words(20), False, ("所需技能", "岗位技能"),
          "普通话、电脑打字", "可多项，用顿号分隔；最多20项，每项不超过40字"),
    Field("opened_on", "发布日期", f.date_between(EARLIEST, _within_a_year), True,
          ("发布时间", "开始日期"), "2024-03-01", "2000-01-01至今后一年内的日期"),
    Field("deadline", "截止日期", f.date_between(EARLIEST, _within_five_years), False,
          ("截止时间", "报名截止日期"), "2024-06-30", "可不填；不早于发布日期"),
    Field("status", "状态", f.code(codes.VACANCY_STATUSES), False, ("岗位状态", "招聘状态"),
          "招聘中", f"{_labels(codes.VACANCY_STATUSES)}；留空为招聘中"),
)  # fmt: skip

FIELDS = (*HEAD_FIELDS, *DEMAND_FIELDS, *TAIL_FIELDS)


def check(values: Mapping[str, Any]) -> list[tuple[str, ValidationError]]:
    problems: list[tuple[str, ValidationError]] = []
    pay_min, pay_max = values["pay_min"], values["pay_max"]
    if pay_min > pay_max:
        problems.append(
            _problem("pay_min", "pay_range", f"月薪下限{pay_min}元高于月薪上限{pay_max}元")
        )
    age_min, age_max = values["age_min"], values["age_max"]
    if age_min is not None and age_max is not None and age_min > age_max:
        problems.append(
            _problem("age_min", "age_range", f"年龄下限{age_min}岁高于年龄上限{age_max}岁")
        )
    opened_on, deadline = values["opened_on"], values["deadline"]
    if deadline is not None and deadline < opened_on:
        problems.append(
            _problem(
                "deadline",
                "deadline_before_open",
                f"截止日期{deadline.isoformat()}早于发布日期{opened_on.isoformat()}",
            )
        )
    return problems


def _problem(key: str, code: str, message_zh: str) -> tuple[str, ValidationError]:
    return key, ValidationError(code, f"{key}: {code.replace('_', ' ')}", message_zh)


def _employer_not_found() -> ValidationError:
    return ValidationError(
        "employer_not_found",
        "no employer with this credit code is stored; import the employer first",
        "系统中没有该统一社会信用代码的单位，请先导入用人单位",
    )


def prepare(session: Session, rows: list[ParsedRow], reach: ColumnElement[bool]) -> None:
    """Resolve each row's employer and complete its demand profile."""
    del reach  # not person data
    credit_codes = sorted({row.values["credit_code"] for row in rows})
    employer_ids: dict[str, int] = {}
    for chunk in chunks(credit_codes):
        query = select(Employer.credit_code, Employer.id).where(Employer.credit_code.in_(chunk))
        for credit_code, found_id in session.execute(query):
            employer_ids[credit_code] = found_id
    absent = [key for key in DEMAND_KEYS if rows and key not in rows[0].raw]
    stored = _stored_demands(session, rows) if absent else {}
    for row in rows:
        employer_id = employer_ids.get(row.values["credit_code"])
        if employer_id is None:
            row.reject("credit_code", _employer_not_found())
            continue
        kept: dict[str, int] = {}
        previous = stored.get(row.values["code"])
        if previous is not None and previous[0] == row.values["occupation_code"]:
            kept = {key: previous[1][key] for key in absent}
        row.record = record(row.values, employer_id, kept)


def _stored_demands(
    session: Session, rows: list[ParsedRow]
) -> dict[str, tuple[str, dict[str, int]]]:
    """Vacancy code → stored occupation and demand profile, for the codes the rows name."""
    columns = [getattr(Vacancy, key) for key in DEMAND_KEYS]
    found: dict[str, tuple[str, dict[str, int]]] = {}
    for chunk in chunks(sorted({row.values["code"] for row in rows})):
        query = select(Vacancy.code, Vacancy.occupation_code, *columns).where(
            Vacancy.code.in_(chunk)
        )
        for code, occupation_code, *demand in session.execute(query):
            found[code] = (occupation_code, dict(zip(DEMAND_KEYS, demand, strict=True)))
    return found


def record(
    values: Mapping[str, Any], employer_id: int, kept: Mapping[str, int] | None = None
) -> dict[str, Any]:
    """The Vacancy column values of one valid row: defaults applied, no credit code.

    A demand left empty takes ``kept`` (stored values for absent columns) or else the profile.
    """
    profile = occupation(values["occupation_code"]).demand
    result = {key: value for key, value in values.items() if key != "credit_code"}
    for dimension in codes.ASSESSMENT_DIMENSIONS.codes:
        key = f"{DEMAND_PREFIX}{dimension}"
        if result[key] is None:
            result[key] = (kept or {}).get(key, profile[dimension])
    return {
        **result,
        "employer_id": employer_id,
        "channel": values["channel"] or "open",
        "reserved_for_disabled": bool(values["reserved_for_disabled"]),
        "graduate_oriented": bool(values["graduate_oriented"]),
        "accommodations_offered": values["accommodations_offered"] or [],
        "skills_wanted": values["skills_wanted"] or [],
        "status": values["status"] or "open",
    }


SPEC = EntitySpec(
    name="vacancies",
    zh="招聘岗位",
    fields=FIELDS,
    model=Vacancy,
    record_key=("code",),
    key_fields=("code",),
    check=check,
    prepare=prepare,
    # Always written: prepare decides what an absent demand column means (see the docstring).
    derived=frozenset(DEMAND_KEYS),
)
