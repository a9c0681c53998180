"""A bulletin as an .xlsx workbook: a cover sheet, one sheet per table, coloured cells."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ecase.supervision.bulletins.content import Bulletin, chinese_date

FILL = {k: PatternFill("solid", start_color=v, end_color=v)
        for k, v in {"green": "C6EFCE", "yellow": "FFEB9C", "orange": "FFD8A8", "red": "FFC7CE",
                          "grey": "EEEEEE"}.items()}


def render_xlsx(b: Bulletin) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "通报"
    ws.append([f"{b.bureau_name}{b.issuer}执法监督通报"])
    ws["A1"].font = Font(size=18, bold=True, color="D40000")
    for row in ([b.number], [f"关于{b.period.label}{b.title}" + (f"（{b.unit}）" if b.unit else "")],
                [b.intro], [f"{b.bureau_name}{b.issuer}"], [chinese_date(b.issued_on)]):
        ws.append(row)
    ws.column_dimensions["A"].width = 100
    used: set[str] = set()
    for t in b.tables:
        name = re.sub(r"[\\/*?:\[\]]", "", t.title)[:28] or "表"
        while name in used:
            name += "_"
        used.add(name)
        sh = wb.create_sheet(name)
        sh.append(t.columns)
        for c in sh[1]:
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", start_color="DDDDDD", end_color="DDDDDD")
        for i, row in enumerate(t.rows):
            sh.append(row)
            band = t.bands[i] if i < len(t.bands) else None
            if band and t.band_column >= 0:
                for col in (t.band_column, t.band_column + 1):
                    if col < len(t.columns):
                        sh.cell(row=i + 2, column=col + 1).fill = FILL.get(band, FILL["grey"])
        for j, col in enumerate(t.columns, 1):
            longest = max([len(str(col))] + [len(str(r[j - 1])) for r in t.rows[:200]])
            sh.column_dimensions[get_column_letter(j)].width = min(60, 4 + longest * 1.6)
        for row in sh.iter_rows(min_row=2):
            for c in row:
                c.alignment = Alignment(wrap_text=True, vertical="center")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
