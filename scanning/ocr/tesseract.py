"""Tesseract behind the engine interface (:class:`TesseractEngine`, name ``tesseract``).

Layouts map to page segmentation modes (page: psm 3, block: psm 6, line: psm 7), a
charset to Tesseract's character whitelist, models to its language packs: ``lang`` for
text (chi_sim), English and Chinese for numbers (two readings whose errors differ), English
for Latin text. Confidences are Tesseract's 0..100 brought to the interface's 0..1. Boxes
are in the pixel coordinates of the image given. The program itself is run by
:mod:`scanning._exec.tesseract`.
"""

from __future__ import annotations

import logging

from PIL import Image

from scanning._exec import tesseract
from scanning.ocr.engine import Engine, EngineOptions, Layout, Purpose, register
from scanning.ocr.lines import join_words, union
from scanning.types import Line, PageOCR, Word

log = logging.getLogger(__name__)

#: Tesseract TSV ``level`` of a word row.
_WORD_LEVEL = 5
#: Page segmentation mode of each layout.
PSM = {"page": 3, "block": 6, "line": 7}


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
            conf=_conf(float(cells[col["conf"]])),
            line=line_keys[key],
        )
        page.words.append(word)
        line_words[line_keys[key]].append(word)
    for words in line_words:
        confs = [w.conf for w in words if w.conf >= 0]
        page.lines.append(
            Line(
                text=join_words([w.text for w in words]),
                box=union([w.box for w in words]),
                conf=sum(confs) / len(confs) if confs else -1.0,
            )
        )
    return page


def _conf(tesseract_conf: float) -> float:
    """Tesseract's 0..100 (-1: none) on the interface's 0..1 scale."""
    return tesseract_conf / 100.0 if tesseract_conf >= 0 else -1.0


class TesseractEngine(Engine):
    """Tesseract through pytesseract, one thread per reading (see the module docstring)."""

    name = "tesseract"
    doubt_below = 0.65

    def available(self) -> bool:
        return tesseract.is_installed()

    def version(self) -> str:
        return f"{tesseract.version()} {self.options.lang}"

    def models(self, purpose: Purpose = "text") -> tuple[str | None, ...]:
        if purpose == "numbers":
            # English reads more number cells, Chinese misreads fewer (bench/recognition.py's catalogs)
            return tuple(lang for lang in ("eng", "chi_sim") if lang in tesseract.languages()) or (self.options.lang,)
        if purpose == "latin":
            return ("eng",) if "eng" in tesseract.languages() else (self.options.lang,)
        return (self.options.lang,)

    def read(self, image: Image.Image, dpi: int | None = None, layout: Layout = "page",
             charset: str | None = None, *, model: str | None = None) -> PageOCR:
        text = tesseract.tsv(image, lang=model or self.options.lang, psm=PSM[layout], dpi=dpi, whitelist=charset)
        return self.stamp(parse_tsv(text, image.width, image.height))


register("tesseract", TesseractEngine)


def ocr_image(image: Image.Image, *, lang: str = "chi_sim", psm: int = 3, dpi: int | None = None) -> PageOCR:
    """Tesseract with a page segmentation mode of its own choosing (tests, benches): the
    engine's reading of ``image`` in ``lang``; boxes in ``image``'s pixels."""
    engine = TesseractEngine(EngineOptions(lang=lang))
    return engine.stamp(parse_tsv(tesseract.tsv(image, lang=lang, psm=psm, dpi=dpi), image.width, image.height))
