"""Ledgers on SQLite and PostgreSQL: opening, editing, plans, follow-ups, status history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from matching.errors import ConflictError, NotFoundError, ValidationError
from matching.ledgers import (
    add_action,
    add_follow_up,
    change_status,
    get_ledger,
    ledger_view,
    list_ledgers,
    open_ledger,
    plan_referral,
    update_action,
    update_ledger,
)
from matching.storage import AuditEntry
from tests.test_ledgers_support import (
    COUNTY_B,
    TODAY,
    a_person,
    a_referral,
    staff,
)

REFUSED = (ValidationError, ConflictError)  # malformed (422), or not fitting the state (409)


def why(caught: pytest.ExceptionInfo[BaseException]) -> ValidationError | ConflictError:
    assert isinstance(caught.value, ValidationError | ConflictError)
    return caught.value


def test_opening_takes_what_the_person_record_says(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        person = a_person(session, employment="employed", education="college")
        ledger = open_ledger(session, team.worker_a, person_id=person.id, today=TODAY)
        assert (ledger.school, ledger.major, ledger.graduation_year) == (
            "聊城大学",
            "计算机科学与技术",
            2025,
        )
        assert (ledger.degree, ledger.status, ledger.county) == ("college", "employed", "371502")
        [opening] = ledger.status_changes
        assert (opening.from_status, opening.to_status, opening.changed_on) == (
            None,
            "employed",
            TODAY,
        )
        assert opening.user_id == team.worker_a_id
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger_open")).one()
        assert audit.actor == "worker_a" and audit.entity_id == str(ledger.id)


def test_opening_accepts_chinese_spellings_and_students(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        student = a_person(session, graduate=False, employment="studying", education="senior")
        ledger = open_ledger(
            session,
            team.worker_a,
            person_id=student.id,
            school="山东师范大学",
            major="特殊教育",
            degree="硕士研究生",
            graduation_year=2027,
            status="在校",
            intended_services=["职业指导", "policy_briefing", "职业指导"],
            today=TODAY,
        )
        assert (ledger.degree, ledger.status) == ("master", "in_school")
        assert ledger.intended_services == ["policy_briefing", "career_guidance"]


@pytest.mark.parametrize(
    ("overrides", "kind", "code"),
    [
        ({"status": "公益性岗位"}, ConflictError, "status_not_allowed_at_opening"),
        ({"status": "在校"}, ConflictError, "in_school_after_graduation"),  # graduated in 2025
        ({"degree": "研究生"}, ValidationError, "unknown_graduate_degree"),
        ({"graduation_year": 1999}, ConflictError, "graduation_year_out_of_range"),
        ({"school": "校" * 101}, ValidationError, "too_long"),
        ({"needs": "需要\x00无障碍"}, ValidationError, "bad_characters"),
        ({"intended_services": ["算命"]}, ValidationError, "unknown_ledger_service"),
    ],
)
def test_opening_refuses_bad_values(
    sessions: sessionmaker[Session],
    overrides: dict[str, object],
    kind: type[ValidationError | ConflictError],
    code: str,
) -> None:
    """Malformed values are validation errors; values the state or date forbids, conflicts."""
    with sessions.begin() as session:
        team = staff(session)
        person = a_person(session)
        with pytest.raises(kind) as caught:
            open_ledger(session, team.worker_a, person_id=person.id, today=TODAY, **overrides)  # type: ignore[arg-type]
        assert why(caught).code == code
        assert why(caught).message_zh


def test_opening_needs_a_graduate_of_a_visible_county_without_a_ledger(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        team = staff(session)
        worker = a_person(session, graduate=False, employment="seeking", education="junior")
        with pytest.raises(ConflictError) as conflict:
            open_ledger(session, team.admin, person_id=worker.id, today=TODAY)
        assert conflict.value.code == "not_a_graduate"
        with pytest.raises(NotFoundError):  # not a person a graduates' case worker serves
            open_ledger(session, team.worker_a, person_id=worker.id, today=TODAY)
        elsewhere = a_person(session, county=COUNTY_B)
        with pytest.raises(NotFoundError):
            open_ledger(session, team.worker_a, person_id=elsewhere.id, today=TODAY)
        with pytest.raises(NotFoundError):
            open_ledger(session, team.worker_a, person_id=2**40, today=TODAY)
        postgraduate = a_person(session, education="postgraduate")
        with pytest.raises(ConflictError) as conflict:
            open_ledger(session, team.worker_a, person_id=postgraduate.id, today=TODAY)
        assert (conflict.value.code, conflict.value.field) == ("degree_missing", "degree")
        open_ledger(session, team.worker_a, person_id=postgraduate.id, degree="博士", today=TODAY)
        with pytest.raises(ConflictError):
            open_ledger(session, team.worker_a, person_id=postgraduate.id, degree="博士")


def test_update_changes_fields_masks_ids_and_checks_the_case_worker(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        team = staff(session)
        person = a_person(session)
        ledger = open_ledger(session, team.worker_a, person_id=person.id, today=TODAY)
        update_ledger(
            session,
            team.worker_a,
            ledger.id,
            {
                "major": "软件工程",
                "degree": "本科",
                "needs": f"身份证 {person.id_number} 需要读屏软件",
                "case_worker_id": team.worker_a_id,
                "intended_services": ["见习"],
            },
            today=TODAY,
        )
        assert ledger.major == "软件工程" and ledger.intended_services == ["internship"]
        assert ledger.needs is not None and person.id_number not in ledger.needs
        assert ledger.needs.startswith("身份证 371502****") and "需要读屏软件" in ledger.needs
        assert ledger.case_worker_id == team.worker_a_id
        update_ledger(session, team.worker_a, ledger.id, {"needs": None, "case_worker_id": None})
        assert ledger.needs is None and ledger.case_worker_id is None
        for changes, kind, code in [
            ({"status": "employed"}, ValidationError, "unknown_field"),
            ({"case_worker_id": team.counselor_b_id}, ConflictError, "not_a_case_worker"),
            ({"school": "  "}, ValidationError, "required"),
            ({"graduation_year": "2025"}, ValidationError, "wrong_type"),
            ({"graduation_year": 2040}, ConflictError, "graduation_year_out_of_range"),
        ]:
            with pytest.raises(REFUSED) as caught:
                update_ledger(session, team.worker_a, ledger.id, changes, today=TODAY)
            assert (type(caught.value), why(caught).code) == (kind, code)
        update_ledger(session, team.worker_a, ledger.id, {"school": None, "degree": None})
        assert (ledger.school, ledger.degree) == ("聊城大学", "bachelor")  # null: unchanged
        with pytest.raises(NotFoundError):
            update_ledger(session, team.counselor_b, ledger.id, {"major": "数学"})


def test_plan_actions_are_done_or_cancelled_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        ledger = open_ledger(session, team.worker_a, person_id=a_person(session).id, today=TODAY)
        briefing = add_action(
            session,
            team.worker_a,
            ledger.id,
            service="政策宣讲",
            target_date=TODAY + timedelta(days=7),
            note="残疾人就业扶持政策",
            today=TODAY,
        )
        assert (briefing.service, briefing.status, briefing.done_on) == (
            "policy_briefing",
            "planned",
            None,
        )
        update_action(
            session, team.worker_a, ledger.id, briefing.id, {"status": "已完成"}, today=TODAY
        )
        assert (briefing.status, briefing.done_on) == ("done", TODAY)
        with pytest.raises(ConflictError):
            update_action(session, team.worker_a, ledger.id, briefing.id, {"status": "cancelled"})
        update_action(session, team.worker_a, ledger.id, briefing.id, {"note": "已宣讲"})
        assert briefing.note == "已宣讲"
        guidance = add_action(
            session, team.worker_a, ledger.id, service="career_guidance", target_date=TODAY,
            today=TODAY,
        )  # fmt: skip
        with pytest.raises(REFUSED) as caught:
            update_action(
                session, team.worker_a, ledger.id, guidance.id,
                {"status": "done", "done_on": TODAY + timedelta(days=1)}, today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "date_out_of_range"
        with pytest.raises(REFUSED) as caught:
            update_action(
                session, team.worker_a, ledger.id, guidance.id,
                {"status": "cancelled", "done_on": TODAY}, today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "done_on_without_done"
        update_action(session, team.worker_a, ledger.id, guidance.id, {"status": "取消"})
        assert (guidance.status, guidance.done_on) == ("cancelled", None)
        with pytest.raises(NotFoundError):
            update_action(session, team.worker_a, ledger.id, guidance.id + 99, {"note": "x"})
        with pytest.raises(REFUSED) as caught:
            add_action(
                session, team.worker_a, ledger.id, service="job_referral",
                target_date=TODAY + timedelta(days=6 * 366), today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "date_out_of_range"
        view = ledger_view(session, get_ledger(session, team.worker_a, ledger.id))
        assert [a.id for a in view.actions] == [guidance.id, briefing.id]  # by target date


def test_public_welfare_post_is_planned_only_for_unemployed(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        team = staff(session)
        student = a_person(session, employment="studying", graduation_year=2027)
        ledger = open_ledger(session, team.worker_a, person_id=student.id, today=TODAY)
        assert ledger.status == "in_school"
        with pytest.raises(REFUSED) as caught:
            add_action(
                session, team.worker_a, ledger.id, service="公益性岗位兜底", target_date=TODAY,
                today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "public_welfare_last_resort"
        change_status(session, team.worker_a, ledger.id, status="离校未就业", today=TODAY)
        action = add_action(
            session, team.worker_a, ledger.id, service="公益性岗位兜底", target_date=TODAY,
            today=TODAY,
        )  # fmt: skip
        assert action.service == "public_welfare_post"


def test_follow_ups_are_recorded_with_the_counselor(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        ledger = open_ledger(session, team.worker_a, person_id=a_person(session).id, today=TODAY)
        follow_up = add_follow_up(
            session,
            team.worker_a,
            ledger.id,
            contacted_on=TODAY - timedelta(days=3),
            channel="电话联系",
            action="电话回访，推送两个客服岗位",
            result="已投递简历",
            today=TODAY,
        )
        assert (follow_up.channel, follow_up.user_id) == ("phone", team.worker_a_id)
        cases: list[tuple[dict[str, object], str]] = [
            ({"contacted_on": TODAY + timedelta(days=1)}, "date_out_of_range"),
            ({"contacted_on": date(1999, 12, 31)}, "date_out_of_range"),
            ({"channel": "飞鸽传书"}, "unknown_followup_channel"),
            ({"action": ""}, "required"),
        ]
        for kwargs, code in cases:
            values: dict[str, object] = {
                "contacted_on": TODAY, "channel": "visit", "action": "走访",
            } | kwargs  # fmt: skip
            with pytest.raises(REFUSED) as caught:
                add_follow_up(session, team.worker_a, ledger.id, today=TODAY, **values)  # type: ignore[arg-type]
            assert why(caught).code == code
        with pytest.raises(NotFoundError):
            add_follow_up(
                session, team.counselor_b, ledger.id, contacted_on=TODAY, channel="phone",
                action="x", today=TODAY,
            )  # fmt: skip


def test_status_history_and_the_last_resort(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        student = a_person(session, employment="studying", graduation_year=2026)
        ledger = open_ledger(session, team.worker_a, person_id=student.id, today=date(2026, 3, 1))
        change_status(
            session, team.worker_a, ledger.id, status="unemployed",
            changed_on=date(2026, 7, 1), note="毕业离校", today=TODAY,
        )  # fmt: skip
        with pytest.raises(REFUSED) as caught:
            change_status(session, team.worker_a, ledger.id, status="公益性岗位", today=TODAY)
        assert why(caught).code == "public_welfare_last_resort"
        referral = add_action(
            session, team.worker_a, ledger.id, service="job_referral", target_date=TODAY,
            today=TODAY,
        )  # fmt: skip
        update_action(session, team.worker_a, ledger.id, referral.id, {"status": "done"})
        with pytest.raises(REFUSED) as caught:  # before the previous change
            change_status(
                session, team.worker_a, ledger.id, status="公益性岗位",
                changed_on=date(2026, 6, 30), today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "date_out_of_range"
        change_status(
            session, team.worker_a, ledger.id, status="公益性岗位",
            changed_on=date(2026, 9, 1), today=TODAY,
        )  # fmt: skip
        change_status(session, team.worker_a, ledger.id, status="已就业", today=TODAY)
        with pytest.raises(REFUSED) as caught:
            change_status(session, team.worker_a, ledger.id, status="在校", today=TODAY)
        assert why(caught).code == "status_move_not_allowed"
        assert "已就业" in why(caught).message_zh
        moves = [
            (c.from_status, c.to_status, c.changed_on, c.user_id) for c in ledger.status_changes
        ]
        worker = team.worker_a_id
        assert moves == [
            (None, "in_school", date(2026, 3, 1), worker),
            ("in_school", "unemployed", date(2026, 7, 1), worker),
            ("unemployed", "public_welfare", date(2026, 9, 1), worker),
            ("public_welfare", "employed", TODAY, worker),
        ]
        assert ledger.status == "employed"
        audits = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "ledger_status")
        ).all()
        assert [a["to"] for a in audits] == ["unemployed", "public_welfare", "employed"]


def test_accepted_recommendations_become_planned_actions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        graduate = a_person(session)
        ledger = open_ledger(session, team.worker_a, person_id=graduate.id, today=TODAY)
        to_job = a_referral(session, graduate)
        action = plan_referral(session, team.worker_a, to_job.id, today=TODAY)
        assert action is not None
        assert (action.service, action.referral_id, action.target_date, action.ledger_id) == (
            "job_referral",
            to_job.id,
            TODAY + timedelta(days=14),
            ledger.id,
        )
        with pytest.raises(ConflictError):
            plan_referral(session, team.worker_a, to_job.id, today=TODAY)
        to_course = a_referral(session, graduate, to_course=True)
        course_action = plan_referral(session, team.worker_a, to_course.id, today=TODAY)
        assert course_action is not None and course_action.service == "skills_training"
        with pytest.raises(REFUSED) as caught:
            add_action(
                session, team.worker_a, ledger.id, service="internship", target_date=TODAY,
                referral_id=a_referral(session, graduate, to_course=True).id, today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "referral_service_mismatch"
        stranger = a_person(session, graduate=False, employment="seeking", education="junior")
        assert plan_referral(session, team.worker_a, a_referral(session, stranger).id) is None
        with pytest.raises(REFUSED) as caught:
            add_action(
                session, team.worker_a, ledger.id, service="job_referral", target_date=TODAY,
                referral_id=a_referral(session, stranger).id, today=TODAY,
            )  # fmt: skip
        assert why(caught).code == "unknown_referral"
        with pytest.raises(NotFoundError):
            plan_referral(session, team.worker_a, 2**40)


def test_lists_show_only_visible_ledgers(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        team = staff(session)
        mine = [
            open_ledger(session, team.worker_a, person_id=a_person(session).id, today=TODAY)
            for _ in range(3)
        ]
        theirs = open_ledger(
            session, team.counselor_b, person_id=a_person(session, county=COUNTY_B).id,
            today=TODAY,
        )  # fmt: skip
        change_status(session, team.worker_a, mine[0].id, status="已就业", today=TODAY)
        page = list_ledgers(session, team.worker_a, page_size=2)
        assert page.total == 3 and [r.ledger.id for r in page.items] == [mine[2].id, mine[1].id]
        assert list_ledgers(session, team.worker_a, county="临清市").total == 0
        assert list_ledgers(session, team.worker_a, status="已就业").total == 1
        assert list_ledgers(session, team.admin).total == 4
        assert list_ledgers(session, team.admin, county=COUNTY_B).items[0].ledger.id == theirs.id
        with pytest.raises(NotFoundError):
            get_ledger(session, team.worker_a, theirs.id)
        with pytest.raises(ValidationError):
            list_ledgers(session, team.worker_a, page_size=101)
        with pytest.raises(REFUSED) as caught:
            list_ledgers(session, team.worker_a, county="北京")
        assert why(caught).field == "county"
