"""A bulletin as an A4 PDF laid out as an official document (GB/T 9704-2012, 党政机关公文格式):

- page: A4, top margin 37 mm, binding (left) margin 28 mm, a text block of 156 × 225 mm;
- 版头: the issuing office's mark (发文机关标志) in red, centred; the number (发文字号,
  天公法通〔2018〕3号) centred two lines below it; a red rule (分隔线) 156 mm wide 4 mm under
  the number;
- 主体: the title in 2号 (22 pt) centred; the text in 3号 (16 pt) 仿宋, 22 lines of 28
  characters a page, two characters' indent; headings 一、 in 黑体; the issuer and the date
  (成文日期, Arabic numerals, 右空四字) at the end;
- page numbers 4号 (14 pt) as "— 1 —", 7 mm under the text block, odd pages right, even left.

Tables (rankings, findings) are set in 5号 so they fit the 156 mm block. Fonts: a 仿宋 when
one is installed, else AR PL UKai (楷, the nearest of the packaged fonts), 宋 (AR PL UMing)
for numbers and titles, 黑 (WenQuanYi Zen Hei) for headings and the red mark.

Debian 12 packages no free 仿宋 for simplified Chinese: fonts-cwtex-fs (cwTeX 仿宋) covers
Big5 only (1,203 of the 3,755 GB2312 level-1 characters missing, 关 决 书 号 among them), and
FandolFang (texlive-lang-chinese) has CFF outlines, which reportlab cannot embed. A bureau
that holds a licence for SimFang puts simfang.ttf where ``FONTS`` looks for it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle

from ecase.supervision.bulletins.content import Bulletin, Table, chinese_number, period_words

#: (font name, candidate files) — TrueType outlines only (reportlab cannot embed CFF).
FONTS = {
    "ECaseHei": ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc"],
    "ECaseSong": ["/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
    "ECaseFang": ["/usr/share/fonts/truetype/fangsong/simfang.ttf", "/usr/share/fonts/truetype/simfang.ttf",
                  "/usr/local/share/fonts/simfang.ttf", "/usr/share/fonts/truetype/arphic/ukai.ttc",
                  "/usr/share/fonts/truetype/arphic/uming.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"],
}
#: GB/T 9704-2012 page geometry
TOP, LEFT, BLOCK_W, BLOCK_H = 37 * mm, 28 * mm, 156 * mm, 225 * mm
BODY_PT, LINES = 16, 22
FILL = {"green": colors.HexColor("#C6EFCE"), "yellow": colors.HexColor("#FFEB9C"),
        "red": colors.HexColor("#FFC7CE"), "orange": colors.HexColor("#FFD8A8"), "grey": colors.HexColor("#EEEEEE")}
RED = colors.HexColor("#D40000")


class FontMissing(RuntimeError):
    """No CJK TrueType font is installed (install fonts-wqy-zenhei)."""


def _register() -> tuple[str, str, str]:
    names = []
    for name, files in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            path = next((f for f in files if Path(f).exists()), None)
            if path is None:
                raise FontMissing(f"no CJK font for {name}: install fonts-wqy-zenhei")
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        names.append(name)
    return names[0], names[1], names[2]


def _table(t: Table, body: str, head: str, width: float) -> RLTable:
    """A ranking or findings table; the findings' long explanation (``说明``) stays in the
    workbook — on A4 portrait it would squeeze every other column."""
    keep = [i for i, c in enumerate(t.columns) if c != "说明"]
    cell = ParagraphStyle("cell", fontName=body, fontSize=9, leading=12)
    data = [[Paragraph(str(t.columns[i]), ParagraphStyle("h", parent=cell, fontName=head)) for i in keep]]
    for row in t.rows:
        data.append([Paragraph(str(row[i]), cell) for i in keep])
    n = len(keep)
    if t.title.startswith("问题清单"):
        cell = ParagraphStyle("cell", fontName=body, fontSize=8, leading=10.5)
        data = [[Paragraph(str(t.columns[i]), ParagraphStyle("h", parent=cell, fontName=head)) for i in keep]]
        data += [[Paragraph(str(row[i]), cell) for i in keep] for row in t.rows]
        mm_widths = [8, 19, 25, 47, 12, 8, 20, 11]
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


def _page_number(canvas: Any, doc: Any) -> None:
    """— 1 — under the text block: odd pages at the right, even at the left (一字 in)."""
    song = "ECaseSong"
    n = canvas.getPageNumber()
    text = f"— {n} —"
    canvas.saveState()
    canvas.setFont(song, 14)
    y = A4[1] - TOP - BLOCK_H - 7 * mm - 14
    if n % 2:
        canvas.drawRightString(LEFT + BLOCK_W - 14, y, text)
    else:
        canvas.drawString(LEFT + 14, y, text)
    canvas.restoreState()


def gb_date(d: Any) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros."""
    return f"{d.year}年{d.month}月{d.day}日"


def render_pdf(b: Bulletin) -> bytes:
    hei, song, fang = _register()
    buf = io.BytesIO()
    bottom = A4[1] - TOP - BLOCK_H
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=LEFT, rightMargin=A4[0] - LEFT - BLOCK_W, topMargin=TOP,
                            bottomMargin=bottom, title=f"{b.title} {b.number}", author=f"{b.bureau_name}{b.issuer}",
                            creator="ecase", invariant=1)
    line = BLOCK_H / LINES  # 22 lines a page
    mark = [f"{b.bureau_name}{b.issuer}", "执法监督通报"]
    # each line of the mark on one line of the block (at most 30 pt, GB/T 9704: ≤ 22 × 15 mm a character)
    size = min(30.0, min(BLOCK_W / (len(m) * 1.12) for m in mark))
    red_head = ParagraphStyle("redhead", fontName=hei, fontSize=size, leading=size * 1.3, textColor=RED,
                              alignment=TA_CENTER)
    number = ParagraphStyle("number", fontName=fang, fontSize=BODY_PT, leading=line, alignment=TA_CENTER)
    title = ParagraphStyle("title", fontName=song, fontSize=22, leading=line * 1.2, alignment=TA_CENTER)
    text = ParagraphStyle("text", fontName=fang, fontSize=BODY_PT, leading=line, firstLineIndent=2 * BODY_PT,
                          wordWrap="CJK")  # no line starts with 。，）
    h2 = ParagraphStyle("h2", fontName=hei, fontSize=BODY_PT, leading=line, firstLineIndent=2 * BODY_PT,
                        keepWithNext=1, spaceBefore=line / 2)
    small = ParagraphStyle("legend", fontName=fang, fontSize=10.5, leading=14, spaceAfter=2 * mm, keepWithNext=1,
                           wordWrap="CJK")
    sign = ParagraphStyle("sign", fontName=fang, fontSize=BODY_PT, leading=line, alignment=TA_RIGHT,
                          rightIndent=2 * BODY_PT)
    date = ParagraphStyle("date", parent=sign, rightIndent=4 * BODY_PT)
    story = [Paragraph(mark[0], red_head), Paragraph(mark[1], red_head),
             Spacer(1, 2 * line), Paragraph(b.number, number),
             HRFlowable(width=BLOCK_W, thickness=1.5, color=RED, spaceBefore=4 * mm, spaceAfter=line),
             Paragraph(f"关于{period_words(b.period.label)}{b.title}" + (f"（{b.unit}）" if b.unit else ""), title),
             Spacer(1, line), Paragraph(b.intro, text)]
    legend = "预警色：绿色为达标，黄色为接近达标，红色为未达标；名次相同为并列，无可计算记录的单位不排名（无）。"
    for i, t in enumerate(b.tables, 1):
        story.append(Paragraph(f"{chinese_number(i)}、{t.title}", h2))
        if t.band_column >= 0 and not t.title.startswith("问题清单"):
            story.append(Paragraph(legend, small))
        if t.rows:
            story.append(_table(t, song, hei, doc.width))
        else:
            story.append(Paragraph("（无）", text))
    story += [Spacer(1, 2 * line), KeepTogether([Paragraph(f"{b.bureau_name}{b.issuer}", sign),
                                                 Paragraph(gb_date(b.issued_on), date)])]
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()
