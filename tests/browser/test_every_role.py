"""Every role's home and the first page of each of its menu items pass axe-core; large type
doubles the text and, like 200% zoom, never makes the page scroll sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api_city import USERS
from tests.browser.checks import check_page
from tests.browser.conftest import log_in
from tests.browser.live import LiveServer


@pytest.mark.parametrize("username", [username for username, _, _ in USERS])
def test_home_and_menu_pages_of_each_role(page: Page, username: str) -> None:
    log_in(page, username)
    page.goto("/")
    expect(page.locator("h1")).to_have_text("今日工作")
    check_page(page, f"home-{username}")
    menu = page.get_by_role("navigation", name="主菜单").get_by_role("link")
    paths = [path for path in menu.evaluate_all("links => links.map(a => a.pathname)")]
    for path in paths:
        if path == "/":
            continue
        page.goto(path)
        check_page(page, f"menu-{username}{path.replace('/', '-')}")


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_large_type_doubles_the_text_and_is_remembered(page: Page) -> None:
    log_in(page, "county_a")
    page.goto("/persons")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="大字").click()
    expect(page.locator("html")).to_have_class("large")
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large == pytest.approx(2 * normal)
    page.goto("/")
    expect(page.locator("html")).to_have_class("large")  # remembered
    assert no_sideways_scroll(page)
    check_page(page, "home-large-type")
    page.get_by_role("button", name="大字（已开启）").click()
    expect(page.locator("html")).not_to_have_class("large")


def test_pages_at_200_percent_zoom_do_not_scroll_sideways(
    browser: Browser, server: LiveServer
) -> None:
    # 200% zoom of a 1280-pixel window lays the page out in 640 CSS pixels.
    context = browser.new_context(
        base_url=server.url, viewport={"width": 640, "height": 900}, device_scale_factor=2
    )
    page = context.new_page()
    try:
        log_in(page, "county_a")
        for path in ("/", "/persons"):
            page.goto(path)
            assert no_sideways_scroll(page), path
        check_page(page, "persons-zoom-200")
    finally:
        context.close()
