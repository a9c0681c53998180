"""Rows of the document catalog (卷内文书目录), over one or more pages.

A catalog is a ruled table; Tesseract returns its cells as loose words in an order that
interleaves wrapped cells. Rows are found by their sequence numbers in the leftmost
column; within a row, words are gathered into cells by horizontal overlap (a wrapped cell's
lines share their left edge, neighbouring cells are separated by padding and a rule), and
each cell is recognised by what it holds: a document number, a date, a page range, or the
title. Nothing depends on the column order or widths of one bureau's form.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process

from scanning.types import Box, FieldValue, Word

from .classify import TITLES
from .normalize import find_dates, half_width, normalize_doc_no
from .text import PageText, fold

KNOWN_TITLES = [names[0] for t, names in TITLES.items() if t not in ("dossier_cover", "catalog")] + [
    "询问笔录", "讯问笔录", "现场照片", "现场勘验笔录", "辨认笔录", "证人证言", "鉴定意见", "扣押清单", "呈请立案报告书",
    "呈请拘留报告书", "呈请取保候审报告书", "到案经过", "户籍证明", "受案回执",
]
HEADER = ("序号", "文号", "文书名称", "日期", "页号", "备注", "责任者", "题名")
PAGES_RE = re.compile(r"^(\d{1,3})(?:[-~—–一至](\d{1,3}))?$")


def _union(ws: list[Word]) -> Box:
    return (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws), max(w.box[3] for w in ws))


def _cells(words: list[Word], tol: float) -> list[list[Word]]:
    """Group a row's words into cells: runs of horizontally overlapping or touching words."""
    cells: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: w.box[0]):
        if cells and w.box[0] <= cells[-1][1] + tol:
            x0, x1, ws = cells[-1]
            ws.append(w)
            cells[-1] = (x0, max(x1, w.box[2]), ws)
        else:
            cells.append((w.box[0], w.box[2], [w]))
    return [c[2] for c in cells]


def _cell_text(ws: list[Word]) -> str:
    heights = sorted(w.box[3] - w.box[1] for w in ws)
    h = heights[len(heights) // 2] or 1
    ordered = sorted(ws, key=lambda w: (round(((w.box[1] + w.box[3]) / 2) / (h * 0.8)), w.box[0]))
    return fold("".join(re.sub(r"\s+", "", w.text) for w in ordered))


def _fv(value: Any, page: int, ws: list[Word], raw: str) -> FieldValue:
    confs = [w.conf for w in ws if w.conf >= 0]
    return FieldValue(value, page, _union(ws), round(sum(confs) / len(confs) / 100, 3) if confs else 0.5, raw)


def read_catalog_page(pt: PageText) -> list[dict[str, FieldValue]]:
    """The rows on one catalog page, as dicts of FieldValues (seq, doc_no, title, date, pages)."""
    if not pt.words:
        return []
    heights = sorted(w.box[3] - w.box[1] for w in pt.words)
    h = heights[len(heights) // 2] or 10
    # the header row (if read) bounds the table from above
    top = 0
    for i, row in enumerate(pt.rows):
        t = pt.row_text(i)
        if sum(1 for k in HEADER if k in t) >= 2:
            top = row.box[3]
            break
    body = [w for w in pt.words if w.box[1] >= top - h * 0.2]
    if not body:
        return []
    left = min(w.box[0] for w in body)
    right = max(w.box[2] for w in body)
    seqs = [w for w in body if re.fullmatch(r"\d{1,3}", half_width(w.text.strip())) and w.box[0] < left + (right - left) * 0.1]
    seqs.sort(key=lambda w: w.box[1])
    rows: list[dict[str, FieldValue]] = []
    for k, sw in enumerate(seqs):
        y0 = sw.box[1] - h * 0.6
        y1 = seqs[k + 1].box[1] - h * 0.6 if k + 1 < len(seqs) else float("inf")
        ws = [w for w in body if y0 <= (w.box[1] + w.box[3]) / 2 < y1 and w is not sw]
        if k + 1 == len(seqs):  # the last row ends where the text grows sparse below it
            ws = [w for w in ws if w.box[1] < sw.box[1] + h * 6]
        entry: dict[str, FieldValue] = {"seq": _fv(int(half_width(sw.text.strip())), pt.index, [sw], sw.text)}
        for cell in _cells(ws, tol=h * 0.45):
            text = _cell_text(cell)
            _classify_cell(entry, text, cell, pt.index)
        rows.append(entry)
    return rows


def _classify_cell(entry: dict[str, FieldValue], text: str, cell: list[Word], page: int) -> None:
    plain = half_width(text)
    n = normalize_doc_no(plain) if ("字" in plain or "号" in plain) else None
    if n and "doc_no" not in entry:
        entry["doc_no"] = _fv(n, page, cell, text)
        rest = plain[plain.find("号") + 1:]
        if re.search(r"[\u4e00-\u9fff]{2,}", rest) and "title" not in entry:
            _title(entry, rest, cell, page)
        return
    m = PAGES_RE.match(plain.replace(" ", ""))
    if m and "first_page" not in entry:
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        entry["first_page"] = _fv(a, page, cell, text)
        entry["last_page"] = _fv(b, page, cell, text)
        return
    d = find_dates(plain, compact=True)
    if d and "date" not in entry:
        entry["date"] = _fv(d[0][2], page, cell, text)
        return
    if re.search(r"[\u4e00-\u9fff]{2,}", plain) and "title" not in entry:
        _title(entry, plain, cell, page)


def _title(entry: dict[str, FieldValue], text: str, cell: list[Word], page: int) -> None:
    t = re.sub(r"[^\u4e00-\u9fff（）]", "", text)
    if not t:
        return
    best = process.extractOne(t, KNOWN_TITLES, scorer=fuzz.ratio)
    value = best[0] if best and best[1] >= 70 else t
    entry["title"] = _fv(value, page, cell, text)


def entries_value(pages: list[PageText]) -> FieldValue | None:
    """The catalog's ``entries`` field over all its pages, in sequence order."""
    rows: list[dict[str, FieldValue]] = []
    for pt in pages:
        rows.extend(read_catalog_page(pt))
    if not rows:
        return None
    entries = []
    for r in rows:
        e = {k: fv.value for k, fv in r.items()}
        entries.append({k: e[k] for k in ("seq", "doc_no", "title", "date", "first_page", "last_page") if k in e})
    confs = [fv.conf for r in rows for fv in r.values()]
    first = rows[0]["seq"]
    return FieldValue(entries, first.page, None, round(sum(confs) / len(confs), 3), f"{len(entries)} rows")


def entry_rows(pages: list[PageText]) -> list[dict[str, FieldValue]]:
    out: list[dict[str, FieldValue]] = []
    for pt in pages:
        out.extend(read_catalog_page(pt))
    return out
