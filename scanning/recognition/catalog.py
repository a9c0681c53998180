"""Rows of the document catalog (卷内文书目录), over one or more pages.

A catalog is a ruled table; Tesseract returns its cells as loose words in an order that
interleaves wrapped cells. Rows are found by their sequence numbers in the leftmost
column; within a row, words are gathered into cells by horizontal overlap (a wrapped cell's
lines share their left edge, neighbouring cells are separated by padding and a rule), and
each cell is recognised by what it holds: a document number, a date, a page range, or the
title. Nothing depends on the column order or widths of one bureau's form.

When the page's table was read cell by cell along its rules (:mod:`scanning.tables`,
``PageText.cells``), the rows and columns are the rules' own: each ruled row is one
entry, the header cells name the columns (a page without a header row keeps the
columns of the page before), and sequence and page numbers come from the cell's
digits-only reading. A cell under no known header, or that does not hold what its
header says, is recognised by its content as above.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from rapidfuzz import fuzz, process

from scanning.types import Box, Cell, FieldValue, Word

from .classify import TITLES
from .labels import current
from .normalize import find_dates, half_width, make_date, normalize_doc_no
from .text import PageText, fold

KNOWN_TITLES = [names[0] for t, names in TITLES.items() if t not in ("dossier_cover", "catalog")] + [
    "询问笔录", "讯问笔录", "现场照片", "现场勘验笔录", "辨认笔录", "证人证言", "鉴定意见", "扣押清单", "呈请立案报告书",
    "呈请拘留报告书", "呈请取保候审报告书", "到案经过", "户籍证明", "受案回执",
]
#: The roles of a catalog's columns, and the vocabulary key (labels.toml [catalog]) of each.
ROLE_KEYS = {"seq": "seq", "doc_no": "doc_no", "title": "title", "date": "date", "pages": "pages", "": "other_column"}


def column_roles() -> dict[str, str]:
    """Header label -> role (``""`` for a known column of no interest), from the vocabulary."""
    vocab = current()
    return {label: role for role, key in ROLE_KEYS.items() for label in vocab.labels("catalog", key)}


def header_labels() -> tuple[str, ...]:
    return tuple(column_roles())
PAGES_RE = re.compile(r"^(\d{1,3})(?:[-~〜—–―‐−一至=_－]{1,2}(\d{1,3}))?$")  # 1-2, 13〜14, and 1=-2 (a dash read twice)
#: a page range in words: 第5页, 第5至7页, 第5-7页, 第5页至第7页 (页 misread 贝 or 頁)
WORDED_PAGES_RE = re.compile(r"^第(\d{1,3})[页贝頁]?(?:[-~〜—–―‐−一至到=_－]{1,2}第?(\d{1,3}))?[页贝頁]$")


def page_range(raw: str) -> tuple[int, int] | None:
    """The first and last page of a catalog's page cell (``raw`` half-width, no spaces),
    written as figures (5, 5-7, 13〜14) or in words (第5页, 第5至7页); None if it is neither."""
    m = PAGES_RE.match(raw) or WORDED_PAGES_RE.match(raw)
    if not m:
        return None
    a = int(m.group(1))
    return a, int(m.group(2)) if m.group(2) else a


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
    """Words in the order gathered (row by row, left to right), rules ("|") dropped."""
    return fold("".join(re.sub(r"[\s|“”\"]+", "", w.text) for w in ws))


def _fv(value: Any, page: int, ws: list[Word], raw: str) -> FieldValue:
    confs = [w.conf for w in ws if w.conf >= 0]
    return FieldValue(value, page, _union(ws), round(sum(confs) / len(confs), 3) if confs else 0.5, raw)


def _is_rule(text: str) -> bool:
    """A table rule read as a character (|, quotes, brackets standing alone)."""
    return bool(text.strip()) and all(c in "|“”\"'‘’[]!l" for c in text.strip())


def _coverage(words: list[Word], h: float) -> tuple[int, list[int]]:
    x0 = min(w.box[0] for w in words)
    x1 = max(w.box[2] for w in words)
    cover = [0] * (x1 - x0 + 2)
    for w in words:
        if _is_rule(w.text) or (w.box[2] - w.box[0]) > 12 * h:
            continue
        for x in range(w.box[0] - x0, w.box[2] - x0 + 1):
            cover[x] += 1
    return x0, cover


def _gaps(x0: int, cover: list[int], limit: int) -> list[tuple[int, int]]:
    """Runs of low coverage as (start, end) page x positions."""
    out, run = [], None
    for i, c in enumerate(cover + [limit + 1]):
        if c <= limit and run is None:
            run = i
        elif c > limit and run is not None:
            if run > 0:
                out.append((x0 + run, x0 + i))
            run = None
    return out


def _header_spans(pt: PageText, row_i: int) -> list[tuple[int, int]]:
    """Horizontal extents of the header labels read on the header row."""
    text = pt.row_text(row_i)
    base = pt.row_start[row_i]
    spans = []
    taken: set[int] = set()
    for label in header_labels():
        j = text.find(label)
        if j < 0 or j in taken:
            continue
        taken.update(range(j, j + len(label)))
        ws = [pt.words[pt.char_word[base + k]] for k in range(j, j + len(label)) if pt.char_word[base + k] >= 0]
        if ws:
            spans.append((min(w.box[0] for w in ws), max(w.box[2] for w in ws)))
    return sorted(spans)


def _columns(words: list[Word], h: float, nrows: int, header: list[tuple[int, int]]) -> list[float]:
    """Column cuts: between consecutive header labels, the widest gap common to all rows."""
    if not words:
        return []
    x0, cover = _coverage(words, h)
    gaps = _gaps(x0, cover, int(0.12 * nrows))
    cuts: list[float] = []
    if len(header) >= 2:
        bounds = [(header[k][1], header[k + 1][0]) for k in range(len(header) - 1)]
        for lo, hi in bounds:
            inside = [(max(a, lo - h), min(b, hi + h)) for a, b in gaps if b > lo - h and a < hi + h]
            inside = [g for g in inside if g[1] > g[0]]
            if inside:
                # the widest gap, favouring those near the next label (content is left-aligned)
                a, b = max(inside, key=lambda g: (g[1] - g[0]) * (1 + min(max(((g[0] + g[1]) / 2 - lo) / max(hi - lo, 1), 0), 1)))
                cuts.append(b - min(0.2 * h, (b - a) / 2))
            else:
                cuts.append((lo + hi) / 2)
        return cuts
    return [b - min(0.2 * h, (b - a) / 2) for a, b in gaps if b - a >= 0.7 * h]


def read_catalog_page(pt: PageText, prev_seq: int = 0) -> list[dict[str, FieldValue]]:
    """The rows on one catalog page, as dicts of FieldValues (seq, doc_no, title, date, pages)."""
    if not pt.words:
        return []
    heights = sorted(w.box[3] - w.box[1] for w in pt.words)
    h = heights[len(heights) // 2] or 10
    top = 0
    header: list[tuple[int, int]] = []
    for i, row in enumerate(pt.rows):
        t = pt.row_text(i)
        if sum(1 for k in header_labels() if k in t and not any(k in o and k != o for o in header_labels() if o in t)) >= 2:
            top = row.box[3]
            header = _header_spans(pt, i)
            break
    rows = [r for r in pt.rows if r.box[1] >= top - h * 0.2]
    while rows and not any(re.search(r"\d", w.text) for w in rows[0].words):
        rows = rows[1:]  # remnants of a wrapped header (备/注) above the first numbered row
    body = [w for r in rows for w in r.words]
    if not body:
        return []
    cuts = _columns(body, h, len(rows), header)

    def col(w: Word) -> int:
        cx = w.box[0] + min(h * 0.5, (w.box[2] - w.box[0]) / 2)
        return sum(1 for c in cuts if cx > c)

    ncol = len(cuts) + 1
    lines: list[list[list[Word]]] = []
    for r in rows:
        cells: list[list[Word]] = [[] for _ in range(ncol)]
        for w in r.words:
            if _is_rule(w.text):
                continue
            cells[col(w)].append(w)
        lines.append(cells)
    entries: list[list[list[Word]]] = []
    for cells in lines:
        first = _cell_text(cells[0]) if cells[0] else ""
        has_seq = bool(re.fullmatch(r"\d{1,3}", half_width(first)))
        year_cols = [k for k, c in enumerate(cells) if c and re.search(r"(?:19|20)\d\d", half_width(_cell_text(c)))]
        new = has_seq
        if not new and entries and year_cols:
            cur = entries[-1]
            new = any(re.search(r"(?:19|20)\d\d", half_width(_cell_text(cur[k]))) for k in year_cols if cur[k])
        if new or not entries:
            entries.append([list(c) for c in cells])
        else:
            for k in range(ncol):
                entries[-1][k].extend(cells[k])
    out: list[dict[str, FieldValue]] = []
    for cells in entries:
        entry: dict[str, FieldValue] = {}
        for k, cell in enumerate(cells):
            if not cell:
                continue
            text = _cell_text(cell)
            if k == 0 and re.fullmatch(r"\d{1,3}", half_width(text)):
                entry["seq"] = _fv(int(half_width(text)), pt.index, cell, text)
                continue
            _classify_cell(entry, text, cell, pt.index)
        if len(entry) < 2:
            continue
        if "seq" not in entry or (prev_seq and entry["seq"].value < prev_seq and entry["seq"].conf < 0.9):
            # the number was not read (or read as a smaller one): rows are numbered in order
            ws = [w for c in cells for w in c]
            entry["seq"] = FieldValue(prev_seq + 1, pt.index, _union(ws), 0.3, entry["seq"].raw if "seq" in entry else "")
        prev_seq = entry["seq"].value
        out.append(entry)
    return out


def _classify_cell(entry: dict[str, FieldValue], text: str, cell: list[Word], page: int) -> None:
    plain = half_width(text)
    n = normalize_doc_no(plain) if ("字" in plain or "子" in plain or "号" in plain) else None
    if n is None and ("字" in plain or "子" in plain) and re.search(r"\d{1,6}\D{0,2}$", plain):
        # the closing 号 of a wrapped cell misread (与, 竹, 写, -本): the cell holds nothing else
        n = normalize_doc_no(re.sub(r"(\d)\D{0,2}$", r"\1号", plain))
    if n and "doc_no" not in entry:
        entry["doc_no"] = _fv(n, page, cell, text)
        rest = plain[plain.find("号") + 1:]
        if re.search(r"[\u4e00-\u9fff]{2,}", rest) and "title" not in entry:
            _title(entry, rest, cell, page)
        return
    span = page_range(plain.replace(" ", ""))
    if span and "first_page" not in entry:
        a, b = span
        entry["first_page"] = _fv(a, page, cell, text)
        entry["last_page"] = _fv(b, page, cell, text)
        return
    d = find_dates(plain, compact=True)
    if d and "date" not in entry:
        entry["date"] = _fv(d[0][2], page, cell, text)
        # the title and date columns read as one cell (no rule seen between them)
        before = plain[:d[0][0]]
        if re.search(r"[\u4e00-\u9fff]{2,}", before) and not NUMBER_HEAD.search(before):
            _title(entry, before, cell, page)
        return
    if re.search(r"[\u4e00-\u9fff]{2,}", plain) and not NUMBER_HEAD.search(plain):
        _title(entry, plain, cell, page)


# the head of a document number split off its digits by a column cut (汪槐公（刑）提捕字):
# never a title
NUMBER_HEAD = re.compile(r"公[（(]?[刑行]?[)）]?[\u4e00-\u9fff]{0,4}字|政复决字|字$|^[\u4e00-\u9fff]{1,3}公$")


def _title_score(text: str) -> float:
    t = re.sub(r"[^\u4e00-\u9fff（）]", "", text)
    best = process.extractOne(t, KNOWN_TITLES, scorer=fuzz.ratio) if t else None
    return best[1] if best else 0.0


def _title(entry: dict[str, FieldValue], text: str, cell: list[Word], page: int) -> None:
    """The title cell; of two cells that could be the title, the one nearer a known title wins."""
    t = re.sub(r"[^\u4e00-\u9fff（）]", "", text)
    if not t:
        return
    best = process.extractOne(t, KNOWN_TITLES, scorer=fuzz.ratio)
    # a known title printed whole inside a cell that also caught a number's pieces
    inside = next((k for k in sorted(KNOWN_TITLES, key=len, reverse=True) if len(k) >= 4 and k in t), None)
    if inside and (best is None or best[1] < 70):
        best = (inside, 100.0, 0)
    if "title" in entry and (best[1] if best else 0.0) <= _title_score(entry["title"].raw):
        return
    value = best[0] if best and best[1] >= 70 else t
    entry["title"] = _fv(value, page, cell, text)


def entries_value(pages: list[PageText]) -> FieldValue | None:
    """The catalog's ``entries`` field over all its pages, in sequence order."""
    rows = entry_rows(pages)
    if not rows:
        return None
    _page_sequence(rows)
    entries = []
    for r in rows:
        e = {k: fv.value for k, fv in r.items()}
        entries.append({k: e[k] for k in ("seq", "doc_no", "title", "date", "first_page", "last_page") if k in e})
    confs = [fv.conf for r in rows for fv in r.values()]
    first = rows[0]["seq"]
    return FieldValue(entries, first.page, None, round(sum(confs) / len(confs), 3), f"{len(entries)} rows")


def _page_sequence(rows: list[dict[str, FieldValue]]) -> None:
    """Page ranges follow one another, from page 1: a number that does not fit between the
    rows around it is read again as the two slips OCR makes in a page cell, a table rule
    read as 1 before the number (17 for 7) or a lost dash (12 for 1-2); the catalog's own
    order is the evidence, and a reading that fits is never changed."""
    known = [i for i, r in enumerate(rows) if r.get("first_page") is not None and r.get("last_page") is not None]
    prev_last, prev_i = 0, -1
    for n, i in enumerate(known):
        r = rows[i]
        fp, lp = r["first_page"], r["last_page"]
        due = prev_last + (i - prev_i)  # each row between without a range holds at least a page
        nxt = rows[known[n + 1]]["first_page"].value if n + 1 < len(known) else None
        gap_after = known[n + 1] - i if n + 1 < len(known) else 0

        def fits(a: int, b: int) -> bool:
            return due <= a <= b and (nxt is None or b + gap_after <= nxt)

        exact = prev_i >= 0 and i - prev_i == 1  # the row before has its range: due is certain
        if not fits(fp.value, lp.value) or (exact and fp.value != due):
            sf, sl = str(fp.value), str(lp.value)
            fixed: tuple[int, int] | None = None
            strip = lambda t: int(t[1:]) if t.startswith("1") and len(t) > 1 else None  # noqa: E731
            a, b = strip(sf), (strip(sl) if sl != sf else strip(sf))
            if a is not None and b is not None and a == due and fits(a, b):
                fixed = (a, b)
            elif (sf == sl and len(sf) == 2 and fits(int(sf[0]), int(sf[1])) and int(sf[0]) == due
                  and not fits(fp.value, lp.value)):
                fixed = (int(sf[0]), int(sf[1]))
            if fixed:
                r["first_page"] = FieldValue(fixed[0], fp.page, fp.box, round(fp.conf * 0.8, 3), fp.raw)
                r["last_page"] = FieldValue(fixed[1], lp.page, lp.box, round(lp.conf * 0.8, 3), lp.raw)
        prev_last, prev_i = r["last_page"].value, i


def entry_rows(pages: list[PageText]) -> list[dict[str, FieldValue]]:
    out: list[dict[str, FieldValue]] = []
    roles: dict[int, str] = {}
    for pt in pages:
        prev = out[-1]["seq"].value if out else 0
        if pt.cells:
            last = next((r["last_page"].value for r in reversed(out) if "last_page" in r), 0)
            rows, roles = read_catalog_grid(pt, prev, roles, last)
            out.extend(rows)
        else:
            out.extend(read_catalog_page(pt, prev))
    _page_sequence(out)
    return out


def _header_role(text: str) -> str | None:
    """The role of a header cell (``""`` for a known column of no interest), or None."""
    t = re.sub(r"[^\u4e00-\u9fff]", "", text)
    if not t or len(t) > 6:
        return None
    roles = column_roles()
    if t in roles:
        return roles[t]
    best = process.extractOne(t, list(roles), scorer=fuzz.ratio, score_cutoff=66)
    return roles[best[0]] if best else None


def _cell_words(pt: PageText, cell: Cell) -> list[Word]:
    x0, y0, x1, y1 = cell.box
    return [w for w in pt.words if x0 <= (w.box[0] + w.box[2]) / 2 <= x1 and y0 <= (w.box[1] + w.box[3]) / 2 <= y1]


def _cell_fv(value: Any, pt: PageText, cell: Cell, ws: list[Word], raw: str) -> FieldValue:
    if ws:
        return _fv(value, pt.index, ws, raw)
    return FieldValue(value, pt.index, cell.box, 0.6, raw)


def read_catalog_grid(
    pt: PageText, prev_seq: int = 0, roles: dict[int, str] | None = None, prev_last: int = 0
) -> tuple[list[dict[str, FieldValue]], dict[int, str]]:
    """The rows of a catalog page read cell by cell; and the column roles, for the next page.

    ``prev_seq`` and ``prev_last`` are the last sequence number and page of the rows
    before (on earlier pages).
    """
    table: dict[int, dict[int, Cell]] = {}
    for cell in pt.cells:
        table.setdefault(cell.row, {})[cell.col] = cell
    roles = dict(roles or {})
    headerless = _number_columns(table)  # the columns' roles while no header row has named them
    out: list[dict[str, FieldValue]] = []
    for r in sorted(table):
        cells = table[r]
        found = {c: _header_role(cell.text) for c, cell in cells.items()}
        if sum(1 for v in found.values() if v is not None) >= 2:
            roles = {c: v for c, v in found.items() if v is not None}
            # a number column whose header was misread (页号 as 现号): its numbers tell it
            for c, v in headerless.items():
                if v not in roles.values() and c not in roles:
                    roles[c] = v
            continue
        if not roles:
            roles = headerless
        entry: dict[str, FieldValue] = {}
        for c in sorted(cells):
            cell = cells[c]
            ws = _cell_words(pt, cell)
            text = fold(re.sub(r"[\s|“”\"]+", "", cell.text))
            role = roles.get(c)
            if role == "":
                continue
            if role == "seq" and _grid_number(entry, "seq", pt, cell, ws, text, prev_seq + 1):
                continue
            if role == "pages" and _grid_number(entry, "pages", pt, cell, ws, text, _pages_due(entry, prev_last)):
                continue
            if role == "date" and _grid_date(entry, pt, cell, ws, text):
                continue
            if not text:
                continue
            if role == "title" and not find_dates(half_width(text), compact=True):
                _title(entry, text, ws or _cell_stub(cell), pt.index)
                continue
            _classify_cell(entry, text, ws or _cell_stub(cell), pt.index)
        if len(entry) < 2:
            continue
        if "seq" not in entry or (prev_seq and entry["seq"].value < prev_seq and entry["seq"].conf < 0.9):
            box = (min(c.box[0] for c in cells.values()), min(c.box[1] for c in cells.values()),
                   max(c.box[2] for c in cells.values()), max(c.box[3] for c in cells.values()))
            entry["seq"] = FieldValue(prev_seq + 1, pt.index, box, 0.3, entry["seq"].raw if "seq" in entry else "")
        prev_seq = entry["seq"].value
        if "last_page" in entry:
            prev_last = entry["last_page"].value
        out.append(entry)
    return out, roles


def _pages_due(entry: dict[str, FieldValue], prev_last: int) -> int | None:
    """The first page a row's range is due to start on: after the last row's; the first
    row's documents start on page 1."""
    if prev_last:
        return prev_last + 1
    return 1 if "seq" in entry and entry["seq"].value == 1 else None


def _number_columns(table: dict[int, dict[int, Cell]]) -> dict[int, str]:
    """Roles of a headerless table's number columns: the leftmost column of small numbers
    holds the sequence, a later one the pages."""
    counts: dict[int, int] = {}
    for cells in table.values():
        for c, cell in cells.items():
            if any(page_range(r.replace(" ", "")) for r in (*cell.digits, half_width(cell.text))):
                counts[c] = counts.get(c, 0) + 1
    numeric = sorted(c for c, n in counts.items() if n >= max(1, len(table) / 2))
    roles: dict[int, str] = {}
    if numeric:
        roles[numeric[0]] = "seq"
    if len(numeric) > 1:
        roles[numeric[-1]] = "pages"
    return roles


def _grid_date(entry: dict[str, FieldValue], pt: PageText, cell: Cell, ws: list[Word], text: str) -> bool:
    """A date cell: the text reading, else the digits-only reading when it is a whole date.

    The digits reading of 2018.03.24 is 20180324; of 2018年5月20日 it has no year-month
    separators (and 年 may come back as 4), so only eight digits that make a real date count.
    """
    d = find_dates(half_width(text), compact=True) if text else []
    if d:
        entry["date"] = _cell_fv(d[0][2], pt, cell, ws, text)
        return True
    for raw in cell.digits:
        m = re.fullmatch(r"((?:19|20)\d\d)(\d\d)(\d\d)", raw)
        value = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        if value:
            entry["date"] = _cell_fv(value, pt, cell, ws, raw)
            return True
    return False


def _cell_stub(cell: Cell) -> list[Word]:
    return [Word(cell.text, cell.box, cell.conf)]


def _grid_number(
    entry: dict[str, FieldValue], role: str, pt: PageText, cell: Cell, ws: list[Word], text: str, due: int | None
) -> bool:
    """A sequence number or page range from a number cell.

    The cell's readings (digits-only ones first, then the text) are candidates; the one
    the numbering expects (``due``: the next sequence number, or the page after the last
    row's) wins, a range before a single page, else the one most readings agree on, else
    the first.
    """
    found: list[tuple[str, int, int]] = []
    readings = (*cell.digits, half_width(text))
    if role == "pages" and WORDED_PAGES_RE.match(readings[-1].replace(" ", "")):
        # 第5至7页: the digits-only model reads 第 and 页 as figures too (第1页 as 81), so
        # the text's reading of the words alone is taken
        readings = readings[-1:]
    for raw in readings:
        raw = raw.replace(" ", "")
        if role == "seq" and re.fullmatch(r"\d{1,3}", raw):
            found.append((raw, int(raw), int(raw)))
        span = page_range(raw) if role == "pages" else None
        if span and span[0] <= span[1]:
            found.append((raw, *span))
    if not found:
        return False
    votes = Counter((a, b) for _, a, b in found)
    # at the page expected, a range read in the text outweighs one page read by the digits-only
    # model, whose characters hold no range mark (11～12 read 11)
    expected = [f for f in found if due is not None and f[1] == due]
    best = next((f for f in expected if f[2] > f[1]), None) or next(iter(expected), None)
    if best is None:
        top = max(votes.values())
        best = next(f for f in found if votes[(f[1], f[2])] == top)
    raw, a, b = best
    if role == "seq":
        entry["seq"] = _cell_fv(a, pt, cell, ws, raw)
    else:
        entry["first_page"] = _cell_fv(a, pt, cell, ws, raw)
        entry["last_page"] = _cell_fv(b, pt, cell, ws, raw)
    return True
