"""What every page visited in a browser test must pass: axe-core finds no serious or critical
violation, the page has one ``h1`` and the main landmark, and its screenshot is saved."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "experiments" / "ui"
BLOCKING = {"serious", "critical"}
_axe = Axe()


def axe_problems(page: Page) -> list[str]:
    """The serious and critical axe-core violations of the page, one line each."""
    result = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in result.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def check_page(page: Page, name: str, *, full_page: bool = True) -> None:
    """Axe, landmarks and a screenshot ``experiments/ui/<name>.png``."""
    problems = axe_problems(page)
    assert not problems, f"{name}: " + "; ".join(problems)
    assert page.locator("h1").count() == 1, f"{name}: a page has exactly one h1"
    assert page.locator("main#main").count() == 1, f"{name}: no main landmark"
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def tab_to(page: Page, selector: str, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab (Shift+Tab) until the element matching ``selector`` has the focus, checking at
    each stop that the focus is visible (an outline or a box shadow); fails after ``limit``."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            assert focus_visible(page), f"the focus on {selector} is not visible"
            return
    raise AssertionError(f"{selector} not reached with {key} in {limit} presses")


def focus_visible(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => {
                const style = getComputedStyle(document.activeElement);
                return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                    || style.boxShadow !== 'none';
            }"""
        )
    )
