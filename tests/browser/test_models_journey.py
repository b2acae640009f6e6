"""Journey 7 (analyst, admin): the models page over a registry of the test's own (champion,
challenger that ranks backwards, previous champion; ``api_model_history``) on a live server of
its own. The analyst reads and has no buttons; the admin sees the gate refuse the backwards
challenger with its reasons in Chinese, rolls back, then promotes a good challenger. Every page
passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api_model_history import model_history, register_good_challenger, tracking_of
from tests.browser.checks import check_page
from tests.browser.conftest import log_in
from tests.browser.live import LiveServer, live_server
from training.registry import model_name
from training.tracking import CHAMPION


@pytest.fixture(scope="module")
def models_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("models-journey")
    with live_server(folder, tracking_uri=lambda url: model_history(folder, url)) as running:
        yield running


@pytest.fixture
def models_page(browser: Browser, models_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=models_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(60_000)  # the gate scores both models on the test lists
    yield context.new_page()
    context.close()


def champion(folder: Path) -> str | None:
    return tracking_of(folder).version_of(model_name("jobs"), CHAMPION)


def test_analyst_reads_the_models_and_has_no_buttons(models_page: Page) -> None:
    page = models_page
    log_in(page, "analyst")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="模型").click()
    expect(page.locator("h1")).to_have_text("推荐模型")
    versions = page.get_by_role("table", name="岗位推荐模型：各版本的测试结果")
    expect(versions).to_contain_text("冠军（正在使用）")
    expect(versions).to_contain_text("上一任冠军")
    expect(page.get_by_role("link", name="查看版本2的运行记录").first).to_have_attribute(
        "href", re.compile(r"/#/experiments/\d+/runs/")
    )
    expect(page.get_by_role("button", name=re.compile("设为冠军|回退"))).to_have_count(0)
    check_page(page, "analyst-models")


def test_admin_sees_the_gate_refuse_then_rolls_back_and_promotes(
    models_page: Page, models_server: LiveServer
) -> None:
    page = models_page
    folder = models_server.settings.data_dir
    log_in(page, "admin")
    page.goto("/models")
    check_page(page, "admin-models")
    jobs = page.get_by_role("region", name="岗位推荐模型")
    jobs.get_by_role("button", name="评审并将挑战者设为冠军").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("评审未通过")
    expect(alert).to_contain_text("推荐质量（NDCG@10）不低于冠军：挑战者")
    expect(alert).to_contain_text("低于冠军超出允许范围")
    expect(page.get_by_role("table", name=re.compile("挑战者版本3：未通过"))).to_be_visible()
    check_page(page, "admin-models-refused")
    assert champion(folder) == "2"

    page.get_by_role("region", name="岗位推荐模型").get_by_role(
        "button", name="回退到上一任冠军"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("已从版本2回退到版本1")
    check_page(page, "admin-models-rolled-back")
    assert champion(folder) == "1"

    version = register_good_challenger(folder)
    page.goto("/models")
    page.get_by_role("region", name="岗位推荐模型").get_by_role(
        "button", name="评审并将挑战者设为冠军"
    ).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"版本{version}已通过评审")
    expect(status).to_contain_text("秒内自动改用新版本")
    check_page(page, "admin-models-promoted")
    assert champion(folder) == version
