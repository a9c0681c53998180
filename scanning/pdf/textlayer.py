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

from scanning.pdf.font import ADVANCE, ASCENT, DESCENT
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


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """``b`` follows ``a`` on the same printed row (vertical overlap, to its right)."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return b[0] >= a[0] and overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def word_ops(text: str, box: tuple[float, float, float, float]) -> str:
    """Operators that set the text matrix for one word, in upright pixels, and show it.

    Text space (font size 1) maps to the box: x along the box, stretched to its width; y up
    by one box height from the baseline. The page-wide map to PDF space is a ``cm`` set
    once by ``text_layer``, which keeps this per-word work to one format call.
    """
    x0, y0, x1, y1 = box
    height = max(y1 - y0, 1.0)
    code = text.encode("utf-16-be")
    scale_x = max(x1 - x0, 1.0) / (len(code) / 2 * _ADVANCE_EM)
    return "%.3f 0 0 %.2f %.2f %.2f Tm <%s> Tj\n" % (scale_x, -height, x0, y0 + height * _ASCENT_SHARE, code.hex())


def text_layer(words: Sequence[Word], to_page: Matrix) -> bytes:
    """The content stream fragment for a page's words (empty when there are none)."""
    parts: list[str] = []
    for line in _lines(words):
        cleaned = [(w, _clean(w.text)) for w in line]
        cleaned = [(w, t) for w, t in cleaned if t and w.box[2] > w.box[0] and w.box[3] > w.box[1]]
        for i, (word, text) in enumerate(cleaned):
            x0, y0, x1, y1 = word.box
            if i + 1 < len(cleaned) and _same_row(word.box, cleaned[i + 1][0].box):
                nxt_word, nxt_text = cleaned[i + 1]
                if not (is_cjk(text[-1]) and is_cjk(nxt_text[0])):
                    text += " "
                x1 = max(x1, nxt_word.box[0])
            parts.append(word_ops(text, (x0, y0, x1, y1)))
    if not parts:
        return b""
    head = f"q {to_page.operands()} cm\nBT\n3 Tr\n{FONT_RESOURCE} 1 Tf\n"
    return (head + "".join(parts) + "ET\nQ\n").encode("ascii")
