"""Building a reading out of words, the same for every engine.

Line text joins words without spaces between CJK characters (Tesseract's chi_sim model
splits Chinese into one "word" per character or short run, PP-OCR's engine into one per
character) but keeps one space where both neighbours are Latin letters or digits, so
"GB 2312" and "A370105" survive while "立案决定书" is not spread out as "立 案 决 定 书".
"""

from __future__ import annotations

from scanning.types import Box, Line, PageOCR, Word


def is_spaced(ch: str) -> bool:
    """Characters that keep a space between words: ASCII letters/digits and Latin text."""
    return ch.isascii() and ch.isalnum() or ("\u00c0" <= ch <= "\u024f")


def join_words(words: list[str]) -> str:
    """Join the words of one line: a space only between two Latin/digit tokens."""
    out = ""
    for w in words:
        if out and is_spaced(out[-1]) and is_spaced(w[0]):
            out += " "
        out += w
    return out


def union(boxes: list[Box]) -> Box:
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
    ocr.lines.append(Line(join_words([w.text for w in words]), union([w.box for w in words]),
                          sum(confs) / len(confs) if confs else -1.0))
    ocr.words.extend(Word(w.text, w.box, w.conf, n) for w in words)
