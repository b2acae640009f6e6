"""Excel exports of a ledger and of the county summary: Chinese sheets and headers, masked
numbers, text never turned into formulas, every export audited; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.errors import NotFoundError
from matching.ledgers import (
    add_action,
    add_follow_up,
    change_status,
    export_ledger,
    export_summary,
    open_ledger,
)
from matching.ledgers.export import (
    ACTION_HEADERS,
    FOLLOW_UP_HEADERS,
    LEDGER_SHEETS,
    LIST_HEADERS,
    STATUS_HEADERS,
    SUMMARY_SHEETS,
)
from matching.storage import AuditEntry
from matching.validators import mask_resident_id
from tests.test_ledgers_support import COUNTY_B, TODAY, a_person, staff

TODAY_AT_MIDNIGHT = datetime(2026, 11, 20)  # openpyxl reads dates back as datetimes


def cells(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = load_workbook(BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def test_one_ledger_exports_with_chinese_sheets_and_masked_numbers(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        team = staff(session)
        person = a_person(session, employment="studying", graduation_year=2026, name="王芳")
        ledger = open_ledger(
            session, team.worker_a, person_id=person.id, needs="需要无障碍卫生间",
            case_worker_id=team.worker_a_id, today=TODAY - timedelta(days=200),
        )  # fmt: skip
        add_action(
            session, team.worker_a, ledger.id, service="职业指导", target_date=TODAY,
            note="=HYPERLINK(\"http://example.com\")", today=TODAY,
        )  # fmt: skip
        add_follow_up(
            session, team.worker_a, ledger.id, contacted_on=TODAY - timedelta(days=2),
            channel="微信", action="推送岗位信息", result="有求职意向", today=TODAY,
        )  # fmt: skip
        change_status(session, team.worker_a, ledger.id, status="离校未就业", today=TODAY)
        export = export_ledger(session, team.worker_a, ledger.id, today=TODAY)
        id_number, certificate = person.id_number, person.certificate_number
    assert export.filename == f"ledger-{ledger.id}-2026-11-20.xlsx"
    book = cells(export.content)
    assert list(book) == list(LEDGER_SHEETS) == ["基本信息", "服务计划", "跟踪记录", "状态变更"]
    basics = dict(book["基本信息"][1:])
    assert book["基本信息"][0] == ("项目", "内容")
    assert (
        basics["姓名"] == "王芳" and basics["学历"] == "本科" and basics["当前状态"] == "离校未就业"
    )
    assert basics["身份证号（脱敏）"] == mask_resident_id(id_number)
    assert basics["联系电话（脱敏）"] == "138****5678"
    assert basics["个案专员"] == "worker_a老师" and basics["需求"] == "需要无障碍卫生间"
    assert book["服务计划"][0] == ACTION_HEADERS
    assert book["服务计划"][1][1:4] == ("职业指导", TODAY_AT_MIDNIGHT, "计划中")
    assert book["服务计划"][1][5] == '=HYPERLINK("http://example.com")'  # kept as text
    assert book["跟踪记录"][0] == FOLLOW_UP_HEADERS
    assert book["跟踪记录"][1][2:] == ("worker_a老师", "微信", "推送岗位信息", "有求职意向")
    assert book["状态变更"][0] == STATUS_HEADERS
    assert [row[2:4] for row in book["状态变更"][1:]] == [
        ("（建档）", "在校"),
        ("在校", "离校未就业"),
    ]
    everything = " ".join(str(v) for rows in book.values() for row in rows for v in row)
    assert id_number not in everything and str(certificate) not in everything
    workbook = load_workbook(BytesIO(export.content))
    assert workbook["服务计划"].cell(row=2, column=6).data_type == "s"
    with sessions() as session:
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert (audit.actor, audit.entity, audit.entity_id) == (
            "worker_a",
            "graduate_ledger",
            str(ledger.id),
        )


def test_county_summary_exports_counts_and_the_list(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        for status in ("unemployed", "unemployed", "employed"):
            open_ledger(
                session, team.worker_a, person_id=a_person(session, name="赵六").id,
                status=status, today=TODAY,
            )  # fmt: skip
        other = open_ledger(
            session, team.counselor_b, person_id=a_person(session, county=COUNTY_B).id,
            today=TODAY,
        )  # fmt: skip
        export = export_summary(session, team.worker_a, county="东昌府区", today=TODAY)
        with pytest.raises(NotFoundError):
            export_summary(session, team.worker_a, county=COUNTY_B, today=TODAY)
        whole_city = export_summary(session, team.admin, today=TODAY)
    book = cells(export.content)
    assert list(book) == list(SUMMARY_SHEETS)
    overview = dict(book["汇总"][1:])
    assert overview["县（市、区）"] == "东昌府区" and overview["台账总数"] == 3
    assert overview["离校不断线待联系（离校未就业且30天未联系）"] == 2
    assert dict(book["按状态"][1:]) == {
        "在校": 0, "离校未就业": 2, "已就业": 1, "升学": 0, "灵活就业": 0, "公益性岗位": 0,
    }  # fmt: skip
    assert book["按服务项目"][0] == ("服务项目", "计划中", "已完成", "已取消", "合计")
    assert book["按毕业年份"][1:] == [(2025, 3)]
    assert book["台账清单"][0] == LIST_HEADERS
    assert {row[1] for row in book["台账清单"][1:]} == {"赵六"}
    assert len(book["台账清单"]) == 4
    city_rows = cells(whole_city.content)["台账清单"][1:]
    assert other.id in {row[0] for row in city_rows} and len(city_rows) == 4
    with sessions() as session:
        audits = session.scalars(
            select(AuditEntry.entity_id).where(AuditEntry.entity == "ledger_summary")
        ).all()
    assert audits == ["371502", "all"]
