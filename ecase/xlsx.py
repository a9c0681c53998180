"""A list as a styled .xlsx workbook: what every list page's 导出 Excel writes.

One sheet: a title row across the table, a header row (bold, shaded, frozen with the title
above it, so both stay in view while scrolling), a 序号 column, each column at its width,
and dates and times as real Excel date cells (shown ``yyyy-mm-dd`` / ``yyyy-mm-dd hh:mm``),
never as text. Rows are streamed (openpyxl's write-only mode), so a ledger of a million
rows is written in bounded memory.

Times must already be local (Beijing) times: :func:`excel_value` turns an aware datetime
into Beijing time and drops the zone, which Excel cannot hold.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ecase.formatting import BEIJING

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", start_color="DDE6F0", end_color="DDE6F0")


@dataclass(frozen=True)
class Column:
    """A column: its Chinese header and its width in characters."""

    header: str
    width: float = 14


def excel_value(value: Any) -> Any:
    """A cell value Excel stores natively: aware times in Beijing time without a zone;
    lists joined with 、; ``None`` empty."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BEIJING).replace(tzinfo=None)
        return value
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _cell(ws: Worksheet, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
          border: bool = True, align: Alignment | None = None) -> WriteOnlyCell:
    value = excel_value(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, dt.datetime):
        c.number_format = TIME_FORMAT
    elif isinstance(value, dt.date):
        c.number_format = DATE_FORMAT
    if font is not None:
        c.font = font
    if fill is not None:
        c.fill = fill
    if border:
        c.border = _BORDER
    if align is not None:
        c.alignment = align
    return c


def write_table(path: Path | str, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
                sheet: str | None = None, subtitle: str = "") -> Path:
    """Write ``rows`` (values in the order of ``columns``, without 序号) under ``title``."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet((sheet or title)[:31].replace("/", "-"))
    cols = [Column("序号", 7), *columns]
    for i, col in enumerate(cols, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    head_rows = 3 if subtitle else 2
    ws.freeze_panes = f"B{head_rows + 1}"
    last = get_column_letter(len(cols))
    ws.merged_cells.ranges.add(f"A1:{last}1")  # type: ignore[attr-defined]
    ws.row_dimensions[1].height = 30
    ws.append([_cell(ws, title, font=Font(size=16, bold=True), border=False,
                     align=Alignment(horizontal="center", vertical="center"))])
    if subtitle:
        ws.merged_cells.ranges.add(f"A2:{last}2")  # type: ignore[attr-defined]
        ws.append([_cell(ws, subtitle, border=False, align=Alignment(horizontal="right"))])
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.append([_cell(ws, c.header, font=bold, fill=_HEAD_FILL, align=center) for c in cols])
    for n, row in enumerate(rows, 1):
        ws.append([_cell(ws, n), *(_cell(ws, v) for v in row)])
    wb.save(str(path))
    return Path(path)


def table_file(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], **kw: Any) -> Path:
    """:func:`write_table` into a new temporary file (the caller sends and removes it)."""
    fd = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    fd.close()
    return write_table(fd.name, title, columns, rows, **kw)


def table_bytes(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], **kw: Any) -> bytes:
    path = table_file(title, columns, rows, **kw)
    try:
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
