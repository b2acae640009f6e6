"""The models page: for each ranker, the champion, the challenger and the previous champion side
by side (metrics, NDCG@10 per group of persons, the gate's last checks, a link to the MLflow
run), read from the registry by ``training.model_cards``. Analysts and admins read it; only
admins promote or roll back, through the same functions as ``jobmatch promote`` / ``jobmatch
rollback`` (``serving.services.model_admin``: the gate, the alias moves, the audit).

The running service does not reload on a click: it polls the champion aliases every
``model_poll_seconds`` (``serving.runtime.state``), and the page says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from matching.access import Caller
from matching.codes import ALL_CODE_LISTS
from matching.errors import ConflictError, ForbiddenError, NotFoundError
from matching.settings import Settings
from serving.api.deps import SessionsDep, SettingsDep, SnapshotDep
from serving.pages.session import CheckedForm, PageCaller
from serving.pages.templating import date_zh, render
from serving.services.model_admin import promote_challenger, roll_back
from training.evaluation import GROUPS
from training.kinds import RANKER_KINDS, Kind
from training.model_cards import ALIASES, KindCards, VersionCard, kind_cards
from training.promotion import GateResult
from training.tracking import Tracking

router = APIRouter(include_in_schema=False)
READERS = frozenset({"analyst", "admin"})
ACTORS = frozenset({"admin"})
KIND_ZH = {"jobs": "岗位推荐模型", "courses": "培训课程推荐模型"}
ALIAS_ZH = {
    "champion": "冠军（正在使用）",
    "challenger": "挑战者",
    "previous-champion": "上一任冠军",
}
# (run metric, label, decimals)
METRICS_ZH = (
    ("ranker_ndcg_at_10", "推荐质量 NDCG@10", 4),
    ("ranker_ndcg_at_5", "NDCG@5", 4),
    ("ranker_map_at_10", "MAP@10", 4),
    ("ranker_recall_at_10", "召回率@10", 4),
    ("ranker_mrr", "首个命中排名倒数 MRR", 4),
    ("worst_group_ratio", "最差群体与最好群体之比", 3),
    ("ranker_vs_best_baseline", "相对最佳基线方法", 3),
    ("test_queries", "测试用推荐列表数", 0),
)
PARAMS_ZH = (
    ("split.test_end", "测试数据截至"),
    ("feature_set_version", "特征集版本"),
    ("config.n_estimators", "树的数量上限"),
    ("rows.train", "训练样本数"),
)
GROUP_CODES = {"is_graduate": {"true": "是", "false": "否"}}
NOT_ALLOWED_ZH = "模型页面仅供数据分析人员和管理员使用"
ADMIN_ONLY_ZH = "只有管理员可以更换或回退模型，数据分析人员可以查看"


def allow(caller: Caller, roles: frozenset[str], message_zh: str) -> None:
    if caller.role not in roles:
        raise ForbiddenError(f"role {caller.role} may not do this on the models page", message_zh)


def tracking_of(settings: Settings) -> Tracking:
    """The registry the service polls (as ``ServiceState.load`` opens it)."""
    return Tracking(settings.resolved_mlflow_tracking_uri, settings.data_dir / "mlartifacts")


def group_label(attribute: str, value: str) -> str:
    if attribute in GROUP_CODES:
        return GROUP_CODES[attribute].get(value, value)
    codes = ALL_CODE_LISTS.get(attribute)
    return codes.label(value) if codes is not None and value in codes else value


def run_link(settings: Settings, card: VersionCard) -> str | None:
    base = settings.mlflow_ui_url.rstrip("/")
    return f"{base}/#/experiments/{card.experiment_id}/runs/{card.run_id}" if base else None


def figure(value: float | None, decimals: int) -> str:
    return "—" if value is None else f"{value:,.{decimals}f}"


def param(card: VersionCard, key: str) -> str:
    """A run parameter as the page writes it (a moment as its date)."""
    value = card.params.get(key)
    if value is None:
        return "—"
    if key.startswith("split."):
        try:
            return date_zh(datetime.fromisoformat(value).date())
        except ValueError:
            return value
    return value


def kind_view(settings: Settings, cards: KindCards) -> dict[str, Any]:
    """One ranker's section: columns (aliases that are set) and the rows of each table."""
    columns = [cards.cards[alias] for alias in ALIASES if alias in cards.cards]
    metrics = [
        (label, [figure(card.metrics.get(key), decimals) for card in columns])
        for key, label, decimals in METRICS_ZH
    ]
    params = [(label, [param(card, key) for card in columns]) for key, label in PARAMS_ZH]
    groups = []
    for attribute, attribute_zh in GROUPS.items():
        values = sorted(
            {v for c in columns for v in c.groups.get(attribute, {})} - {"worst_to_best"}
        )
        rows = [
            (group_label(attribute, value),
             [figure(c.groups.get(attribute, {}).get(value), 3) for c in columns])
            for value in values
        ]  # fmt: skip
        ratio = [figure(c.groups.get(attribute, {}).get("worst_to_best"), 3) for c in columns]
        groups.append({"name": attribute_zh, "rows": rows, "ratio": ratio})
    champion = cards.cards.get("champion")
    challenger = cards.cards.get("challenger")
    return {
        "kind": cards.kind,
        "title": KIND_ZH[cards.kind],
        "columns": [
            {"card": c, "label": ALIAS_ZH[c.alias], "link": run_link(settings, c)} for c in columns
        ],
        "metrics": metrics,
        "params": params,
        "groups": groups,
        "can_promote": challenger is not None
        and (champion is None or challenger.version != champion.version),
        "can_roll_back": champion is not None and "previous-champion" in cards.cards,
    }


def models_page(
    request: Request,
    caller: Caller,
    settings: Settings,
    *,
    outcome: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    tracking = tracking_of(settings)
    kinds = [kind_view(settings, kind_cards(tracking, kind)) for kind in KINDS]
    context = {
        "kinds": kinds,
        "admin": caller.role in ACTORS,
        "outcome": outcome,
        "poll_seconds": round(settings.model_poll_seconds),
    }
    return render(request, "models.html", context, caller=caller, status_code=status_code)


KINDS: tuple[Kind, ...] = ("jobs", "courses")


@router.get("/models")
def models(request: Request, caller: PageCaller, settings: SettingsDep) -> Response:
    allow(caller, READERS, NOT_ALLOWED_ZH)
    return models_page(request, caller, settings)


def kind_of(value: str) -> Kind:
    for kind in KINDS:
        if kind == value and kind in RANKER_KINDS:
            return kind
    raise NotFoundError(f"no ranker {value!r}; allowed: {', '.join(KINDS)}", "没有这种模型")


@router.post("/models/{kind}/promote")
def promote(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    kind: str,
    snapshot: SnapshotDep,
    settings: SettingsDep,
    sessions: SessionsDep,
) -> Response:
    """The gate on the challenger; it becomes champion only if every check passes."""
    allow(caller, ACTORS, ADMIN_ONLY_ZH)
    chosen = kind_of(kind)
    result: GateResult = promote_challenger(
        tracking_of(settings),
        chosen,
        snapshot.context,
        sessions.begin,
        actor=caller.username,
        version=form.get("version") or None,
    )
    outcome = {
        "kind": KIND_ZH[chosen],
        "action": "promote",
        "passed": result.passed,
        "version": result.candidate,
        "champion": result.champion,
        "checks": result.records(),
    }
    return models_page(
        request, caller, settings, outcome=outcome, status_code=200 if result.passed else 409
    )


@router.post("/models/{kind}/rollback")
def rollback(
    request: Request,
    caller: PageCaller,
    form: CheckedForm,
    kind: str,
    settings: SettingsDep,
    sessions: SessionsDep,
) -> Response:
    """Back to the previous champion (and the current one becomes the previous)."""
    allow(caller, ACTORS, ADMIN_ONLY_ZH)
    chosen = kind_of(kind)
    try:
        old, new = roll_back(tracking_of(settings), chosen, sessions.begin, actor=caller.username)
    except LookupError:
        raise ConflictError(
            f"{chosen}: no previous champion to roll back to", "没有上一任冠军模型，无法回退"
        ) from None
    outcome = {
        "kind": KIND_ZH[chosen],
        "action": "rollback",
        "passed": True,
        "old": old,
        "new": new,
    }
    return models_page(request, caller, settings, outcome=outcome)
