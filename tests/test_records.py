"""matching.records without HTTP: cells, scope, updates re-validated as import rows, audits, and
uploads kept inside the uploader's county (on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching import pages, records
from matching.access import Caller
from matching.codes import ASSESSMENT_DIMENSIONS
from matching.errors import ImportFileError, ValidationError
from matching.records import uploads
from matching.records.rows import cell_text, cells_of
from matching.records.writes import differs
from matching.storage import Assessment, AuditEntry, Person
from matching.validators import make_certificate, make_resident_id, make_uscc
from tests.import_files import PERSON_HEADERS, person_row, write_csv

ADMIN = Caller.script("admin")
COUNTY_A = Caller(None, "a", "counselor", "371502")
COUNTY_B = Caller(None, "b", "counselor", "371581")


def person_values(sequence: int, county: str = "东昌府区", **changes: Any) -> dict[str, Any]:
    resident_id = make_resident_id("371502", date(1980, 2, 3), sequence)
    values: dict[str, Any] = {
        "id_number": resident_id,
        "name": f"测试{sequence}",
        "certificate_number": make_certificate(resident_id, 1, 2),
        "county": county,
        "hukou": "城镇",
        "education": "大专",
        "employment_status": "求职中",
        "registered_on": "2025-01-05",
    }
    return values | changes


def actions(session: Session) -> list[tuple[str, str, str | None]]:
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(row.action, row.entity, row.entity_id) for row in rows]


def test_cells_are_written_as_an_office_would_fill_them() -> None:
    assert cell_text(True, "x") == "是" and cell_text(False, "x") == "否"
    assert cell_text(["全日制坐班", "居家就业"], "x") == "全日制坐班、居家就业"
    assert (cell_text(6.5, "x"), cell_text(3000, "x"), cell_text(None, "x")) == ("6.5", "3000", "")
    assert cell_text(date(2024, 3, 1), "x") == "2024-03-01"
    for bad in ("a\x00b", "\ud800"):
        with pytest.raises(ValidationError) as caught:
            cell_text(bad, "name")
        assert (caught.value.code, caught.value.field) == ("bad_character", "name")
    spec = records.persons.PERSONS
    with pytest.raises(ValidationError) as not_text:
        cells_of(spec, {"id_number": 371502198002030011})
    assert not_text.value.code == "not_text"
    assert "371502198002030011" not in str(not_text.value)
    with pytest.raises(ValidationError) as unknown:
        cells_of(spec, {"hobby": "x"})
    assert (unknown.value.code, unknown.value.field) == ("unknown_field", "hobby")


def test_lists_in_another_order_are_no_change() -> None:
    assert not differs(["rural", "quota"], ["quota", "rural"])
    assert differs(["rural"], ["rural", "quota"])
    assert differs("a", "b") and not differs(3, 3)


def test_a_scope_sees_its_county_and_refuses_writes_elsewhere() -> None:
    assert COUNTY_A.sees_county("371502") and not COUNTY_A.sees_county("371581")
    assert ADMIN.sees_county("371581")
    assert not Caller(None, "x", "counselor", None).sees_county("371502")
    with pytest.raises(records.OutOfCounty) as caught:
        COUNTY_A.require_county("371581", "人员")
    assert "东昌府区" in caught.value.message_zh and "临清市" in caught.value.message_zh
    with pytest.raises(ValidationError):
        pages.check_page(1, records.MAX_PAGE_SIZE + 1)


def test_updates_are_validated_as_the_whole_row(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        person = records.create_person(session, person_values(11), caller=COUNTY_A, actor="a")
        person_id = person.id
        assert (person.disability_category, person.disability_level, person.sex) == ("1", "2", "M")
    with sessions.begin() as session:
        new_certificate = make_certificate(person_values(11)["id_number"], 5, 4)
        changed = records.update_person(
            session,
            person_id,
            {"certificate_number": new_certificate},
            caller=COUNTY_A,
            actor="a",
        )
        assert (changed.disability_category, changed.disability_level) == ("5", "4")
    with sessions.begin() as session, pytest.raises(ValidationError) as caught:
        records.update_person(session, person_id, {"is_graduate": True}, caller=COUNTY_A, actor="a")
    assert (caught.value.code, caught.value.field) == ("graduate_incomplete", "school")
    with sessions.begin() as session:
        records.update_person(session, person_id, {}, caller=COUNTY_A, actor="a")
        records.update_person(session, person_id, {"name": " 测试11 "}, caller=COUNTY_A, actor="a")
        assert actions(session) == [
            ("record_create", "persons", str(person_id)),
            ("record_update", "persons", str(person_id)),
        ]
    with sessions() as session, pytest.raises(records.NotFoundError):
        records.get_person(session, person_id, COUNTY_B)


def test_a_conflicting_key_is_a_conflict(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        records.create_person(session, person_values(12), caller=ADMIN, actor="a")
        other = records.create_person(session, person_values(14), caller=ADMIN, actor="a")
        other_id = other.id
    with sessions.begin() as session, pytest.raises(records.ConflictError) as caught:
        records.create_person(session, person_values(12), caller=ADMIN, actor="a")
    assert "身份证号" in caught.value.message_zh
    taken = person_values(12)
    with sessions.begin() as session, pytest.raises(records.ConflictError):
        records.update_person(
            session,
            other_id,
            {"id_number": taken["id_number"], "certificate_number": taken["certificate_number"]},
            caller=ADMIN,
            actor="a",
        )


def test_a_vacancy_follows_its_employer_and_occupation(sessions: sessionmaker[Session]) -> None:
    credit_code = make_uscc("91371502MA9R00001")
    employer = {"credit_code": credit_code, "name": "聊城某厂", "kind": "民营企业",
                "county": "东昌府区", "staff_count": 50}  # fmt: skip
    vacancy = {"code": "T-1", "credit_code": credit_code, "occupation_code": "呼叫中心服务员",
               "title": "客服", "county": "东昌府区", "work_mode": "居家", "hours_per_day": 6,
               "pay_min": 2500, "pay_max": 3000, "openings": 1,
               "opened_on": "2026-09-01"}  # fmt: skip
    with sessions.begin() as session:
        records.create_employer(session, employer, caller=COUNTY_A, actor="a")
        created = records.create_vacancy(session, vacancy, caller=COUNTY_A, actor="a")
        assert (created.occupation_code, created.work_mode, created.employer.credit_code) == (
            "4-04-05-03", "home_based", credit_code,
        )  # fmt: skip
        vacancy_id = created.id
    with sessions.begin() as session, pytest.raises(records.OutOfCounty):
        records.update_vacancy(session, vacancy_id, {"title": "x"}, caller=COUNTY_B, actor="b")
    with sessions() as session:
        found = records.search_vacancies(
            session, records.VacancyFilters(occupation="4-04", title="客")
        )
        assert [item.code for item in found.items] == ["T-1"]
        assert (
            records.search_vacancies(session, records.VacancyFilters(occupation="4-04-0")).total
            == 0
        )


def test_uploads_stay_inside_the_county(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    """A row of another county is rejected; a row whose ID is stored only in another county is
    a new person of the uploader's county (queued for an admin), and changes nothing there."""
    with sessions.begin() as session:
        stored_in_b = records.create_person(
            session, person_values(21, county="临清市"), caller=ADMIN, actor="admin"
        )
        b_id_number, b_person = stored_in_b.id_number, stored_in_b.id
    takeover = person_row(1) | {
        "身份证号": b_id_number,
        "残疾人证号": make_certificate(b_id_number, 4, 3),
        "所属县区": "东昌府区",
    }
    own = person_row(2) | {"所属县区": "东昌府区"}
    elsewhere = person_row(3) | {"所属县区": "临清市"}
    path = write_csv(tmp_path / "p.csv", PERSON_HEADERS, [takeover, own, elsewhere])
    outcome = records.import_upload(
        sessions, "persons", io.BytesIO(path.read_bytes()), "../../p.csv",
        actor="county_a", caller=COUNTY_A, reports_dir=tmp_path / "reports",
    )  # fmt: skip
    assert (outcome.result.inserted, outcome.result.rejected) == (2, 1)
    assert [(r.row, r.code) for r in outcome.rejects] == [(4, "out_of_county")]
    with sessions() as session:
        b = session.get(Person, b_person)
        assert b is not None and (b.county, b.disability_category) == ("371581", "1")
        twins = session.scalars(select(Person).where(Person.id_number == b_id_number)).all()
        assert sorted(person.county for person in twins) == ["371502", "371581"]
    scores = ",".join("3" for _ in ASSESSMENT_DIMENSIONS)
    header = (
        "身份证号,评估日期," + ",".join(d.zh for d in ASSESSMENT_DIMENSIONS) + ",每日可持续工作小时"
    )
    assessment_file = f"{header}\n{b_id_number},2025-02-01,{scores},6\n".encode()
    assessed = records.import_upload(
        sessions, "assessments", io.BytesIO(assessment_file), "a.csv",
        actor="county_a", caller=COUNTY_A, reports_dir=tmp_path / "reports",
    )  # fmt: skip
    assert (assessed.result.inserted, assessed.rejects) == (1, [])
    with sessions() as session:  # the assessment is of county A's record, not of B's
        a_person = next(person for person in twins if person.county == "371502")
        assert [a.person_id for a in session.scalars(select(Assessment))] == [a_person.id]
    by_admin = records.import_upload(
        sessions, "assessments", io.BytesIO(assessment_file), "a.csv",
        actor="admin", caller=ADMIN, reports_dir=tmp_path / "reports",
    )  # fmt: skip
    assert [r.code for r in by_admin.rejects] == ["ambiguous_id_number"]
    assert "多个县区" in by_admin.rejects[0].message_zh
    with sessions() as session:
        imports = [entry for entry in actions(session) if entry[0] == "import"]
        assert len(imports) == 3
        file_names = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "import")
        ).all()
        assert file_names[0]["file"] == "p.csv"


def test_unreadable_and_oversized_uploads(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def upload(data: bytes, name: str, caller: Caller = ADMIN) -> records.UploadOutcome:
        return records.import_upload(
            sessions, "employers", io.BytesIO(data), name,
            actor="x", caller=caller, reports_dir=tmp_path,
        )  # fmt: skip

    with pytest.raises(ImportFileError):
        upload(
            b"\xff\xfe" + "统一社会信用代码\n\ud800".encode("utf-16-le", "surrogatepass"), "e.csv"
        )
    monkeypatch.setattr(uploads, "MAX_FILE_BYTES", 10)
    with pytest.raises(ImportFileError) as big:
        upload(b"x" * 11, "e.csv")
    assert "文件过大" in big.value.message_zh
    with sessions() as session:
        refused = [entry for entry in actions(session) if entry[0] == "import_refused"]
        assert len(refused) == 2
    with pytest.raises(records.OutOfCounty):
        records.import_upload(
            sessions, "courses", io.BytesIO(b"a"), "c.csv",
            actor="x", caller=COUNTY_A, reports_dir=tmp_path,
        )  # fmt: skip
    with pytest.raises(records.OutOfCounty):
        upload(b"a", "e.csv", Caller(None, "w", "case_worker", "371502"))
