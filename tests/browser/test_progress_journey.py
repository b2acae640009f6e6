"""Journey 8 (analyst, admin, county counselor): the progress dashboard and the quota outreach
page in Chromium. The filters are reached and used with the keyboard; the charts load (SVG under
the page's Content-Security-Policy) beside their tables; analysts get figures without person
lists or candidates, the county counselor their county with the list behind a figure and the
candidates. Every page passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.checks import check_page, tab_to
from tests.browser.conftest import log_in


def charts_loaded(page: Page) -> int:
    """How many chart images the browser decoded (an image blocked or broken has no width)."""
    count: int = page.evaluate(
        """() => [...document.querySelectorAll('.report-chart img')]
            .filter(img => img.complete && img.naturalWidth > 0).length"""
    )
    return count


def filter_by_keyboard(page: Page, month: str, county: str | None, breakdown: str) -> None:
    """Tab to each filter, choose with the arrow keys' equivalent (select_option on the focused
    select), and submit with Enter on the button."""
    tab_to(page, "#f-year")
    tab_to(page, "#f-month")
    page.locator("#f-month").select_option(month)
    tab_to(page, "#f-county")
    if county is not None:
        page.locator("#f-county").select_option(county)
    tab_to(page, "#f-breakdown")
    page.locator("#f-breakdown").select_option(breakdown)
    tab_to(page, "form.filter-form button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_analyst_reads_the_dashboard_and_the_outreach_without_persons(page: Page) -> None:
    log_in(page, "analyst")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="就业进度").click()
    expect(page.locator("h1")).to_have_text("就业进度统计")
    filter_by_keyboard(page, "10", None, "category")
    assert "month=10" in page.url and "breakdown=category" in page.url
    expect(page.get_by_role("table", name=re.compile("各项指标与目标、进度"))).to_contain_text(
        "新增就业人数"
    )
    expect(page.get_by_role("table", name=re.compile("各项指标按残疾类别分组"))).to_be_visible()
    assert charts_loaded(page) == 3
    names = page.locator("a", has_text="名单")
    hrefs = [names.nth(i).get_attribute("href") or "" for i in range(names.count())]
    assert all("measure=training_bases" in href for href in hrefs)  # no person lists
    check_page(page, "analyst-progress")

    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="按比例就业").click()
    expect(page.locator("h1")).to_contain_text("未达比例的用人单位")
    expect(page.get_by_text("不查看人员名单")).to_be_visible()
    expect(page.locator('a[href^="/persons/"]')).to_have_count(0)
    check_page(page, "analyst-outreach", full_page=False)  # 20 cards: the top is enough


def test_admin_chooses_a_county_and_a_month(page: Page) -> None:
    log_in(page, "admin")
    page.goto("/progress")
    filter_by_keyboard(page, "9", "371581", "")
    expect(page.locator(".notice").first).to_contain_text("临清市，2026年9月")
    # September is over: the register's rate cannot be computed for it, and says why.
    rate = page.get_by_role("row", name=re.compile("就业年龄段持证残疾人就业率"))
    expect(rate).to_contain_text("无法计算")
    assert charts_loaded(page) == 3
    check_page(page, "admin-progress")
    page.goto("/outreach?county=371581")
    expect(page.locator(".employer-card").first).to_be_visible()
    check_page(page, "admin-outreach", full_page=False)


def test_county_counselor_sees_the_county_the_list_and_the_candidates(page: Page) -> None:
    log_in(page, "county_a")
    page.goto("/progress?year=2026&month=10")
    expect(page.locator("#f-county option")).to_have_count(1)
    expect(page.locator(".notice").first).to_contain_text("东昌府区，2026年10月")
    assert charts_loaded(page) == 3
    check_page(page, "counselor-progress")
    page.get_by_role("link", name=re.compile(r"名单\W*新增就业人数\W*1月至本月")).click()
    expect(page.locator("h1")).to_have_text("新增就业人数：名单")
    expect(page.get_by_role("table")).to_contain_text(re.compile(r"\d{6}\*+\d{4}"))
    check_page(page, "counselor-progress-records")
    page.goto("/outreach")
    card = page.locator(".employer-card").first
    expect(card.get_by_role("table", name=re.compile("最适合的求职者"))).to_be_visible()
    check_page(page, "counselor-outreach", full_page=False)
