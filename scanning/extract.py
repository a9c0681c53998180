"""``ecase extract``: scan files in, one JSON object of pages and recognised documents out.

The contract (stable; the CLI prints exactly this)::

    {"pages": [{"index": 1, "rotation": 0, "skew_deg": 0.4, "blank": false}, ...],
     "documents": [{"type": "filing_decision", "title": "立案决定书", "first_page": 3,
                    "last_page": 3, "fields": {...}, "confidence": 0.93}, ...]}

Page indexes are 1-based in scan order over all files given; ``rotation`` is the clockwise
turn that made the page upright; field names and formats are FORMS.md's; a field not
found is left out; catalog rows are a list under ``entries``. With ``provenance=True``
each document also carries ``provenance`` (page, box, conf, raw per field) and
``conflicts``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from scanning.recognition import recognize
from scanning.types import Document, PageResult

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


def extract_pages(pages: Sequence[PageResult], *, provenance: bool = False) -> dict[str, Any]:
    """The contract JSON for pages already cleaned and OCR'd (no files, no OCR here)."""
    docs = recognize(list(pages))
    return {"pages": [page_json(p) for p in pages], "documents": [document_json(d, provenance) for d in docs]}


def extract(paths: list[Path], *, jobs: int | None = None, provenance: bool = False) -> dict[str, Any]:
    """Read scan files (PDF, TIFF, JPEG, PNG, ZIP, folders), clean and OCR every page, recognise.

    Cleanup and OCR are :func:`scanning.pipeline.process_scan`'s (in parallel over
    ``jobs`` processes); this function adds recognition and shapes the JSON.
    """
    from scanning.pipeline import process_scan

    pages = _page_results(process_scan([Path(p) for p in paths], jobs=jobs))
    log.info("extract: %d pages from %d files", len(pages), len(paths))
    return extract_pages(pages, provenance=provenance)
