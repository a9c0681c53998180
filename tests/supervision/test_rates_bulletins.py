"""Rates and rankings (SQL form against the pure form), bulletins, recommendations, the dashboard."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest

from ecase import db
from ecase.access import Actor
from ecase.models.supervision import Bulletin, Finding
from ecase.supervision import operations, queries
from ecase.supervision.bulletins import chinese_date
from ecase.supervision.evaluate import evaluate_db
from ecase.supervision.records import load_records
from ledgers.rates import Tally, compute_rates, parse_period, rank
from ledgers.rules import DEFAULT_CONFIG

T = dt.datetime
D = dt.date
SYSTEM = Actor.system()


def test_chinese_date() -> None:
    assert chinese_date(D(2018, 1, 17)) == "二〇一八年一月十七日"
    assert chinese_date(D(2020, 10, 20)) == "二〇二〇年十月二十日"
    assert chinese_date(D(2019, 12, 31)) == "二〇一九年十二月三十一日"


def test_periods() -> None:
    p = parse_period("2018-12")
    assert (p.start, p.end, p.last_day) == (D(2018, 12, 1), D(2019, 1, 1), D(2018, 12, 31))
    assert parse_period("2018-W01").start == D(2018, 1, 1)
    assert parse_period("2018-01-05..2018-01-06").end == D(2018, 1, 7)


def test_ranking_ties_more_records_first_and_bands() -> None:
    rows = rank([Tally("甲", 49, 50), Tally("乙", 98, 100), Tally("丙", 95, 100), Tally("丁", 0, 0),
                 Tally("戊", 94, 100)])
    assert [(r.unit, r.band) for r in rows] == [("乙", "green"), ("甲", "green"), ("丙", "yellow"),
                                                ("戊", "red"), ("丁", "grey")]
    assert [r.rank for r in rows] == [1, 2, 3, 4, 5]


def bureau(build) -> None:  # type: ignore[no-untyped-def]
    # 甲: 3 incidents in January, one disposed after 25 h, one without audio-video
    build.incident("J1", "甲派出所", "administrative", T(2018, 1, 31, 23, 0), disposal="转行政案件",
                   disposed_at=T(2018, 2, 1, 23, 0), av_uploaded=True)   # exactly 24 h: in time
    build.incident("J2", "甲派出所", "administrative", T(2018, 1, 10, 9), disposal="调解",
                   disposed_at=T(2018, 1, 11, 10), av_uploaded=False)    # 25 h
    build.incident("J3", "甲派出所", "dispute", T(2018, 1, 1, 0, 30), disposal="调解",
                   disposed_at=T(2018, 1, 1, 1), av_uploaded=True)
    build.incident("J4", "乙派出所", "help", T(2017, 12, 31, 23, 59), disposal="救助",
                   disposed_at=T(2018, 1, 1, 1), av_uploaded=True)        # December, local time
    build.incident("J5", "乙派出所", "administrative", T(2018, 1, 2, 7, 59), disposal="转行政案件",
                   disposed_at=T(2018, 1, 2, 9), av_uploaded=True)        # 1 Jan 23:59 UTC, January local
    c1 = build.case("A1", "甲派出所", "administrative", incident_no="J1", source="报案",
                    accepted_at=T(2018, 2, 1, 9), acceptance_doc_no="X受案字1")
    c2 = build.case("A2", "乙派出所", "criminal", incident_no="J5", source="扭送", accepted_at=T(2018, 1, 3, 9),
                    acceptance_doc_no="X受案字2", filed_at=T(2018, 1, 20, 9))
    build.case("A3", "乙派出所", "criminal", source="110指令", accepted_at=T(2018, 1, 30, 9))
    build.document(c1, "acceptance_receipt", "X受案字1", T(2018, 2, 1, 9))
    build.document(c2, "acceptance_receipt", "X受案字2", T(2018, 1, 3, 9))
    from ecase.models.ledgers import CaseAreaRecord

    for i, av in enumerate([True, True, False]):
        build.s.add(CaseAreaRecord(record_no=f"R{i}", unit_id=c2.unit_id, entered_at=T(2018, 1, 5 + i),
                                   av_uploaded=av))
    build.s.flush()


@pytest.mark.parametrize("period", ["2018-01", "2018-02", "2017-12", "2018"])
def test_sql_rates_agree_with_pure(build, period: str) -> None:  # type: ignore[no-untyped-def]
    bureau(build)
    p = parse_period(period)
    sql = queries.rate_tallies(build.s, p, DEFAULT_CONFIG)
    pure = compute_rates(load_records(build.s, DEFAULT_CONFIG), p, DEFAULT_CONFIG)
    assert sql == pure


def test_rates_hand_computed(build) -> None:  # type: ignore[no-untyped-def]
    bureau(build)
    t = queries.rate_tallies(build.s, parse_period("2018-01"), DEFAULT_CONFIG)
    assert (t["diversion"]["甲派出所"].numerator, t["diversion"]["甲派出所"].denominator) == (2, 3)
    assert t["incident_av"]["甲派出所"].rate == pytest.approx(200 / 3)
    # J1 (31 Jan) accepted 1 Feb: not by the end of January; J2 never
    assert (t["acceptance"]["甲派出所"].numerator, t["acceptance"]["甲派出所"].denominator) == (0, 2)
    assert (t["acceptance"]["乙派出所"].numerator, t["acceptance"]["乙派出所"].denominator) == (1, 1)
    assert (t["filing"]["乙派出所"].numerator, t["filing"]["乙派出所"].denominator) == (1, 2)
    assert (t["receipt"]["乙派出所"].numerator, t["receipt"]["乙派出所"].denominator) == (1, 1)
    assert "甲派出所" not in t["receipt"]  # its acceptance was in February
    assert t["case_area_av"]["乙派出所"].numerator == 2
    feb = queries.rate_tallies(build.s, parse_period("2018-02"), DEFAULT_CONFIG)
    assert feb["receipt"]["甲派出所"].rate == 100.0


def test_bulletins_pdf_and_xlsx(app, build, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    bureau(build)
    db.session().commit()
    for kind in ("incident", "acceptance_filing", "audio_video", "points", "feedback"):
        res = runner.invoke(args=["bulletin", "--kind", kind, "--period", "2018-01", "--out", str(tmp_path),
                                  "--date", "2018-02-05"])
        assert res.exit_code == 0, res.output
        assert "天公法通〔2018〕" in res.output
        pdf = (tmp_path / f"{kind}-2018-01.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / f"{kind}-2018-01.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "执法监督通报" in text and "2018年2月5日" in text  # GB/T 9704-2012: Arabic numerals
        wb = load_workbook(io.BytesIO((tmp_path / f"{kind}-2018-01.xlsx").read_bytes()))
        assert wb["通报"]["A2"].value.startswith("天公法通〔2018〕")
        assert any(n.startswith("问题清单") for n in wb.sheetnames)
        if kind == "feedback":  # problem feedback: one list per unit
            assert {"问题清单（甲派出所）", "问题清单（乙派出所）"} <= set(wb.sheetnames)
    numbers = [b.number for b in db.session().query(Bulletin).order_by(Bulletin.id)]
    assert numbers == [f"天公法通〔2018〕{i}号" for i in range(1, 6)]
    wb = load_workbook(tmp_path / "incident-2018-01.xlsx")
    sheet = wb["警情分流率排名"]
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows["乙派出所"][0].value == 1 and rows["乙派出所"][4].fill.start_color.rgb.endswith("C6EFCE")
    assert rows["甲派出所"][4].fill.start_color.rgb.endswith("FFC7CE")  # 66.67%: red
    text = subprocess.run(["pdftotext", str(tmp_path / "acceptance_filing-2018-01.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = text.replace("\n", "")
    assert "J2" in text and "行政警情未受案" in text


def test_recommendation_numbered_listed_and_replied(build, make_user) -> None:  # type: ignore[no-untyped-def]
    build.case("A1", "甲派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    build.case("A2", "甲派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 3, 1), DEFAULT_CONFIG), D(2018, 3, 1))
    found = build.s.query(Finding).order_by(Finding.id).all()
    unit = found[0].unit
    rec = operations.issue_recommendation(SYSTEM, unit, found, "请限期整改", DEFAULT_CONFIG, today=D(2018, 3, 2))
    assert rec.number == "天公法建〔2018〕1号" and rec.reply_due_on == D(2018, 3, 17)
    assert rec.addressee == "甲派出所主要负责人" and [f.state for f in found] == ["sent", "sent"]
    clerk = Actor.of(make_user("clerk", "clerk", unit="甲派出所"))
    other = Actor.of(make_user("other", "clerk", unit="乙派出所"))
    from ecase.errors import ECaseError

    with pytest.raises(ECaseError):
        operations.reply_recommendation(other, rec, "x")
    operations.reply_recommendation(clerk, rec, "已全部立案")
    assert rec.reply == "已全部立案" and rec.replied_by_id == clerk.user_id and rec.replied_at
    rec2 = operations.issue_recommendation(SYSTEM, unit, found[:1], "", DEFAULT_CONFIG, today=D(2018, 4, 1))
    assert rec2.number == "天公法建〔2018〕2号"


def test_dashboard_and_drill_down(build, make_user, client, login, dossier) -> None:  # type: ignore[no-untyped-def]
    bureau(build)
    case = build.case("A9", "甲派出所", "criminal", source="报案", accepted_at=T(2018, 1, 2, 9),
                      acceptance_doc_no="X受案字9")
    ids = dossier(case, [("acceptance_form", {"doc_no": "X受案字9", "accepted_on": "2018-01-03",
                                              "case_source": "报案"})])
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 1, 31), DEFAULT_CONFIG), D(2018, 1, 31))
    db.session().commit()
    login(make_user("rev", "reviewer", unit="法制大队"))
    page = client.get("/supervision/?period=2018-01").get_data(as_text=True)
    assert "警情分流率" in page and 'class="grade red"' in page and 'class="grade green"' in page
    assert "生成通报" in page
    listing = client.get("/supervision/findings?rule=dossier_date_mismatch").get_data(as_text=True)
    assert f"/cases/{case.id}" in listing
    assert f"/volumes/{ids['volume_id']}/pages/1?box=100" in listing
    f = db.session().query(Finding).filter_by(rule="dossier_date_mismatch").one()
    detail = client.get(f"/supervision/findings/{f.id}").get_data(as_text=True)
    assert "受案日期" in detail and "2018-01-03" in detail and "accepted_on" not in detail
    assert "卷宗页面：受案登记表" in detail and "acceptance_form" not in detail
    assert client.post(f"/supervision/findings/{f.id}/state", data={"state": "sent"}).status_code == 302
    assert client.post("/supervision/bulletins", data={"kind": "points", "period": "2018-01"}).status_code == 302
    b = db.session().query(Bulletin).one()
    resp = client.get(f"/supervision/bulletins/{b.id}.pdf")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    assert client.get("/supervision/scores?period=2018-01&by=officer").status_code == 200


def test_recommendation_candidates_old_or_recurring(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    old = build.case("A1", "甲派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 1, 10), DEFAULT_CONFIG), D(2018, 1, 10))
    build.case("A2", "甲派出所", "criminal", accepted_at=T(2018, 2, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 2, 10), DEFAULT_CONFIG), D(2018, 2, 10))
    got = queries.recommendation_candidates(build.s, SYSTEM, DEFAULT_CONFIG, D(2018, 2, 10))
    assert [f.case_no for f in got] == ["A1"]  # found 31 days ago; A2 is new
    # A2 comes back twice
    case2 = build.s.query(type(old)).filter_by(case_no="A2").one()
    for _ in range(2):
        case2.filed_at = T(2018, 2, 5)
        build.s.flush()
        operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 2, 10), DEFAULT_CONFIG), D(2018, 2, 10))
        case2.filed_at = None
        build.s.flush()
        operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 2, 10), DEFAULT_CONFIG), D(2018, 2, 10))
    got = queries.recommendation_candidates(build.s, SYSTEM, DEFAULT_CONFIG, D(2018, 2, 10))
    assert sorted(f.case_no for f in got) == ["A1", "A2"]
    db.session().commit()
    login(make_user("rev", "reviewer", unit="法制大队"))
    assert "建议发出执法建议书的问题" in client.get("/supervision/recommendations").get_data(as_text=True)


def test_rate_snapshot_follows_new_data(build) -> None:  # type: ignore[no-untyped-def]
    bureau(build)
    p = parse_period("2018-01")
    first = queries.cached_tallies(build.s, p, DEFAULT_CONFIG)
    assert first == queries.rate_tallies(build.s, p, DEFAULT_CONFIG)
    assert queries.cached_tallies(build.s, p, DEFAULT_CONFIG) == first  # from the snapshot
    build.incident("J9", "甲派出所", "dispute", T(2018, 1, 20, 9), disposal="调解", av_uploaded=True)
    again = queries.cached_tallies(build.s, p, DEFAULT_CONFIG)
    assert again["diversion"]["甲派出所"].denominator == first["diversion"]["甲派出所"].denominator + 1
    assert again == queries.rate_tallies(build.s, p, DEFAULT_CONFIG)
