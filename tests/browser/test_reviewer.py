"""A reviewer's day in a real Chromium: triage the findings list (filter, page, tick) into
a 执法建议书 for the ticked findings' unit; make a bulletin, follow its progress, get its PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from tests.browser.conftest import hard_to_read, log_in

PW = "correct horse battery"
pytestmark = pytest.mark.browser


@pytest.fixture
def findings(app: Flask, make_user: Any, make_unit: Any) -> dict[str, Any]:
    from ecase import db
    from ecase.models.supervision import Finding

    make_user("rev", "reviewer", unit="法制大队")
    units = {name: make_unit(name) for name in ("甲派出所", "乙派出所")}
    s = db.session()
    for name, n, grade in (("甲派出所", 120, "yellow"), ("乙派出所", 15, "red")):
        for i in range(n):
            s.add(Finding(key=f"criminal_not_filed|{name}|{i}", rule="criminal_not_filed", grade=grade,
                          state="open", unit_id=units[name].id, case_no=f"A{units[name].id:02d}2018{i:06d}",
                          lead_officer="张三", days_over=i, due_on=dt.date(2018, 1, 1), detail=f"{name}第{i}号",
                          first_found_on=dt.date(2018, 1, 5), last_seen_on=dt.date(2018, 2, 1), evidence=[]))
    s.commit()
    return {"unit_b": units["乙派出所"].id}


def test_triage_to_a_recommendation_and_a_bulletin(app: Flask, live_server: str, findings: dict[str, Any],
                                                   browser_page: Any) -> None:
    page = browser_page
    page.set_default_timeout(15000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    log_in(page, live_server, "rev", PW)

    # the list says how many there are, and pages
    page.goto(f"{live_server}/supervision/findings")
    assert page.inner_text("#findings-total") == "共 135 条"
    assert hard_to_read(page) == []  # the grades' chips and the list's grey notes included
    assert "第 1 / 2 页" in page.inner_text("nav.pager")
    page.click("nav.pager >> text=下一页")
    assert "第 101–135 条" in page.inner_text("nav.pager")

    # filter to one unit: the filter is kept in the URL
    page.select_option("select[name=unit_id]", str(findings["unit_b"]))
    page.click("form.filters button.primary")
    page.wait_for_load_state("networkidle")
    assert f"unit_id={findings['unit_b']}" in page.url
    assert page.inner_text("#findings-total") == "共 15 条"

    # ticking names the unit the recommendation goes to
    assert page.is_disabled("#recommend-submit")
    boxes = page.locator("input[name=finding_id]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.inner_text("#recommend-unit") == "乙派出所"
    assert "已勾选 2 个问题" in page.inner_text("#recommend-status")
    page.fill("textarea[name=body]", "请于期限内完成立案审查。")
    page.click("#recommend-submit")
    page.wait_for_load_state("networkidle")
    assert "/supervision/recommendations/" in page.url
    body = page.inner_text("main")
    assert "乙派出所主要负责人" in body and "请于期限内完成立案审查。" in body and "已向乙派出所发出执法建议书" in body

    # the export of what is shown
    page.goto(f"{live_server}/supervision/findings?unit_id={findings['unit_b']}")
    with page.expect_download() as dl:
        page.click("text=导出 Excel")
    assert _served_name(page, dl.value.url) == "问题清单（乙派出所）.xlsx"

    # a bulletin: a month picked, progress shown, then its PDF
    page.goto(f"{live_server}/supervision/bulletins")
    page.select_option("select[name=kind]", "feedback")
    page.fill("input[name=period]", "2018-01")
    page.click("#bulletin-form button.primary")
    page.wait_for_load_state("networkidle")
    row = page.locator("tr.bulletin-job").first
    row.locator("a", has_text="PDF").wait_for()
    assert "已生成通报" in row.inner_text()
    assert row.locator("progress").get_attribute("value") == "4"
    with page.expect_download() as dl:
        row.locator("a", has_text="PDF").click()
    path = dl.value.path()
    from pathlib import Path

    assert path is not None and Path(path).read_bytes()[:4] == b"%PDF"
    assert _served_name(page, dl.value.url).startswith("问题反馈-2018-01")
    assert not [e for e in refused if "Content Security Policy" in e], refused


def _served_name(page: Any, url: str) -> str:
    """The file name the server gives a download (Content-Disposition, RFC 6266): Chromium's
    own suggestion came out as "download" when other browser tests had run before."""
    from urllib.parse import unquote

    headers = page.request.get(url).headers
    disposition = headers.get("content-disposition", "")
    if "filename*=" in disposition:
        return unquote(disposition.split("filename*=", 1)[1].split(";")[0].split("''", 1)[-1])
    return disposition.split("filename=", 1)[-1].strip('"; ')
