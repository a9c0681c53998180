"""Every page, opened in a real Chromium as an admin, runs without the browser refusing
anything under the Content-Security-Policy (scripts that evaluate strings, set style
attributes or build inline handlers would be refused only there)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import browser_page, live_server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser,
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]
PW = "correct horse battery"


def test_no_page_breaks_the_policy(app: Flask, live_server: str, browser_page: Any) -> None:  # noqa: F811
    from tests.browser.conftest import log_in
    from tests.test_routes_by_role import build_world, fill

    world = build_world()
    refused: list[str] = []
    page = browser_page
    page.set_default_timeout(15000)
    page.on("console", lambda msg: refused.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text else None)
    log_in(page, live_server, "walker_admin", PW)
    adapter = app.url_map.bind("localhost")
    probe = app.test_client()
    visited = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("static", "accounts.login", "accounts.logout"):
            continue
        for values in fill(rule, world["A"]):
            url = adapter.build(rule.endpoint, values, method="GET")
            if not _is_page(probe, url, world["users"]["admin"]):
                continue  # images, downloads, JSON: no page to break (the browser would download)
            page.goto(live_server + url)
            page.wait_for_load_state("load")
            visited += 1
    assert visited > 20
    assert not refused, "\n".join(refused)


def _is_page(client: Any, url: str, user_id: int) -> bool:
    from ecase import db
    from ecase.accounts.testing import stamp_session
    from ecase.models import User

    with client.session_transaction() as sess:
        stamp_session(sess, db.session().get(User, user_id))
    resp = client.get(url)
    page = resp.mimetype == "text/html" and "attachment" not in resp.headers.get("Content-Disposition", "")
    resp.close()
    return bool(page)
