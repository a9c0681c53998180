"""``ecase extract``: scan files in, one JSON object of pages and recognised documents out.

The contract (stable; the CLI prints exactly this)::

    {"pages": [{"index": 1, "rotation": 0, "skew_deg": 0.4, "blank": false}, ...],
     "documents": [{"type": "filing_decision", "title": "立案决定书", "first_page": 3,
                    "last_page": 3, "fields": {...}, "confidence": 0.93}, ...]}

Page indexes are 1-based in scan order over all files given; ``rotation`` is the clockwise
turn that made the page upright; field names and formats are FORMS.md's; a field not
found is left out; catalog rows are a list under ``entries``. With ``provenance=True``
each document also carries ``provenance`` (page, box, conf, raw and the OCR engine with its
version, per field) and
``conflicts``. With a ``lexicon`` (:class:`scanning.recognition.lexicon.Lexicon`, the
bureau's own names) misread institution names and number heads are put right; the JSON's
shape is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from scanning.pipeline import TABLE_LAYOUT, TABLE_TYPES, reread_tables
from scanning.recognition import recognize
from scanning.recognition.labels import Vocabulary
from scanning.recognition.lexicon import Lexicon
from scanning.types import Document, PageResult

__all__ = ["TABLE_LAYOUT", "TABLE_TYPES", "document_json", "extract", "extract_pages", "page_json",
           "reread_tables", "scan_pages", "upright"]

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


def document_json(d: Document, provenance: bool = False, engines: dict[int, str] | None = None) -> dict[str, Any]:
    """One document of the contract; with ``provenance``, each field's page, box, conf, raw,
    and (given ``engines``, page index -> "name version") the OCR engine that read its page."""
    out: dict[str, Any] = {"type": d.type, "title": d.title, "first_page": d.first_page, "last_page": d.last_page,
                           "fields": d.plain_fields(), "confidence": round(d.confidence, 3)}
    if provenance:
        out["provenance"] = {k: {"page": fv.page, "box": list(fv.box) if fv.box else None, "conf": fv.conf, "raw": fv.raw,
                                 **({"engine": engines.get(fv.page)} if engines is not None else {})}
                             for k, fv in d.fields.items()}
        out["conflicts"] = d.conflicts
    return out


def extract_pages(pages: Sequence[PageResult], *, provenance: bool = False,
                  lexicon: Lexicon | None = None, labels: Vocabulary | None = None) -> dict[str, Any]:
    """The contract JSON for pages already cleaned and OCR'd (no files, no OCR here);
    ``labels`` is the label vocabulary (the defaults when None)."""
    docs = recognize(list(pages), lexicon=lexicon, labels=labels)
    engines = {p.index: f"{p.ocr.engine} {p.ocr.engine_version}".strip() for p in pages if p.ocr is not None}
    return {"pages": [page_json(p) for p in pages],
            "documents": [document_json(d, provenance, engines) for d in docs]}


def upright(img: Image.Image, page: PageResult) -> Image.Image:
    """The page image as it was OCR'd: turned ``rotation`` clockwise, then ``skew_deg``."""
    if page.rotation % 360:
        img = img.rotate(-(page.rotation % 360), expand=True)
    if page.skew_deg:
        img = img.rotate(page.skew_deg, resample=Image.Resampling.BILINEAR, fillcolor=255 if img.mode == "L" else (255,) * 3)
    return img


def scan_pages(paths: list[Path], *, jobs: int | None = None, engine: str | None = None) -> list[PageResult]:
    """Every page of ``paths`` through the page pipeline (:func:`scanning.pipeline.read_scans`,
    by ``engine``: None for ``ECASE_OCR_ENGINE``): the same steps as an ingested scan's."""
    from scanning.pipeline import read_scans

    items = read_scans([Path(p) for p in paths], jobs=jobs, engine=engine)
    pages = _page_results(items)
    log.info("extract: %d pages from %d files", len(pages), len(paths))
    return pages


def extract(paths: list[Path], *, jobs: int | None = None, provenance: bool = False,
            lexicon: Lexicon | None = None, engine: str | None = None,
            labels: Vocabulary | None = None) -> dict[str, Any]:
    """Read scan files (PDF, TIFF, JPEG, PNG, ZIP, folders), clean and OCR every page, recognise.

    The page pipeline is :mod:`scanning.pipeline`'s, the worker's own (in parallel over
    ``jobs`` processes; each file one scan); then recognition (against ``lexicon`` when
    given), and the JSON.
    """
    return extract_pages(scan_pages(paths, jobs=jobs, engine=engine), provenance=provenance, lexicon=lexicon,
                         labels=labels)
