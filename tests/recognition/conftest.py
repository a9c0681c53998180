"""Fake OCR pages for recognition tests: text laid out as Tesseract would report it.

``make_page(index, rows)`` builds a PageResult whose words are single characters (as
Tesseract's chi_sim reports Chinese) placed row by row; a row is a string, or a list of
(x, text) cells for tables. No image and no Tesseract: these tests exercise the logic
alone, and the slow tests in tests/scanning run real OCR.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.types import Line, PageOCR, PageResult, Word

CH = 40  # character size in pixels
LINE = 70  # row pitch


def build(index: int, rows: list[str | list[tuple[int, str]]], *, top: int = 200, conf: float = 0.9,
          blank: bool = False, width: int = 2480, height: int = 3508) -> PageResult:
    words: list[Word] = []
    lines: list[Line] = []
    y = top
    for n, row in enumerate(rows):
        cells = [(300, row)] if isinstance(row, str) else row
        row_words = []
        for x0, text in cells:
            x = x0
            for ch in text:
                if ch == " ":
                    x += CH
                    continue
                w = Word(ch, (x, y, x + CH, y + CH), conf, n)
                row_words.append(w)
                x += CH + 4
        words.extend(row_words)
        if row_words:
            lines.append(Line("".join(w.text for w in row_words), (row_words[0].box[0], y, row_words[-1].box[2], y + CH), conf))
        y += LINE
    return PageResult(index=index, blank=blank, ocr=None if blank else PageOCR(width, height, words, lines))


@pytest.fixture
def make_page() -> Callable[..., PageResult]:
    return build
