"""A ledger as a styled .xlsx workbook (``ecase.xlsx``): title row, 序号, frozen header,
column widths, times and dates as real Excel cells; streamed row by row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecase import xlsx
from ecase.access import Actor
from ecase.ledger_views import queries
from ecase.ledger_views.catalog import CATALOG
from ledgers.definitions import LedgerDef

#: width of a column by the kind of its field (characters); numbers and names by their name
WIDTHS = {"time": 17, "bool": 8, "nature": 10, "case_kind": 8, "measure_kind": 14, "decision_kind": 14,
          "voided": 8, "computed": 12}
WIDE = {"case_no": 26, "incident_no": 26, "record_no": 24, "doc_no": 26, "decision_no": 26, "end_doc_no": 26,
        "acceptance_doc_no": 26, "filing_doc_no": 26, "case_name": 28, "name": 28, "unit": 18,
        "person_id_no": 21, "result": 20, "title": 18, "officer_names": 16}


def ledger_xlsx(actor: Actor, led: LedgerDef, f: queries.Filters) -> Path:
    """Write the whole filtered ledger to a temporary .xlsx and return its path."""
    rec = CATALOG[led.record]
    heads = queries.headers(led)
    cols = [xlsx.Column(label, WIDE.get(name, WIDTHS.get(rec.fields[name].kind, 12))) for name, label in heads]
    rows = ([row.get(name, "") for name, _ in heads] for row in queries.ledger_rows(actor, led, f, raw=True))
    now = dt.datetime.now(dt.UTC)
    subtitle = f"导出时间：{xlsx.excel_value(now):%Y-%m-%d %H:%M}"
    if f.keyword:
        subtitle = f"关键词：{f.keyword}　" + subtitle
    return xlsx.table_file(led.title, cols, rows, subtitle=subtitle)
