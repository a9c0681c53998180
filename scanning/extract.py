"""``ecase extract``: scan files in, one JSON object of pages and recognised documents out.

The contract (stable; the CLI prints exactly this)::

    {"pages": [{"index": 1, "rotation": 0, "skew_deg": 0.4, "blank": false}, ...],
     "documents": [{"type": "filing_decision", "title": "立案决定书", "first_page": 3,
                    "last_page": 3, "fields": {...}, "confidence": 0.93}, ...]}

Page indexes are 1-based in scan order over all files given; ``rotation`` is the clockwise
turn that made the page upright; field names and formats are FORMS.md's; a field not
found is left out; catalog rows are a list under ``entries``. With ``provenance=True``
each document also carries ``provenance`` (page, box, conf, raw per field) and
``conflicts``. With a ``lexicon`` (:class:`scanning.recognition.lexicon.Lexicon`, the
bureau's own names) misread institution names and number heads are put right; the JSON's
shape is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from scanning.recognition import recognize
from scanning.recognition.lexicon import Lexicon
from scanning.recognition.split import split
from scanning.types import Document, PageOCR, PageResult

#: Documents printed as ruled tables. Tesseract's automatic layout analysis (psm 3) drops
#: whole columns of such tables (sequence numbers, page numbers, the head of document
#: numbers); reading the page as one uniform block (layout "block", psm 6) keeps the rows whole.
TABLE_TYPES = ("catalog", "acceptance_form")
TABLE_LAYOUT = "block"

log = logging.getLogger(__name__)


def _page_results(items: Iterable[Any]) -> list[PageResult]:
    """Accept PageResults, ScanPages (``.result``) or (PageResult, image) pairs; number them 1.. in scan order."""
    out: list[PageResult] = []
    for item in items:
        page = item[0] if isinstance(item, tuple) else getattr(item, "result", item)
        out.append(page)
    if len({p.index for p in out}) != len(out):  # indexes restarted per file: renumber
        for i, p in enumerate(out, 1):
            p.index = i
    out.sort(key=lambda p: p.index)
    return out


def page_json(p: PageResult) -> dict[str, Any]:
    return {"index": p.index, "rotation": int(p.rotation) % 360, "skew_deg": round(float(p.skew_deg), 2), "blank": bool(p.blank)}


def document_json(d: Document, provenance: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": d.type, "title": d.title, "first_page": d.first_page, "last_page": d.last_page,
                           "fields": d.plain_fields(), "confidence": round(d.confidence, 3)}
    if provenance:
        out["provenance"] = {k: {"page": fv.page, "box": list(fv.box) if fv.box else None, "conf": fv.conf, "raw": fv.raw}
                             for k, fv in d.fields.items()}
        out["conflicts"] = d.conflicts
    return out


def extract_pages(pages: Sequence[PageResult], *, provenance: bool = False,
                  lexicon: Lexicon | None = None) -> dict[str, Any]:
    """The contract JSON for pages already cleaned and OCR'd (no files, no OCR here)."""
    docs = recognize(list(pages), lexicon=lexicon)
    return {"pages": [page_json(p) for p in pages], "documents": [document_json(d, provenance) for d in docs]}


def upright(img: Image.Image, page: PageResult) -> Image.Image:
    """The page image as it was OCR'd: turned ``rotation`` clockwise, then ``skew_deg``."""
    if page.rotation % 360:
        img = img.rotate(-(page.rotation % 360), expand=True)
    if page.skew_deg:
        img = img.rotate(page.skew_deg, resample=Image.Resampling.BILINEAR, fillcolor=255 if img.mode == "L" else (255,) * 3)
    return img


def _words_read(ocr: PageOCR | None) -> int:
    return sum(len(w.text) for w in ocr.words if w.conf >= 0.60) if ocr else 0


def reread_tables(pages: list[PageResult], image_of: Callable[[PageResult], Image.Image | None]) -> int:
    """OCR the pages of table documents again: cell by cell when the page has a ruled grid
    (:func:`scanning.tables.read_table`), else as one block, keeping the fuller reading.

    ``image_of`` gives a page's upright image (as OCR'd by the pipeline) or None. Each
    page is read again by the engine that read it. Returns how many pages were replaced.
    """
    from scanning.ocr import engine_of
    from scanning.pages import suppress_red
    from scanning.tables import read_table

    wanted = {p: d.type for d in split(pages) if d.type in TABLE_TYPES for p in range(d.first_page, d.last_page + 1)}
    replaced = 0
    for page in pages:
        if page.index not in wanted or page.blank or page.ocr is None:
            continue
        img = image_of(page)
        if img is None:
            continue
        grey, _ = suppress_red(img)
        engine = engine_of(page.ocr)
        table = read_table(grey, page.ocr, dpi=page.dpi, numbers=wanted[page.index] == "catalog", engine=engine)
        if table is not None:
            page.ocr = table
            replaced += 1
            continue
        again = engine.read(grey, None, TABLE_LAYOUT)
        if _words_read(again) > _words_read(page.ocr):
            page.ocr = again
            replaced += 1
    return replaced


def scan_pages(paths: list[Path], *, jobs: int | None = None, engine: str | None = None) -> list[PageResult]:
    """Every page of ``paths`` cleaned, OCR'd (:func:`scanning.pipeline.process_scan`, by
    ``engine``: None for ``ECASE_OCR_ENGINE``), tables re-read."""
    from scanning.pages import load_page
    from scanning.pipeline import process_scan

    items = list(process_scan([Path(p) for p in paths], jobs=jobs, engine=engine))
    pages = _page_results(items)
    by_index = {getattr(i, "result", i).index: i for i in items if hasattr(i, "result")}

    def image_of(page: PageResult) -> Image.Image | None:
        item = by_index.get(page.index)
        if item is None:
            return None
        if item.upright is not None:
            return load_page(item.upright)[0]
        return load_page(item.original.data)[0]

    n = reread_tables(pages, image_of)
    log.info("extract: %d pages from %d files, %d table pages re-read", len(pages), len(paths), n)
    return pages


def extract(paths: list[Path], *, jobs: int | None = None, provenance: bool = False,
            lexicon: Lexicon | None = None, engine: str | None = None) -> dict[str, Any]:
    """Read scan files (PDF, TIFF, JPEG, PNG, ZIP, folders), clean and OCR every page, recognise.

    Cleanup and OCR are :func:`scanning.pipeline.process_scan`'s (in parallel over
    ``jobs`` processes); pages of table documents are read again as one block
    (:func:`reread_tables`); then recognition (against ``lexicon`` when given), and the JSON.
    """
    return extract_pages(scan_pages(paths, jobs=jobs, engine=engine), provenance=provenance, lexicon=lexicon)
