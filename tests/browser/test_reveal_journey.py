"""Journey 6 (reveal): a counselor reveals a person's full ID number with a reason (a missing
reason refused next to its field), sees it once, and finds it masked again on the person page
and in the search. Every page passes axe-core and is saved as a screenshot."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.api_city import COUNTY_A, persons_of
from tests.browser.checks import check_page
from tests.browser.conftest import log_in


def test_counselor_reveals_a_full_number_once(page: Page) -> None:
    person = persons_of(COUNTY_A).row(5, named=True)
    log_in(page, "county_a")
    page.goto(f"/persons/{person['id']}")
    expect(page.get_by_role("heading", name="查看完整证件号")).to_be_visible()
    check_page(page, "counselor-person-reveal-form")

    page.get_by_label("查看原因").fill("核对")
    page.get_by_role("button", name="查看完整证件号").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写查看原因")
    expect(page.locator("#f-reason")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).not_to_contain_text(person["id_number"])
    check_page(page, "counselor-reveal-refused")

    page.get_by_label("查看原因").fill("办理社保补贴，核对身份")
    page.get_by_role("button", name="查看完整证件号").click()
    expect(page.locator("h1")).to_have_text(f"{person['name']}的完整证件号")
    expect(page.locator(".revealed-number").first).to_have_text(person["id_number"])
    assert person["id_number"] not in page.url
    check_page(page, "counselor-revealed")

    page.get_by_role("link", name=f"返回{person['name']}的页面（证件号重新隐去）").click()
    expect(page.locator("dd.number").first).to_contain_text("********")
    expect(page.locator("main")).not_to_contain_text(person["id_number"])
    page.goto(f"/persons?q={person['name']}")
    expect(page.locator("table")).to_contain_text(person["name"])
    expect(page.locator("main")).not_to_contain_text(person["id_number"])
