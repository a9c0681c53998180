"""Near matches in Chromium: opening a search result found with one character misread
(看守所霸押 for 看守所羁押) marks the matched characters on the page image exactly where an
exact hit on the same place is marked."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.dossiers.near_volume import near_volume

pytestmark = pytest.mark.slow

PASSWORD = "a long test password"


def _marks(page: Any) -> list[tuple[str, float, float]]:
    page.wait_for_selector("#overlay")
    return page.eval_on_selector_all(
        "#overlay rect.hit",
        "els => els.map(e => [e.getAttribute('class'), +e.getAttribute('x'), +e.getAttribute('width')])")


def test_near_result_is_marked_like_an_exact_one(app: Any, live_server: str, browser_page: Any,
                                                 make_user: Any) -> None:
    near_volume()
    make_user("clerk", "clerk", password=PASSWORD)
    page = browser_page
    log_in(page, live_server, "clerk", PASSWORD)
    page.goto(f"{live_server}/search?q=看守所羁押")
    hits = page.locator("a.hit-title")
    assert hits.count() == 2
    assert "近似" in page.locator("ol.hits li").nth(1).inner_text()
    # the 含近似匹配 box stands on the line of its words, as a box does, not above them
    toggle = page.locator("label.toggle", has_text="含近似匹配")
    centre, top, bottom = toggle.evaluate("""el => {
        const box = el.querySelector("input[type=checkbox]").getBoundingClientRect();
        const words = [...el.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
        const r = document.createRange(); r.selectNodeContents(words); const line = r.getBoundingClientRect();
        return [box.top + box.height / 2, line.top, line.bottom]; }""")
    assert top <= centre <= bottom

    hits.nth(0).click()
    page.wait_for_load_state("networkidle")
    exact = _marks(page)
    # the word 看守所羁押。 spans x 100..700, a character 100 wide: the mark covers five of them
    assert [(c, x, w) for c, x, w in exact] == [("hit current", 100, 500)]

    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("a.hit-title").nth(1).click()
    page.wait_for_load_state("networkidle")
    assert "/pages/2" in page.url
    near = _marks(page)
    assert [(x, w) for _, x, w in near] == [(100, 500)]  # the same characters, 看守所霸押
    assert near[0][0].split() == ["hit", "near", "current"]
    assert "本页 1/1" in page.inner_text("#hit-count")
    # previous hit goes back to the exact page
    page.click("#prev-hit")
    page.wait_for_load_state("networkidle")
    assert "/pages/1" in page.url and len(_marks(page)) == 1
