"""Answers of the ledger routes (separate from storage rows) and their builders."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from matching.codes import (
    COUNTIES,
    FOLLOWUP_CHANNELS,
    GRADUATE_DEGREES,
    GRADUATE_STATUSES,
    LEDGER_ACTION_STATUSES,
    LEDGER_SERVICES,
)
from matching.ledgers import ALLOWED_MOVES, LedgerRow, LedgerSummary, LedgerView, WorklistEntry
from matching.ledgers.status import market_tried
from matching.ledgers.transitions import LAST_RESORT
from matching.ledgers.views import label_or_code
from matching.storage.ledgers import LedgerAction, LedgerFollowUp
from serving.api.schemas.common import Stamp


# --- answers -----------------------------------------------------------------------------------
class LedgerItem(BaseModel):
    id: int
    person_id: int
    person_name: str
    county: str
    county_zh: str
    school: str
    major: str
    degree: str | None
    degree_zh: str | None
    graduation_year: int
    status: str
    status_zh: str
    case_worker_id: int | None
    last_contacted_on: date | None


class LedgerPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[LedgerItem]


class PersonOut(BaseModel):
    person_id: int
    name: str
    sex: str
    id_number: str = Field(description="masked: birth date hidden")
    certificate_number: str | None = Field(description="masked")
    disability_category: str
    disability_level: str
    education: str
    phone: str | None


class ActionOut(BaseModel):
    id: int
    service: str
    service_zh: str
    target_date: date
    status: str
    status_zh: str
    done_on: date | None
    note: str | None
    referral_id: int | None
    created_by: int | None
    created_by_name: str


class FollowUpOut(BaseModel):
    id: int
    contacted_on: date
    user_id: int | None
    counselor: str
    channel: str
    channel_zh: str
    action: str
    result: str | None


class StatusChangeOut(BaseModel):
    id: int
    from_status: str | None
    from_status_zh: str | None
    to_status: str
    to_status_zh: str
    changed_on: date
    user_id: int | None
    user_name: str
    note: str | None


class LedgerDetail(LedgerItem):
    needs: str | None
    intended_services: list[str]
    intended_services_zh: list[str]
    case_worker_name: str | None
    allowed_next_statuses: list[str]
    person: PersonOut
    actions: list[ActionOut]
    follow_ups: list[FollowUpOut]
    status_history: list[StatusChangeOut]
    created_at: Stamp
    updated_at: Stamp


class WorklistItem(BaseModel):
    ledger_id: int
    person_id: int
    person_name: str
    phone: str | None
    county: str
    county_zh: str
    school: str
    major: str
    graduation_year: int
    case_worker_id: int | None
    last_contacted_on: date | None
    days_since_contact: int | None = Field(description="null: never contacted")


class WorklistPage(BaseModel):
    days: int
    total: int
    page: int
    page_size: int
    items: list[WorklistItem]


class StatusCount(BaseModel):
    status: str
    status_zh: str
    count: int


class ServiceCount(BaseModel):
    service: str
    service_zh: str
    planned: int
    done: int
    cancelled: int


class YearCount(BaseModel):
    graduation_year: int
    count: int


class SummaryOut(BaseModel):
    county: str | None = Field(description="null: every county you can see")
    county_zh: str
    as_of: date
    days: int
    total: int
    contacted_recently: int
    never_contacted: int
    worklist: int
    overdue_actions: int
    by_status: list[StatusCount]
    by_service: list[ServiceCount]
    by_graduation_year: list[YearCount]


# --- builders ----------------------------------------------------------------------------------
def ledger_item(row: LedgerRow) -> LedgerItem:
    ledger = row.ledger
    return LedgerItem(
        id=ledger.id,
        person_id=ledger.person_id,
        person_name=row.person_name,
        county=ledger.county,
        county_zh=label_or_code(COUNTIES, ledger.county),
        school=ledger.school,
        major=ledger.major,
        degree=ledger.degree,
        degree_zh=label_or_code(GRADUATE_DEGREES, ledger.degree) or None,
        graduation_year=ledger.graduation_year,
        status=ledger.status,
        status_zh=label_or_code(GRADUATE_STATUSES, ledger.status),
        case_worker_id=ledger.case_worker_id,
        last_contacted_on=row.last_contacted_on,
    )


def ledger_detail(view: LedgerView) -> LedgerDetail:
    ledger, person = view.ledger, view.person
    item = ledger_item(LedgerRow(ledger, person.name, view.last_contacted_on))
    moves = ALLOWED_MOVES.get(ledger.status, frozenset())
    if not market_tried(ledger):
        moves = moves - {LAST_RESORT}
    return LedgerDetail(
        **item.model_dump(),
        needs=ledger.needs,
        intended_services=list(ledger.intended_services),
        intended_services_zh=[label_or_code(LEDGER_SERVICES, s) for s in ledger.intended_services],
        case_worker_name=view.user_name(ledger.case_worker_id) or None,
        allowed_next_statuses=[code for code in GRADUATE_STATUSES.codes if code in moves],
        person=PersonOut(
            person_id=person.person_id,
            name=person.name,
            sex=person.sex_zh,
            id_number=person.id_number_masked,
            certificate_number=person.certificate_masked,
            disability_category=person.disability_category_zh,
            disability_level=person.disability_level_zh,
            education=person.education_zh,
            phone=person.phone,
        ),
        actions=[action_out(a, view) for a in view.actions],
        follow_ups=[follow_up_out(f, view) for f in view.follow_ups],
        status_history=[
            StatusChangeOut(
                id=c.id,
                from_status=c.from_status,
                from_status_zh=label_or_code(GRADUATE_STATUSES, c.from_status) or None,
                to_status=c.to_status,
                to_status_zh=label_or_code(GRADUATE_STATUSES, c.to_status),
                changed_on=c.changed_on,
                user_id=c.user_id,
                user_name=view.user_name(c.user_id),
                note=c.note,
            )
            for c in view.status_changes
        ],
        created_at=ledger.created_at,
        updated_at=ledger.updated_at,
    )


def action_out(action: LedgerAction, view: LedgerView) -> ActionOut:
    return ActionOut(
        id=action.id,
        service=action.service,
        service_zh=label_or_code(LEDGER_SERVICES, action.service),
        target_date=action.target_date,
        status=action.status,
        status_zh=label_or_code(LEDGER_ACTION_STATUSES, action.status),
        done_on=action.done_on,
        note=action.note,
        referral_id=action.referral_id,
        created_by=action.created_by,
        created_by_name=view.user_name(action.created_by),
    )


def follow_up_out(follow_up: LedgerFollowUp, view: LedgerView) -> FollowUpOut:
    return FollowUpOut(
        id=follow_up.id,
        contacted_on=follow_up.contacted_on,
        user_id=follow_up.user_id,
        counselor=view.user_name(follow_up.user_id),
        channel=follow_up.channel,
        channel_zh=label_or_code(FOLLOWUP_CHANNELS, follow_up.channel),
        action=follow_up.action,
        result=follow_up.result,
    )


def worklist_item(entry: WorklistEntry) -> WorklistItem:
    return WorklistItem(
        ledger_id=entry.ledger_id,
        person_id=entry.person_id,
        person_name=entry.person_name,
        phone=entry.phone,
        county=entry.county,
        county_zh=label_or_code(COUNTIES, entry.county),
        school=entry.school,
        major=entry.major,
        graduation_year=entry.graduation_year,
        case_worker_id=entry.case_worker_id,
        last_contacted_on=entry.last_contacted_on,
        days_since_contact=entry.days_since_contact,
    )


def summary_out(summary: LedgerSummary) -> SummaryOut:
    return SummaryOut(
        county=summary.county,
        county_zh=label_or_code(COUNTIES, summary.county) if summary.county else "全部",
        as_of=summary.as_of,
        days=summary.days,
        total=summary.total,
        contacted_recently=summary.contacted_recently,
        never_contacted=summary.never_contacted,
        worklist=summary.worklist,
        overdue_actions=summary.overdue_actions,
        by_status=[
            StatusCount(status=s, status_zh=label_or_code(GRADUATE_STATUSES, s), count=n)
            for s, n in summary.by_status.items()
        ],
        by_service=[
            ServiceCount(
                service=s,
                service_zh=label_or_code(LEDGER_SERVICES, s),
                planned=counts.get("planned", 0),
                done=counts.get("done", 0),
                cancelled=counts.get("cancelled", 0),
            )
            for s, counts in summary.by_service.items()
        ],
        by_graduation_year=[
            YearCount(graduation_year=year, count=n)
            for year, n in summary.by_graduation_year.items()
        ],
    )
