"""Pure parts: cell values, header mapping, readers, the synthetic bureau."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ledgers import readers, synthetic
from ledgers.errors import CellError, ConfigError, InputFileError
from ledgers.mapping import detect, load_mapping
from ledgers.values import parse_bool, parse_local_time, parse_time, split_names

T = dt.datetime(2018, 1, 15, 10, 30)


@pytest.mark.parametrize("value", ["2018-01-15 10:30", "2018/1/15 10:30:00", "2018年1月15日10时30分",
                                   "2018年01月15日 10:30", " 2018-01-15T10:30:00 ", T, 43115.4375, "43115.4375"])
def test_every_time_format(value: object) -> None:
    assert parse_local_time(value) == T


def test_dates_without_time_and_empty_cells() -> None:
    assert parse_local_time("2018年1月15日") == dt.datetime(2018, 1, 15)
    assert parse_local_time(dt.date(2018, 1, 15)) == dt.datetime(2018, 1, 15)
    assert parse_local_time("") is None and parse_local_time(None) is None and parse_local_time("  ") is None


@pytest.mark.parametrize("value", ["2018-02-30", "明天", "2018-13-01 10:00", "15/01/2018"])
def test_bad_times(value: str) -> None:
    with pytest.raises(CellError):
        parse_local_time(value)


def test_beijing_to_utc_and_future() -> None:
    assert parse_time("2018-01-15 08:00") == dt.datetime(2018, 1, 15, 0, 0)
    now = dt.datetime(2018, 1, 1)
    with pytest.raises(CellError, match="将来"):
        parse_time("2018-03-01", now=now)
    assert parse_time("2018-01-01 20:00", now=now) is not None  # within a day's grace


def test_bool_and_names() -> None:
    assert parse_bool("是") is True and parse_bool("否") is False and parse_bool("") is None
    with pytest.raises(CellError):
        parse_bool("也许")
    assert split_names("张三、李四,王五，张三") == ["张三", "李四", "王五"]


def test_detect_kind_with_variant_headers_and_bureau_mapping() -> None:
    m = load_mapping()
    det = detect(["报警时间", "警情编号", "接警单位", "备注"], m)
    assert det.kind == "incidents" and set(det.columns.values()) == {"reported_at", "incident_no", "unit"}
    assert det.unknown == [(3, "备注")] and det.missing == []
    det = detect(["案件编号", "文书名称", "文号"], m)
    assert det.kind == "documents"
    det = detect(["案件编号", "措施类型", "文书文号", "开始时间"], m)
    assert det.kind == "measures"
    m2 = load_mapping({"incidents": {"出警人": "officers"}})
    assert detect(["警情编号", "接警时间", "管辖单位", "出警人"], m2).columns[3] == "officers"
    with pytest.raises(ConfigError):
        load_mapping({"incidents": {"x": "no_such_field"}})


def test_readers_refuse_what_they_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "a.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(InputFileError, match="xls"):
        readers.read_table(tmp_path / "a.xls")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04broken")
    with pytest.raises(InputFileError):
        readers.read_table(tmp_path / "b.xlsx")
    assert readers.detect_encoding("警情".encode("gb18030")) == "gb18030"
    assert readers.detect_encoding("警情".encode("utf-8")) == "utf-8-sig"


def test_synthetic_bureau_is_deterministic_and_has_late_and_missing_records() -> None:
    b = synthetic.make_bureau(5, end=dt.date(2026, 6, 30))
    first = list(synthetic.iter_cases(b, 400))
    again = list(synthetic.iter_cases(synthetic.make_bureau(5, end=dt.date(2026, 6, 30)), 400))
    assert [c["case_no"] for c in first] == [c["case_no"] for c in again]
    assert len({c["case_no"] for c in first}) == 400
    reported = [c for c in first if c["source"] in ("报案", "控告", "举报", "扭送")]
    no_receipt = [c for c in reported if not any(d["title"] == "受案回执" for d in c["documents"])]
    assert 0 < len(no_receipt) < len(reported) / 5
    late_filing = [c for c in first if c["filed_at"] and (c["filed_at"] - c["accepted_at"]).days > 30]
    assert late_filing
    open_bails = [m for c in first for m in c["measures"] if m["kind"] == "bail" and m["ended_at"] is None]
    assert open_bails
    incidents = list(synthetic.iter_incidents(b, 2000))
    assert len({i["incident_no"] for i in incidents}) == 2000
    late = [i for i in incidents if i["disposed_at"] and i["disposed_at"] - i["reported_at"] > dt.timedelta(hours=24)]
    assert late and any(i["disposed_at"] is None for i in incidents)
    assert all(i["reported_at"].date() <= b.end for i in incidents)
    # made-up ID numbers carry a valid check digit
    sid = first[0]["suspect_id_no"]
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert sid[-1] == "10X98765432"[sum(int(c) * x for c, x in zip(sid[:17], w)) % 11]
