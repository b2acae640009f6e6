"""The latest pre-match of each fair, kept so that its JSON and Excel can be read again without
re-solving (one row per fair, replaced by each run; every run is in the audit log)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matching.access import Caller
from matching.fair_plans.result import PrematchResult
from matching.storage import Person, append_audit
from matching.storage.fairs import FairPrematch


def save_prematch(session: Session, result: PrematchResult) -> None:
    """Replace the fair's stored pre-match with ``result`` (audited, figures only)."""
    session.execute(delete(FairPrematch).where(FairPrematch.fair_id == result.fair_id))
    session.add(
        FairPrematch(
            fair_id=result.fair_id,
            computed_at=result.computed_at,
            computed_by=result.computed_by,
            model_version=result.model_version[:60],
            parameters=result.parameters,
            result=result.to_json(),
        )
    )
    session.flush()
    optimal = result.optimal
    append_audit(
        session,
        actor=result.computed_by,
        action="fair_prematch",
        entity="fair",
        entity_id=str(result.fair_id),
        detail={
            "model": result.model_version,
            "candidates": len(result.candidates),
            "vacancies": len(result.vacancies),
            "interviews": optimal.interviews,
            "expected_hires": round(optimal.expected_hires, 3),
        },
    )


def load_prematch(session: Session, fair_id: int) -> PrematchResult | None:
    row = session.get(FairPrematch, fair_id)
    return None if row is None else PrematchResult.from_json(row.result)


def load_visible_prematch(session: Session, fair_id: int, caller: Caller) -> PrematchResult | None:
    """The latest pre-match with only the persons ``scope`` sees, by their county now (not when
    the pre-match ran)."""
    result = load_prematch(session, fair_id)
    if result is None:
        return None
    ids = [c.person_id for c in result.candidates]
    visible: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        visible.update(
            session.scalars(
                select(Person.id).where(Person.id.in_(chunk), caller.person_condition())
            )
        )
    return result.for_persons(visible)
