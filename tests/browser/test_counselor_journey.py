"""Journey 1 (counselor), keyboard only: log in, home, find a person, the person page, log out.
Every page on the way passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.api_city import COUNTY_A, PASSWORD, persons_of
from tests.browser.checks import check_page, tab_to


def test_counselor_finds_a_person_with_the_keyboard_only(page: Page) -> None:
    person = persons_of(COUNTY_A).row(0, named=True)
    page.goto("/persons")  # not logged in: to the login page, and back after it
    expect(page).to_have_url(re.compile(r"/login\?next=/persons"))
    check_page(page, "login")
    tab_to(page, "#f-username")
    page.keyboard.type("county_a")
    tab_to(page, "#f-password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/persons$"))
    check_page(page, "persons-search")

    tab_to(page, "#f-q")
    page.keyboard.type(person["name"])
    page.keyboard.press("Enter")
    expect(page.locator("caption")).to_contain_text("查找结果")
    check_page(page, "persons-found")
    tab_to(page, f'a[href="/persons/{person["id"]}"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(person["name"])
    masked = page.locator("dd.number").first
    expect(masked).to_contain_text("********")
    expect(masked).not_to_contain_text(person["id_number"])
    check_page(page, "person")

    tab_to(page, "a.skip-link", backwards=True)
    page.keyboard.press("Enter")
    tab_to(page, 'a[href="/"]', backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("今日工作")
    check_page(page, "home-counselor")
    tab_to(page, 'form[action="/logout"] button')
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已安全退出")
    page.goto(f"/persons/{person['id']}")
    expect(page).to_have_url(re.compile(r"/login"))


def test_partial_number_lists_nobody(page: Page) -> None:
    from tests.browser.conftest import log_in

    log_in(page, "county_a")
    page.goto("/persons")
    page.get_by_label("姓名、身份证号或残疾人证号").fill("371502")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("alert")).to_contain_text("完整的18位身份证号")
    expect(page.locator("table")).to_have_count(0)
    check_page(page, "persons-partial-number")
