"""The invisible text layer: OCR words placed on their boxes.

Each word is written with text render mode 3 (invisible) in the glyphless font, with a text
matrix that puts its glyph cells exactly on the word box: the cell height is the box height
(ascent 0.8, descent 0.2 of the font size) and the word is stretched horizontally to the box
width. The matrix is carried through the skew and the page ``/Rotate`` by
``geometry.upright_to_page``, so a reader's highlight falls on the scanned characters.

Spacing: words on one line are stretched to meet the next word, so an extractor sees no gap
between Chinese characters (no spurious spaces); between two words where either side is
not CJK, a real space character fills the gap, as in the printed text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from scanning.pdf.font import ADVANCE, ASCENT, DESCENT, CodeMap
from scanning.pdf.geometry import Matrix
from scanning.types import Word

FONT_RESOURCE = "/Fx"
_ADVANCE_EM = ADVANCE / 1000.0
_ASCENT_SHARE = ASCENT / (ASCENT - DESCENT)


def is_cjk(char: str) -> bool:
    """True for characters written without spaces between them (Han, kana, CJK punctuation)."""
    if not char:
        return False
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, Han
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF  # extension B and later
    )


def _clean(text: str) -> str:
    if text.isprintable() and " " not in text and unicodedata.is_normalized("NFC", text):
        return text  # the usual case, cheaply
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") and not ch.isspace())


def _lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped by OCR line and, within one (an engine may put everything on line 0),
    by printed row, each row left to right."""
    by_line: dict[int, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    rows: list[list[Word]] = []
    for _, group in sorted(by_line.items()):
        group.sort(key=lambda w: w.box[1] + w.box[3])
        row: list[Word] = []
        bottom = None
        for word in group:
            centre = (word.box[1] + word.box[3]) / 2
            if row and bottom is not None and centre > bottom:
                rows.append(sorted(row, key=lambda w: w.box[0]))
                row = []
            if not row:
                bottom = word.box[3]
            row.append(word)
        if row:
            rows.append(sorted(row, key=lambda w: w.box[0]))
    return rows


def text_layer(words: Sequence[Word], to_page: Matrix, codes: CodeMap | None = None) -> bytes:
    """The content stream fragment for a page's words (empty when there are none).

    Text space (font size 1) maps onto each box: x along the box, stretched to its width,
    y up by one box height from the baseline; the page-wide map to PDF space is one ``cm``.
    The loop is written flat: a dense page has well over a thousand OCR words and
    this is the builder's hot spot (see bench/assemble.py).
    """
    encode = (codes or CodeMap()).encode
    cjk: dict[str, bool] = {}
    parts: list[str] = []
    append = parts.append
    ascent = _ASCENT_SHARE
    stretch = 2 / _ADVANCE_EM  # box width / (UTF-16 bytes / 2 * advance) = width * stretch / bytes
    for line in _lines(words):
        row = []
        for w in line:
            text = _clean(w.text)
            b = w.box
            if text and b[2] > b[0] and b[3] > b[1]:
                row.append((text, b))
        if not row:
            continue
        # One baseline per printed row: readers group text into lines by baseline, and the
        # boxes of single characters wander by a pixel or two.
        top = min(b[1] for _, b in row)
        bottom = max(b[3] for _, b in row)
        last = len(row) - 1
        for i, (text, (x0, _y0, x1, _y1)) in enumerate(row):
            y0, y1 = top, bottom
            if i < last:
                nxt_text, nb = row[i + 1]
                overlap = min(_y1, nb[3]) - max(_y0, nb[1])
                if nb[0] >= x0 and overlap > 0.5 * min(_y1 - _y0, nb[3] - nb[1]):  # same printed row
                    a, z = text[-1], nxt_text[0]
                    a_cjk = cjk.get(a)
                    if a_cjk is None:
                        a_cjk = cjk[a] = is_cjk(a)
                    z_cjk = cjk.get(z)
                    if z_cjk is None:
                        z_cjk = cjk[z] = is_cjk(z)
                    if not (a_cjk and z_cjk):
                        text += " "
                    if nb[0] > x1:
                        x1 = nb[0]
            height = y1 - y0
            code = text.encode("utf-16-be")
            if len(code) != 2 * len(text):  # a character beyond the BMP: numbered codes
                code = encode(text)
            append("%.3f 0 0 %.2f %.2f %.2f Tm <%s> Tj\n" % (
                (x1 - x0) * stretch / len(code), -height, x0, y0 + height * ascent, code.hex()))
    if not parts:
        return b""
    head = f"q {to_page.operands()} cm\nBT\n3 Tr\n{FONT_RESOURCE} 1 Tf\n"
    return (head + "".join(parts) + "ET\nQ\n").encode("ascii")
