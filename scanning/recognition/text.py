"""A page's OCR as searchable text that remembers where every character came from.

Tesseract's line order is not always reading order (a line cut in two by a seal or a table
rule comes back as two blocks), so words are regrouped into rows by their vertical overlap
and ordered left to right. ``PageText.text`` joins the rows with ``\\n``; ``char_word`` maps
each character back to its word, so a value found by a pattern gets its page, box and
confidence (provenance) for free. The text is lightly folded (full-width digits to ASCII,
ASCII punctuation to the Chinese forms printed on the forms, Traditional characters an engine
may answer to their Simplified forms (:mod:`scanning.ocr.simplified`), spaces dropped) one
character for one character, so offsets stay aligned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from scanning.ocr.simplified import simplified
from scanning.types import COLUMN_RATIO, Box, Cell, FieldValue, PageOCR, PageResult, Word

from .normalize import FULL_TO_HALF

_FOLD = dict(FULL_TO_HALF)
for _c in "，：；（）":
    _FOLD.pop(ord(_c) , None)
_FOLD.update({ord(","): "，", ord(":"): "：", ord(";"): "；", ord("("): "（", ord(")"): "）", ord("﹙"): "（", ord("﹚"): "）",
              ord("〈"): "（", ord("〉"): "）", ord("<"): "（", ord(">"): "）"})
# a figure filled in a little above the line is read as a superscript (本卷共有文书材料⁶页): it is that figure
_FOLD.update({ord(sup): str(d) for d, sup in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")})
_FOLD.update({ord(sub): str(d) for d, sub in enumerate("₀₁₂₃₄₅₆₇₈₉")})


def fold(text: str) -> str:
    """One-for-one character folding used on OCR text (see module docstring)."""
    out = simplified(text.translate(_FOLD))
    assert len(out) == len(text)
    return out


@dataclass
class Row:
    words: list[Word]
    box: Box

    @property
    def top(self) -> int:
        return self.box[1]


@dataclass
class PageText:
    index: int
    width: int
    height: int
    rows: list[Row] = field(default_factory=list)
    text: str = ""
    char_word: list[int] = field(default_factory=list)  # -1 for row separators
    words: list[Word] = field(default_factory=list)
    row_start: list[int] = field(default_factory=list)  # offset of each row in text
    cells: list[Cell] = field(default_factory=list)  # a ruled table read cell by cell, if any
    rules: list[Box] = field(default_factory=list)  # the page's ruling lines (cell borders, underlines)
    years: tuple[int, ...] = ()  # the years its document concerns (its number's), to read damaged dates by

    # -- building -----------------------------------------------------------------
    @classmethod
    def from_page(cls, page: PageResult) -> PageText:
        ocr = page.ocr or PageOCR(width=1, height=1)
        pt = cls(page.index, ocr.width, ocr.height)
        pt.cells = list(ocr.cells)
        pt.rules = list(ocr.rules)
        words = [w for w in ocr.words if w.text.strip()]
        pt.rows = group_rows(words)
        parts: list[str] = []
        for row in pt.rows:
            pt.row_start.append(sum(len(p) for p in parts))
            for w in row.words:
                t = fold(re.sub(r"\s+", "", w.text))
                parts.append(t)
                pt.char_word.extend([len(pt.words)] * len(t))
                pt.words.append(w)
            parts.append("\n")
            pt.char_word.append(-1)
        pt.text = "".join(parts)
        return pt

    # -- reading ------------------------------------------------------------------
    def row_text(self, i: int) -> str:
        end = self.row_start[i + 1] - 1 if i + 1 < len(self.rows) else len(self.text) - 1
        return self.text[self.row_start[i]:end]

    def row_of(self, offset: int) -> int:
        lo = 0
        for i, s in enumerate(self.row_start):
            if s <= offset:
                lo = i
        return lo

    def value(self, value: Any, start: int, end: int, raw: str | None = None) -> FieldValue:
        """A FieldValue for ``text[start:end]`` with the union box and mean confidence of its words."""
        idx = sorted({self.char_word[i] for i in range(max(start, 0), min(end, len(self.char_word))) if self.char_word[i] >= 0})
        ws = [self.words[i] for i in idx]
        box: Box | None = None
        if ws:
            box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws), max(w.box[3] for w in ws))
        confs = [w.conf for w in ws if w.conf >= 0]
        conf = (sum(confs) / len(confs)) if confs else 0.5
        return FieldValue(value=value, page=self.index, box=box, conf=round(min(max(conf, 0.0), 1.0), 3),
                          raw=raw if raw is not None else self.text[start:end].replace("\n", ""))

    def find(self, anchor: str, start: int = 0, end: int | None = None, min_score: float = 80.0) -> tuple[int, int] | None:
        """Where the fixed phrase ``anchor`` occurs at or after ``start``, tolerating OCR errors.

        Exact occurrences win; otherwise the best fuzzy alignment (rapidfuzz) scoring at
        least ``min_score`` is taken (only for anchors of 3 or more characters).
        """
        end = len(self.text) if end is None else end
        i = self.text.find(anchor, start, end)
        if i >= 0:
            return i, i + len(anchor)
        if len(anchor) < 3:
            return None
        hay = self.text[start:end]
        flat, back = _strip_newlines(hay)
        if not flat:
            return None
        al = fuzz.partial_ratio_alignment(anchor, flat, score_cutoff=min_score)
        if al is None:
            return None
        s, e = back[al.dest_start], back[max(al.dest_end - 1, al.dest_start)] + 1
        return start + s, start + e


def _strip_newlines(text: str) -> tuple[str, list[int]]:
    back = [i for i, c in enumerate(text) if c != "\n"]
    return "".join(text[i] for i in back), back


def is_column(w: Word) -> bool:
    """Whether ``w`` is a label printed top to bottom (简/要/案/情): its characters one under
    another, the box several characters tall and one wide."""
    x0, y0, x1, y1 = w.box
    return len(w.text) > 1 and y1 - y0 >= COLUMN_RATIO * (x1 - x0)


def _place(w: Word) -> Box:
    """Where a word sits for the rows: its box, or the box of its first character when it is
    a column (a column's label opens the row of its first character, which its value
    beside it, set from the top of its cell, shares)."""
    if is_column(w):
        x0, y0, x1, _ = w.box
        return (x0, y0, x1, y0 + (x1 - x0))
    return w.box


def group_rows(words: list[Word]) -> list[Row]:
    """Group words into rows by vertical position, rows top to bottom, words left to right.

    Full-size words form the rows (a word joins a row whose median centre lies within
    half its median height); punctuation and other small marks are then attached to the
    row nearest their centre, so a comma never becomes a row of its own. A column (a label
    printed top to bottom) joins the row of its first character.
    """
    if not words:
        return []
    place = {id(w): _place(w) for w in words}
    heights = sorted(place[id(w)][3] - place[id(w)][1] for w in words)
    typical = heights[len(heights) // 2] or 1
    big = [w for w in words if (place[id(w)][3] - place[id(w)][1]) >= 0.55 * typical]
    small = [w for w in words if (place[id(w)][3] - place[id(w)][1]) < 0.55 * typical]
    rows: list[list[Word]] = []
    centre: list[float] = []
    height: list[float] = []
    for w in sorted(big, key=lambda w: ((place[id(w)][1] + place[id(w)][3]) / 2, w.box[0])):
        box = place[id(w)]
        cy, h = (box[1] + box[3]) / 2, box[3] - box[1]
        best = None
        for k in range(len(rows)):
            if abs(cy - centre[k]) <= 0.45 * min(max(h, 1), height[k]) * 1.2:
                best = k
        if best is None:
            rows.append([w])
            centre.append(cy)
            height.append(float(h))
        else:
            rows[best].append(w)
            cs = sorted((place[id(x)][1] + place[id(x)][3]) / 2 for x in rows[best])
            hs = sorted(place[id(x)][3] - place[id(x)][1] for x in rows[best])
            centre[best], height[best] = cs[len(cs) // 2], float(hs[len(hs) // 2])
    for w in small:
        cy = (w.box[1] + w.box[3]) / 2
        if rows:
            k = min(range(len(rows)), key=lambda k: abs(cy - centre[k]) / max(height[k], 1))
            if abs(cy - centre[k]) <= height[k]:
                rows[k].append(w)
                continue
        rows.append([w])
        centre.append(cy)
        height.append(float(max(w.box[3] - w.box[1], 1)))
    out = []
    for r in rows:
        r.sort(key=lambda w: w.box[0])
        boxes = [place[id(w)] for w in r]
        out.append(Row(r, (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))))
    out.sort(key=lambda r: (r.box[1] + r.box[3]) / 2)
    return out


class Flat:
    """A page's text with the row breaks removed, for patterns that run across lines."""

    def __init__(self, pt: PageText) -> None:
        self.pt = pt
        self.text, self.back = _strip_newlines(pt.text)
        self.breaks: list[int] = []  # flat offsets at which a row ended
        n = 0
        for c in pt.text:
            if c == "\n":
                self.breaks.append(n)
            else:
                n += 1

    def row_end(self, pos: int) -> int:
        """The flat offset where the row holding ``pos`` ends."""
        for b in self.breaks:
            if b > pos:
                return b
        return len(self.text)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in ``pt.text`` of the flat span ``[start, end)``."""
        if start >= len(self.back):
            return len(self.pt.text), len(self.pt.text)
        return self.back[start], self.back[max(end - 1, start)] + 1

    def value(self, value: Any, start: int, end: int, raw: str | None = None) -> FieldValue:
        s, e = self.span(start, end)
        return self.pt.value(value, s, e, raw if raw is not None else self.text[start:end])

    def find(self, anchor: str, start: int = 0, end: int | None = None, min_score: float = 80.0) -> tuple[int, int] | None:
        """Like :meth:`PageText.find`, in flat offsets."""
        end = len(self.text) if end is None else end
        i = self.text.find(anchor, start, end)
        if i >= 0:
            return i, i + len(anchor)
        if len(anchor) < 3 or start >= end:
            return None
        al = fuzz.partial_ratio_alignment(anchor, self.text[start:end], score_cutoff=min_score)
        if al is None or al.dest_end <= al.dest_start:
            return None
        return start + al.dest_start, start + al.dest_end
