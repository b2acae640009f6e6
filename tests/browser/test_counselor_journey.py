"""Journey 1 (counselor), keyboard only: log in, home, find a person, the person page (chart,
referrals), the recommendations, 推荐, the print sheet, a stage with a refusal reason, log out;
journey 2, 为什么没有这个岗位？.
Every page on the way passes axe-core and is saved as a screenshot."""

from __future__ import annotations

import re

import polars as pl
from playwright.sync_api import Page, expect

from matching.codes import REFUSAL_REASONS
from tests.api_city import COUNTY_A, PASSWORD, persons_of, test_city
from tests.browser.checks import SCREENSHOTS, check_page, tab_to


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
    expect(page.locator("figure.chart svg")).to_have_count(1)
    expect(page.locator("table.data-table caption").first).to_contain_text("岗位平均要求")

    # The recommendations, 推荐 on the first job: the referral is recorded with its rank.
    tab_to(page, f'a[href="/persons/{person["id"]}/recommendations"]', limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("推荐岗位和培训")
    first_job = page.locator("#jobs-heading + ol .rec-item").first
    title = first_job.locator("h3").inner_text().split(" ", 1)[1]
    check_page(page, "recommendations")
    tab_to(page, "#jobs-heading + ol .rec-item form button", limit=200)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已推荐")
    expect(page.get_by_role("status")).to_contain_text("第1位")
    expect(page.locator("h1")).to_contain_text(title)
    check_page(page, "referral-created")
    referral_url = page.url.split("?")[0]

    # 打印推荐单, from the person page; the print stylesheet hides the navigation.
    tab_to(page, f'a[href="/persons/{person["id"]}"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(person["name"])
    tab_to(page, f'a[href="/persons/{person["id"]}/recommendations/print"]', limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("就业推荐单")
    expect(page.locator("main")).to_contain_text(person["name"])
    expect(page.locator("main")).to_contain_text("联系电话")
    check_page(page, "print-sheet")
    page.emulate_media(media="print")
    expect(page.locator("nav.site-nav")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "print-sheet-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")

    # The stage: closed as refused, with a reason chosen from the list by the keyboard.
    page.goto(referral_url)
    expect(page.locator("h1")).to_contain_text(title)
    tab_to(page, "#f-stage", limit=200)
    page.keyboard.press("ArrowDown")  # 已申请 (applied)
    page.keyboard.press("ArrowDown")  # 未录用 (refused)
    tab_to(page, "#f-refusal_reason")
    for _ in range(4):  # skills, accommodation_unavailable, accessibility, distance
        page.keyboard.press("ArrowDown")
    tab_to(page, 'form[action$="/stage"] button')
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已保存")
    expect(page.locator("main")).to_contain_text(REFUSAL_REASONS.label("distance"))
    check_page(page, "referral-stage-saved")

    tab_to(page, "a.skip-link", backwards=True, limit=200)
    page.keyboard.press("Enter")
    tab_to(page, 'a[href="/"]', backwards=True, limit=200)
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


def test_why_is_this_vacancy_not_on_the_list(page: Page) -> None:
    """Journey 2: from the person page, a vacancy code, and the reason it is not on the list."""
    from tests.browser.conftest import log_in

    person = persons_of(COUNTY_A).row(3, named=True)
    vacancies = test_city().frames["vacancies"]
    closed = vacancies.filter(pl.col("status") != "open")["code"][0]
    log_in(page, "county_a")
    page.goto(f"/persons/{person['id']}")
    tab_to(page, "#f-vacancy", limit=200)
    page.keyboard.type("V9999999")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("未找到岗位编号")
    expect(page.locator("#f-vacancy")).to_have_attribute("aria-invalid", "true")
    check_page(page, "why-unknown-code")
    page.locator("#f-vacancy").fill(closed)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("不在招聘中")
    check_page(page, "why-not-open")
    page.goto(f"/persons/{person['id']}/recommendations")
    href = page.locator("#jobs-heading + ol .rec-item").first.get_attribute("id")
    assert href is not None
    code = vacancies.filter(pl.col("id") == int(href.split("-")[1]))["code"][0]
    page.goto(f"/persons/{person['id']}/why?vacancy={code}")
    expect(page.get_by_role("status")).to_contain_text("排第1位")
    check_page(page, "why-on-list")
