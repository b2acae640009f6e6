"""Checking and filling in the fields of a ledger: codes, texts, the person's defaults and the
case worker. Malformed values are ``ValidationError``; values that do not fit the person, the
users or today are ``ConflictError``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from matching.codes import GRADUATE_DEGREES, GRADUATE_STATUSES, LEDGER_SERVICES
from matching.errors import ValidationError, conflict
from matching.ledgers.checks import check_graduation_year, check_text
from matching.ledgers.queries import INT_MAX, parse_code
from matching.storage import Person, User
from matching.storage.ledgers import GraduateLedger

__all__ = [
    "MAJOR_MAX",
    "NEEDS_MAX",
    "SCHOOL_MAX",
    "apply_change",
    "case_worker",
    "check_in_school_year",
    "degree_from",
    "parse_degree",
    "parse_services",
    "parse_status",
    "status_from",
    "text_or_stored",
]

SCHOOL_MAX = 100
MAJOR_MAX = 100
NEEDS_MAX = 2000
CASE_WORKER_ROLES = frozenset({"case_worker", "counselor"})
# What a person's record implies when the ledger's status or degree is not given.
STATUS_FROM_PERSON = {"studying": "in_school", "employed": "employed", "flexible": "flexible"}
DEGREE_FROM_EDUCATION = {"college": "college", "bachelor": "bachelor"}
V = TypeVar("V")


def apply_change(
    session: Session, ledger: GraduateLedger, name: str, value: object, today: date
) -> None:
    if name == "school":
        ledger.school = required_text(value, "school", "学校", SCHOOL_MAX)
    elif name == "major":
        ledger.major = required_text(value, "major", "专业", MAJOR_MAX)
    elif name == "degree":
        ledger.degree = parse_degree(expect(value, str, name, "学历"))
    elif name == "graduation_year":
        year = expect(value, int, name, "毕业年份")
        ledger.graduation_year = check_graduation_year(year, today)
    elif name == "needs":
        ledger.needs = check_text(value, "needs", "需求", NEEDS_MAX)
    elif name == "intended_services":
        if not isinstance(value, list | tuple):
            raise ValidationError(
                "not_a_list", "intended_services must be a list", "拟提供服务须为列表", name
            )
        ledger.intended_services = parse_services(value)
    elif name == "case_worker_id":
        worker = None if value is None else expect(value, int, name, "个案专员")
        ledger.case_worker_id = case_worker(session, worker, ledger.county)


def expect(value: object, kind: type[V], field: str, zh: str) -> V:
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    raise ValidationError("wrong_type", f"{field} has the wrong type", f"{zh}格式不正确", field)


def text_or_stored(value: object, stored: str | None, field: str, zh: str, max_length: int) -> str:
    """The given text, else what the person's record holds; neither is a conflict."""
    text = check_text(value, field, zh, max_length) or check_text(stored, field, zh, max_length)
    if text is None:
        raise conflict(
            f"{field}_missing",
            f"{field} is required: the person's record has none",
            f"请填写{zh}（该人员登记信息中没有{zh}）",
            field=field,
        )
    return text


def required_text(value: object, field: str, zh: str, max_length: int) -> str:
    text = check_text(value, field, zh, max_length, required=True)
    assert text is not None
    return text


def parse_status(text: str) -> str:
    return parse_code(GRADUATE_STATUSES, text, "status")


def parse_degree(text: str) -> str:
    return parse_code(GRADUATE_DEGREES, text, "degree")


def parse_services(values: Iterable[object]) -> list[str]:
    services: list[str] = []
    for value in values:
        if not isinstance(value, str):
            raise ValidationError(
                "wrong_type",
                "intended_services holds non-text",
                "拟提供服务格式不正确",
                field="intended_services",
            )
        code = parse_code(LEDGER_SERVICES, value, "intended_services")
        if code not in services:
            services.append(code)
    return [code for code in LEDGER_SERVICES.codes if code in services]


def status_from(person: Person) -> str:
    return STATUS_FROM_PERSON.get(person.employment_status, "unemployed")


def degree_from(person: Person) -> str:
    degree = DEGREE_FROM_EDUCATION.get(person.education)
    if degree is None:
        raise conflict(
            "degree_missing",
            "degree is required (the person's education does not determine it)",
            "请填写学历（专科、本科、硕士或博士）",
            field="degree",
        )
    return degree


def case_worker(session: Session, user_id: int | None, county: str) -> int | None:
    if user_id is None:
        return None
    user = session.get(User, user_id) if 1 <= user_id <= INT_MAX else None
    if (
        user is None
        or not user.active
        or user.role not in CASE_WORKER_ROLES
        or user.county != county
    ):
        raise conflict(
            "not_a_case_worker",
            f"user {user_id} is not an active case worker or counselor of county {county}",
            "所选个案专员须为本县（市、区）在职的高校毕业生个案专员或就业辅导员",
            field="case_worker_id",
        )
    return user.id


def check_in_school_year(ledger: GraduateLedger, today: date) -> None:
    if ledger.status == "in_school" and ledger.graduation_year < today.year:
        raise conflict(
            "in_school_after_graduation",
            f"status in_school needs a graduation year of {today.year} or later",
            f"“在校”学生的毕业年份不能早于 {today.year} 年；已毕业请选择离校后的状态",
            field="graduation_year",
        )
