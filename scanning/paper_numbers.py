"""The page number written on the paper: top right on a front, top left on a back.

Read from the OCR words of an upright page: a short run of digits standing alone in the
top band of the page, near the right or left edge, away from the body text. A page with
no such number gives None (the cover, the catalog, a blank back, a number OCR missed).
"""

from __future__ import annotations

import re

from PIL import Image

from scanning.ocr import Engine, engine_of
from scanning.types import Line, PageOCR, Word

_DIGITS = re.compile(r"^[0-9０-９]{1,4}$")
#: The top band and the side margins where a page number is written (fractions of the page).
TOP_BAND = 0.14
SIDE_BAND = 0.30


def _value(text: str) -> int | None:
    text = text.strip().strip(".,，。·-—_|")
    if not _DIGITS.match(text):
        return None
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def printed_page_number(ocr: PageOCR | None) -> int | None:
    """The number written in the page's top corner, or None."""
    if ocr is None or not ocr.words or ocr.height <= 0:
        return None
    top = ocr.height * TOP_BAND
    best: tuple[float, int] | None = None
    for line_words in _lines(ocr.words).values():
        if len(line_words) > 2:
            continue  # a line of text, not a lone number
        for w in line_words:
            value = _value(w.text)
            x0, y0, x1, y1 = w.box
            if value is None or value == 0 or y1 > top:
                continue
            centre = (x0 + x1) / 2
            near_right = centre > ocr.width * (1 - SIDE_BAND)
            near_left = centre < ocr.width * SIDE_BAND
            if not (near_right or near_left):
                continue
            height = y1 - y0
            if not ocr.height * 0.006 <= height <= ocr.height * 0.05:
                continue  # speckle, or too tall to be a page number
            score = y0  # the topmost candidate wins
            if best is None or score < best[0]:
                best = (score, value)
    return best[1] if best else None


def _lines(words: list[Word]) -> dict[int, list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return lines


def read_corner_numbers(image: Image.Image, ocr: PageOCR, engine: Engine | None = None) -> PageOCR:
    """``ocr`` with the page number added when the whole-page OCR missed it.

    Tesseract's page layout analysis often drops a lone small number in a corner, so the
    two top corners are read again on their own (one short reading each, as a block of
    Latin text: Tesseract's English model; reading both in one image, side by side,
    missed numbers on our own sample volume) by ``engine``, by default the one that read
    ``ocr``; a number found there is added as a word, in page coordinates, on a line of
    its own — so it also lands in the PDF's text layer where it is printed."""
    if printed_page_number(ocr) is not None:
        return ocr
    engine = engine or engine_of(ocr)
    model = engine.models("latin")[0]
    width, height = image.size
    band = int(height * TOP_BAND)
    side = int(width * SIDE_BAND)
    found: list[Word] = []
    for left in (width - side, 0):  # the front's corner first, then the back's
        crop = image.crop((left, 0, left + side, band)).convert("L")
        for w in engine.read(crop, None, "block", model=model).words:
            if _value(w.text) is not None:
                x0, y0, x1, y1 = w.box
                found.append(Word(w.text, (x0 + left, y0, x1 + left, y1), w.conf, line=-1))
    if not found:
        return ocr
    next_line = max((w.line for w in ocr.words), default=-1) + 1
    added = [Word(w.text, w.box, w.conf, line=next_line + i) for i, w in enumerate(found)]
    candidate = PageOCR(ocr.width, ocr.height, [*ocr.words, *added], list(ocr.lines), list(ocr.cells),
                        ocr.engine, ocr.engine_version, list(ocr.rules))
    number = printed_page_number(candidate)
    if number is None:
        return ocr
    keep = [w for w in added if _value(w.text) == number][:1]
    lines = [*ocr.lines, *(Line(w.text, w.box, w.conf) for w in keep)]
    return PageOCR(ocr.width, ocr.height, [*ocr.words, *keep], lines, list(ocr.cells), ocr.engine, ocr.engine_version,
                   list(ocr.rules))
