"""A clerk uploads a scan in a real browser, follows its progress and opens the volume."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.slow


def test_upload_page_to_viewer(app: Any, live_server: str, browser_page: Any, make_user: Any,
                               small_scan: Any, tmp_path: Any) -> None:
    path, info = small_scan
    make_user("clerk", "clerk", password="a long test password")
    page = browser_page
    log_in(page, live_server, "clerk", "a long test password")
    page.goto(f"{live_server}/upload")
    page.fill("input[name=case_no]", info["case_no"])
    page.fill("input[name=case_name]", info["case_name"])
    # given as bytes: a path-based set_input_files was seen not to reach Chromium's file
    # input when another test of the process had used one; the list is filled by the page's
    # script on the change event, so wait for it
    page.set_input_files("input[type=file]", {"name": path.name, "mimeType": "application/pdf",
                                                "buffer": path.read_bytes()})
    page.locator("#chosen", has_text=path.name).wait_for(timeout=30_000)
    page.click("#submit")
    page.wait_for_selector("#done-link:not([hidden])", timeout=180_000)
    assert "完成" in page.inner_text("#status")
    states = page.eval_on_selector_all("#pages li", "els => els.map(e => e.className)")
    assert len(states) == info["pages"] and all(s.startswith("done") for s in states)
    page.screenshot(path=str(tmp_path / "upload.png"))
    page.click("#done-link a")
    page.wait_for_load_state("networkidle")
    assert info["case_name"] in page.inner_text("h1")
    docs = page.inner_text(".docs")
    assert "立案决定书" in docs
    page.check("#show-words")
    assert page.eval_on_selector_all("rect.word", "els => els.length") > 10
    page.screenshot(path=str(tmp_path / "viewer.png"))


def test_bad_file_message_in_the_page(app: Any, live_server: str, browser_page: Any, make_user: Any,
                                      tmp_path: Any) -> None:
    make_user("clerk", "clerk", password="a long test password")
    bad = tmp_path / "卷宗.pdf"
    bad.write_text("这是一段文字，不是扫描件。\n" * 10, encoding="utf-8")
    page = browser_page
    log_in(page, live_server, "clerk", "a long test password")
    page.goto(f"{live_server}/upload")
    page.fill("input[name=case_no]", "A3701050200002018010001")
    # given as bytes: a second path-based set_input_files in one test process was seen not to
    # reach Chromium's file input
    page.set_input_files("input[type=file]", {"name": bad.name, "mimeType": "application/pdf",
                                                "buffer": bad.read_bytes()})
    page.click("#submit")
    # the refusal comes after the bytes are stored and the file inspected in a sandboxed
    # child process: allow for a loaded CI machine (a locator, not wait_for_function: the
    # page's Content-Security-Policy refuses the string it would evaluate)
    page.locator("#status", has_text="上传失败").wait_for(timeout=120_000)
    status = page.inner_text("#status")
    assert "卷宗.pdf" in status and "不支持" in status
