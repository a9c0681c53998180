from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.audit.hooks import action_for, target_of
from ecase.models import AuditEntry, Case


def _entries() -> list[AuditEntry]:
    db.session().expire_all()
    return list(db.session().scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_reads_of_case_data_are_recorded(client: FlaskClient, make_user: Any, login: Any) -> None:
    user = make_user("zhang", "clerk")
    case = Case(case_no="A-HOOK-1", name="hook", unit_id=user.unit_id)
    db.session().add(case)
    db.session().commit()
    login(user)
    assert client.get(f"/cases/{case.id}").status_code == 200
    assert client.get("/cases/999999").status_code == 404
    rows = _entries()
    view = [e for e in rows if e.action == "view" and e.target_type == "case"]
    assert view and view[-1].target_id == str(case.id) and view[-1].username == "zhang"
    assert view[-1].ip == "127.0.0.1" and view[-1].detail["endpoint"] == "dossiers.case_detail"
    denied = [e for e in rows if e.action == "denied"]
    assert denied and denied[-1].target_id == "999999" and denied[-1].detail["status"] == 404


def test_search_query_is_recorded(client: FlaskClient, make_user: Any, login: Any, app: Any) -> None:
    if "search_views.search" not in app.view_functions:
        import pytest

        pytest.skip("no search area in this tree")
    login(make_user("zhang", "clerk"))
    client.get("/search?q=盗窃")
    searches = [e for e in _entries() if e.action == "search"]
    assert searches and searches[-1].detail["query"]["q"] == "盗窃"


def test_anonymous_and_static_are_not_recorded(client: FlaskClient) -> None:
    client.get("/cases")
    client.get("/static/ecase.css").close()
    assert _entries() == []


def test_explicit_record_replaces_the_generic_entry(client: FlaskClient, make_user: Any,
                                                    login: Any) -> None:
    login(make_user("boss", "admin"))
    client.post("/account/tokens", data={"name": "t"})
    actions = [e.action for e in _entries()]
    assert actions.count("token.create") == 1 and "change" not in actions


def test_action_table() -> None:
    assert action_for("dossiers.page_image", "GET", 200) == "download"
    assert action_for("dossiers.case_detail", "GET", 200) == "view"
    assert action_for("dossiers.correct_field", "POST", 302) == "correct"
    assert action_for("exports.start_export", "POST", 202) == "export"
    assert action_for("search_views.api_search", "GET", 200) == "search"
    assert action_for("dossiers.case_detail", "GET", 404) == "denied"
    assert target_of({"volume_id": 3, "position": 2}) == ("volume", "3")
    assert target_of({"page_id": 5}) == ("page", "5")


def test_browse_is_for_reviewers_and_filters(client: FlaskClient, make_user: Any, login: Any) -> None:
    from ecase.access import Actor
    from ecase.audit import record

    record(Actor(1, 1, "clerk", "zhang"), "download", "page", 42, {"endpoint": "x"})
    record(Actor(2, 1, "clerk", "li"), "view", "case", 7)
    db.session().commit()
    for role in ("clerk", "leader"):
        login(make_user(f"u_{role}", role))
        assert client.get("/audit").status_code == 403
    login(make_user("rev", "reviewer"))
    body = client.get("/audit?user=zhang").get_data(as_text=True)
    assert "页面 42" in body and "案件 7" not in body
    body = client.get("/audit?action=view&target_type=case").get_data(as_text=True)
    assert "案件 7" in body and "页面 42" not in body
    assert client.get("/audit?since=yesterday").status_code == 422


def test_no_route_edits_the_trail(app: Any) -> None:
    """Nothing under /audit accepts a write."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("audit."):
            assert not (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}, rule


def test_failed_write_is_still_recorded(client: FlaskClient, make_user: Any, login: Any) -> None:
    """An explicit entry rolled back with a failed request leaves the hook's entry."""
    login(make_user("zhang", "clerk"))
    other = make_user("li", "clerk")
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    token, _ = create_token(Actor.of(other), other, "li's")
    db.session().commit()
    client.post(f"/account/tokens/{token.id}/revoke")
    assert action_for("dossiers.case_detail", "GET", 500) == "error"
    rows = [e for e in _entries() if e.username == "zhang"]
    assert rows and rows[-1].action == "denied" and rows[-1].target_id == str(token.id)


def test_the_log_reads_in_chinese(client: Any, make_user: Any, login: Any) -> None:
    """Actions, roles, targets, details and times as a reviewer reads them (issue 17)."""
    import re

    from ecase import db
    from ecase.access import Actor
    from ecase.audit import record

    clerk = make_user("zhang", "clerk")
    record(Actor.of(clerk), "view", "volume", "5", {"endpoint": "dossiers.volume", "method": "GET",
                                                   "status": 200, "query": {"q": "田波强"}})
    record(Actor.of(clerk), "correct", "document", "9", {"endpoint": "dossiers.correct_field", "method": "POST",
                                                       "status": 403})
    record(Actor.of(clerk), "download", "page", "3", {"endpoint": "dossiers.page_image", "method": "GET",
                                                    "status": 200, "via": "token"})
    db.session().commit()
    login(make_user("rev", "reviewer"))
    body = client.get("/audit?user=zhang").get_data(as_text=True)
    table = body.split('id="audit"')[1].split("</table>")[0]
    for words in ("查看", "更正", "下载", "内勤", "卷 5", "文书 9", "模块：卷宗", "结果：成功", "结果：无权限",
                  "关键词：田波强", "途径：API 令牌"):
        assert words in table, words
    for code in ("view", "correct", "download", "endpoint", "status", "dossiers", "clerk", "{"):
        assert code not in table, code
    assert re.search(r"<td class=\"nowrap\">\d{4}-\d\d-\d\d \d\d:\d\d</td>", table)
    assert "共 3 条" in body
