"""A station's clerk in a real browser: lands on the unit's page, uploads a scan, opens the
volume and corrects a misread field in its own form (a date typed 2017年3月6日), sees the
corrected value with the machine's reading beside it, and a wrong value refused in Chinese."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.slow

PASSWORD = "a long test password"


def test_clerk_uploads_and_corrects_a_field(app: Any, live_server: str, browser_page: Any, make_user: Any,
                                            small_scan: Any) -> None:
    path, info = small_scan
    make_user("clerk", "clerk", password=PASSWORD)
    page = browser_page
    log_in(page, live_server, "clerk", PASSWORD)
    # home: the unit's page, with only what a clerk may open
    assert page.inner_text("h1").startswith("天桥派出所")
    nav = page.inner_text(".topbar nav")
    assert "上传扫描件" in nav and "审计日志" not in nav and "用户管理" not in nav

    page.goto(f"{live_server}/upload")
    page.fill("input[name=case_no]", info["case_no"])
    page.fill("input[name=case_name]", info["case_name"])
    # given as bytes: a second path-based set_input_files in one test process was seen not to
    # reach Chromium's file input (tests/browser/test_upload.py)
    page.set_input_files("input[type=file]", {"name": path.name, "mimeType": "application/pdf",
                                                "buffer": path.read_bytes()})
    page.click("#submit")
    page.wait_for_selector("#done-link:not([hidden])", timeout=180_000)
    page.click("#done-link a")
    page.wait_for_load_state("networkidle")
    assert "重新识别本卷" in page.inner_text(".docs")

    doc = page.locator("details.doc", has=page.locator("summary a", has_text="立案决定书"))
    if doc.get_attribute("open") is None:
        doc.locator("summary").first.click()
    row = doc.locator("table.fields tr", has=page.locator("th", has_text="决定日期"))
    machine = row.locator("a.field-link").inner_text()
    row.locator("details.fix summary").click()
    row.locator("input[name=value]").fill("三月初")
    row.locator("button", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert "不是有效的日期" in page.inner_text("main")  # refused, in Chinese
    page.go_back()
    page.wait_for_load_state("networkidle")

    doc = page.locator("details.doc", has=page.locator("summary a", has_text="立案决定书"))
    if doc.get_attribute("open") is None:
        doc.locator("summary").first.click()
    row = doc.locator("table.fields tr", has=page.locator("th", has_text="决定日期"))
    row.locator("details.fix summary").click()
    row.locator("input[name=value]").fill("2017年3月6日")
    row.locator("button", has_text="保存").click()
    page.wait_for_load_state("networkidle")
    assert "已将立案决定书的「决定日期」更正为「2017-03-06」" in page.inner_text(".flash.success")
    doc = page.locator("details.doc", has=page.locator("summary a", has_text="立案决定书"))
    row = doc.locator("table.fields tr", has=page.locator("th", has_text="决定日期"))
    assert row.locator("a.field-link").inner_text() == "2017-03-06"
    assert "已更正" in row.inner_text() and f"机器识别：{machine}" in row.inner_text()
