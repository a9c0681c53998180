"""The case list: filters and sorting kept in the URL, a true total, rows linking to what they
name; the JSON list pages with total, offset and limit; home by role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ecase import db
from ecase.models import Case


@pytest.fixture
def cases(app: Any, make_unit: Any) -> dict[str, Any]:
    east, west = make_unit("天桥派出所"), make_unit("泺口派出所")
    s = db.session()
    rows = []
    for i in range(60):
        unit = east if i % 2 == 0 else west
        rows.append(Case(case_no=f"A37010502000020180{i:05d}", name=f"第{i}号盗窃案" if i % 3 else f"第{i}号诈骗案",
                         kind="criminal" if i % 4 else "administrative", unit_id=unit.id,
                         accepted_at=dt.datetime(2018, 1, 1) + dt.timedelta(days=i),
                         filed_at=dt.datetime(2018, 3, 1) if i % 5 == 0 else None))
    s.add_all(rows)
    s.commit()
    return {"east": east, "west": west}


def test_filters_sort_and_total(client: Any, login: Any, make_user: Any, cases: dict[str, Any]) -> None:
    login(make_user("rev", "reviewer", unit="法制大队"))
    html = client.get("/cases").get_data(as_text=True)
    assert "共 60 件" in html and "第 1 / 2 页" in html
    html = client.get(f"/cases?unit_id={cases['east'].id}&kind=administrative").get_data(as_text=True)
    # even i, i % 4 == 0: 0, 4, ..., 56
    assert "共 15 件" in html
    html = client.get("/cases?state=filed&sort=case_no&dir=asc").get_data(as_text=True)
    assert "共 12 件" in html
    assert html.index("A3701050200002018000000") < html.index("A3701050200002018000005")
    # the filters stay in the paging and sorting links
    html = client.get("/cases?q=盗窃&sort=accepted_at&dir=asc").get_data(as_text=True)
    assert "共 40 件" in html and "q=%E7%9B%97%E7%AA%83" in html and "sort=accepted_at" in html
    html = client.get("/cases?from=2018-01-11&to=2018-01-20").get_data(as_text=True)
    assert "共 10 件" in html
    bad = client.get("/cases?from=2018-02-30")
    assert bad.status_code == 422 and "不是有效的日期" in bad.get_data(as_text=True)
    assert client.get("/cases?scanned=no").get_data(as_text=True).count('href="/cases/') >= 50


def test_api_pages_with_total(client: Any, login: Any, make_user: Any, cases: dict[str, Any]) -> None:
    login(make_user("rev", "reviewer", unit="法制大队"))
    body = client.get("/api/cases?limit=25&offset=50&sort=case_no&dir=asc").get_json()
    assert body["total"] == 60 and body["offset"] == 50 and body["limit"] == 25
    assert len(body["cases"]) == 10 and body["cases"][0]["case_no"] == "A3701050200002018000050"
    assert body["cases"][0]["url"] == f"/cases/{body['cases'][0]['id']}"
    assert client.get("/api/cases?limit=0").status_code == 422


def test_clerk_sees_only_their_unit(client: Any, login: Any, make_user: Any, cases: dict[str, Any]) -> None:
    login(make_user("clerk", "clerk", unit="天桥派出所"))
    body = client.get(f"/api/cases?unit_id={cases['west'].id}").get_json()
    assert body["total"] == 0
    assert client.get("/api/cases").get_json()["total"] == 30


def test_home_by_role(client: Any, login: Any, make_user: Any, cases: dict[str, Any]) -> None:
    login(make_user("leader", "leader", unit="天桥派出所"))
    resp = client.get("/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "天桥派出所" in html and "尚未扫描卷宗的案件" in html and "共 30 件" in html
    assert "待整改问题" in html and "即将到期" in html
    assert "上传扫描件" not in html  # a leader uploads nothing
    login(make_user("rev", "reviewer", unit="法制大队"))
    resp = client.get("/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/supervision/")
