"""What the registry says about the versions behind each alias of a ranker: the champion, the
challenger and the previous champion side by side, each with its run's metrics, parameters and
tags, its per-group NDCG@10 (the ``ndcg_by_group.json`` the run logged) and the gate's last
verdict on it (``registry.record_gate``). Read-only: the models page shows these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from training.kinds import RANKER_KINDS, Kind
from training.registry import recorded_gate
from training.tracking import CHALLENGER, CHAMPION, PREVIOUS_CHAMPION, Tracking

ALIASES = (CHAMPION, CHALLENGER, PREVIOUS_CHAMPION)
GROUPS_ARTIFACT = "ndcg_by_group.json"


@dataclass(frozen=True)
class VersionCard:
    alias: str
    version: str
    run_id: str
    experiment_id: str
    metrics: dict[str, float]
    params: dict[str, str]
    tags: dict[str, str]
    groups: dict[str, dict[str, float]]  # attribute -> value -> NDCG@10 (and worst_to_best)
    gate: dict[str, Any] | None  # the gate's last verdict (passed, checked_at, checks)


@dataclass(frozen=True)
class KindCards:
    kind: Kind
    model: str
    cards: dict[str, VersionCard] = field(default_factory=dict)  # alias -> card (if set)


def version_card(tracking: Tracking, model: str, alias: str) -> VersionCard | None:
    version = tracking.version_of(model, alias)
    if version is None:
        return None
    run_id = tracking.run_of(model, version)
    metrics, params, tags = tracking.run_data(run_id)
    groups = tracking.run_dict(run_id, GROUPS_ARTIFACT) or {}
    return VersionCard(
        alias=alias,
        version=version,
        run_id=run_id,
        experiment_id=tracking.experiment_of(run_id),
        metrics=metrics,
        params=params,
        tags=tags,
        groups={key: dict(values) for key, values in groups.items() if isinstance(values, dict)},
        gate=recorded_gate(tracking.version_tags(model, version)),
    )


def kind_cards(tracking: Tracking, kind: Kind) -> KindCards:
    """The cards of the kind's aliases that are set."""
    model = RANKER_KINDS[kind].model_name
    found = {alias: version_card(tracking, model, alias) for alias in ALIASES}
    return KindCards(kind, model, {alias: card for alias, card in found.items() if card})
