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

from scanning.pdf.font import ADVANCE, ASCENT, DESCENT, encode_text
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
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C") and not ch.isspace())


def _lines(words: Iterable[Word]) -> list[list[Word]]:
    by_line: dict[int, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    return [sorted(ws, key=lambda w: (w.box[0], w.box[1])) for _, ws in sorted(by_line.items())]


def _same_row(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """``b`` follows ``a`` on the same printed row (vertical overlap, to its right)."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return b[0] >= a[0] and overlap > 0.5 * min(a[3] - a[1], b[3] - b[1])


def _code_units(text: str) -> int:
    return len(encode_text(text)) // 2


def word_ops(text: str, box: tuple[float, float, float, float], to_page: Matrix) -> str:
    """Operators that set the text matrix for one word and show it."""
    x0, y0, x1, y1 = box
    height = max(y1 - y0, 1.0)
    width = max(x1 - x0, 1.0)
    units = _code_units(text)
    baseline = y0 + height * _ASCENT_SHARE
    # text space (font size 1) -> upright pixels: x along the box, y up by one box height
    scale_x = width / (units * _ADVANCE_EM)
    text_to_upright = Matrix(scale_x, 0, 0, -height, x0, baseline)
    matrix = text_to_upright @ to_page
    return f"{matrix.operands()} Tm <{encode_text(text).hex().upper()}> Tj\n"


def text_layer(words: Sequence[Word], to_page: Matrix) -> bytes:
    """The content stream fragment for a page's words (empty when there are none)."""
    parts: list[str] = []
    for line in _lines(words):
        cleaned = [(w, _clean(w.text)) for w in line]
        cleaned = [(w, t) for w, t in cleaned if t and w.box[2] > w.box[0] and w.box[3] > w.box[1]]
        for i, (word, text) in enumerate(cleaned):
            x0, y0, x1, y1 = (float(v) for v in word.box)
            if i + 1 < len(cleaned) and _same_row(word.box, cleaned[i + 1][0].box):
                nxt_word, nxt_text = cleaned[i + 1]
                if not (is_cjk(text[-1]) and is_cjk(nxt_text[0])):
                    text += " "
                x1 = max(x1, float(nxt_word.box[0]))
            parts.append(word_ops(text, (x0, y0, x1, y1), to_page))
    if not parts:
        return b""
    return (f"BT\n3 Tr\n{FONT_RESOURCE} 1 Tf\n" + "".join(parts) + "ET\n").encode("ascii")
