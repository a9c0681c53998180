"""The 37 ledgers in the browser and as .xlsx, access by unit, the bail ledger's days left."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ecase import db
from ledgers.definitions import load_ledgers

CODES = sorted(load_ledgers())


def table(wb: Any) -> list[tuple[Any, ...]]:
    """A ledger workbook's header and rows, without its title rows and 序号 column."""
    rows = list(wb.active.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "序号")
    assert [r[0] for r in rows[start + 1:]] == list(range(1, len(rows) - start))
    return [r[1:] for r in rows[start:]]


def test_there_are_37_ledgers_and_they_match_the_catalog() -> None:
    from ecase.ledger_views.catalog import check

    defs = load_ledgers()
    assert len(defs) == 37
    assert sum(1 for d in defs.values() if d.group == "criminal") == 28
    problems = [p for d in defs.values() for p in check(d)]
    assert problems == []


def test_a_38th_ledger_is_configuration(tmp_path: Any) -> None:
    import json

    extra = tmp_path / "ledgers.json"
    extra.write_text(json.dumps([{"code": "late_disposals", "title": "未及时分流警情", "group": "criminal",
                                  "record": "incidents", "where": [["disposed_at", "null"]]}]),
                     encoding="utf-8")
    defs = load_ledgers(extra)
    assert len(defs) == 38 and defs["late_disposals"].where == (("disposed_at", "null", None),)


@pytest.fixture
def reviewer(make_user: Any, login: Any) -> Any:
    user = make_user("reviewer", role="reviewer", unit="法制大队")
    login(user)
    return user


def test_every_ledger_opens_with_data_and_exports(client: Any, loaded: Any, reviewer: Any) -> None:
    for code in CODES:
        resp = client.get(f"/ledgers/l/{code}")
        assert resp.status_code == 200, code
        html = resp.get_data(as_text=True)
        assert "没有符合条件的记录" not in html, f"ledger {code} is empty"
        resp = client.get(f"/ledgers/l/{code}.xlsx")
        assert resp.status_code == 200, code
        wb = load_workbook(io.BytesIO(resp.data), read_only=True)
        rows = table(wb)
        assert len(rows) >= 2, code
        assert all(h for h in rows[0]), code


def test_index_lists_every_ledger(client: Any, reviewer: Any) -> None:
    html = client.get("/ledgers/").get_data(as_text=True)
    for d in load_ledgers().values():
        assert d.title in html


def test_filters_sorting_and_paging(client: Any, loaded: Any, reviewer: Any) -> None:
    from ecase.models import Unit
    from ecase.models.ledgers import Incident

    unit = db.session().scalars(select(Unit).order_by(Unit.name)).first()
    n = db.session().scalar(select(func.count()).select_from(Incident).where(
        Incident.unit_id == unit.id, Incident.nature == "criminal"))
    html = client.get(f"/ledgers/l/criminal_incidents?unit={unit.id}").get_data(as_text=True)
    assert f"共 {n} 条" in html
    html = client.get("/ledgers/l/criminal_incidents?state=not_disposed").get_data(as_text=True)
    m = db.session().scalar(select(func.count()).select_from(Incident).where(
        Incident.disposed_at.is_(None), Incident.nature == "criminal"))
    assert f"共 {m} 条" in html
    resp = client.get("/ledgers/l/criminal_incidents?sort=incident_no&dir=asc&page=2")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(client.get("/ledgers/l/criminal_incidents.xlsx?sort=incident_no&dir=asc").data))
    nos = [r[0] for r in table(wb)[1:]]
    assert nos == sorted(nos)
    # a period: nothing before the bureau's year
    html = client.get("/ledgers/l/criminal_incidents?to=2020-01-01").get_data(as_text=True)
    assert "共 0 条" in html


def test_clerk_sees_only_their_unit(client: Any, loaded: Any, make_user: Any, login: Any) -> None:
    from ecase.models import Unit
    from ecase.models.ledgers import Measure

    units = list(db.session().scalars(select(Unit).order_by(Unit.id)))
    mine, other = units[0], units[1]
    clerk = make_user("clerk1", role="clerk", unit=mine.name)
    login(clerk)
    wb = load_workbook(io.BytesIO(client.get("/ledgers/l/criminal_detentions.xlsx").data))
    rows = table(wb)
    unit_col = rows[0].index("单位")
    assert rows[1:] and {r[unit_col] for r in rows[1:]} == {mine.name}
    n = db.session().scalar(select(func.count()).select_from(Measure).where(
        Measure.unit_id == mine.id, Measure.kind == "detention"))
    assert len(rows) - 1 == n
    # asking for another unit gives nothing of it
    html = client.get(f"/ledgers/l/criminal_detentions?unit={other.id}").get_data(as_text=True)
    assert "共 0 条" in html


def _bail(start: dt.datetime, ended: dt.datetime | None = None) -> int:
    from ecase.models import Case, Unit
    from ecase.models.ledgers import Measure
    from ledgers.values import beijing_to_utc

    s = db.session()
    unit = Unit(name="测试派出所")
    s.add(unit)
    s.flush()
    case = Case(case_no="A370102990000" + "2019000001", name="测试案", kind="criminal", unit_id=unit.id)
    s.add(case)
    s.flush()
    m = Measure(case_id=case.id, unit_id=unit.id, kind="bail", doc_no="测取保字〔2019〕1号",
                person_name="甲某", started_at=beijing_to_utc(start),
                ended_at=beijing_to_utc(ended) if ended else None)
    s.add(m)
    s.commit()
    return unit.id


def test_bail_end_date_and_days_left_across_a_leap_year(client: Any, reviewer: Any) -> None:
    unit_id = _bail(dt.datetime(2019, 3, 1, 9, 0))
    # 12 months from 2019-03-01 is 2020-03-01; February 2020 has 29 days
    wb = load_workbook(io.BytesIO(client.get(f"/ledgers/l/bail.xlsx?unit={unit_id}&as_of=2020-02-01").data))
    head, row = table(wb)[:2]
    assert row[head.index("法定到期日")] == dt.datetime(2020, 3, 1)
    assert row[head.index("剩余天数")] == 29
    html = client.get(f"/ledgers/l/bail?unit={unit_id}&as_of=2020-03-05").get_data(as_text=True)
    assert '<span class="grade red">-4</span>' in html
    html = client.get(f"/ledgers/l/bail?unit={unit_id}&as_of=2019-06-01").get_data(as_text=True)
    assert '<span class="grade green">274</span>' in html


def test_bail_started_on_a_leap_day() -> None:
    from ledgers.limits import days_left, legal_end

    assert legal_end("bail", dt.date(2020, 2, 29)) == dt.date(2021, 2, 28)
    assert legal_end("bail", dt.date(2019, 2, 28)) == dt.date(2020, 2, 28)
    assert legal_end("surveillance", dt.date(2019, 8, 31)) == dt.date(2020, 2, 29)
    assert days_left(dt.date(2020, 2, 28), dt.date(2020, 2, 1)) == 27
    assert days_left(dt.date(2021, 2, 28), dt.date(2020, 2, 29)) == 365


def test_released_bail_shows_no_days_left(client: Any, reviewer: Any) -> None:
    unit_id = _bail(dt.datetime(2019, 3, 1), ended=dt.datetime(2019, 9, 1))
    wb = load_workbook(io.BytesIO(client.get(f"/ledgers/l/bail.xlsx?unit={unit_id}&as_of=2020-02-01").data))
    head, row = table(wb)[:2]
    assert row[head.index("法定到期日")] == dt.datetime(2020, 3, 1)
    assert row[head.index("剩余天数")] in (None, "")


def test_officer_filter(client: Any, loaded: Any, reviewer: Any) -> None:
    from ecase.models import Case, Officer

    officer_id, n = db.session().execute(
        select(Case.lead_officer_id, func.count()).where(Case.kind == "criminal", Case.accepted_at.is_not(None))
        .group_by(Case.lead_officer_id).order_by(func.count().desc())).first()
    name = db.session().get(Officer, officer_id).name
    wb = load_workbook(io.BytesIO(client.get(f"/ledgers/l/criminal_acceptances.xlsx?officer={officer_id}").data))
    rows = table(wb)
    col = rows[0].index("主办民警")
    assert len(rows) - 1 == n and {r[col] for r in rows[1:]} == {name}


def test_excel_has_title_serials_frozen_header_widths_and_real_dates(client: Any, loaded: Any,
                                                                    reviewer: Any) -> None:
    wb = load_workbook(io.BytesIO(client.get("/ledgers/l/criminal_acceptances.xlsx").data))
    ws = wb.active
    assert ws["A1"].value == "刑事受案台账" and "A1" in str(ws.merged_cells.ranges)
    assert ws["A3"].value == "序号" and ws["A4"].value == 1 and ws.freeze_panes == "B4"
    heads = [c.value for c in ws[3]]
    assert ws.column_dimensions["B"].width >= 20  # 案件编号
    when = ws.cell(row=4, column=heads.index("受案时间") + 1)
    assert isinstance(when.value, dt.datetime) and when.number_format == "yyyy-mm-dd hh:mm"


def test_keyword_search_and_rows_link_to_the_case(client: Any, loaded: Any, reviewer: Any) -> None:
    from ecase.models import Case

    case = db.session().scalars(select(Case).where(Case.kind == "criminal", Case.accepted_at.is_not(None))
                                .order_by(Case.id)).first()
    html = client.get(f"/ledgers/l/criminal_acceptances?q={case.case_no}").get_data(as_text=True)
    assert "共 1 条" in html and f'href="/cases/{case.id}"' in html
    html = client.get(f"/ledgers/l/criminal_acceptances?q={case.name}").get_data(as_text=True)
    assert case.case_no in html
    assert "共 0 条" in client.get("/ledgers/l/criminal_acceptances?q=%25%25无此案").get_data(as_text=True)
    # the measures ledger links its rows to their case too, and the keyword reaches its export
    resp = client.get(f"/ledgers/l/criminal_detentions.xlsx?q={case.case_no}")
    assert all(case.case_no == r[0] for r in table(load_workbook(io.BytesIO(resp.data)))[1:])
    index = client.get("/ledgers/").get_data(as_text=True)
    assert "criminal_acceptances</td>" not in index and "<th>记录</th>" not in index
