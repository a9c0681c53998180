"""An admin manages users in a real Chromium: create one (the password shown once), a
duplicate name keeps the typed form, disabling asks first (and cancelling changes nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import log_in

PW = "correct horse battery"
pytestmark = pytest.mark.browser


def test_admin_creates_and_disables_users(app: Flask, live_server: str, make_user: Any,
                                          browser_page: Any) -> None:
    page = browser_page
    page.set_default_timeout(15000)
    make_user("boss", "admin", unit="法制大队")
    log_in(page, live_server, "boss", PW)
    page.goto(f"{live_server}/admin/users")
    assert page.get_attribute("a[href='/account/password']", "href") == "/account/password"

    form = page.locator("#new-user")
    form.locator("input[name=username]").fill("wangwu")
    form.locator("input[name=display_name]").fill("王五")
    form.locator("input[name=new_unit]").fill("北园派出所")
    form.locator("select[name=role]").select_option("clerk")
    form.locator("button.primary").click()
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#new-password").strip()
    assert "北园派出所" in page.inner_text("#users")

    # the same name again: refused, and what was typed is still there
    form = page.locator("#new-user")
    form.locator("input[name=username]").fill("wangwu")
    form.locator("input[name=display_name]").fill("王五二")
    form.locator("select[name=unit_id]").select_option(label="北园派出所")
    form.locator("select[name=role]").select_option("leader")
    form.locator("button.primary").click()
    page.wait_for_load_state("networkidle")
    assert "用户名已存在" in page.inner_text("#form-error")
    form = page.locator("#new-user")
    assert form.locator("input[name=username]").input_value() == "wangwu"
    assert form.locator("input[name=display_name]").input_value() == "王五二"
    assert form.locator("select[name=role]").input_value() == "leader"
    assert form.locator("select[name=unit_id] option:checked").inner_text() == "北园派出所"

    # disabling asks first; cancelling leaves the account alone
    row = page.locator("tr[data-username=wangwu]")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    row.locator("button", has_text="停用").click()
    page.wait_for_timeout(300)
    assert asked and "确定停用 wangwu" in asked[0]
    assert "正常" in page.locator("tr[data-username=wangwu]").inner_text()
    page.once("dialog", lambda d: d.accept())
    row.locator("button", has_text="停用").click()
    page.wait_for_load_state("networkidle")
    assert "已停用 wangwu" in page.inner_text("main")
    assert "已停用" in page.locator("tr[data-username=wangwu]").inner_text()
