"""A station's leader in a real browser sees only their unit: the unit's page at home, its
cases alone in the case list, another unit's case answered as not found, and no link to
what a leader may not open (upload, audit, accounts)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import log_in

PASSWORD = "a long test password"


@pytest.fixture
def two_cases(app: Any, make_unit: Any) -> dict[str, Any]:
    from ecase import db
    from ecase.models import Case

    ours, theirs = make_unit("天桥派出所"), make_unit("泺口派出所")
    s = db.session()
    mine = Case(case_no="A3701050200002018010001", name="甲某盗窃案", kind="criminal", unit_id=ours.id)
    other = Case(case_no="A3701050300002018010002", name="乙某诈骗案", kind="criminal", unit_id=theirs.id)
    s.add_all([mine, other])
    s.commit()
    return {"mine": mine.id, "other": other.id}


def test_leader_sees_only_their_unit(live_server: str, browser_page: Any, make_user: Any,
                                     two_cases: dict[str, Any]) -> None:
    make_user("leader", "leader", unit="天桥派出所", password=PASSWORD)
    page = browser_page
    log_in(page, live_server, "leader", PASSWORD)
    assert page.inner_text("h1").startswith("天桥派出所")  # the unit's page, not a list of cases
    assert "尚未扫描卷宗的案件" in page.inner_text("main") and "甲某盗窃案" in page.inner_text("#unscanned")
    nav = page.inner_text(".topbar nav")
    for hidden in ("上传扫描件", "审计日志", "用户管理"):
        assert hidden not in nav
    assert "上传" not in page.inner_text("#unscanned")  # a leader uploads nothing

    page.click("text=本单位全部案件")
    page.wait_for_load_state("networkidle")
    table = page.inner_text("#cases")
    assert "甲某盗窃案" in table and "乙某诈骗案" not in table
    assert "共 1 件" in page.inner_text("h1")
    assert page.locator("select[name=unit_id]").count() == 0  # nothing to choose from

    page.goto(f"{live_server}/cases/{two_cases['other']}")
    assert "未找到" in page.inner_text("main")
    page.goto(f"{live_server}/cases?q=乙某")
    assert "没有符合条件的案件" in page.inner_text("main")
