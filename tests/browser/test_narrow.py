"""Pages at a small office screen's width (1024 px): the top bar wraps whole words onto a
second line and a ledger's many columns scroll inside their table, never the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
PW = "correct horse battery"


@pytest.fixture
def bureau_loaded(app: Flask) -> None:
    from ecase import db
    from ecase.demo import load_bureau
    from ledgers import synthetic

    bureau = synthetic.make_bureau(7, units=4, officers_per_unit=4, end=dt.date(2026, 6, 30))
    load_bureau(db.session(), bureau, incidents=60, cases=80)
    db.session().commit()


def test_a_ledger_fits_a_1024_pixel_window(live_server: str, browser_page: Any, make_user: Any,
                                           bureau_loaded: None) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 768})
    make_user("rev", "reviewer", unit="法制大队", password=PW)
    log_in(page, live_server, "rev", PW)
    page.goto(f"{live_server}/ledgers/l/bail")
    rows = page.locator("table.grid tbody tr")
    assert rows.count() > 0
    # the page itself never scrolls sideways; the table does, inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    wide = page.locator(".wide")
    assert wide.evaluate("el => el.scrollWidth > el.clientWidth")
    # a menu item is one line (卷宗, not 卷 over 宗), and so is a unit's name in the table
    lines = "el => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }"
    for item in page.locator(".topbar nav a").all():
        assert item.evaluate(lines) == 1, item.inner_text()
    unit = rows.first.locator("td").nth(2)
    assert unit.evaluate(lines) == 1, unit.inner_text()
