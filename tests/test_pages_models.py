"""The models page without a browser (``TestClient``) over a registry of its own
(``api_model_history``): the cards training reads (per-group figures, the gate's recorded
checks), analysts read and cannot act, admins see the gate refuse a backwards model with its
reasons in Chinese, roll back, and promote a good challenger, each audited as the CLI does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matching.settings import Settings
from matching.storage import AuditEntry, make_engine, make_sessionmaker
from serving.app import create_app
from tests.api_city import fill_database
from tests.api_model_history import model_history, register_good_challenger, tracking_of
from tests.test_pages_session import log_in, page_csrf
from training.model_cards import kind_cards
from training.registry import model_name
from training.tracking import CHALLENGER, CHAMPION, PREVIOUS_CHAMPION

# Every test here reads a registry of four small models trained for this module: the model tier.
pytestmark = pytest.mark.model
UI = "http://mlflow.example:5000"
JOBS = model_name("jobs")


@dataclass
class Served:
    client: TestClient
    folder: Path
    url: str


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("models-page")
    url = f"sqlite:///{folder / 'jobmatch.db'}"
    fill_database(url)
    settings = Settings(
        data_dir=folder,
        database_url=url,
        mlflow_tracking_uri=model_history(folder, url),
        mlflow_ui_url=UI,
        model_poll_seconds=3600,
    )
    with TestClient(create_app(settings)) as client:
        yield Served(client, folder, url)


def aliases(folder: Path) -> tuple[str | None, ...]:
    tracking = tracking_of(folder)
    return tuple(tracking.version_of(JOBS, a) for a in (CHAMPION, CHALLENGER, PREVIOUS_CHAMPION))


def audit(url: str, action: str) -> list[AuditEntry]:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            query = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.entity == JOBS)
            return list(session.scalars(query))
    finally:
        engine.dispose()


def test_training_records_what_the_page_shows(served: Served) -> None:
    cards = kind_cards(tracking_of(served.folder), "jobs").cards
    assert {alias: card.version for alias, card in cards.items()} == {
        CHAMPION: "2",
        CHALLENGER: "3",
        PREVIOUS_CHAMPION: "1",
    }
    champion = cards[CHAMPION]
    for attribute in ("disability_category", "disability_level", "county", "sex", "hukou"):
        assert len(champion.groups[attribute]) >= 3, attribute  # two values and the ratio
    assert champion.metrics["ranker_ndcg_at_10"] > 0
    assert champion.gate is not None and champion.gate["passed"]
    names = {check["name"]: check for check in champion.gate["checks"]}
    assert names["NDCG@10"]["name_zh"] == "推荐质量（NDCG@10）不低于冠军"
    assert "两者在该版本的测试数据上同时评分" in names["NDCG@10"]["detail_zh"]
    assert champion.gate["champion"] == "1"


def test_analysts_read_the_models_and_cannot_act(served: Served) -> None:
    client = served.client
    log_in(client, "analyst")
    page = client.get("/models")
    assert page.status_code == 200
    assert "冠军（正在使用）" in page.text and "上一任冠军" in page.text
    assert "残疾类别" in page.text and "城乡" in page.text and "最差与最好之比" in page.text
    assert re.search(rf'href="{UI}/#/experiments/\d+/runs/[0-9a-f]+"', page.text)
    assert 'action="/models/jobs/promote"' not in page.text
    csrf = page_csrf(client)
    for action in ("promote", "rollback"):
        refused = client.post(f"/models/jobs/{action}", data={"csrf_token": csrf})
        assert refused.status_code == 403 and "只有管理员" in refused.text
    assert aliases(served.folder) == ("2", "3", "1")


@pytest.mark.parametrize("user", ["county_a", "organiser", "worker_a"])
def test_other_roles_do_not_see_the_models_page(served: Served, user: str) -> None:
    log_in(served.client, user)
    answer = served.client.get("/models")
    assert answer.status_code == 403 and 'href="/models"' not in answer.text


@pytest.mark.parametrize("action", ["promote", "rollback"])
def test_the_admins_forms_refuse_a_wrong_csrf_token(served: Served, action: str) -> None:
    log_in(served.client, "admin")
    answer = served.client.post(f"/models/jobs/{action}", data={"csrf_token": "forged"})
    assert answer.status_code == 403
    assert aliases(served.folder) == ("2", "3", "1")


def test_admin_sees_the_gate_refuse_then_rolls_back_then_promotes(served: Served) -> None:
    client = served.client
    log_in(client, "admin")
    page = client.get("/models")
    assert 'action="/models/jobs/promote"' in page.text
    assert 'action="/models/courses/rollback"' not in page.text  # no previous champion
    csrf = page_csrf(client)

    refused = client.post("/models/jobs/promote", data={"csrf_token": csrf, "version": "3"})
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text and "评审未通过" in refused.text
    assert "推荐质量（NDCG@10）不低于冠军：挑战者" in refused.text
    assert "低于冠军超出允许范围" in refused.text
    assert aliases(served.folder) == ("2", "3", "1")
    assert [e.actor for e in audit(served.url, "promotion_refused")] == ["admin"]
    tags = tracking_of(served.folder).version_tags(JOBS, "3")
    assert tags["gate.passed"] == "false"

    back = client.post("/models/jobs/rollback", data={"csrf_token": csrf})
    assert back.status_code == 200 and "已从版本2回退到版本1" in back.text
    assert "3600秒内" in back.text
    assert aliases(served.folder) == ("1", "3", "2")
    assert audit(served.url, "rollback")[-1].detail == {"from": "2", "to": "1"}

    version = register_good_challenger(served.folder)
    promoted = client.post("/models/jobs/promote", data={"csrf_token": csrf, "version": version})
    assert promoted.status_code == 200, promoted.text
    assert f"版本{version}已通过评审" in promoted.text and "3600秒内自动改用新版本" in promoted.text
    assert aliases(served.folder) == (version, version, "1")
    assert audit(served.url, "promote")[-1].actor == "admin"

    none = client.post("/models/courses/rollback", data={"csrf_token": csrf})
    assert none.status_code == 409 and "没有上一任冠军模型" in none.text
    unknown = client.post("/models/weather/promote", data={"csrf_token": csrf})
    assert unknown.status_code == 404
