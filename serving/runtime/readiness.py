"""Readiness checks: the database answers, its schema is at the migrations' head, and every
model kind has a usable model whose feature list is the serving feature set.

Each check says what it found in English (``detail``) and, when it fails, in Chinese
(``detail_zh``). Errors are named by type only: a database error's text can hold a URL or a
statement's parameters.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from functools import cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from matching.storage.db import alembic_config
from serving.runtime.models import ModelHolder
from serving.runtime.state import ServiceState

__all__ = ["Check", "database_checks", "migration_heads", "model_checks", "model_holders"]

log = logging.getLogger(__name__)
KIND_ZH = {"jobs": "岗位推荐模型", "courses": "培训推荐模型"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    detail_zh: str = ""


def migration_heads(engine: Engine) -> frozenset[str]:
    """The head revisions of the migrations this code ships (read once per location)."""
    return _heads_at(str(alembic_config(engine).get_main_option("script_location")))


@cache
def _heads_at(location: str) -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", location)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def database_checks(engine: Engine) -> list[Check]:
    """``database`` (a connection answers) and ``migrations`` (the schema is at head)."""
    heads = migration_heads(engine)
    expected = ", ".join(sorted(heads))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            try:
                found = frozenset(
                    str(row)
                    for row in connection.execute(
                        text("SELECT version_num FROM alembic_version")
                    ).scalars()
                )
            except SQLAlchemyError:
                found = frozenset()
    except SQLAlchemyError as error:
        log.warning("readiness: database unreachable (%s)", type(error).__name__)
        return [
            Check("database", False, f"unreachable ({type(error).__name__})", "数据库无法连接"),
            Check("migrations", False, "not checked: the database is unreachable", "无法检查"),
        ]
    database = Check("database", True, "reachable")
    if found == heads:
        return [database, Check("migrations", True, f"at head {expected}")]
    at = ", ".join(sorted(found)) or "no revision (never migrated)"
    return [
        database,
        Check(
            "migrations",
            False,
            f"database at {at}, this code expects {expected}: run `jobmatch db upgrade`",
            f"数据库结构版本（{at}）与程序（{expected}）不一致，请执行 jobmatch db upgrade",
        ),
    ]


def model_holders(service: ServiceState | None) -> dict[str, ModelHolder]:
    """The model holders a service state has created, by field name (jobs, courses, ...)."""
    if service is None:
        return {}
    found = {field.name: getattr(service, field.name) for field in fields(service)}
    return {name: value for name, value in found.items() if isinstance(value, ModelHolder)}


def model_checks(service: ServiceState | None) -> list[Check]:
    """One ``model:<kind>`` check per holder: a model (not only the rule ranking) is loaded and
    expects exactly the serving feature list. No holder at all fails one ``models`` check."""
    holders = model_holders(service)
    if not holders:
        return [
            Check(
                "models",
                False,
                "no model loaded: the database holds no persons yet, or models are not loaded",
                "推荐模型尚未加载（数据库中还没有人员数据，或未启用模型加载）",
            )
        ]
    return [_model_check(kind, holder) for kind, holder in holders.items()]


def _model_check(kind: str, holder: ModelHolder) -> Check:
    served, name, label = holder.loaded, f"model:{kind}", KIND_ZH.get(kind, kind)
    if served.booster is None:
        return Check(
            name,
            False,
            "rule ranking only: no champion in the registry and no last good model on disk",
            f"{label}不可用，目前仅按规则排序",
        )
    names = list(served.booster.feature_name())
    if names != holder.feature_set.names:
        return Check(
            name,
            False,
            f"{served.label} expects {len(names)} features, serving has "
            f"{len(holder.feature_set.names)} ({holder.feature_set.version})",
            f"{label}的特征列表与服务不一致",
        )
    degraded = " (degraded: not the champion)" if served.degraded else ""
    return Check(name, True, f"{served.label}, feature set {holder.feature_set.version}{degraded}")
