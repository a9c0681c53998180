"""The viewer's search marks in Chromium lie on the printed characters whichever engine read
the page (issue 14): a page drawn by tests/search/test_engine_boxes.py, so the test knows
where every character is, ingested with each engine, opened with a query."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in
from tests.search.test_engine_boxes import LINES, TERM, each_engine, ingest_drawn_page

pytestmark = pytest.mark.slow

__all__ = ["each_engine"]  # the app_config fixture: the app once with each engine

PASSWORD = "a long test password"


def test_marks_lie_on_the_characters(app: Any, runner: Any, live_server: str, browser_page: Any,
                                     make_user: Any, tmp_path: Any) -> None:
    vol, boxes = ingest_drawn_page(runner, tmp_path)
    assert vol.current.pages[0].page.ocr["engine"] == app.config["OCR_ENGINE"]
    make_user("rev", "reviewer", unit="法制大队", password=PASSWORD)

    page = browser_page
    log_in(page, live_server, "rev", PASSWORD)
    page.goto(f"{live_server}/volumes/{vol.id}/pages/1?q={TERM}")
    page.wait_for_selector("#overlay rect.hit")
    marks = page.eval_on_selector_all(
        "#overlay rect.hit", "els => els.map(e => ['x', 'y', 'width', 'height'].map(k => +e.getAttribute(k)))")
    start = LINES[2].index(TERM)
    truth = [boxes[(2, c)] for c in range(start, start + len(TERM))]
    slack = 8
    for x0, y0, x1, y1 in truth:  # every character of the term is marked where it is printed
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        assert any(x - slack <= cx <= x + w + slack and y - slack <= cy <= y + h + slack for x, y, w, h in marks), \
            ((x0, y0, x1, y1), marks)
    left, right = min(b[0] for b in truth), max(b[2] for b in truth)
    for x, _, w, _ in marks:  # and nothing beside it is
        assert left - 2 * slack <= x and x + w <= right + 2 * slack, (marks, left, right)
