"""Findings in the database: recorded, closed by the system, reopened, never deleted;
configuration changes; access; cross-checks with dossier pages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ecase import db
from ecase.access import Actor
from ecase.models.supervision import Finding, FindingEvent
from ecase.supervision import operations, queries
from ecase.supervision.config import rules_config
from ecase.supervision.evaluate import evaluate_db
from ledgers.rates import parse_period
from ledgers.rules import DEFAULT_CONFIG

T = dt.datetime
D = dt.date
SYSTEM = Actor.system()


def utc(value: dt.datetime) -> dt.datetime:
    return value - dt.timedelta(hours=8)


def test_later_import_closes_a_finding_and_it_reappears(build) -> None:  # type: ignore[no-untyped-def]
    case = build.case("A1", "甲派出所", "criminal", lead="张三", accepted_at=T(2018, 1, 1, 10))
    as_of = D(2018, 1, 10)
    rep = operations.record_findings(SYSTEM, evaluate_db(build.s, as_of, DEFAULT_CONFIG), as_of)
    assert rep.created == 1
    f = build.s.query(Finding).one()
    assert (f.rule, f.state, f.grade, f.lead_officer, f.case_id) == ("criminal_not_filed", "open", "orange", "张三", case.id)
    # a later import records the filing: the system closes the finding with its reason
    case.filed_at = utc(T(2018, 1, 9))
    build.s.flush()
    rep = operations.record_findings(SYSTEM, evaluate_db(build.s, as_of, DEFAULT_CONFIG), as_of)
    assert rep.closed == 1
    build.s.refresh(f)
    assert f.state == "closed" and "不再成立" in (f.state_reason or "")
    # the filing is withdrawn (a corrected export): the same finding reopens
    case.filed_at = None
    build.s.flush()
    rep = operations.record_findings(SYSTEM, evaluate_db(build.s, as_of, DEFAULT_CONFIG), as_of)
    assert rep.reopened == 1 and build.s.query(Finding).count() == 1
    build.s.refresh(f)
    assert f.state == "open"
    assert [e.to_state for e in f.events] == ["open", "closed", "open"]
    assert all(e.actor == "system" and e.at for e in f.events)


def test_state_changes_keep_who_and_when(build, make_user) -> None:  # type: ignore[no-untyped-def]
    build.case("A1", "甲派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 1, 10), DEFAULT_CONFIG), D(2018, 1, 10))
    reviewer = Actor.of(make_user("rev", "reviewer", unit="法制大队"))
    clerk = Actor.of(make_user("clerk", "clerk", unit="甲派出所"))
    f = build.s.query(Finding).one()
    operations.change_state(reviewer, f, "sent", "请整改")
    operations.change_state(clerk, f, "rectified", "已立案")
    operations.change_state(reviewer, f, "confirmed")
    assert [(e.actor, e.to_state) for e in f.events][1:] == [("rev", "sent"), ("clerk", "rectified"), ("rev", "confirmed")]
    import pytest

    from ecase.errors import ECaseError

    with pytest.raises(ECaseError):
        operations.change_state(clerk, f, "waived", "x")  # a unit cannot waive
    # confirmed findings stay as they are when the data stops supporting them
    build.s.query(Finding).one()
    operations.record_findings(SYSTEM, [], D(2018, 1, 11))
    assert f.state == "confirmed"


def test_waiver_needs_a_reason_and_costs_no_points(build) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from ecase.errors import InvalidInput

    build.case("A1", "甲派出所", "criminal", lead="张三", accepted_at=T(2018, 1, 1, 10))
    build.case("A2", "甲派出所", "criminal", lead="张三", accepted_at=T(2018, 1, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 2, 10), DEFAULT_CONFIG), D(2018, 2, 10))
    f1, f2 = build.s.query(Finding).order_by(Finding.id).all()
    period = parse_period("2018-01")
    [row] = queries.scores(build.s, SYSTEM, period, DEFAULT_CONFIG, "unit")
    assert (row.findings, row.points, row.score) == (2, 4.0, 96.0)  # two red findings, 2 points each
    with pytest.raises(InvalidInput):
        operations.change_state(SYSTEM, f1, "waived", " ")
    operations.change_state(SYSTEM, f1, "waived", "案件已移交")
    [row] = queries.scores(build.s, SYSTEM, period, DEFAULT_CONFIG, "unit")
    assert (row.points, row.score) == (2.0, 98.0)
    [lead] = queries.scores(build.s, SYSTEM, period, DEFAULT_CONFIG, "lead_officer")
    assert (lead.key, lead.points) == ("张三", 2.0)


def test_bureau_configuration_changes_results(app, build) -> None:  # type: ignore[no-untyped-def]
    build.case("A1", "甲派出所", "criminal", lead="张三", accepted_at=T(2018, 1, 1, 10))
    day = D(2018, 1, 5)
    assert [f.grade for f in evaluate_db(build.s, day, rules_config())] == ["yellow"]
    path = Path(app.config["DATA_DIR"]) / "supervision.toml"
    path.write_text('[supervision]\ncriminal_filing_days = [5, 7, 30]\n', encoding="utf-8")
    assert evaluate_db(build.s, day, rules_config()) == []
    # a deduction: 3 points for this rule instead of 1 (yellow) / 2 (red)
    path.write_text('deductions = { criminal_not_filed = 3 }\n', encoding="utf-8")
    cfg = rules_config()
    operations.record_findings(SYSTEM, evaluate_db(build.s, day, cfg), day)
    [row] = queries.scores(build.s, SYSTEM, parse_period("2018-01"), cfg, "unit")
    assert row.points == 3.0
    [row] = queries.scores(build.s, SYSTEM, parse_period("2018-01"), DEFAULT_CONFIG, "unit")
    assert row.points == 1.0
    # a band: 97% is yellow by default, green when the bureau sets green from 96%
    assert DEFAULT_CONFIG.band(97.0) == "yellow"
    path.write_text("green_from = 96\n", encoding="utf-8")
    assert rules_config().band(97.0) == "green"


def test_clerk_sees_only_their_units_findings(build, make_user, client, login) -> None:  # type: ignore[no-untyped-def]
    build.case("A1", "甲派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    build.case("B1", "乙派出所", "criminal", accepted_at=T(2018, 1, 1, 10))
    operations.record_findings(SYSTEM, evaluate_db(build.s, D(2018, 1, 10), DEFAULT_CONFIG), D(2018, 1, 10))
    db.session().commit()
    clerk = make_user("clerk", "clerk", unit="甲派出所")
    rows = queries.list_findings(build.s, Actor.of(clerk))
    assert [f.case_no for f in rows] == ["A1"]
    assert [r["unit"] for r in queries.open_by_unit_and_grade(build.s, Actor.of(clerk))] == ["甲派出所"]
    login(clerk)
    body = client.get("/supervision/api/findings").get_json()
    assert [f["case_no"] for f in body["findings"]] == ["A1"]
    other = build.s.query(Finding).filter_by(case_no="B1").one()
    assert client.get(f"/supervision/findings/{other.id}").status_code == 404
    page = client.get("/supervision/").get_data(as_text=True)
    assert "甲派出所" in page and "A1" not in page  # counts, not case numbers
    assert client.post("/supervision/check").status_code == 403


def test_cross_checks_point_at_pages_and_boxes(build, dossier) -> None:  # type: ignore[no-untyped-def]
    case = build.case("A1", "甲派出所", "criminal", source="报案", accepted_at=T(2018, 1, 2, 9),
                      acceptance_doc_no="X受案字〔2018〕1号", filed_at=T(2018, 1, 1, 9),
                      filing_doc_no="X立字〔2018〕1号")
    build.document(case, "acceptance_receipt", "X受案字〔2018〕1号", T(2018, 1, 2, 9), person_name="王小明")
    build.document(case, "filing_notice", "X立告字〔2018〕1号", T(2018, 1, 3, 9))
    ids = dossier(case, [
        ("acceptance_form", {"doc_no": "X受案字〔2018〕1号", "accepted_on": "2018-01-02",
                             "case_source": "报案", "reporter_name": "王小明"}),
        ("filing_decision", {"doc_no": "X立字〔2018〕9号", "decided_on": "2018-01-01"}),
        ("acceptance_receipt", {"doc_no": "X受案字〔2018〕1号", "addressee": "王晓明", "issued_on": "2018-01-02"}),
    ])
    found = [f for f in evaluate_db(build.s, D(2018, 2, 1), DEFAULT_CONFIG) if f.rule not in ("criminal_not_filed",)]
    codes = sorted(f.rule for f in found)
    assert codes == ["dossier_doc_missing", "dossier_doc_no_mismatch", "dossier_filing_notice_missing",
                     "filed_before_accepted",
                     "filed_before_accepted", "name_mismatch", "name_mismatch"], codes
    mismatch = next(f for f in found if f.rule == "dossier_doc_no_mismatch")
    page = next(e for e in mismatch.evidence if e["kind"] == "page")
    assert page["volume_id"] == ids["volume_id"] and page["page_id"] == ids["pages"]["filing_decision"]
    assert page["position"] == 2 and page["box"] == [100, 100, 400, 130] and page["value"] == "X立字〔2018〕9号"
    assert any(e["kind"] == "ledger" and e["table"] == "cases" for e in mismatch.evidence)
    missing = next(f for f in found if f.rule == "dossier_doc_missing")
    assert "立告字" in missing.detail or any(e.get("type") == "filing_notice" for e in missing.evidence)
    # a reviewer's correction of the number makes the mismatch go away
    from ecase.models.dossiers import FieldCorrection

    build.s.add(FieldCorrection(document_id=ids["documents"]["filing_decision"], name="doc_no",
                                value="X立字〔2018〕1号"))
    build.s.flush()
    found = evaluate_db(build.s, D(2018, 2, 1), DEFAULT_CONFIG)
    assert "dossier_doc_no_mismatch" not in {f.rule for f in found}


def test_check_command_json(app, build, runner) -> None:  # type: ignore[no-untyped-def]
    build.incident("J1", "甲派出所", "administrative", T(2018, 1, 1, 9))
    build.case("A1", "乙派出所", "criminal", lead="李四", source="报案", accepted_at=T(2018, 1, 1, 9),
               incident_no="J0")
    db.session().commit()
    res = runner.invoke(args=["check", "--as-of", "2018-01-06", "--json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.output)
    assert body["as_of"] == "2018-01-06"
    by_rule = {f["rule"]: f for f in body["findings"]}
    assert set(by_rule) == {"admin_not_accepted", "criminal_not_filed", "receipt_missing"}
    inc = by_rule["admin_not_accepted"]
    assert (inc["incident_no"], inc["case_no"], inc["lead_officer"], inc["grade"], inc["unit"]) == \
        ("J1", None, None, "red", "甲派出所")
    assert inc["due_on"] == "2018-01-04" and inc["days_over"] == 2
    crim = by_rule["criminal_not_filed"]
    assert (crim["case_no"], crim["lead_officer"], crim["grade"], crim["days_over"]) == ("A1", "李四", "yellow", 2)
    for f in body["findings"]:
        assert {"rule", "grade", "case_no", "incident_no", "unit", "lead_officer", "due_on", "days_over",
                "evidence"} <= set(f)
        assert f["evidence"] and f["evidence"][0]["kind"] == "ledger"
    res = runner.invoke(args=["check", "--as-of", "2017-12-31"])
    assert res.exit_code == 0 and "0 findings" in res.output
    res = runner.invoke(args=["check", "--as-of", "2018-01-06", "--record"])
    assert res.exit_code == 0 and "3 new" in res.output
    assert db.session().query(FindingEvent).count() == 3
