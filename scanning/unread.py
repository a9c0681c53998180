"""Text Tesseract's layout analysis left unread, found by its ink and read again.

Tesseract's automatic page layout (psm 3) sometimes returns a block of printed text as
no text at all: a heading above a ruled table on a speckled page, the sign-off under a
seal, a line of a letter beside a stamp. Nothing of it reaches recognition, so the
authority, the number, the date of issue are simply missing.

``read_unread`` finds such blocks from the ink itself, on a copy of about 100 dpi. Ink
near no word Tesseract returned is "unread". Rules are not text: thin runs of ink several
characters long, across or down, mostly inked along their length once small holes are
closed (so worn and dashed rules count), are left out; where three rules across meet two
down, the page holds a ruled table, which :mod:`scanning.tables` reads cell by cell, and
nothing inside it is taken here. Unread ink is gathered on a grid of half-character cells;
bands of rows holding enough of it, at least a character high and a few characters of ink
wide, are the regions. Each region is cut out (with a margin) and read again, as one line
(layout "line") when it is one line high, else as one block ("block"), by the engine that read the page. When a line of that reading
is weak, the region is read once more in the text's own darkness only (a grey seal lying
across the text is dropped), and the reading with more sure characters is kept. Words are
put back in page coordinates, unless they sit on a word already read; lines with fewer
than two sure characters (a seal's strokes read as letters) are dropped. A "word"
Tesseract returned for a whole line it could not read (NE at confidence 0, a box a line
long) covers nothing, and goes once the line under it is read.

Measured on bench/recognition.py's 127 printed pages (the first pass cached): 35 pages
hold regions; detection costs 0.05 s of CPU a page and the whole pass 0.18 s a page on
average. Field accuracy with names 0.9455 -> 0.9475 (headings above a table's grid, the
date under a grey seal); a stray "1" read from the year's closing bracket in one re-read
number (〔2018〕1609号) is the one field lost.

Characters skipped *inside* a line are a second case (``read_gaps``): PP-OCR's detector runs
its line over a figure filled in another typeface, lighter or set a little higher than the
printed words (本卷共有文书材料 6 页), or over the small circle of a year's 〇 (二〇一九), and
its recogniser drops it. A gap between two words of a line that holds ink of its own,
standing apart from both words and tall enough to be a character (rules across and down
left out), is read again with its two neighbours as one line; what that reading gives
between the neighbours, when it gives them back as they were read, joins the line.

What it cannot do: text crossed by a seal as dark as the text (a black ring on a
black-and-white scan) is read with the ring's strokes in it, so a date under the ring may
still come out garbled.
"""

from __future__ import annotations

import logging
import unicodedata

import numpy as np
from PIL import Image

from scanning.ocr import Engine, add_line, get_engine
from scanning.ocr.lines import join_words, union
from scanning.pages.analysis import WORK_DPI, ink_mask
from scanning.tables import close_gaps, fill_runs, group_positions, runs
from scanning.types import Box, PageOCR, Word

log = logging.getLogger(__name__)

#: Ink this many grey levels under the local paper counts (the page's own text is far darker);
#: on the reduced copy thin strokes are averaged with paper, so less is asked there.
INK_CONTRAST = 60
INK_CONTRAST_SMALL = 40
#: A cell of the grid is occupied when this share of its pixels is unread ink.
CELL_SHARE = 0.04
#: A region needs unread ink of at least this many character squares (a few strokes of
#: text; a lone speck or the tail of a word read is less).
MIN_INK_CHARS = 1.5
#: A region at most this many character heights high is one line of text.
ONE_LINE = 2.2
#: A word below this confidence whose box is far bigger than its characters is no reading.
JUNK_CONF = 0.20
#: A line read again is kept when it holds two characters or more read at this confidence.
GOOD_CONF = 0.60
#: A rule is inked along at least this share of its length (a worn or dashed one too).
RULE_INK = 0.6
#: A region with a line read at a mean confidence below this is read again in the text's darkest ink
#: only (DARK_SHARE of its darkness), for a seal lighter than the text lying across it.
DARK_RETRY_CONF = 0.75
DARK_SHARE = 0.75
#: Characters read at this confidence count as sure, to choose between two readings.
SURE_CONF = 0.70
#: Character height assumed when the page gave no word to measure (10.5 pt at the page's dpi).
DEFAULT_CHAR_PT = 10.5


def _char_height(ocr: PageOCR, dpi: int) -> int:
    hs = sorted(w.box[3] - w.box[1] for w in ocr.words
                if len(w.text) == 1 and "\u4e00" <= w.text <= "\u9fff" and w.conf >= 0.60)
    if len(hs) >= 5:
        return max(8, hs[len(hs) // 2])
    return max(8, round(DEFAULT_CHAR_PT / 72 * dpi))


def _rules(mask: np.ndarray, min_len: int, gap: int, thickness: int) -> np.ndarray:
    """The pixels of ``mask`` on a horizontal rule: ink at most ``thickness`` thick across
    (a character's strokes cross it and break it), in a run of at least ``min_len`` once
    holes up to ``gap`` are closed (a dashed or worn rule is one run)."""
    cols, a, b = runs(mask.T)  # vertical runs: column, first row, end row
    thin = (b - a) <= thickness
    flat = fill_runs(mask.T.shape, cols[thin], a[thin], b[thin]).T
    rows, s, e = runs(close_gaps(flat, gap))
    # a rule is mostly ink along its length; a row through a line of text, where strokes of
    # neighbouring characters happen to meet, is not
    csum = np.concatenate([np.zeros((flat.shape[0], 1), np.int32), np.cumsum(flat, axis=1, dtype=np.int32)], axis=1)
    inked = csum[rows, e] - csum[rows, s]
    long = ((e - s) >= min_len) & (inked >= RULE_INK * (e - s))
    return fill_runs(mask.shape, rows[long], s[long], e[long]) & mask


def _ruled_table(across: np.ndarray, down: np.ndarray, th: int) -> tuple[int, int, int, int] | None:
    """The box of a ruled table: three rules across or more, crossed by two rules down or more."""
    ys = group_positions(np.flatnonzero(across.sum(axis=1) >= 3 * th), 3)
    xs = group_positions(np.flatnonzero(down.sum(axis=0) >= 3 * th), 3)
    if len(ys) < 3 or len(xs) < 2:
        return None
    return xs[0][0], ys[0][0], xs[-1][1] + 1, ys[-1][1] + 1


def unread_regions(grey: Image.Image, ocr: PageOCR, dpi: int, th: int | None = None) -> list[Box]:
    """Boxes (page pixels) of ink no word of ``ocr`` covers, big enough to be text, outside
    any ruled table (three rules across or more, two down: :mod:`scanning.tables` reads those).

    Worked out on a copy of about WORK_DPI (a character is still ~15 pixels high there), so
    the whole page costs a few hundredths of a second. ``th``: the page's character height
    in page pixels, when the caller knows it."""
    k = max(1, round(dpi / WORK_DPI))
    small = grey.convert("L").reduce(k) if k > 1 else grey.convert("L")
    ink = ink_mask(small, INK_CONTRAST_SMALL if k > 1 else INK_CONTRAST)
    th = max(4, (th or _char_height(ocr, dpi)) // k)
    covered = np.zeros_like(ink)
    m = max(1, th // 3)
    for w in ocr.words:
        if _junk(w, th * k):
            continue
        x0, y0, x1, y1 = (v // k for v in w.box)
        covered[max(0, y0 - m):y1 + m + 1, max(0, x0 - m):x1 + m + 1] = True
    left = ink & ~covered
    # rules, frames and underlines, worn ones too: runs several characters long, across or
    # down, measured on all the ink (words read beside a rule would cut it into short pieces)
    gap, thick = max(2, round(0.5 * th)), max(1, th // 5)
    across = _rules(ink, 3 * th, gap, thick)
    down = _rules(ink.T, 3 * th, gap, thick).T
    left &= ~(across | down)
    table = _ruled_table(across, down, th)
    if table is not None:  # a ruled table is read cell by cell (scanning.tables), not here
        x0, y0, x1, y1 = table
        left[y0:y1, x0:x1] = False
    c = max(2, th // 2)
    h, w = left.shape
    ph, pw = -(-h // c) * c, -(-w // c) * c
    counts = np.pad(left, ((0, ph - h), (0, pw - w))).reshape(ph // c, c, pw // c, c).sum(axis=(1, 3))
    occupied = counts > c * c * CELL_SHARE
    per_row = occupied.sum(axis=1)
    out: list[Box] = []
    y, n = 0, len(per_row)
    while y < n:
        if per_row[y] < 2:
            y += 1
            continue
        y0 = y
        while y < n and per_row[y] >= 1:
            y += 1
        band = occupied[y0:y]
        cols = np.flatnonzero(band.any(axis=0))
        box = (int(cols.min()) * c, y0 * c, min(w, (int(cols.max()) + 1) * c), min(h, y * c))
        amount = int(left[box[1]:box[3], box[0]:box[2]].sum())
        if (box[3] - box[1] >= 0.6 * th and box[2] - box[0] >= 1.5 * th
                and amount >= MIN_INK_CHARS * th * th * 0.25):
            out.append((box[0] * k, box[1] * k, min(grey.width, box[2] * k), min(grey.height, box[3] * k)))
    return out


def _weakest_line(ocr: PageOCR) -> float:
    """The mean confidence of the least sure line read (0 when nothing was read)."""
    return min((line.conf for line in ocr.lines), default=0.0)


def _sure_chars(ocr: PageOCR) -> int:
    return sum(len(w.text) for w in ocr.words if w.conf >= SURE_CONF)


def _paper_and_text(grey: Image.Image, ocr: PageOCR) -> tuple[int, int]:
    """The page's paper tone and its text's darkness (levels under the paper of the darkest
    tenth of the ink inside words read with confidence)."""
    g = np.asarray(grey)
    paper = int(np.percentile(g[::4, ::4], 90))
    inside = [g[w.box[1]:w.box[3], w.box[0]:w.box[2]].ravel() for w in ocr.words if w.conf >= SURE_CONF]
    dark = paper - np.concatenate(inside).astype(np.int16) if inside else np.zeros(0, np.int16)
    dark = dark[dark >= INK_CONTRAST]
    return paper, int(np.percentile(dark, 90)) if dark.size else 255


def _darkest(crop: Image.Image, paper: int, text_dark: int) -> Image.Image:
    """``crop`` with everything lighter than DARK_SHARE of the text's darkness set to paper."""
    a = np.asarray(crop).astype(np.int16)
    return Image.fromarray(np.where(paper - a >= DARK_SHARE * text_dark, a, paper).astype(np.uint8), "L")


def _junk(w: Word, th: int) -> bool:
    """A "word" Tesseract returned for a whole line it could not read: no confidence, a box
    far taller or wider than its characters (NE over a line 1,800 pixels long)."""
    h, wd = w.box[3] - w.box[1], w.box[2] - w.box[0]
    return w.conf < JUNK_CONF and (h > 2 * th or wd > 3 * th * max(1, len(w.text)))


def _on_read_word(box: Box, words: list[Word]) -> bool:
    """Whether ``box`` lies on words already read: its centre inside one, or a quarter of it
    covered by them (a line read again, cut into other words than the first reading's)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    covered = 0
    for w in words:
        if w.box[0] <= cx <= w.box[2] and w.box[1] <= cy <= w.box[3]:
            return True
        ox = min(box[2], w.box[2]) - max(box[0], w.box[0])
        oy = min(box[3], w.box[3]) - max(box[1], w.box[1])
        if ox > 0 and oy > 0:
            covered += ox * oy
    return covered >= area / 4


def read_unread(grey: Image.Image, ocr: PageOCR, *, dpi: int, lang: str = "chi_sim",
                engine: Engine | None = None) -> PageOCR:
    """``ocr`` with the text of its unread regions added (see the module docstring).

    ``grey`` is the image ``ocr`` was read from (same pixels, same coordinates); the
    regions are read by ``engine`` (default: the one that read ``ocr``). Returns ``ocr``
    itself, extended in place.
    """
    th = _char_height(ocr, dpi)
    regions = unread_regions(grey, ocr, dpi, th)
    if not regions:
        return ocr
    engine = engine or get_engine(ocr.engine or None, lang=lang)
    pad = max(4, th // 2)
    added = 0
    tone: tuple[int, int] | None = None
    solid = [w for w in ocr.words if not _junk(w, th)]
    junk = [w for w in ocr.words if _junk(w, th)]
    replaced: set[Word] = set()
    for x0, y0, x1, y1 in regions:
        cut = (max(0, x0 - pad), max(0, y0 - pad), min(grey.width, x1 + pad), min(grey.height, y1 + pad))
        crop = grey.crop(cut)
        # one line of text (psm 7: as a block, a big heading's line is read twice, cut in two)
        layout = "line" if y1 - y0 <= ONE_LINE * th else "block"
        again = engine.read(crop, dpi, layout)
        if _weakest_line(again) < DARK_RETRY_CONF:
            # a seal lighter than the text (a grey scan's seal) crossing it: read the text's
            # own darkness only, and keep whichever reading holds more sure characters
            tone = tone or _paper_and_text(grey, ocr)
            dark = engine.read(_darkest(crop, *tone), dpi, layout)
            if _sure_chars(dark) > _sure_chars(again):
                again = dark
        by_line: dict[int, list[Word]] = {}
        for word in again.words:
            box = (word.box[0] + cut[0], word.box[1] + cut[1], word.box[2] + cut[0], word.box[3] + cut[1])
            if not word.text.strip() or _on_read_word(box, solid):
                continue
            by_line.setdefault(word.line, []).append(Word(word.text, box, word.conf, word.line))
        for words in by_line.values():
            if sum(len(w.text) for w in words if w.conf >= GOOD_CONF) < 2:
                continue  # a mark or two of a seal, read as a letter: no text
            add_line(ocr, words)
            added += len(words)
            # the junk "word" that stood for this text goes (its box holds the line read now)
            replaced.update(j for j in junk if _on_read_word(ocr.lines[-1].box, [j]))
    if added:
        words = [w for w in ocr.words if w not in replaced]
        alive = {w.line for w in words}
        order = sorted((i for i in range(len(ocr.lines)) if i in alive),
                       key=lambda i: (ocr.lines[i].box[1], ocr.lines[i].box[0]))
        renumber = {old: new for new, old in enumerate(order)}
        ocr.lines = [ocr.lines[i] for i in order]
        ocr.words = sorted((Word(w.text, w.box, w.conf, renumber[w.line]) for w in words),
                           key=lambda w: (w.line, w.box[0]))
    log.debug("unread: %d regions, %d words added", len(regions), added)
    return ocr


# --------------------------------------------------------------------------- gaps in a line

#: A gap between two words of one line this many character heights wide or more (and at
#: most GAP_MAX) may hold characters the engine skipped: a figure filled in another
#: typeface, raised or lighter than the printed words (本卷共有文书材料 6 页).
GAP_MIN, GAP_MAX = 0.45, 6.0
#: ... when its unread ink is at least this many character heights tall (a figure; a
#: speck, a comma, a dash or an underline's end is less).
GAP_INK_HEIGHT = 0.45
#: Characters read in a gap are kept at this confidence or more, ...
GAP_CONF = 0.4
#: ... and not when they are punctuation alone (the space between full-width figures read as ）).
GAP_MARKS = set("()（）[]【】〔〕{}<>《》:：;；,，.。、'\"‘’“”`-—_＿·…~|/\\ ")


def _gap_ink(g: np.ndarray, a: Word, b: Word, th: int) -> Box | None:
    """The box of the ink between words ``a`` and ``b`` of one line of the grey page ``g``
    that stands apart from both: the runs of inked columns (blank columns between them)
    lying mostly outside both words' boxes (an engine's box can be drawn a little short of
    its character), rules left out (rows inked across most of the gap, columns down most of
    the line's height). None when that ink is too little or too short to be a character."""
    top = max(0, min(a.box[1], b.box[1]) - th // 3)
    bottom = max(a.box[3], b.box[3])
    left, right = a.box[0], b.box[2]
    block = g[top:bottom, left:right].astype(np.int16)
    if block.size == 0:
        return None
    paper = int(np.percentile(block, 90))
    ink = paper - block >= INK_CONTRAST
    inner = slice(a.box[2] - left, b.box[0] - left)
    across = ink[:, inner].mean(axis=1) >= 0.7 if b.box[0] > a.box[2] else np.zeros(len(ink), bool)
    ink[across, :] = False  # a rule across (an underline, a cell's edge)
    ink[:, ink.mean(axis=0) >= 0.8] = False  # a rule down (the border between two cells)
    cols = ink.any(axis=0)
    found: list[tuple[int, int]] = []
    x = 0
    while x < len(cols):
        if not cols[x]:
            x += 1
            continue
        x0 = x
        while x < len(cols) and cols[x]:
            x += 1
        run = (left + x0, left + x)
        inside = sum(max(0, min(run[1], w.box[2]) - max(run[0], w.box[0])) for w in (a, b))
        if inside < 0.5 * (run[1] - run[0]):
            found.append((x0, x))
    if not found:
        return None
    x0, x1 = found[0][0], found[-1][1]
    ys = np.flatnonzero(ink[:, x0:x1].any(axis=1))
    if ink[:, x0:x1].sum() < 0.04 * th * th or ys[-1] - ys[0] + 1 < GAP_INK_HEIGHT * th:
        return None
    return left + x0, top + int(ys[0]), left + x1, top + int(ys[-1]) + 1


def gap_regions(grey: Image.Image, ocr: PageOCR, dpi: int, th: int | None = None) -> list[tuple[int, Word, Word, Box]]:
    """(line, word before, word after, ink box) of every gap inside a line that holds ink no
    word covers, tall enough to be a character (see ``read_gaps``)."""
    th = th or _char_height(ocr, dpi)
    g = np.asarray(grey.convert("L"))
    lines: dict[int, list[Word]] = {}
    for w in ocr.words:
        if w.text.strip() and not _junk(w, th):
            lines.setdefault(w.line, []).append(w)
    out = []
    for n, words in lines.items():
        words.sort(key=lambda w: w.box[0])
        for a, b in zip(words, words[1:]):
            if not GAP_MIN * th <= b.box[0] - a.box[2] <= GAP_MAX * th:
                continue
            ink = _gap_ink(g, a, b, th)
            if ink is not None:
                out.append((n, a, b, ink))
    return out


def _between(again: list[Word], a: str, b: str) -> list[Word] | None:
    """The words of ``again`` (a line read again, left to right) between a reading of ``a``
    and a reading of ``b`` (compared in NFKC; a piece of a character beyond either, cut by
    the crop, may be read too); None unless it reads both so with something between."""
    def fold(t: str) -> str:
        return unicodedata.normalize("NFKC", t).replace(" ", "")
    texts = [fold(w.text) for w in again]
    a, b = fold(a), fold(b)
    for i in range(min(2, len(texts))):
        k = i
        head = ""
        while k < len(texts) and len(head) < len(a):
            head += texts[k]
            k += 1
        if head != a:
            continue
        for j in range(len(texts), max(k, len(texts) - 2), -1):
            m = j
            tail = ""
            while m > k and len(tail) < len(b):
                tail = texts[m - 1] + tail
                m -= 1
            if tail == b and k < m:
                return again[k:m]
    return None


def read_gaps(grey: Image.Image, ocr: PageOCR, *, dpi: int, engine: Engine | None = None) -> PageOCR:
    """``ocr`` with the characters read in the gaps of its lines added to those lines.

    A line's words leave a gap where the engine skipped ink: a figure filled in another
    typeface, set higher or lighter than the printed words around it, was dropped by the
    recogniser although the detector's line ran over it (本卷共有文书材料页。 for
    本卷共有文书材料 6 页。). Each such gap (``gap_regions``) is read again with its two
    neighbours, as one line. When that reading gives both neighbours back as they were
    read, what it reads between them, at confidence GAP_CONF or more, joins the line.
    ``grey`` is the image ``ocr`` was read from. Returns ``ocr``, extended in place."""
    th = _char_height(ocr, dpi)
    gaps = gap_regions(grey, ocr, dpi, th)
    if not gaps:
        return ocr
    engine = engine or get_engine(ocr.engine or None)
    pad = max(4, th // 3)
    added: dict[int, list[Word]] = {}
    for n, a, b, ink in gaps:
        x0, x1 = max(0, a.box[0] - 2), min(grey.width, b.box[2] + 2)
        y0 = max(0, min(a.box[1], b.box[1], ink[1]) - pad)
        y1 = min(grey.height, max(a.box[3], b.box[3], ink[3]) + pad)
        again = engine.read(grey.crop((x0, y0, x1, y1)), dpi, "line")
        middle = _between(sorted((w for w in again.words if w.text.strip()), key=lambda w: w.box[0]), a.text, b.text)
        if not middle or min(w.conf for w in middle) < GAP_CONF:
            continue  # the neighbours not read back as they were, or nothing sure between them
        if all(c in GAP_MARKS for w in middle for c in w.text):
            continue  # a bracket or a comma "read" in the space between two figures: no character
        added.setdefault(n, []).extend(
            Word(w.text, (int(w.box[0] + x0), int(w.box[1] + y0), int(w.box[2] + x0), int(w.box[3] + y0)),
                 float(w.conf), n) for w in middle)  # plain numbers: readings are stored as JSON
    if added:
        ocr.words = sorted([*ocr.words, *(w for ws in added.values() for w in ws)],
                           key=lambda w: (w.line, w.box[0]))
        for n in added:
            words = [w for w in ocr.words if w.line == n]
            old = ocr.lines[n]
            ocr.lines[n] = type(old)(join_words([w.text for w in words]), union([w.box for w in words]), old.conf)
        log.debug("gaps: %d read again, %d characters added", len(gaps), sum(len(ws) for ws in added.values()))
    return ocr
