"""Hand-computed boundaries of the pure rules (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from ledgers.rules import (
    DEFAULT_CONFIG,
    RULE_CODES,
    CaseRecord,
    Incident,
    IssuedDocument,
    Measure,
    OutsideDecision,
    Records,
    RulesConfig,
    evaluate,
)
from ledgers.rules.calendar import add_months
from ledgers.rules.config import OPTIONS, ConfigError

D = dt.date
T = dt.datetime


def rules(findings: list, rule: str) -> list:
    return [f for f in findings if f.rule == rule]


def test_rule_codes_match_rules_md() -> None:
    import re
    from pathlib import Path

    rules_md = Path(__file__).resolve().parents[3] / "shared" / "domain" / "RULES.md"
    if not rules_md.exists():
        pytest.skip("../shared/domain/RULES.md is absent (the project's shared folder lies beside the repository)")
    text = rules_md.read_text(encoding="utf-8")

    in_doc = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert in_doc == set(RULE_CODES)


def test_every_option_documented() -> None:
    import dataclasses

    assert {f.name for f in dataclasses.fields(RulesConfig)} == set(OPTIONS)


# --- admin_not_accepted: 24 hours are hours, 3 days are calendar days -----------------

def admin_incident(at: dt.datetime) -> Records:
    return Records(incidents=[Incident("J1", "甲派出所", "行政", at, id=1)])


def test_admin_24_hours_exactly_is_in_time_and_one_minute_more_is_yellow() -> None:
    recs = admin_incident(T(2018, 1, 15, 10, 30))
    assert evaluate(recs, T(2018, 1, 16, 10, 30)) == []
    [f] = evaluate(recs, T(2018, 1, 16, 10, 31))
    assert (f.rule, f.grade, f.incident_no) == ("admin_not_accepted", "yellow", "J1")


def test_admin_date_as_of_means_end_of_day() -> None:
    recs = admin_incident(T(2018, 1, 15, 0, 0))
    assert evaluate(recs, D(2018, 1, 15)) == []  # exactly 24 h at midnight
    assert evaluate(recs, D(2018, 1, 16))[0].grade == "yellow"


def test_admin_third_day_yellow_fourth_day_red() -> None:
    recs = admin_incident(T(2018, 1, 1, 9, 0))
    # day 1 = 2 Jan, day 3 = 4 Jan: still only yellow; 5 Jan is the fourth day: red
    assert evaluate(recs, D(2018, 1, 4))[0].grade == "yellow"
    f = evaluate(recs, D(2018, 1, 5))[0]
    assert (f.grade, f.due_on, f.days_over) == ("red", D(2018, 1, 4), 1)


def test_admin_accepted_later_counts_only_from_then() -> None:
    inc = Incident("J1", "甲派出所", "administrative", T(2018, 1, 1, 9), id=1)
    case = CaseRecord("A1", "administrative", "甲派出所", incident_no="J1", accepted_at=T(2018, 1, 10, 9))
    recs = Records(incidents=[inc], cases=[case])
    assert evaluate(recs, D(2018, 1, 9))[0].rule == "admin_not_accepted"  # a past date: not yet accepted
    assert rules(evaluate(recs, D(2018, 1, 10)), "admin_not_accepted") == []


def test_non_administrative_incidents_are_not_checked() -> None:
    recs = Records(incidents=[Incident("J1", "甲", "纠纷", T(2018, 1, 1))])
    assert evaluate(recs, D(2018, 3, 1)) == []


# --- criminal_not_filed --------------------------------------------------------------

def crim(**kw: object) -> CaseRecord:
    base: dict = dict(case_no="A1", kind="criminal", unit="甲派出所", lead_officer="张三",
                      officers=("李四",), accepted_at=T(2018, 1, 1, 10), source="110指令")
    base.update(kw)
    return CaseRecord(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("as_of,grade", [
    (D(2018, 1, 4), None), (D(2018, 1, 5), "yellow"), (D(2018, 1, 8), "yellow"),
    (D(2018, 1, 9), "orange"), (D(2018, 1, 31), "orange"), (D(2018, 2, 1), "red"),
])
def test_criminal_not_filed_bands(as_of: dt.date, grade: str | None) -> None:
    found = evaluate(Records(cases=[crim()]), as_of)
    assert [f.grade for f in found] == ([grade] if grade else [])
    if grade:
        assert found[0].due_on == D(2018, 1, 4)
        assert found[0].days_over == (as_of - D(2018, 1, 4)).days
        assert (found[0].lead_officer, found[0].officers) == ("张三", ("李四",))


def test_empty_filing_cell_means_not_yet_and_filing_resolves() -> None:
    assert evaluate(Records(cases=[crim(filed_at=None)]), D(2018, 1, 10))
    assert evaluate(Records(cases=[crim(filed_at=T(2018, 1, 3))]), D(2018, 1, 10)) == []
    assert evaluate(Records(cases=[crim(no_filing_at=T(2018, 1, 3), source="110指令")]), D(2018, 1, 10)) == []


def test_holiday_extension_only_when_configured() -> None:
    # 3-day limit from 1 Jan ends on 4 Jan; make 4 Jan a holiday
    cfg = RulesConfig.from_mapping({"holidays": ["2018-01-04"]})
    assert evaluate(Records(cases=[crim()]), D(2018, 1, 5), cfg)[0].due_on == D(2018, 1, 4)
    cfg2 = RulesConfig.from_mapping({"holidays": ["2018-01-04"], "extend_on_holidays": True})
    assert evaluate(Records(cases=[crim()]), D(2018, 1, 5), cfg2) == []
    assert evaluate(Records(cases=[crim()]), D(2018, 1, 6), cfg2)[0].due_on == D(2018, 1, 5)


# --- months: bail, surveillance ------------------------------------------------------

@pytest.mark.parametrize("start,months,end", [
    (D(2019, 3, 1), 12, D(2020, 3, 1)),     # same day 12 months later
    (D(2019, 2, 28), 12, D(2020, 2, 29)),   # last day of month -> last day (leap year)
    (D(2020, 2, 29), 12, D(2021, 2, 28)),   # 29 Feb does not exist in 2021
    (D(2018, 8, 31), 6, D(2019, 2, 28)),    # month end to a shorter month
    (D(2018, 1, 30), 1, D(2018, 2, 28)),    # no 30 Feb
    (D(2018, 4, 30), 1, D(2018, 5, 31)),    # last day of April -> last day of May
])
def test_add_months(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end


def bail(start: dt.datetime, end: dt.datetime | None = None) -> Records:
    return Records(cases=[crim(filed_at=T(2019, 1, 2))],
                   measures=[Measure("A1", "取保候审", start, person="王五", doc_no="X取保字1", end=end, id=7)])


def test_bail_across_leap_year() -> None:
    recs = bail(T(2019, 3, 1, 15))
    assert rules(evaluate(recs, D(2020, 1, 30)), "bail_overdue") == []
    warn = rules(evaluate(recs, D(2020, 1, 31)), "bail_overdue")  # 30 days before 1 March
    assert [(f.grade, f.due_on, f.days_over) for f in warn] == [("yellow", D(2020, 3, 1), 0)]
    assert rules(evaluate(recs, D(2020, 3, 1)), "bail_overdue")[0].grade == "yellow"  # last day
    over = rules(evaluate(recs, D(2020, 3, 2)), "bail_overdue")[0]
    assert (over.grade, over.days_over) == ("red", 1)


def test_bail_released_in_time_or_late() -> None:
    assert rules(evaluate(bail(T(2019, 3, 1), T(2020, 3, 1)), D(2020, 6, 1)), "bail_overdue") == []
    late = rules(evaluate(bail(T(2019, 3, 1), T(2020, 3, 5)), D(2020, 6, 1)), "bail_overdue")[0]
    assert (late.grade, late.days_over) == ("red", 4)
    # before the release was recorded it was simply overdue
    assert rules(evaluate(bail(T(2019, 3, 1), T(2020, 3, 5)), D(2020, 3, 3)), "bail_overdue")[0].days_over == 2


def test_surveillance_six_months() -> None:
    recs = Records(cases=[crim(filed_at=T(2018, 1, 2))],
                   measures=[Measure("A1", "surveillance", T(2018, 8, 31), person="赵六", id=3)])
    f = rules(evaluate(recs, D(2019, 3, 1)), "surveillance_overdue")[0]
    assert (f.due_on, f.days_over, f.grade) == (D(2019, 2, 28), 1, "red")


# --- detention ---------------------------------------------------------------------

def detention(**kw: object) -> Records:
    m = Measure("A1", "detention", T(2018, 1, 1, 20), person="钱七", id=1, **kw)  # type: ignore[arg-type]
    return Records(cases=[crim(filed_at=T(2018, 1, 1))], measures=[m])


def test_detention_third_and_fourth_day() -> None:
    assert rules(evaluate(detention(), D(2018, 1, 4)), "detention_overdue") == []
    f = rules(evaluate(detention(), D(2018, 1, 5)), "detention_overdue")[0]
    assert (f.grade, f.due_on, f.days_over) == ("red", D(2018, 1, 4), 1)


def test_detention_extension_and_follow_up() -> None:
    assert rules(evaluate(detention(limit_days=30), D(2018, 1, 31)), "detention_overdue") == []
    assert rules(evaluate(detention(limit_days=30), D(2018, 2, 1)), "detention_overdue")
    recs = detention()
    recs.documents.append(IssuedDocument("A1", "arrest_request", "X提捕字1", T(2018, 1, 4), "钱七", id=9))
    assert rules(evaluate(recs, D(2018, 1, 10)), "detention_overdue") == []


def test_arrest_decision_seven_days() -> None:
    recs = Records(cases=[crim(filed_at=T(2018, 1, 1))],
                   documents=[IssuedDocument("A1", "arrest_request", "X提捕字1", T(2018, 1, 5), "钱七", id=9)])
    assert rules(evaluate(recs, D(2018, 1, 12)), "arrest_decision_overdue") == []
    assert rules(evaluate(recs, D(2018, 1, 13)), "arrest_decision_overdue")[0].days_over == 1
    recs.decisions.append(OutsideDecision("A1", "arrest_approved", T(2018, 1, 11), person="钱七"))
    assert rules(evaluate(recs, D(2018, 1, 13)), "arrest_decision_overdue") == []


# --- documents ---------------------------------------------------------------------

def reported_case(**kw: object) -> CaseRecord:
    return crim(source="报案", acceptance_doc_no="X受案字〔2018〕1号", filed_at=T(2018, 1, 2), **kw)


def test_receipt_and_filing_notice_missing_only_for_reported_cases() -> None:
    found = evaluate(Records(cases=[reported_case()]), D(2018, 1, 10))
    assert {f.rule for f in found} == {"receipt_missing", "filing_notice_missing"}
    assert all(f.grade == "orange" for f in found)
    assert evaluate(Records(cases=[crim(source="110指令", filed_at=T(2018, 1, 2))]), D(2018, 1, 10)) == []


def test_receipt_must_carry_the_acceptance_number() -> None:
    docs = [IssuedDocument("A1", "acceptance_receipt", "X受案字〔2018〕2号", T(2018, 1, 1)),
            IssuedDocument("A1", "filing_notice", "X立告字1", T(2018, 1, 2))]
    found = evaluate(Records(cases=[reported_case()], documents=docs), D(2018, 1, 10))
    assert [f.rule for f in found] == ["receipt_missing"]
    docs[0] = IssuedDocument("A1", "acceptance_receipt", "X受案字(2018)1号", T(2018, 1, 1))  # normalised
    assert evaluate(Records(cases=[reported_case()], documents=docs), D(2018, 1, 10)) == []


def test_no_filing_notice_missing_and_late() -> None:
    case = crim(source="控告", no_filing_at=T(2018, 1, 2))
    receipt = IssuedDocument("A1", "acceptance_receipt", None, T(2018, 1, 1))
    assert [f.rule for f in evaluate(Records(cases=[case], documents=[receipt]), D(2018, 1, 10))] == \
        ["no_filing_notice_missing"]
    on_time = IssuedDocument("A1", "no_filing_notice", "X不立字1", T(2018, 1, 5))
    assert evaluate(Records(cases=[case], documents=[receipt, on_time]), D(2018, 1, 10)) == []
    late = IssuedDocument("A1", "no_filing_notice", "X不立字1", T(2018, 1, 6))
    [f] = evaluate(Records(cases=[case], documents=[receipt, late]), D(2018, 1, 10))
    assert (f.rule, f.days_over, f.due_on) == ("no_filing_notice_late", 1, D(2018, 1, 5))


def test_admin_case_thirty_or_sixty_days() -> None:
    case = CaseRecord("A2", "行政", "乙派出所", accepted_at=T(2018, 1, 31))
    assert evaluate(Records(cases=[case]), D(2018, 3, 2)) == []  # 31 Jan + 30 = 2 Mar
    assert evaluate(Records(cases=[case]), D(2018, 3, 3))[0].rule == "admin_case_overdue"
    ext = CaseRecord("A2", "行政", "乙派出所", accepted_at=T(2018, 1, 31), extended=True)
    assert evaluate(Records(cases=[ext]), D(2018, 3, 3)) == []
    decided = CaseRecord("A2", "行政", "乙派出所", accepted_at=T(2018, 1, 31), decided_at=T(2018, 2, 20))
    assert evaluate(Records(cases=[decided]), D(2018, 3, 3)) == []


def test_same_data_same_date_same_findings() -> None:
    recs = Records(cases=[reported_case(), crim(case_no="A9")], measures=bail(T(2019, 3, 1)).measures)
    a = [f.to_json() for f in evaluate(recs, D(2020, 3, 9))]
    b = [f.to_json() for f in evaluate(recs, D(2020, 3, 9))]
    assert a == b and a


def test_configured_limit_changes_result() -> None:
    recs = Records(cases=[crim()])
    assert evaluate(recs, D(2018, 1, 5))[0].grade == "yellow"
    cfg = RulesConfig.from_mapping({"criminal_filing_days": [5, 7, 30]})
    assert evaluate(recs, D(2018, 1, 5), cfg) == []
    with pytest.raises(ConfigError):
        RulesConfig.from_mapping({"no_such_limit": 3})
    assert DEFAULT_CONFIG.criminal_filing_days == (3, 7, 30)


def test_rules_are_pure() -> None:
    """ledgers.rules, rates and scoring import nothing but the standard library and each
    other: no Flask, no SQLAlchemy, no file or network modules."""
    import ast
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "ledgers"
    files = list((root / "rules").glob("*.py")) + [root / "rates.py", root / "scoring.py"]
    banned = {"os", "io", "pathlib", "socket", "subprocess", "shutil", "tempfile", "tomllib", "json", "open"}
    for f in files:
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                top = n.split(".")[0]
                assert top == "__future__" or n.startswith("ledgers.rules") or \
                    (top in sys.stdlib_module_names and top not in banned), f"{f.name} imports {n}"
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                raise AssertionError(f"{f.name} opens a file")
