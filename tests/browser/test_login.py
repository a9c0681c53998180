"""Logging in, being locked out, and seeing only one's own unit's cases, in a real
Chromium (Debian's /usr/bin/chromium driven by Playwright) against the app served on
127.0.0.1. Screenshots go to ``ECASE_SCREENSHOT_DIR`` when set (else the test's tmp dir)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import hard_to_read

PW = "correct horse battery"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(live_server: str) -> str:
    return live_server


@pytest.fixture
def seeded(app: Flask, make_user: Any) -> dict[str, Any]:
    from ecase import db
    from ecase.models import Case

    clerk = make_user("zhangsan", "clerk", unit="天桥派出所")
    make_user("lisi", "clerk", unit="天桥派出所")
    foreign_owner = make_user("wangwu", "clerk", unit="历下派出所")
    own = Case(case_no="A3701020026000001", name="张某某盗窃案（测试）", unit_id=clerk.unit_id)
    foreign = Case(case_no="A3701030026000099", name="外单位诈骗案（测试）", unit_id=foreign_owner.unit_id)
    db.session().add_all([own, foreign])
    db.session().commit()
    return {"own": own.case_no, "foreign": foreign.case_no, "foreign_id": foreign.id}


@pytest.fixture
def page(browser_page: Any) -> Any:
    browser_page.set_default_timeout(15000)
    return browser_page


def _shots(tmp_path: Path) -> Path:
    d = Path(os.environ.get("ECASE_SCREENSHOT_DIR") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    return d


def _log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_login_lockout_and_own_unit_only(app: Flask, server: str, seeded: dict[str, Any],
                                         page: Any, tmp_path: Path) -> None:
    shots = _shots(tmp_path)
    # not logged in: the case list sends us to the login page
    page.goto(f"{server}/cases")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "电子卷宗系统"
    page.screenshot(path=str(shots / "login.png"), full_page=True)

    # lisi mistypes the password until the account locks
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _log_in(page, server, "lisi", "not my password")
        assert "用户名或密码错误" in page.locator("[role=alert]").inner_text()
    _log_in(page, server, "lisi", "not my password")
    assert "已锁定" in page.locator("[role=alert]").inner_text()
    _log_in(page, server, "lisi", PW)  # the right password no longer helps
    assert "已锁定" in page.locator("[role=alert]").inner_text()
    page.screenshot(path=str(shots / "locked.png"), full_page=True)
    assert "/login" in page.url

    # zhangsan logs in and sees his unit's case only
    _log_in(page, server, "zhangsan", PW)
    page.wait_for_url(f"{server}/")  # home by role: a clerk lands on the unit's page
    assert page.locator("h1").inner_text().startswith("天桥派出所")
    page.goto(f"{server}/cases")
    body = page.locator("main").inner_text()
    assert seeded["own"] in body
    assert seeded["foreign"] not in body and "外单位" not in body
    assert "zhangsan" in page.locator(".who").inner_text()
    page.screenshot(path=str(shots / "case_list.png"), full_page=True)

    # the foreign case's URL gives a 404 page, not the case
    resp = page.goto(f"{server}/cases/{seeded['foreign_id']}")
    assert resp is not None and resp.status == 404
    assert seeded["foreign"] not in page.content()

    # logging out through the page's form (with its CSRF token) ends the session
    page.goto(f"{server}/cases")
    page.click(".who button")
    page.wait_for_url(f"{server}/login*")
    page.goto(f"{server}/cases")
    assert "/login" in page.url



def test_every_word_is_readable(server: str, seeded: dict[str, Any], page: Any) -> None:
    """The home page and the case list, top bar included, hold to WCAG AA's contrast: the
    top bar's 修改密码 link once kept the link blue on the navy bar (1.57:1), and the muted
    grey of notes and counts stood at 4.28:1 on the page."""
    _log_in(page, server, "zhangsan", PW)
    page.wait_for_selector(".topbar .who")
    assert page.locator(".topbar .who a", has_text="修改密码").is_visible()
    assert hard_to_read(page) == []
    page.goto(f"{server}/cases")
    assert hard_to_read(page) == []
