"""Journey: a counselor finds a vacancy by its 岗位编号 with the keyboard only, reads its
推荐合适人选 with the reasons, and refers the first person (推荐); a closed vacancy says why it
lists nobody. Every page passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import polars as pl
from playwright.sync_api import Page, expect

from tests.api_city import COUNTY_A, test_city
from tests.browser.checks import check_page, tab_to
from tests.browser.conftest import log_in


def a_vacancy(status: str) -> dict[str, object]:
    """A vacancy of county A with ``status``, open today when ``status`` is open."""
    today = datetime.now(UTC).date()
    found = (
        test_city()
        .frames["vacancies"]
        .filter((pl.col("county") == COUNTY_A) & (pl.col("status") == status))
    )
    if status == "open":
        found = found.filter(pl.col("deadline").is_null() | (pl.col("deadline") >= today))
    return found.sort("id").row(0, named=True)


def test_counselor_refers_a_candidate_from_a_vacancy(page: Page) -> None:
    vacancy = a_vacancy("open")
    log_in(page, "county_a")
    page.goto("/")
    tab_to(page, 'nav a[href="/vacancies"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("岗位")
    check_page(page, "vacancy-find")
    tab_to(page, "#f-code")
    page.keyboard.type("V-不存在")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("岗位编号只含字母和数字")
    check_page(page, "vacancy-find-error")
    tab_to(page, "#f-code", backwards=True)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(vacancy["code"]))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/vacancies/{vacancy['id']}$"))
    expect(page.locator("h1")).to_contain_text(str(vacancy["title"]))
    items = page.locator("#candidates-heading ~ ol .rec-item")
    expect(items.first).to_be_visible()
    expect(items.first.locator("ul[aria-label='推荐理由'] li").first).to_be_visible()
    expect(items.first).to_contain_text("********")
    check_page(page, "vacancy-candidates")

    person = items.first.locator("h3 a").get_attribute("href")
    tab_to(page, "#candidates-heading ~ ol .rec-item form button", limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已推荐")
    expect(page.get_by_role("status")).to_contain_text("第1位")
    expect(page.locator("main")).to_contain_text(str(vacancy["title"]))
    expect(page.locator(f'main a[href="{person}"]')).to_have_count(1)
    check_page(page, "vacancy-referral-created")


def test_a_closed_vacancy_says_why_it_lists_nobody(page: Page) -> None:
    vacancy = a_vacancy("closed")
    log_in(page, "county_a")
    page.goto(f"/vacancies/{vacancy['id']}")
    expect(page.locator("main")).to_contain_text("该岗位已关闭，不再推荐人选")
    expect(page.locator(".refer-form")).to_have_count(0)
    check_page(page, "vacancy-closed")
