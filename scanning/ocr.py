"""Read the words and lines on one upright page image with Tesseract.

``ocr_image`` is the one entry point. Boxes are in the pixel coordinates of the image it
was given. Line text joins Tesseract's words without spaces between CJK characters
(Tesseract's chi_sim model splits Chinese into one "word" per character or short run) but
keeps one space where both neighbours are Latin letters or digits, so "GB 2312" and
"A370105" survive while "立案决定书" is not spread out as "立 案 决 定 书".
"""

from __future__ import annotations

import logging

from PIL import Image

from scanning._exec import tesseract
from scanning.types import Box, Line, PageOCR, Word

log = logging.getLogger(__name__)

#: Tesseract TSV ``level`` of a word row.
_WORD_LEVEL = 5


def _is_spaced(ch: str) -> bool:
    """Characters that keep a space between words: ASCII letters/digits and Latin text."""
    return ch.isascii() and ch.isalnum() or ("\u00c0" <= ch <= "\u024f")


def join_words(words: list[str]) -> str:
    """Join the words of one line: a space only between two Latin/digit tokens."""
    out = ""
    for w in words:
        if out and _is_spaced(out[-1]) and _is_spaced(w[0]):
            out += " "
        out += w
    return out


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def add_line(ocr: PageOCR, words: list[Word]) -> None:
    """Append ``words`` (one line's, left to right) to ``ocr`` as a new line: its text, the
    union of their boxes, their mean confidence; the words numbered with that line."""
    n = len(ocr.lines)
    confs = [w.conf for w in words if w.conf >= 0]
    ocr.lines.append(Line(join_words([w.text for w in words]), _union([w.box for w in words]),
                          sum(confs) / len(confs) if confs else -1.0))
    ocr.words.extend(Word(w.text, w.box, w.conf, n) for w in words)


def parse_tsv(text: str, width: int, height: int) -> PageOCR:
    """Turn Tesseract's TSV output into a ``PageOCR`` (words in reading order, lines)."""
    page = PageOCR(width=width, height=height)
    rows = text.splitlines()
    if not rows:
        return page
    header = rows[0].split("\t")
    col = {name: i for i, name in enumerate(header)}
    line_keys: dict[tuple[int, int, int, int], int] = {}
    line_words: list[list[Word]] = []
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < len(header) or int(cells[col["level"]]) != _WORD_LEVEL:
            continue
        word_text = cells[col["text"]].strip()
        if not word_text:
            continue
        key = (
            int(cells[col["page_num"]]),
            int(cells[col["block_num"]]),
            int(cells[col["par_num"]]),
            int(cells[col["line_num"]]),
        )
        if key not in line_keys:
            line_keys[key] = len(line_words)
            line_words.append([])
        left, top = int(cells[col["left"]]), int(cells[col["top"]])
        w, h = int(cells[col["width"]]), int(cells[col["height"]])
        word = Word(
            text=word_text,
            box=(left, top, left + w, top + h),
            conf=float(cells[col["conf"]]),
            line=line_keys[key],
        )
        page.words.append(word)
        line_words[line_keys[key]].append(word)
    for words in line_words:
        confs = [w.conf for w in words if w.conf >= 0]
        page.lines.append(
            Line(
                text=join_words([w.text for w in words]),
                box=_union([w.box for w in words]),
                conf=sum(confs) / len(confs) if confs else -1.0,
            )
        )
    return page


def ocr_image(image: Image.Image, *, lang: str = "chi_sim", psm: int = 3, dpi: int | None = None) -> PageOCR:
    """OCR ``image`` with one Tesseract thread and return its words and lines.

    ``dpi`` is passed to Tesseract when known (it sizes its noise filters by it);
    boxes are in ``image``'s pixels either way.
    """
    text = tesseract.tsv(image, lang=lang, psm=psm, dpi=dpi)
    return parse_tsv(text, image.width, image.height)
