"""Imports: idempotent, updating with history, every kind of bad input reported by row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ecase import db
from ecase.models import Case, Unit
from ecase.models.ledgers import Incident, IssuedDocument, Measure, RecordHistory
from tests.ledgers.conftest import CASES, INCIDENTS, write_csv

INC_HEAD = ["警情编号", "接警时间", "管辖单位", "警情性质", "处警民警", "分流结果", "分流时间", "音视频上传"]


def _count(model: Any) -> int:
    return db.session().scalar(select(func.count()).select_from(model)) or 0


def test_same_export_twice_changes_nothing(do_import: Any, exports_csv: dict[str, Path]) -> None:
    first = do_import(*exports_csv.values())
    assert not first.errors
    assert first.new["incidents"] == INCIDENTS and first.new["cases"] == CASES
    assert first.new["measures"] > 0 and first.new["documents"] > 0
    before = {m: _count(m) for m in (Incident, Case, Measure, IssuedDocument, RecordHistory)}
    second = do_import(*exports_csv.values())
    assert not second.errors
    assert sum(second.new.values()) == 0 and sum(second.updated.values()) == 0
    assert second.unchanged["incidents"] == INCIDENTS and second.unchanged["cases"] == CASES
    assert second.unchanged["documents"] == first.new["documents"]
    assert {m: _count(m) for m in before} == before


def test_newer_export_updates_and_keeps_history(do_import: Any, exports_csv: dict[str, Path],
                                                tmp_path: Path) -> None:
    do_import(*exports_csv.values())
    import csv

    with open(exports_csv["cases"], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    target = next(r for r in rows[1:] if r[head.index("案件类别")] == "刑事" and not r[head.index("结案时间")])
    target[head.index("结案时间")] = "2026年6月1日9时15分"
    target[head.index("案件名称")] = target[head.index("案件名称")] + "（更名）"
    newer = write_csv(tmp_path / "cases.csv", rows)
    report = do_import(newer)
    assert report.updated["cases"] == 1 and report.unchanged["cases"] == CASES - 1
    case = db.session().scalars(select(Case).where(Case.case_no == target[0])).one()
    assert case.closed_at == dt.datetime(2026, 6, 1, 1, 15)  # 09:15 Beijing is 01:15 UTC
    assert case.name.endswith("（更名）")
    hist = db.session().scalars(select(RecordHistory).where(RecordHistory.record_kind == "cases",
                                                            RecordHistory.record_id == case.id)).all()
    assert len(hist) == 1 and hist[0].action == "update" and hist[0].import_run_id is not None
    assert hist[0].changes["closed_at"] == [None, "2026-06-01 01:15:00"]
    assert hist[0].changes["name"][1] == case.name
    # and importing the newer export again changes nothing
    again = do_import(newer)
    assert again.updated["cases"] == 0


def test_xlsx_with_excel_date_cells_gives_the_same_records(do_import: Any, exports_xlsx: Path,
                                                           exports_csv: dict[str, Path]) -> None:
    report = do_import(exports_xlsx)
    assert not report.errors
    assert report.new["incidents"] == INCIDENTS and report.new["cases"] == CASES
    again = do_import(*exports_csv.values())  # same data through CSV text times: all unchanged
    assert not again.errors and sum(again.updated.values()) == 0 and sum(again.new.values()) == 0


def test_gb18030_csv(do_import: Any, exports_csv: dict[str, Path], tmp_path: Path) -> None:
    gb = tmp_path / "incidents_gbk.csv"
    gb.write_bytes(exports_csv["incidents"].read_text(encoding="utf-8").encode("gb18030"))
    report = do_import(gb)
    assert not report.errors and report.new["incidents"] == INCIDENTS
    unit_names = set(db.session().scalars(select(Unit.name)))
    assert "刑警大队" in unit_names or any(n.endswith("派出所") for n in unit_names)


def _bad_incidents(tmp_path: Path) -> Path:
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%Y/%m/%d") + " 10:00:00"
    return write_csv(tmp_path / "bad.csv", [
        INC_HEAD,
        ["J1", "2018-01-15 10:30", "甲派出所", "刑事", "张三", "转刑事案件", "2018-01-15 11:00", "是"],   # 2 good
        ["J2", "2018年13月1日", "甲派出所", "刑事", "张三", "", "", "是"],                              # 3 bad date
        ["J3", future, "甲派出所", "行政", "李四", "", "", "否"],                                     # 4 future
        ["J1", "2018-01-16 10:30", "甲派出所", "刑事", "张三", "", "", "是"],                          # 5 duplicate
        ["J4", "2018/1/15 10:30:00", "乙派出所", "纠纷", "王五", "调解", "", "是", "多余"],           # 6 too many
        ["J5", "", "乙派出所", "纠纷", "王五", "", "", "是"],                                         # 7 required
        ["J6", "2018-02-01 08:00", "乙派出所", "打架", "王五", "", "", "是"],                         # 8 bad nature
        ["J7", "2018-02-01 08:00", "乙派出所", "求助", "王五", "", "", "也许"],                       # 9 bad bool
        ["J8", 43132.5, "乙派出所", "求助", "王五", "救助", "2018-02-01 13:00", "是"],                 # 10 good (serial)
    ])


def test_every_bad_row_is_reported_with_row_column_and_reason(do_import: Any, tmp_path: Path) -> None:
    report = do_import(_bad_incidents(tmp_path), mode="good-rows")
    by_row = {e["row"]: e for e in report.errors}
    assert set(by_row) == {3, 4, 5, 6, 7, 8, 9}
    assert by_row[3]["column"] == "接警时间" and "日期" in by_row[3]["reason"]
    assert by_row[4]["column"] == "接警时间" and "将来" in by_row[4]["reason"]
    assert by_row[5]["column"] == "警情编号" and "重复" in by_row[5]["reason"]
    assert "单元格" in by_row[6]["reason"]
    assert by_row[7]["column"] == "接警时间" and "必填" in by_row[7]["reason"]
    assert by_row[8]["column"] == "警情性质" and "打架" in by_row[8]["reason"]
    assert by_row[9]["column"] == "音视频上传"
    assert all(e["file"] == "bad.csv" for e in report.errors)
    # good rows are in
    assert report.new["incidents"] == 2
    got = db.session().scalars(select(Incident).where(Incident.incident_no == "J8")).one()
    assert got.reported_at == dt.datetime(2018, 2, 1, 4, 0)  # Excel serial 43132.5 = 12:00 Beijing
    assert db.session().scalars(select(Incident).where(Incident.incident_no == "J1")).one().av_uploaded is True


def test_mode_all_commits_nothing_of_a_file_with_a_bad_row(do_import: Any, tmp_path: Path) -> None:
    report = do_import(_bad_incidents(tmp_path), mode="all")
    assert report.errors and sum(report.new.values()) == 0
    assert _count(Incident) == 0
    assert _count(Unit) == 0  # units learnt from the file are rolled back too
    assert report.files[0]["committed"] is False


def test_missing_required_column(do_import: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "noreq.csv", [["警情编号", "管辖单位", "警情性质"], ["J1", "甲派出所", "刑事"]])
    report = do_import(path, mode="good-rows")
    assert report.errors == [{"file": "noreq.csv", "row": 1, "column": "接警时间",
                              "reason": "缺少必填列，整张表未导入"}]
    assert _count(Incident) == 0


def test_unknown_headers_are_reported_and_the_rest_imports(do_import: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "extra.csv", [INC_HEAD + ["备注栏"],
                                               ["J1", "2018-01-15 10:30", "甲派出所", "刑事", "张三", "", "", "是", "x"]])
    report = do_import(path)
    assert [(e["row"], e["column"]) for e in report.errors] == [(1, "备注栏")]
    assert report.new["incidents"] == 1
    assert not report.failed  # a note on the header, no row rejected


def test_unrecognisable_headers(do_import: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "what.csv", [["甲", "乙"], ["1", "2"]])
    report = do_import(path)
    assert report.errors[0]["row"] == 1 and "表头无法识别" in report.errors[0]["reason"]
    assert report.failed


def test_empty_file(do_import: Any, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    report = do_import(tmp_path / "empty.csv")
    assert report.errors == [{"file": "empty.csv", "row": 1, "column": "", "reason": "文件为空"}]


def test_wrong_encoding(do_import: Any, tmp_path: Path) -> None:
    text = "\n".join([",".join(INC_HEAD), "J1,2018-01-15 10:30,甲派出所,刑事,张三,,,是"]) + "\n"
    (tmp_path / "u16.csv").write_bytes(text.encode("utf-16"))
    report = do_import(tmp_path / "u16.csv")
    assert "UTF-16" in report.errors[0]["reason"]
    # a GB18030 file with one broken row: that row is reported, the others import
    good = text.encode("gb18030")
    broken = "J2,2018-01-16 10:30,乙派出所,刑事,".encode("gb18030") + b"\x81\x20" + ",,,是\n".encode("gb18030")
    (tmp_path / "gb.csv").write_bytes(good + broken)
    report = do_import(tmp_path / "gb.csv", mode="good-rows")
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "处警民警")]
    assert "编码" in report.errors[0]["reason"]
    assert report.new["incidents"] == 1


def test_xlsx_formulas_and_merged_header_cells(do_import: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "警情"
    ws.append(INC_HEAD)
    ws.append(["J1", dt.datetime(2018, 1, 15, 10, 30), "甲派出所", "刑事", "张三", "", None, "是"])
    ws.append(["J2", "=A2&\"x\"", "甲派出所", "刑事", "张三", "", None, "是"])
    ws2 = wb.create_sheet("案件")
    ws2.append(["案件编号", "案件名称", "案件类别", "办案单位", "主办民警", "协办民警", None, "受案时间"])
    ws2.merge_cells("F1:G1")
    ws2.append(["A3701020100002018000001", "某某盗窃案", "刑事", "甲派出所", "张三", "李四", "王五", "2018-01-15 12:00"])
    path = tmp_path / "wb.xlsx"
    wb.save(path)
    report = do_import(path, mode="good-rows")
    errors = {(e["sheet"], e["row"]): e for e in report.errors}
    assert "公式" in errors[("警情", 3)]["reason"] and errors[("警情", 3)]["column"] == "接警时间"
    assert "合并" in errors[("案件", 1)]["reason"] and errors[("案件", 1)]["column"] == "第7列"
    assert report.new["incidents"] == 1 and report.new["cases"] == 1


def test_fixed_units_report_unknown_units(do_import: Any, tmp_path: Path, make_unit: Any) -> None:
    from ecase.access import Actor
    from ecase.ledger_views import operations

    make_unit("甲派出所")
    operations.set_units_fixed(Actor.system(), True)
    db.session().commit()
    path = write_csv(tmp_path / "u.csv", [INC_HEAD,
                                          ["J1", "2018-01-15 10:30", "甲派出所", "刑事", "张三", "", "", "是"],
                                          ["J2", "2018-01-15 10:30", "丙派出所", "刑事", "张三", "", "", "是"]])
    report = do_import(path, mode="good-rows")
    assert [(e["row"], e["column"]) for e in report.errors] == [(3, "管辖单位")]
    assert "丙派出所" in report.errors[0]["reason"]
    assert report.new["incidents"] == 1


def test_import_never_overwrites_a_supplementary_entry(do_import: Any, tmp_path: Path, make_unit: Any) -> None:
    unit = make_unit("甲派出所")
    db.session().add(Case(case_no="A3701020100002018000001", name="补录的名称", kind="criminal",
                          unit_id=unit.id, origin="supplementary"))
    db.session().commit()
    path = write_csv(tmp_path / "cases.csv", [
        ["案件编号", "案件名称", "案件类别", "办案单位", "受案时间"],
        ["A3701020100002018000001", "系统的名称", "刑事", "甲派出所", "2018-01-15 12:00"]])
    report = do_import(path)
    assert report.unchanged["cases"] == 1 and report.updated["cases"] == 0
    assert db.session().scalars(select(Case)).one().name == "补录的名称"


def test_measure_of_an_unknown_case_is_reported(do_import: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [
        ["案件编号", "措施类型", "对象姓名", "身份证号", "文书文号", "开始时间", "解除时间", "解除文号"],
        ["A0000000000000000000009", "取保候审", "甲某", "", "取保字1号", "2018-03-01", "", ""]])
    report = do_import(path)
    assert report.errors[0]["row"] == 2 and report.errors[0]["column"] == "案件编号"


def test_cli_json_and_exit_status(runner: Any, exports_csv: dict[str, Path], tmp_path: Path) -> None:
    result = runner.invoke(args=["import", str(exports_csv["incidents"]), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["new"]["incidents"] == INCIDENTS and out["errors"] == []
    assert set(out) >= {"new", "updated", "unchanged", "errors"}
    assert set(out["new"]) >= {"incidents", "cases", "measures", "documents"}
    result = runner.invoke(args=["import", str(_bad_incidents(tmp_path)), "--mode", "good-rows", "--json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert {e["row"] for e in out["errors"]} == {3, 4, 5, 6, 7, 8, 9}
    assert all(set(e) >= {"file", "row", "column", "reason"} for e in out["errors"])


def test_ledger_units_command(runner: Any) -> None:
    result = runner.invoke(args=["ledger-units", "--fix"])
    assert result.exit_code == 0 and "已固定" in result.output
    result = runner.invoke(args=["ledger-units", "--learn"])
    assert result.exit_code == 0 and "学习" in result.output


def test_a_case_moved_to_another_unit_takes_its_records_along(do_import: Any, exports_csv: dict[str, Path],
                                                               tmp_path: Path) -> None:
    import csv

    do_import(*exports_csv.values())
    m = db.session().scalars(select(Measure).order_by(Measure.id)).first()
    case = m.case
    with open(exports_csv["cases"], encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    row = next(r for r in rows if r[0] == case.case_no)
    row[rows[0].index("办案单位")] = "刑警大队" if case.unit.name != "刑警大队" else "治安大队"
    report = do_import(write_csv(tmp_path / "cases.csv", [rows[0], row]))
    assert report.updated["cases"] == 1
    db.session().expire_all()
    case = db.session().get(Case, case.id)
    assert case.unit.name == row[rows[0].index("办案单位")]
    assert db.session().get(Measure, m.id).unit_id == case.unit_id


def test_ledger_demo_command(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(args=["ledger-demo", "--incidents", "50", "--cases", "20"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cases"] == 20 and _count(Case) == 20
    result = runner.invoke(args=["ledger-demo", "--incidents", "5", "--cases", "3", "--exports", str(tmp_path / "x")])
    assert result.exit_code == 0 and (tmp_path / "x" / "cases.csv").exists()
