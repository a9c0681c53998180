"""Corrections reviewed (CORRECTIONS_NEED_REVIEW on) in Chromium: the clerk submits a
misread document number for review and sees it waiting beside the machine's reading; a
reviewer finds it under 更正审核, is told a rejection needs a reason, accepts it, and the
volume then shows the corrected number with the machine's reading beside it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecase import db
from tests.browser.conftest import log_in
from tests.supervision.conftest import Builder, add_dossier

pytestmark = pytest.mark.slow

PASSWORD = "a long test password"
MACHINE_NO = "济天公（刑）立字〔2018〕9号"
RIGHT_NO = "济天公（刑）立字〔2018〕1号"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "CORRECTIONS_NEED_REVIEW": True}


def _row(page: Any, label: str) -> Any:
    doc = page.locator("details.doc").first
    if doc.get_attribute("open") is None:
        doc.locator("summary").first.click()
    return doc.locator("table.fields tr", has=page.locator("th", has_text=label))


def test_clerk_proposes_reviewer_accepts(app: Any, live_server: str, browser_page: Any, make_user: Any) -> None:
    b = Builder()
    case = b.case("A1", "天桥派出所", "criminal", accepted_at=dt.datetime(2018, 1, 2, 9))
    ids = add_dossier(case, [("filing_decision", {"doc_no": MACHINE_NO, "decided_on": "2018-01-03"})])
    from ecase.models import Document

    doc = db.session().get(Document, ids["documents"]["filing_decision"])
    assert doc is not None
    doc.title = "立案决定书"
    db.session().commit()
    make_user("clerk", "clerk", unit="天桥派出所", password=PASSWORD)
    make_user("rev", "reviewer", unit="法制大队", password=PASSWORD)
    page = browser_page
    volume_url = f"{live_server}/volumes/{ids['volume_id']}"

    log_in(page, live_server, "clerk", PASSWORD)
    assert "更正审核" not in page.inner_text(".topbar nav")
    page.goto(volume_url)
    row = _row(page, "文号")
    row.locator("details.fix summary").click()
    row.locator("input[name=value]").fill("济天公(刑)立字[2018]1号")
    row.locator("button", has_text="提交审核").click()
    page.wait_for_load_state("networkidle")
    assert "待审核人员采纳后生效" in page.inner_text(".flash.success")
    row = _row(page, "文号")
    assert row.locator("a.field-link").inner_text() == MACHINE_NO  # still the machine's value
    assert "待审核" in row.inner_text() and RIGHT_NO in row.inner_text()
    assert row.locator("button", has_text="采纳").count() == 0  # not the clerk's to accept

    page.context.clear_cookies()
    log_in(page, live_server, "rev", PASSWORD)
    page.click(".topbar nav a:has-text('更正审核')")
    page.wait_for_load_state("networkidle")
    assert "共 1 条" in page.inner_text("main")
    line = page.locator("#corrections tbody tr")
    assert line.count() == 1 and RIGHT_NO in line.inner_text() and MACHINE_NO in line.inner_text()
    line.locator("button", has_text="驳回").click()  # no reason typed
    page.wait_for_load_state("networkidle")
    assert "驳回更正须写明理由" in page.inner_text("main")
    page.go_back()
    page.wait_for_load_state("networkidle")
    page.locator("#corrections tbody tr button", has_text="采纳").click()
    page.wait_for_load_state("networkidle")
    assert f"已采纳立案决定书「文号」的更正「{RIGHT_NO}」" in page.inner_text(".flash.success")
    assert "共 0 条" in page.inner_text("main")

    page.goto(volume_url)
    row = _row(page, "文号")
    assert row.locator("a.field-link").inner_text() == RIGHT_NO
    assert "已更正" in row.inner_text() and f"机器识别：{MACHINE_NO}" in row.inner_text()
