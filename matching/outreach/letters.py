"""A letter in plain Chinese to one employer below the quota: its gap, its levy, the persons who
could fill its vacancies (masked), and the support it can get.

Every rule and offer the letter states is one of docs/domain.md, cited as that page cites it
([Plan …] is 聊城市促进残疾人就业行动实施方案); nothing else is promised. Persons appear with a
masked name and ID only, and only when the caller may see persons (``OutreachRow.candidates``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from matching.codes import COUNTIES
from matching.outreach.rules import OutreachRow
from matching.quota import AGENCY_MIN_POSTS, INSTITUTION_MIN_POSTS
from matching.validators import mask_name

__all__ = ["SUPPORT_ZH", "letter", "money", "number"]

PLAN = "《聊城市促进残疾人就业行动实施方案》"
SUPPORT_ZH: tuple[str, ...] = (
    "推荐人选：县（市、区）残联就业服务机构按岗位要求和职业能力评估结果，为贵单位点对点推荐求职者，"
    f"并组织就业援助月、民营企业招聘月等专场招聘活动（依据：{PLAN}二（三）1、三（三））。",
    f"就业辅导：就业服务机构配有就业辅导员，为残疾人求职开通绿色通道（依据：{PLAN}二（九）1）。",
    "合理便利：职业能力评估逐项说明岗位要求与个人能力之间的差距，以及无障碍通道、无障碍卫生间、"
    "手语翻译、读屏软件、大字或盲文材料、弹性工时、现场就业辅导员、辅助器具等哪些便利措施可以弥补，"
    "便于贵单位有针对性地安排。",
    "职业培训：每个县（市、区）至少有一处残疾人职业培训基地，提供就业技能培训、岗位技能提升培训和"
    f"创业培训，符合条件的可享受培训费和生活费补贴（依据：{PLAN}二（十）1）。",
)
PUBLIC_BODY_SUPPORT_ZH = (
    "机关、事业单位招录：可预留岗位定向招录残疾人，适当放宽年龄、户籍、学历等条件，"
    f"并在招录考试中提供合理便利（依据：{PLAN}二（一）2）。"
)


def number(value: Decimal) -> str:
    """A count that may be fractional (0.465, 3), without trailing zeros."""
    text = f"{value.quantize(Decimal('0.001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal) -> str:
    return f"{value:,.2f}元"


def letter(row: OutreachRow, *, county_office: str | None = None, today: date) -> list[str]:
    """The letter's paragraphs, title first."""
    e = row.employer
    status = e.status
    office = county_office or f"{COUNTIES.label(e.county)}残疾人就业服务机构"
    public_body = e.kind in ("agency", "institution")
    base = "编制数" if public_body and e.quota_staff != e.staff_count else "在职职工"
    paragraphs = [
        "关于按比例安排残疾人就业的告知函",
        f"{e.name}（统一社会信用代码：{e.credit_code}）：",
        "按照《残疾人就业条例》和山东省的规定，用人单位安排残疾人就业的比例不得低于在职职工总数的"
        "1.5%；持一级、二级残疾人证的职工，每人按2名计算。",
        f"据登记，贵单位{base}{e.quota_staff}人，应安排残疾人{number(status.required)}名；"
        f"目前安排的残疾职工折算为{e.weighted_disabled}名，还差{number(status.gap)}名，"
        f"即还需安排残疾人约{e.persons_needed}名（按持三级、四级残疾人证者计；"
        "持一级、二级残疾人证者每人按2名计算）。",
    ]
    if status.must_employ_one:
        paragraphs.append(
            f"依据{PLAN}二（一）1，“十四五”期间，编制{AGENCY_MIN_POSTS}个（含）以上的机关和"
            f"编制{INSTITUTION_MIN_POSTS}个（含）以上的事业单位（中小学、幼儿园除外）未达到1.5%"
            "比例的，应至少安排1名残疾人就业。"
        )
    paragraphs.append(_levy_paragraph(row))
    if e.vacancies:
        listed = "；".join(f"{v.title}（招{v.openings}人）" for v in e.vacancies[:10])
        more = f"等{len(e.vacancies)}个岗位" if len(e.vacancies) > 10 else ""
        paragraphs.append(f"贵单位目前在招的岗位有：{listed}{more}。")
    else:
        paragraphs.append("贵单位目前没有在招岗位登记；如有适合残疾人的岗位，欢迎告诉我们。")
    if row.candidates:
        paragraphs.append(
            "我们从本县（市、区）登记求职的残疾人中，按岗位要求初步选出以下人选"
            "（为保护个人信息，姓名和身份证号已部分隐去，详情请与我们联系）："
        )
        paragraphs.extend(
            f"{i}. {mask_name(c.name)}，身份证号{c.id_number_masked}，适合岗位：{c.vacancy_title}"
            for i, c in enumerate(row.candidates, start=1)
        )
    elif row.fitting:
        paragraphs.append(
            f"本县（市、区）登记求职的残疾人中，约有{row.fitting}人符合贵单位在招岗位的基本条件，"
            "我们可以为贵单位推荐。"
        )
    paragraphs.append("贵单位可以得到的支持：")
    support = (*SUPPORT_ZH, PUBLIC_BODY_SUPPORT_ZH) if public_body else SUPPORT_ZH
    paragraphs.extend(f"{i}. {text}" for i, text in enumerate(support, start=1))
    paragraphs.append(f"如需了解详情或安排面试，请与{office}联系。")
    paragraphs.append(f"{office}　{today.year}年{today.month}月{today.day}日")
    return paragraphs


def _levy_paragraph(row: OutreachRow) -> str:
    e, levy = row.employer, row.employer.levy
    if levy is None or e.wage is None:
        return f"残疾人就业保障金：{e.levy_note or '暂无法计算'}。"
    if levy.exempt_reason == "small_enterprise":
        return (
            "按照残疾人就业保障金的规定，在职职工30人（含）以下的企业暂免征收保障金；"
            "贵单位目前不需缴纳，但仍欢迎安排残疾人就业。"
        )
    share = "50%" if levy.relief_share == Decimal("0.5") else "90%"
    paragraphs = (
        "按照《残疾人就业保障金征收使用管理办法》及现行分档征收规定，贵单位按现状每年应缴纳"
        f"残疾人就业保障金约{money(levy.due)}（差额人数{number(levy.gap)}名 × 计征工资"
        f"{money(levy.wage_base)} × {share}；计征工资为单位职工年平均工资，但不超过当地上年城镇"
        f"职工年平均工资{money(e.wage.amount)}的2倍，该平均工资来源：{e.wage.source}）。"
    )
    if row.placeable and row.levy_saved:
        paragraphs += (
            f"如安排{row.placeable}名残疾人就业，每年可少缴保障金约{money(row.levy_saved)}。"
        )
    return paragraphs
