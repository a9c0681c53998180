"""Ruled tables: find the grid of rules on a page, read every cell on its own.

Tesseract's layout analysis reads a ruled table badly: a rule next to a digit becomes
``1`` or ``|`` (page 7 read as 17), a narrow column of sequence or page numbers is
dropped, two cells on one line are read as one word. Forms such as the catalog
(卷内文书目录) are printed as ruled tables, and the rules themselves say where every
cell is. So:

1. :func:`find_grid` finds the long horizontal and vertical rules (runs of dark pixels
   much longer than any character, a few pixels of slant tolerated), and from them the
   rows and columns of the table. Pages without such a grid are left to the normal path.
2. :func:`read_cells` erases the rules, cuts out every cell that holds ink, trims it to
   its ink and stacks the cuts one under another on a sheet of the page's paper with a
   clear gap between them (several sheets for an engine that brings a tall image down,
   see ``MAX_SHEET``): one OCR reading (:mod:`scanning.ocr`, layout "block") a sheet reads
   its cells as a block of short lines, and each word read is put back in its cell by
   where it sits on the sheet, with its box in page coordinates. Cells that hold ink but came back empty
   (a lone digit is often dropped) are read once more, enlarged, one line each.

:func:`find_rules` finds every ruling line of a page, table or not (cell borders, rules
between rows, underlines): the pipeline gives them to every page's reading
(``PageOCR.rules``) so that recognition can end a value at a cell's border.

Nothing here knows what the table is for: :mod:`scanning.recognition.catalog` gives
the columns their meaning from the header cells.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from PIL import Image

from scanning.ocr import Engine, add_line, get_engine, join_words
from scanning.types import Box, Cell, PageOCR, Word

#: A rule is a run of dark pixels at least this share of the page's width (horizontal);
#: a vertical rule must cross this share of the table's rows.
MIN_HRULE = 0.25
MIN_VRULE = 0.6
#: Share of a row's height a vertical rule darkens (strokes of characters stay far below).
VRULE_COVER = 0.7
#: Rows and columns narrower than this (pixels at 300 dpi) are the two sides of one thick rule.
MIN_GAP_300 = 14
#: Cells are read stacked on sheets at most this many pixels tall when the engine brings a
#: larger image down to a size of its own (PP-OCR's text detector: 2000 pixels): a page's
#: cells stacked on one sheet (some 13000 pixels at 200 dpi, 22000 at 300) would come down
#: to text a few pixels high, of which lone digits, the heads of lines and second lines are
#: lost. An engine that reads an image at its own size (Tesseract) reads one sheet.
MAX_SHEET = 2000


@dataclass(frozen=True, slots=True)
class Grid:
    """Positions (pixels) of one table's rules: horizontal ``ys``, vertical ``xs``.

    ``xs`` are the rules that run through (most of) the table; ``row_xs[r]`` those of
    row ``r`` alone, which may have more (a row split into more cells, as on a form
    whose first rows hold 姓名 | 性别 | 出生日期) or fewer (cells merged across a rule).
    """

    ys: list[int]
    xs: list[int]
    thickness: int
    row_xs: list[list[int]]

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def cell_boxes(self) -> list[tuple[int, int, Box]]:
        return [
            (r, c, (xs[c], self.ys[r], xs[c + 1], self.ys[r + 1]))
            for r, xs in enumerate(self.row_xs)
            for c in range(len(xs) - 1)
        ]


def _otsu(grey: np.ndarray) -> int:
    hist = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    omega = np.cumsum(hist) / total
    mu = np.cumsum(hist * np.arange(256)) / total
    mu_t = mu[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = (mu_t * omega - mu) ** 2 / (omega * (1 - omega))
    sigma = np.nan_to_num(sigma)
    return int(np.argmax(sigma))


def dark_mask(grey: np.ndarray) -> np.ndarray:
    """Ink: darker than Otsu's threshold (never lighter than mid-grey paper)."""
    return grey <= min(_otsu(grey), 200)


def _longest_runs(mask: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``mask``: longest run of True allowing holes up to ``gap``; its start and end."""
    h, w = mask.shape
    if gap > 0:
        mask = close_gaps(mask, gap)
    best = np.zeros(h, np.int64)
    start = np.zeros(h, np.int64)
    end = np.zeros(h, np.int64)
    for r, a, b in zip(*runs(mask)):
        if b - a > best[r]:
            best[r], start[r], end[r] = b - a, a, b
    return best, start, end


def close_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    """``mask`` with holes along its rows closed: a pixel is set if set pixels lie within
    ``gap`` on both sides of it."""
    h, w = mask.shape
    csum = np.concatenate([np.zeros((h, 1), np.int32), np.cumsum(mask, axis=1, dtype=np.int32)], axis=1)
    idx = np.arange(w)
    left = csum[:, idx + 1] - csum[:, np.maximum(idx - gap, 0)]
    right = csum[:, np.minimum(idx + gap + 1, w)] - csum[:, idx]
    return mask | ((left > 0) & (right > 0))


def fill_runs(shape: tuple[int, int], rows: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A mask of ``shape`` with the given horizontal runs set (vectorised: a page holds 10^5 runs)."""
    out = np.zeros(shape, bool)
    lengths = ends - starts
    if lengths.size == 0:
        return out
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    out[np.repeat(rows, lengths), np.repeat(starts, lengths) + offsets] = True
    return out


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every horizontal run of True in ``mask``: its row, start and end (exclusive)."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    rows, starts = np.nonzero(d == 1)
    _, ends = np.nonzero(d == -1)  # ends pair with starts, row by row
    return rows, starts, ends


def group_positions(positions: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Consecutive positions (allowing ``min_gap`` - 1 missing) as (first, last) runs."""
    out: list[tuple[int, int]] = []
    for p in positions.tolist():
        if out and p - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


def find_grid(grey: Image.Image | np.ndarray, dpi: int = 300) -> Grid | None:
    """The rules of the largest ruled table on the page, or None."""
    a = np.asarray(grey.convert("L") if isinstance(grey, Image.Image) else grey)
    if a.ndim != 2 or min(a.shape) < 50:
        return None
    h, w = a.shape
    ink = dark_mask(a)
    tol = max(2, round(dpi / 100))  # broken pixels tolerated along a rule
    slant = max(2, round(dpi / 60))  # rows a rule may wander over (a page left a little skewed)
    min_gap = max(4, round(MIN_GAP_300 * dpi / 300))
    # horizontal rules: a row's ink smeared over a few rows up and down, runs along x
    smeared = ink.copy()
    for k in range(1, slant):
        smeared[k:] |= ink[:-k]
        smeared[:-k] |= ink[k:]
    hbest, hstart, hend = _longest_runs(smeared, tol)
    hrows = np.nonzero(hbest >= MIN_HRULE * w)[0]
    if len(hrows) < 3:
        return None
    hlines = group_positions(hrows, min_gap)
    ys = [(a0 + b0) // 2 for a0, b0 in hlines]
    if len(ys) < 3:
        return None
    top, bottom = ys[0], ys[-1]
    # a slightly slanted rule is long in several neighbouring rows: their runs together span it
    long_run = hbest >= MIN_HRULE * w
    x_lo = int(np.median([hstart[a0:b0 + 1][long_run[a0:b0 + 1]].min() for a0, b0 in hlines]))
    x_hi = int(np.median([hend[a0:b0 + 1][long_run[a0:b0 + 1]].max() for a0, b0 in hlines]))
    # vertical rules, band by band between horizontal rules (a short band is hardly
    # slanted): x positions dark over most of a band's height, kept when most bands agree
    per_band: list[list[int]] = []
    for ya, yb in zip(ys, ys[1:]):
        band = ink[ya:yb + 1, max(0, x_lo - 3 * tol):x_hi + 3 * tol + 1]
        near = band.copy()  # a pixel of slant either side
        near[:, 1:] |= band[:, :-1]
        near[:, :-1] |= band[:, 1:]
        # dark over most of the band's height: a rule, even one broken by a worn scan
        cols = np.nonzero(near.mean(axis=0) >= VRULE_COVER)[0] + max(0, x_lo - 3 * tol)
        per_band.append([(p + q) // 2 for p, q in group_positions(cols, min_gap)])
    if not per_band:
        return None
    found = sorted(x for xs_ in per_band for x in xs_)
    xs = []
    for p, q in group_positions(np.array(found), 3 * tol):
        members = [x for x in found if p <= x <= q]
        if len(members) >= max(2, MIN_VRULE * len(per_band)) or (len(per_band) == 1 and members):
            xs.append(int(np.median(members)))
    if len(xs) < 3:
        return None
    # rules above or below the table (a title's underline, a signature line) cross no column rule
    crossed = [sum(1 for x in xs if any(abs(x - f) <= 3 * tol for f in band)) >= 2 for band in per_band]
    first = crossed.index(True) if True in crossed else 0
    last = len(crossed) - crossed[::-1].index(True) if True in crossed else len(crossed)
    ys = ys[first:last + 1]
    hlines = hlines[first:last + 1]
    per_band = per_band[first:last]
    if len(ys) < 2:
        return None
    # each row: the table's own rules (a rule missing in one row is wear, not a merged
    # cell: the table's rules run through most rows), plus the rules of that row alone
    row_xs = []
    for band in per_band:
        extra = [x for x in band if all(abs(x - g) > 3 * tol for g in xs)]
        row_xs.append(sorted(xs + extra))
    vlines = [(x, x) for x in xs]
    thick = max(1, int(np.median([b0 - a0 + 1 for a0, b0 in hlines + vlines])))
    return Grid(ys=ys, xs=xs, thickness=thick, row_xs=row_xs)


def _long_runs(ink: np.ndarray, min_len: int) -> np.ndarray:
    """The pixels of ``ink`` lying in a horizontal run of at least ``min_len`` pixels."""
    rows, a, b = runs(ink)
    long = (b - a) >= min_len
    return fill_runs(ink.shape, rows[long], a[long], b[long])


def erase_rules(grey: np.ndarray, grid: Grid, dpi: int = 300) -> np.ndarray:
    """A copy of ``grey`` with the table's rules painted white.

    Rule pixels are those in long straight runs of ink (longer than any stroke of a
    character), horizontal or vertical, near the grid's lines: a slightly slanted or
    broken rule is removed wherever it really runs, and a character touching a rule
    keeps its strokes. The grey fringe of a rule goes with it (one pixel around).
    """
    ink = dark_mask(grey)
    min_len = max(12, round(0.2 * dpi))  # a fifth of an inch: no stroke of a character is that long
    rules = _long_runs(ink, min_len) | _long_runs(ink.T, min_len).T
    near = np.zeros_like(ink)
    reach = grid.thickness + max(2, round(dpi / 60)) * 2
    x0, y0, x1, y1 = grid.box
    for y in grid.ys:
        near[max(0, y - reach) : y + reach + 1, max(0, x0 - reach) : x1 + reach + 1] = True
    for r, xs in enumerate(grid.row_xs):
        ya, yb = grid.ys[r], grid.ys[r + 1]
        for x in xs:
            near[max(0, ya - reach) : yb + reach + 1, max(0, x - reach) : x + reach + 1] = True
    rules &= near
    grown = rules.copy()
    grown[1:] |= rules[:-1]
    grown[:-1] |= rules[1:]
    grown[:, 1:] |= rules[:, :-1]
    grown[:, :-1] |= rules[:, 1:]
    out = grey.copy()
    out[grown] = 255
    return out


def _ink_box(cut: np.ndarray, min_pixels: int) -> tuple[int, int, int, int] | None:
    """Bounding box of the ink in a cell cut (None when it holds too little to be text)."""
    ink = dark_mask_fixed(cut)
    if int(ink.sum()) < min_pixels:
        return None
    rows = np.nonzero(ink.any(axis=1))[0]
    cols = np.nonzero(ink.any(axis=0))[0]
    return int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1


def dark_mask_fixed(a: np.ndarray) -> np.ndarray:
    return a < 140


@dataclass(slots=True)
class _Cut:
    row: int
    col: int
    cell: Box  # the cell between its rules, page coordinates
    ink: Box  # the ink inside it, page coordinates
    at: int = 0  # top of the cut on the sheet


def _stack(page: np.ndarray, cuts: list[_Cut], gap: int, margin: int, scale: float = 1.0,
           paper: int = 255) -> Image.Image:
    """The cuts one under another on a sheet of the page's ``paper`` shade: a cut of grey
    paper pasted on white would put an edge right against its first character, which a
    text detector takes for part of the line (the line's head, or the whole line, lost)."""
    width = max(c.ink[2] - c.ink[0] for c in cuts)
    total = sum(c.ink[3] - c.ink[1] for c in cuts) + gap * (len(cuts) + 1)
    sheet = Image.new("L", (int(width * scale) + 2 * margin, int(total * scale) + 2 * margin), paper)
    y = margin + int(gap * scale)
    for c in cuts:
        x0, y0, x1, y1 = c.ink
        part = Image.fromarray(page[y0:y1, x0:x1])
        if scale != 1.0:
            part = part.resize((max(1, int((x1 - x0) * scale)), max(1, int((y1 - y0) * scale))), Image.Resampling.LANCZOS)
        c.at = y
        sheet.paste(part, (margin, y))
        y += part.height + int(gap * scale)
    return sheet


def _sheet_limit(engine: Engine) -> float:
    """How tall a sheet ``engine`` reads without bringing it down (``Engine.max_side``, at
    most ``MAX_SHEET``), or no limit for an engine that reads any size."""
    return min(float(engine.max_side), MAX_SHEET) if engine.max_side else float("inf")


def _sheets(cuts: list[_Cut], gap: int, margin: int, scale: float, limit: float) -> list[list[int]]:
    """The cuts (indices) split into runs, each making a sheet at most ``limit`` pixels
    tall (a cut taller than that makes a sheet of its own)."""
    groups: list[list[int]] = []
    height = 0.0
    for i, c in enumerate(cuts):
        h = (c.ink[3] - c.ink[1] + gap) * scale
        if groups and height + h <= limit:
            groups[-1].append(i)
            height += h
        else:
            groups.append([i])
            height = 2 * margin + gap * scale + h
    return groups


def _read_stacked(engine: Engine, page: np.ndarray, cuts: list[_Cut], gap: int, margin: int, dpi: int,
                  scale: float = 1.0) -> dict[int, list[Word]]:
    """The cuts read on stacked sheets (:func:`_stack`), words put back in their cuts."""
    from concurrent.futures import ThreadPoolExecutor

    paper = int(np.median(page[::4, ::4]))
    groups = _sheets(cuts, gap, margin, scale, _sheet_limit(engine))

    def read(group: list[int]) -> dict[int, list[Word]]:
        part = [cuts[i] for i in group]
        sheet = _stack(page, part, gap, margin, scale, paper)
        got = _assign(engine.read(sheet, dpi, "block"), part, margin, scale)
        return {group[j]: ws for j, ws in got.items()}

    out: dict[int, list[Word]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for got in pool.map(read, groups):
            out.update(got)
    return out


def _assign(ocr: PageOCR, cuts: list[_Cut], margin: int, scale: float) -> dict[int, list[Word]]:
    """Words of the sheet put back into their cuts, boxes in page coordinates."""
    tops = [c.at for c in cuts]
    out: dict[int, list[Word]] = {}
    for w in ocr.words:
        cy = (w.box[1] + w.box[3]) / 2
        k = max((i for i, t in enumerate(tops) if t <= cy + 1), default=None)
        if k is None:
            continue
        c = cuts[k]
        height = (c.ink[3] - c.ink[1]) * scale
        if cy > c.at + height + 2:
            continue
        x0 = round((w.box[0] - margin) / scale) + c.ink[0]
        x1 = round((w.box[2] - margin) / scale) + c.ink[0]
        y0 = round((w.box[1] - c.at) / scale) + c.ink[1]
        y1 = round((w.box[3] - c.at) / scale) + c.ink[1]
        box = (max(c.cell[0], x0), max(c.cell[1], y0), min(c.cell[2], x1), min(c.cell[3], y1))
        out.setdefault(k, []).append(Word(w.text, box, w.conf, w.line))
    return out


def read_cells(
    grey: Image.Image, grid: Grid, *, dpi: int = 300, lang: str = "chi_sim", numbers: bool = False,
    engine: Engine | None = None,
) -> list[tuple[Cell, list[Word]]]:
    """Every cell of ``grid`` that holds text, read by ``engine`` (default: the default
    engine); words with page-coordinate boxes.

    With ``numbers``, short cells are also read as numbers (``Cell.digits``).
    """
    engine = engine or get_engine(lang=lang)
    a = np.asarray(grey.convert("L"))
    clean = erase_rules(a, grid, dpi)
    inset = grid.thickness // 2 + max(2, round(dpi / 100))
    min_pixels = max(6, round((dpi / 100) ** 2 * 2))
    cuts: list[_Cut] = []
    for r, c, (x0, y0, x1, y1) in grid.cell_boxes():
        ix0, iy0, ix1, iy1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
        if ix1 - ix0 < 4 or iy1 - iy0 < 4:
            continue
        ib = _ink_box(clean[iy0:iy1, ix0:ix1], min_pixels)
        if ib is None:
            continue
        pad = max(2, round(dpi / 100))
        ink = (max(ix0, ix0 + ib[0] - pad), max(iy0, iy0 + ib[1] - pad), min(ix1, ix0 + ib[2] + pad), min(iy1, iy0 + ib[3] + pad))
        cuts.append(_Cut(r, c, (x0, y0, x1, y1), ink))
    if not cuts:
        return []
    line_h = int(np.median([c.ink[3] - c.ink[1] for c in cuts]))
    gap = max(line_h, round(0.15 * dpi))
    margin = gap
    words = _read_stacked(engine, clean, cuts, gap, margin, dpi)
    missing = [i for i in range(len(cuts)) if not words.get(i)]
    if missing:  # read again, twice the size, what came back empty
        again = [cuts[i] for i in missing]
        more = _read_stacked(engine, clean, again, gap, margin, dpi, scale=2.0)
        for j, i in enumerate(missing):
            if more.get(j):
                words[i] = more[j]
    digits = _read_digits(clean, cuts, line_h, dpi, engine) if numbers else {}
    out: list[tuple[Cell, list[Word]]] = []
    for i, cut in enumerate(cuts):
        ws = sorted(words.get(i, []), key=lambda w: (w.line, w.box[0]))
        if not ws and not digits.get(i):
            continue
        text = _join(ws)
        confs = [w.conf for w in ws if w.conf >= 0]
        cell = Cell(cut.row, cut.col, cut.cell, text, sum(confs) / len(confs) if confs else -1.0, digits.get(i, ()))
        out.append((cell, ws))
    return out


def _read_digits(page: np.ndarray, cuts: list[_Cut], line_h: int, dpi: int,
                 engine: Engine) -> dict[int, tuple[str, ...]]:
    """Short cells (one line, a few characters wide) read again as numbers, each on its own.

    Tesseract's Chinese model reads a lone digit in a box as a look-alike character
    (7 as 了, 4 as 人, 1 as |), and a digit standing alone on a line of a stacked sheet
    is often dropped. Each short cell is read as one line told to answer with digits and
    dashes only, once per model the engine offers for numbers (Tesseract: the English
    model and the Chinese one, whose errors differ: measured on the catalogs of
    bench/recognition.py's corpus, English reads more cells, Chinese misreads fewer, so
    both readings are offered, English first; PP-OCR: its one model).
    Which cells hold numbers, and which reading fits, is for the reader of the table to
    decide (from its header and the numbering): this only offers the readings.
    """
    from concurrent.futures import ThreadPoolExecutor

    short = [
        i for i, c in enumerate(cuts)
        if (c.ink[3] - c.ink[1]) <= 1.6 * line_h and (c.ink[2] - c.ink[0]) <= 4 * (c.ink[3] - c.ink[1])
    ][:MAX_NUMBER_CELLS]
    if not short:
        return {}
    models = engine.models("numbers")
    margin = max(10, line_h // 2)

    def read(i: int) -> tuple[int, tuple[str, ...]]:
        x0, y0, x1, y1 = cuts[i].ink
        one = Image.new("L", (x1 - x0 + 2 * margin, y1 - y0 + 2 * margin), 255)
        one.paste(Image.fromarray(page[y0:y1, x0:x1]), (margin, margin))
        readings = []
        for model in models:
            read = engine.read(one, dpi, "line", DIGITS, model=model)
            readings.append("".join(w.text for w in read.words if w.conf >= 0))
        return i, tuple(readings)

    # each Tesseract reading is a process of its own: run as many at once as there are cores
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return {i: r for i, r in pool.map(read, short) if any(r)}


#: What a number cell may hold.
DIGITS = "0123456789-"
#: At most this many cells of a page are read as numbers (each costs a reading per model).
MAX_NUMBER_CELLS = 80


def _join(words: list[Word]) -> str:
    lines: dict[int, list[str]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w.text)
    return "".join(join_words(ws) for ws in lines.values())


def read_table(
    grey: Image.Image, ocr: PageOCR, *, dpi: int = 300, lang: str = "chi_sim", numbers: bool = False,
    engine: Engine | None = None,
) -> PageOCR | None:
    """The page's reading with its ruled table read cell by cell, or None without a grid.

    Words and lines outside the table are kept from ``ocr`` (the page's own reading);
    inside it they are replaced by the cells' words, one line per cell line, and the
    cells are listed in ``cells``; ``rules`` are the page's ruling lines (:func:`find_rules`
    on ``grey``). The cells are read by ``engine``, by default the one that read ``ocr``.
    """
    engine = engine or get_engine(ocr.engine or None, lang=lang)
    grid = find_grid(grey, dpi)
    if grid is None or len(grid.ys) < 3 or len(grid.xs) < 3:
        return None
    cells = read_cells(grey, grid, dpi=dpi, lang=lang, numbers=numbers, engine=engine)
    if not cells:
        return None
    x0, y0, x1, y1 = grid.box

    def inside(b: Box) -> bool:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        return x0 <= cx <= x1 and y0 <= cy <= y1

    out = PageOCR(width=ocr.width, height=ocr.height, engine=ocr.engine, engine_version=ocr.engine_version,
                  rules=find_rules(grey, dpi))
    outside: dict[int, list[Word]] = {}
    for w in ocr.words:
        if not inside(w.box):
            outside.setdefault(w.line, []).append(w)
    for ws in outside.values():
        add_line(out, ws)
    for cell, words in cells:
        by_line: dict[int, list[Word]] = {}
        for w in words:
            by_line.setdefault(w.line, []).append(w)
        for ws in by_line.values():
            add_line(out, ws)
        out.cells.append(cell)
    return out


# --------------------------------------------------------------------------- every ruling line

#: A horizontal rule is at least this share of the page's width long (an underline of a
#: blank on a form counts; a stroke of a character is far shorter).
MIN_RULE_WIDTH = 0.12
#: A vertical rule standing alone is at least this many text heights long (a character's
#: vertical stroke is at most about one text height) ...
MIN_VRULE_TEXT = 2.2
#: ... and at least this many inches (the straight-looking side of a seal's ring is shorter) ...
MIN_VRULE_ALONE = 1.0
#: ... or it joins two horizontal rules over at least this share of the gap between them.
VRULE_JOIN = 0.7
#: Slant tolerated in a rule (degrees): pages are deskewed, but not perfectly.
MAX_RULE_SLANT_DEG = 1.5


def _segments(mask: np.ndarray, min_len: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of ``mask`` along its rows at least ``min_len`` long: row, start, end.

    Only rows holding that much ink at all are looked at (most rows of a page do not).
    """
    rows = np.nonzero(mask.sum(axis=1) >= min_len)[0]
    if rows.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    r, a, b = runs(mask[rows])
    long = (b - a) >= min_len
    return rows[r[long]], a[long], b[long]


def _chain(rows: np.ndarray, starts: np.ndarray, ends: np.ndarray, drift: int, gap: int) -> list[tuple[int, int, int, int, int]]:
    """Segments (along rows) joined into lines: a segment continues one ``drift`` rows away
    or less whose span touches or overlaps its own (``gap`` pixels of hole allowed), as the
    pieces of a slightly slanted, a thick or a worn rule do. Boxes (start, first row, end,
    last row + 1) and depth: the most pieces lying across the line at one place (a straight
    line's thickness, however slanted; a curve's, such as a seal's ring, is far more)."""
    n = len(rows)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = np.lexsort((starts, rows))
    rs, ss, es = rows.tolist(), starts.tolist(), ends.tolist()
    by_row: dict[int, list[int]] = {}
    for i in order.tolist():
        r, a, b = rs[i], ss[i], es[i]
        for rr in range(r - drift, r + 1):
            for j in by_row.get(rr, ()):
                if ss[j] - gap <= b and a <= es[j] + gap:
                    pi, pj = find(i), find(j)
                    if pi != pj:
                        parent[pi] = pj
        by_row.setdefault(r, []).append(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        idx = np.array(members)
        r, a, b = rows[idx], starts[idx], ends[idx]
        # depth: how many pieces lie across the line at its most (a straight rule: its thickness)
        events = np.concatenate([a, b])
        steps = np.concatenate([np.ones(len(a), np.int64), -np.ones(len(b), np.int64)])
        order = np.lexsort((steps, events))
        depth = int(np.cumsum(steps[order]).max())
        out.append((int(a.min()), int(r.min()), int(b.max()), int(r.max()) + 1, depth))
    return out


def _straight(line: tuple[int, int, int, int, int], thick: int) -> bool:
    """A line (box along rows, depth) is a rule: no thicker than ``thick``, and its box no
    wider than its thickness plus the drift of a tolerated slant (a curve's is)."""
    a, t, b, u, depth = line
    return depth <= thick and u - t <= depth + 1 + (b - a) * np.tan(np.radians(MAX_RULE_SLANT_DEG))


def _merge_sides(lines: list[tuple[int, int, int, int]], min_gap: int) -> list[tuple[int, int, int, int]]:
    """Lines (start, top, end, bottom along rows) closer than ``min_gap`` across and
    overlapping along over most of their length: the two sides of one thick rule, one line."""
    out: list[list[int]] = []
    for a, t, b, u in sorted(lines, key=lambda ln: (ln[1], ln[0])):
        for o in out:
            overlap = min(b, o[2]) - max(a, o[0])
            if t - o[3] < min_gap and overlap >= 0.8 * max(b - a, o[2] - o[0]):
                o[0], o[1], o[2], o[3] = min(a, o[0]), min(t, o[1]), max(b, o[2]), max(u, o[3])
                break
        else:
            out.append([a, t, b, u])
    slope = np.tan(np.radians(MAX_RULE_SLANT_DEG))
    # a stack of many close lines (hatching, a dark pattern) is no rule
    return [(o[0], o[1], o[2], o[3]) for o in out if o[3] - o[1] <= 3 * min_gap + (o[2] - o[0]) * slope]


def _text_height(mask: np.ndarray, unit: float) -> float:
    """The typical height of a line of text on ``mask`` (its rules taken out): the median
    height of the bands of rows holding ink. ``unit``: pixels an inch."""
    rows = np.nonzero(mask.sum(axis=1) >= 2)[0]
    bands = [b - a + 1 for a, b in group_positions(rows, 2)] if rows.size else []
    bands = [h for h in bands if unit * 0.06 <= h <= unit * 1.0]
    if not bands:
        return unit * 0.17  # 12 pt
    return max(unit * 0.08, float(np.median(bands)))


def find_rules(grey: Image.Image | np.ndarray, dpi: int = 300) -> list[Box]:
    """Every straight ruling line of the page: cell borders of a ruled table or form, rules
    between the rows of a ledger, underlines (of a blank on a form, of a title).

    Each rule is a thin box ``(x0, y0, x1, y1)`` in the pixels of ``grey`` (x1, y1
    exclusive): horizontal rules first, top to bottom, then vertical rules, left to right.
    A slightly slanted rule's box spans its slant; the two sides of a thick rule are one rule.

    - Horizontal: dark runs at least ``MIN_RULE_WIDTH`` of the page's width long.
    - Vertical: dark runs at least ``MIN_VRULE_TEXT`` typical text heights long (and
      ``MIN_VRULE_ALONE`` inches), or joining
      two horizontal rules (both ends at one, each running over the rule's x) over at least
      ``VRULE_JOIN`` of the gap between them: the sides of a one-line cell of a form.
      Strokes of characters (丨, 川, 1, l) are never that long.

    Runs are looked for on the ink pooled to about 150 dpi (speed: a 300 dpi A4 page takes
    some 20 ms), so positions are good to a pooled pixel (2 pixels at 300 dpi).
    """
    a = np.asarray(grey.convert("L") if isinstance(grey, Image.Image) else grey)
    if a.ndim != 2 or min(a.shape) < 50:
        return []
    h, w = a.shape
    f = max(1, round(dpi / 150))
    thresh = min(_otsu(a[::2, ::2]), 200)
    if f > 1:  # pool the grey (darkest of each f x f block), then threshold once
        hh, ww = (h // f) * f, (w // f) * f
        m = a[0:hh:f, 0:ww:f].copy()
        for i in range(f):
            for j in range(f):
                if i or j:
                    np.minimum(m, a[i:hh:f, j:ww:f], out=m)
        ink = m <= thresh
    else:
        ink = a <= thresh
    unit = dpi / f  # pooled pixels an inch
    ph, pw = ink.shape
    seg = max(8, round(0.25 * unit))  # a piece of a rule: longer than strokes of body text
    drift = max(1, round(unit / 60))  # rows a slanted rule steps over between its pieces
    gap = max(2, round(0.03 * unit))  # a worn rule's holes
    thick = max(2, round(0.025 * unit))  # a rule's thickness at most (8 pixels at 300 dpi)
    min_gap = max(2, round(MIN_GAP_300 * dpi / 300 / f))

    # horizontal rules
    hr = [
        ln[:4] for ln in _chain(*_segments(ink, seg), drift, gap)
        if ln[2] - ln[0] >= MIN_RULE_WIDTH * pw and _straight(ln, thick)
    ]
    hr = _merge_sides(hr, min_gap)

    # vertical: pieces along the columns, then lines of them
    inkt = ink.T
    vr = [ln[:4] for ln in _chain(*_segments(inkt, seg), drift, gap) if _straight(ln, thick)]
    vr = _merge_sides(vr, min_gap)  # (y0, x0, y1, x1) here
    if vr:
        rest = ink.copy()
        for x0, y0, x1, y1 in hr:
            rest[y0:y1, x0:x1] = False
        for y0, x0, y1, x1 in vr:
            rest[y0:y1, x0:x1] = False
        text_h = _text_height(rest, unit)
    else:
        text_h = 0.0
    reach = thick + 2 * drift + gap
    keep_v = []
    for y0, x0, y1, x1 in vr:
        if y1 - y0 >= max(MIN_VRULE_TEXT * text_h, MIN_VRULE_ALONE * unit):
            keep_v.append((x0, y0, x1, y1))
            continue
        cx = (x0 + x1) / 2
        over = [r for r in hr if r[0] - reach <= cx <= r[2] + reach]
        above = [r for r in over if r[1] - reach <= y0 <= r[3] + reach]
        below = [r for r in over if r[1] - reach <= y1 <= r[3] + reach]
        if not above or not below:
            continue
        top = min(above, key=lambda r: abs(y0 - r[1]))
        bottom = min(below, key=lambda r: abs(y1 - r[3]))
        span = (bottom[1] + bottom[3]) / 2 - (top[1] + top[3]) / 2
        if span > 0 and y1 - y0 >= VRULE_JOIN * span:
            keep_v.append((x0, y0, x1, y1))

    def full(b: tuple[int, int, int, int]) -> Box:
        return (b[0] * f, b[1] * f, min(w, b[2] * f), min(h, b[3] * f))

    return [full(b) for b in sorted(hr, key=lambda b: (b[1], b[0]))] + [
        full(b) for b in sorted(keep_v, key=lambda b: (b[0], b[1]))
    ]
