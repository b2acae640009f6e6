"""Journey 3 (case worker): the 离校不断线 worklist, a graduate's ledger, a follow-up, a planned
service, a status move (a refused one first) and the Excel export. Every page passes axe-core
and is saved as a screenshot."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.checks import check_page
from tests.browser.conftest import log_in


def test_case_worker_follows_a_graduate_up(page: Page) -> None:
    log_in(page, "worker_a")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="离校不断线").click()
    expect(page.locator("h1")).to_have_text("离校不断线：待联系的毕业生")
    check_page(page, "case_worker-worklist")

    first = page.locator("table.data-table tbody a").last  # the end of the list: a test of its own
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(f"{name}的一人一策台账")
    expect(page.locator("dd.number").first).to_contain_text("********")
    check_page(page, "case_worker-ledger")

    page.get_by_label("服务内容").fill("电话了解求职意向，推送三个岗位")
    page.get_by_label("联系方式").select_option(label="电话")
    page.get_by_role("button", name="保存跟踪记录").click()
    expect(page.get_by_role("status")).to_have_text("跟踪记录已保存。")
    expect(page.locator("td", has_text="电话了解求职意向，推送三个岗位")).to_be_visible()

    page.get_by_label("服务项目").select_option(label="岗位推荐")
    page.get_by_label("计划日期").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_label("备注（选填）", exact=True).first.fill("推荐到本县福利企业")
    page.get_by_role("button", name="保存服务计划").click()
    expect(page.get_by_role("status")).to_have_text("服务计划已保存。")

    page.get_by_label("联系日期").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_label("服务内容").fill("上门走访")
    page.get_by_role("button", name="保存跟踪记录").click()
    expect(page.get_by_role("alert")).to_contain_text("联系日期")
    expect(page.locator("#f-fu_contacted_on")).to_have_attribute("aria-invalid", "true")
    check_page(page, "case_worker-ledger-refused")

    choices = page.locator("#f-st_status option").all_inner_texts()
    assert "离校未就业" not in choices and "在校" not in choices  # only the allowed moves
    page.get_by_label("变更为").select_option(label="已就业")
    page.get_by_role("button", name="变更状态").click()
    expect(page.get_by_role("status")).to_have_text("状态已变更。")
    expect(page.locator("dd strong")).to_have_text("已就业")
    check_page(page, "case_worker-ledger-moved")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出台账（Excel）").click()
    assert re.search(r"\.xlsx$", download.value.suggested_filename)
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    cells = [
        str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value
    ]
    assert any(name in cell for cell in cells)
    assert any("电话了解求职意向" in cell for cell in cells)
