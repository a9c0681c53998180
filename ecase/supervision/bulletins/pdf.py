"""A bulletin as an A4 PDF in the official style: red head (红头) with the issuing office,
the number (天公法通〔2018〕3号), a red rule, the title, the text, coloured ranking tables,
the list of findings, the issuer and the date in Chinese numerals."""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from ecase.supervision.bulletins.content import Bulletin, Table, chinese_date, chinese_number

#: (font name, candidate files) — TrueType outlines only (reportlab cannot embed CFF).
FONTS = {
    "ECaseHei": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"],
    "ECaseSong": ["/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
}
FILL = {"green": colors.HexColor("#C6EFCE"), "yellow": colors.HexColor("#FFEB9C"),
        "red": colors.HexColor("#FFC7CE"), "orange": colors.HexColor("#FFD8A8"), "grey": colors.HexColor("#EEEEEE")}
RED = colors.HexColor("#D40000")


class FontMissing(RuntimeError):
    """No CJK TrueType font is installed (install fonts-wqy-zenhei)."""


def _register() -> tuple[str, str]:
    names = []
    for name, files in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            path = next((f for f in files if Path(f).exists()), None)
            if path is None:
                raise FontMissing(f"no CJK font for {name}: install fonts-wqy-zenhei")
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        names.append(name)
    return names[0], names[1]


def _table(t: Table, body: str, head: str, width: float) -> RLTable:
    """A ranking or findings table; the findings' long explanation (``说明``) stays in the
    workbook — on A4 portrait it would squeeze every other column."""
    keep = [i for i, c in enumerate(t.columns) if c != "说明"]
    cell = ParagraphStyle("cell", fontName=body, fontSize=8, leading=10.5)
    data = [[Paragraph(str(t.columns[i]), ParagraphStyle("h", parent=cell, fontName=head)) for i in keep]]
    for row in t.rows:
        data.append([Paragraph(str(row[i]), cell) for i in keep])
    n = len(keep)
    if t.title.startswith("问题清单"):
        mm_widths = [9, 24, 30, 42, 15, 10, 21, 12]
        col_widths = [w * mm * width / (sum(mm_widths) * mm) for w in mm_widths]
    else:
        wide = width / n * 1.6
        rest = (width - wide) / (n - 1)
        col_widths = [wide if i == 1 else rest for i in range(n)]
    tbl = RLTable(data, colWidths=col_widths, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for i, band in enumerate(t.bands, 1):
        if band and t.band_column >= 0:
            for col in (t.band_column, t.band_column + 1):
                if col < n:
                    style.append(("BACKGROUND", (col, i), (col, i), FILL.get(band, FILL["grey"])))
    tbl.setStyle(TableStyle(style))
    return tbl


def render_pdf(b: Bulletin) -> bytes:
    hei, song = _register()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=25 * mm, rightMargin=22 * mm, topMargin=25 * mm,
                            bottomMargin=20 * mm, title=f"{b.title} {b.number}", author=f"{b.bureau_name}{b.issuer}",
                            creator="ecase", invariant=1)
    red_head = ParagraphStyle("redhead", fontName=hei, fontSize=26, leading=34, textColor=RED, alignment=TA_CENTER)
    number = ParagraphStyle("number", fontName=song, fontSize=12, leading=18, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=hei, fontSize=18, leading=26, alignment=TA_CENTER)
    text = ParagraphStyle("text", fontName=song, fontSize=12, leading=21, firstLineIndent=24)
    h2 = ParagraphStyle("h2", fontName=hei, fontSize=12.5, leading=20, spaceBefore=8, spaceAfter=4)
    sign = ParagraphStyle("sign", fontName=song, fontSize=12, leading=20, alignment=TA_RIGHT)
    story = [Paragraph(f"{b.bureau_name}{b.issuer}", red_head), Paragraph("执法监督通报", red_head),
             Spacer(1, 4 * mm), Paragraph(b.number, number),
             HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=2 * mm, spaceAfter=6 * mm),
             Paragraph(f"关于{b.period.label}{b.title}" + (f"（{b.unit}）" if b.unit else ""), title),
             Spacer(1, 4 * mm), Paragraph(b.intro, text)]
    legend = "预警色：绿色≥达标线，黄色为接近达标，红色为未达标。"
    for i, t in enumerate(b.tables, 1):
        story.append(Paragraph(f"{chinese_number(i)}、{t.title}", h2))
        if t.band_column >= 0 and not t.title.startswith("问题清单"):
            story.append(Paragraph(legend, ParagraphStyle("legend", fontName=song, fontSize=9, leading=12)))
        if t.rows:
            story.append(_table(t, song, hei, doc.width))
        else:
            story.append(Paragraph("（无）", text))
    story += [Spacer(1, 12 * mm), Paragraph(f"{b.bureau_name}{b.issuer}", sign),
              Paragraph(chinese_date(b.issued_on), sign)]
    doc.build(story)
    return buf.getvalue()
