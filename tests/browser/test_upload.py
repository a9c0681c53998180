"""A clerk uploads a scan in a real browser, follows its progress and opens the volume."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.slow


def _upload(live_server: str, page: Any, make_user: Any, small_scan: Any) -> tuple[Any, dict[str, Any]]:
    """A clerk logged in sends the small scan from the upload page; returns the page and the scan's facts."""
    path, info = small_scan
    make_user("clerk", "clerk", password="a long test password")
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
    return page, info


def test_upload_page_to_viewer(app: Any, live_server: str, browser_page: Any, make_user: Any,
                               small_scan: Any, tmp_path: Any) -> None:
    page, info = _upload(live_server, browser_page, make_user, small_scan)
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


def test_the_job_page_follows_its_job_to_the_end(app: Any, live_server: str, browser_page: Any, make_user: Any,
                                                 small_scan: Any, tmp_path: Any) -> None:
    """The upload page links the job's own page; while the job runs that page follows it by
    itself (bar, status, each page's state) and is drawn again at its end. The small scan is
    read before a page can be opened, so its job is then set back to "processing" (one page
    done) and brought to its end by the test, the page never reloaded by it."""
    from ecase import db
    from ecase.models import Job

    page, info = _upload(live_server, browser_page, make_user, small_scan)
    page.wait_for_selector("#job-link:not([hidden])", timeout=60_000)
    page.wait_for_selector("#done-link:not([hidden])", timeout=180_000)
    page.click("#job-link a")
    page.wait_for_selector("h1:has-text('处理任务')")
    job_id = int(page.evaluate("document.getElementById('job').dataset.api").rsplit("/", 1)[1])
    pages = info["pages"]

    def set_job(state: str, done: int) -> None:
        db.session().expire_all()
        job = db.session().get(Job, job_id)
        assert job is not None
        job.state, job.done = state, done
        db.session().commit()

    set_job("processing", 1)
    page.reload()
    assert page.locator("#follow-note").count() == 1
    page.locator("#pages li").nth(pages - 1).wait_for(timeout=30_000)  # drawn by the page's script
    assert page.locator("#pages li").count() == pages
    assert page.evaluate("document.getElementById('bar-fill').style.width") == f"{round(100 / pages)}%"
    page.screenshot(path=str(tmp_path / "job-running.png"))
    set_job("done", pages)
    # nobody reloads it: the page itself comes to the end, and is drawn again by the server
    # (locators, not wait_for_function: the page's Content-Security-Policy forbids evaluating strings)
    page.locator("#status", has_text="完成").wait_for(timeout=30_000)
    page.locator("#follow-note").wait_for(state="detached", timeout=30_000)
    assert f"已处理 {pages}/{pages} 页" in page.inner_text("#status")
    page.locator("#pages li.done").nth(pages - 1).wait_for(timeout=30_000)
    assert page.evaluate("document.getElementById('bar-fill').style.width") == "100%"
    # the legend under the squares says what each kind of square means, drawn as the squares are
    legend = page.locator(".page-legend")
    assert legend.is_visible()
    assert [t.strip() for t in legend.locator("li").all_inner_texts()] == ["等待处理", "完成", "失败", "空白页（不编页号）"]
    colour = "el => getComputedStyle(el).backgroundColor"
    assert legend.locator(".page-swatch.done").evaluate(colour) == page.locator("#pages li.done").first.evaluate(colour)
    assert legend.locator(".page-swatch.blank").evaluate("el => getComputedStyle(el).borderTopStyle") == "dashed"
    page.screenshot(path=str(tmp_path / "job-done.png"))
