"""The findings list that scales (issue 17): paging with a true total, filters and sort
kept in the URL, the styled Excel of what is shown, the JSON API paged the same way, the
recommendation's unit taken from the ticked findings, evidence and ranks that read right."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ecase import db
from ecase.models import Unit
from ecase.models.supervision import Finding, Recommendation
from ecase.supervision import queries
from ecase.supervision.evidence import describe
from ledgers.rates import RankRow

D = dt.date


def add_findings(n: int, unit: Unit, *, start: int = 0, rule: str = "criminal_not_filed",
                 grade: str = "yellow", state: str = "open", **kw: Any) -> list[Finding]:
    s = db.session()
    out = []
    for i in range(start, start + n):
        f = Finding(key=f"{rule}|{unit.name}|{i}", rule=rule, grade=grade, state=state, unit_id=unit.id,
                    case_no=f"A{unit.id:02d}{i:05d}", lead_officer="张三", days_over=i % 50,
                    due_on=D(2018, 1, 1) + dt.timedelta(days=i % 60), detail=f"第{i}号问题",
                    first_found_on=D(2018, 1, 1) + dt.timedelta(days=i % 90), last_seen_on=D(2018, 4, 1),
                    evidence=[], **kw)
        s.add(f)
        out.append(f)
    s.flush()
    return out


def two_units(build: Any) -> tuple[Unit, Unit]:
    a, b = build.unit("甲派出所"), build.unit("乙派出所")
    add_findings(230, a)
    add_findings(20, b, grade="red")
    add_findings(5, a, start=1000, state="rectified")
    db.session().commit()
    return a, b


def reviewer(make_user: Any, login: Any) -> Any:
    user = make_user("rev", "reviewer", unit="法制大队")
    login(user)
    return user


def test_list_pages_with_a_true_total(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    a, _ = two_units(build)
    reviewer(make_user, login)
    page = client.get("/supervision/findings").get_data(as_text=True)
    assert "共 250 条" in page and "第 1–100 条" in page and "第 1 / 3 页" in page
    assert page.count('name="finding_id"') == 100
    last = client.get("/supervision/findings?page=3").get_data(as_text=True)
    assert last.count('name="finding_id"') == 50 and "第 201–250 条" in last
    # filters are kept in the pager's links
    one = client.get(f"/supervision/findings?unit_id={a.id}&q=A&page=2").get_data(as_text=True)
    assert "共 230 条" in one and f"unit_id={a.id}" in one.split('rel="prev"')[0].rsplit("<a", 1)[-1]
    assert "共 235 条" in client.get(f"/supervision/findings?unit_id={a.id}&state=all").get_data(as_text=True)
    assert "共 5 条" in client.get("/supervision/findings?state=rectified").get_data(as_text=True)


def test_filters_sort_keyword_and_dates(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    from ecase.access import Actor

    a, b = two_units(build)
    actor = Actor.system()
    s = db.session()
    rows, total = queries.find_findings(s, actor, queries.FindingFilter(grade="red"))
    assert total == 20 and {f.unit_id for f in rows} == {b.id}
    rows, total = queries.find_findings(s, actor, queries.FindingFilter(keyword="第12号"))
    assert total == 2 and {f.detail for f in rows} == {"第12号问题"}  # one in each unit
    rows, total = queries.find_findings(s, actor, queries.FindingFilter(since=D(2018, 1, 1), until=D(2018, 1, 1)))
    assert total == 4 and all(f.first_found_on == D(2018, 1, 1) for f in rows)
    rows, _ = queries.find_findings(s, actor, queries.FindingFilter(), sort="days_over", desc=True, limit=5)
    assert [f.days_over for f in rows] == [49] * 4 + [48]
    rows, _ = queries.find_findings(s, actor, queries.FindingFilter(), sort="grade", limit=1)
    assert rows[0].grade == "red"
    # a wildcard typed by the user matches itself only
    assert queries.find_findings(s, actor, queries.FindingFilter(keyword="%"))[1] == 0
    reviewer(make_user, login)
    assert client.get("/supervision/findings?since=十一月").status_code == 422
    body = client.get("/supervision/findings?since=十一月").get_data(as_text=True)
    assert "YYYY-MM-DD" in body and "bad" not in body


def test_api_pages_with_total_offset_limit(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    two_units(build)
    reviewer(make_user, login)
    body = client.get("/supervision/api/findings").get_json()
    assert (body["total"], body["offset"], body["limit"], len(body["findings"])) == (250, 0, 100, 100)
    body = client.get("/supervision/api/findings?offset=240&limit=50").get_json()
    assert (body["total"], body["offset"], body["limit"], len(body["findings"])) == (250, 240, 50, 10)
    ids = [f["id"] for f in client.get("/supervision/api/findings?limit=500").get_json()["findings"]]
    assert len(ids) == len(set(ids)) == 250
    assert client.get("/supervision/api/findings?limit=100000").get_json()["limit"] == 500
    assert client.get("/supervision/api/findings?grade=red").get_json()["total"] == 20
    assert client.get("/supervision/api/findings?offset=x").status_code == 422


def test_excel_of_what_is_shown(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    a, _ = two_units(build)
    reviewer(make_user, login)
    page = client.get(f"/supervision/findings?unit_id={a.id}").get_data(as_text=True)
    assert f"/supervision/findings.xlsx?unit_id={a.id}" in page
    resp = client.get(f"/supervision/findings.xlsx?unit_id={a.id}&sort=days_over")
    assert resp.status_code == 200 and "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "问题清单（甲派出所）"
    assert [c.value for c in ws[3]][:3] == ["序号", "预警", "问题"]
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["K"].width >= 40
    data = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(data) == 230 and [r[0] for r in data[:3]] == [1, 2, 3]
    assert data[0][7] == 49  # sorted as the page was asked
    due = ws.cell(row=4, column=7)
    assert isinstance(due.value, dt.datetime) and due.number_format == "yyyy-mm-dd"


def test_recommendation_unit_from_ticked_findings(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    a, b = two_units(build)
    reviewer(make_user, login)
    page = client.get("/supervision/findings").get_data(as_text=True)
    # the form comes before the rows, and names no unit of its own
    assert page.index("发出执法建议书") < page.index('name="finding_id"')
    assert 'name="unit_id"' not in page.split('id="recommend-form"')[1]
    fb = db.session().query(Finding).filter_by(unit_id=b.id).limit(2).all()
    resp = client.post("/supervision/recommendations", data={"finding_id": [str(f.id) for f in fb]})
    assert resp.status_code == 302
    rec = db.session().query(Recommendation).one()
    assert rec.unit_id == b.id and rec.addressee == "乙派出所主要负责人"
    fa = db.session().query(Finding).filter_by(unit_id=a.id, state="open").first()
    mixed = client.post("/supervision/recommendations", data={"finding_id": [str(fa.id), str(fb[0].id)]})
    assert mixed.status_code == 422 and "不同单位" in mixed.get_data(as_text=True)
    none = client.post("/supervision/recommendations", data={})
    assert none.status_code == 422 and "勾选" in none.get_data(as_text=True)


def test_ranks_tie_and_nothing_to_rate_is_none() -> None:
    rows = [RankRow(1, "甲", 98, 100, 98.0, "green"), RankRow(2, "乙", 49, 50, 98.0, "green"),
            RankRow(3, "丙", 9, 10, 90.0, "red"), RankRow(4, "丁", 0, 0, None, "grey"),
            RankRow(5, "戊", 0, 0, None, "grey")]
    got = queries.places(rows)
    assert [(r.unit, r.rank, r.label) for r in got] == [
        ("甲", 1, "并列1"), ("乙", 1, "并列1"), ("丙", 3, "3"), ("丁", None, "无"), ("戊", None, "无")]


def test_dashboard_shows_ties_none_and_what_open_means(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    from tests.supervision.test_rates_bulletins import bureau

    bureau(build)
    build.unit("空派出所")
    db.session().commit()
    reviewer(make_user, login)
    page = client.get("/supervision/?period=2018-01").get_data(as_text=True)
    assert "<td class=\"rank-none\">无</td><td>空派出所</td>" in page
    assert "未整改：状态为「待处理」或「已下发」" in page and 'type="month"' in page
    scores = client.get("/supervision/scores?period=2018-01").get_data(as_text=True)
    assert "未整改：状态为「待处理」或「已下发」" in scores
    bad = client.get("/supervision/?period=十一月")
    assert bad.status_code == 422 and "bad period" not in bad.get_data(as_text=True)
    assert "无法识别" in bad.get_data(as_text=True)


def test_evidence_reads_in_chinese() -> None:
    row = describe({"kind": "ledger", "table": "incidents", "id": 8, "key": "J370105", "received_at":
                    "2018-01-02T09:05:00"}, "admin_not_accepted")
    assert row.source == "警情台账" and row.columns == [("警情编号", "J370105"), ("接警时间", "2018-01-02 09:05")]
    assert row.ledger == ("admin_incidents", "J370105")
    page = describe({"kind": "page", "type": "acceptance_form", "volume_id": 3, "position": 4,
                     "field": "doc_no", "value": "X受案字1", "box": [1, 2, 3, 4]})
    assert page.source == "卷宗页面：受案登记表" and ("文号", "X受案字1") in page.columns
    assert page.page == (3, 4, "1,2,3,4")


def test_bulletin_is_built_as_a_job_with_progress(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    from ecase.models import Job
    from ecase.models.supervision import Bulletin
    from tests.supervision.test_rates_bulletins import bureau

    bureau(build)
    db.session().commit()
    reviewer(make_user, login)
    page = client.get("/supervision/bulletins").get_data(as_text=True)
    assert 'type="month"' in page and "bulletins.js" in page
    resp = client.post("/supervision/bulletins", data={"kind": "incident", "period": "2018-01"})
    assert resp.status_code == 302 and "/supervision/bulletins?job=" in resp.headers["Location"]
    job = db.session().query(Job).filter_by(kind="bulletin").one()
    body = client.get(f"/supervision/bulletins/jobs/{job.id}").get_json()
    b = db.session().query(Bulletin).one()
    assert body["state"] == "done" and body["done"] == body["total"] == 4 and b.number in body["message"]
    assert body["pdf"] == f"/supervision/bulletins/{b.id}.pdf"
    pdf = client.get(body["pdf"])
    assert pdf.data.startswith(b"%PDF") and "filename*=UTF-8''" in pdf.headers["Content-Disposition"]
    # a period nobody can read is told at once, in Chinese, and starts nothing
    bad = client.post("/supervision/bulletins", data={"kind": "incident", "period": "十一月"})
    assert bad.status_code == 422 and "无法识别" in bad.get_data(as_text=True)
    assert db.session().query(Job).filter_by(kind="bulletin").count() == 1


def test_bulletin_progress_is_published_step_by_step(build, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ecase.access import Actor
    from ecase.models import Job
    from ecase.supervision import tasks
    from ecase.supervision.config import rules_config
    from ecase.supervision.operations import start_bulletin
    from tests.supervision.test_rates_bulletins import bureau

    bureau(build)
    seen: list[tuple[int, str]] = []
    real = tasks.publish
    monkeypatch.setattr(tasks, "publish", lambda job_id, done, msg: (seen.append((done, msg)),
                                                                      real(job_id, done, msg)))
    job = start_bulletin(Actor.system(), "points", "2018-01", rules_config(), today=D(2018, 2, 1))
    db.session().commit()
    assert [d for d, _ in seen] == [1, 2, 3] and seen[0][1] == "正在排版 PDF"
    db.session().expire_all()
    assert db.session().get(Job, job.id).state == "done"


def test_clerk_sees_no_link_to_bulletins(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    two_units(build)
    login(make_user("clerk", "clerk", unit="甲派出所"))
    page = client.get("/supervision/findings").get_data(as_text=True)
    assert "共 230 条" in page and "/supervision/bulletins" not in page
    assert client.get("/supervision/bulletins").status_code == 403
