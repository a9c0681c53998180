"""Between database rows and ``scanning.types``: OCR results are kept as compact JSON.

A page's OCR JSON names the engine that read it (``engine``, ``engine_version``) and
holds confidences on 0..1. JSON stored before engines were recorded (no ``engine`` key)
was Tesseract's, on its 0..100 scale: it is read back on 0..1. The page's ruling lines
(``rules``, boxes ``[x0, y0, x1, y1]``) are kept when there are any; JSON stored before
they were looked for reads back with none.
"""

from __future__ import annotations

from typing import Any

from ecase.models import Page
from scanning.types import Cell, Line, PageOCR, PageResult, Word


def ocr_to_json(ocr: PageOCR) -> dict[str, Any]:
    out: dict[str, Any] = {
        "width": ocr.width,
        "height": ocr.height,
        "engine": ocr.engine,
        "engine_version": ocr.engine_version,
        "words": [[w.text, *w.box, round(w.conf, 3), w.line] for w in ocr.words],
        "lines": [[ln.text, *ln.box, round(ln.conf, 3)] for ln in ocr.lines],
    }
    if ocr.cells:
        out["cells"] = [[c.row, c.col, *c.box, c.text, round(c.conf, 3), list(c.digits)] for c in ocr.cells]
    if ocr.rules:
        out["rules"] = [[int(v) for v in r] for r in ocr.rules]
    return out


def ocr_from_json(data: dict[str, Any] | None) -> PageOCR | None:
    if not data:
        return None
    if "engine" in data:
        def conf(c: float) -> float:
            return c
    else:  # stored before engines were recorded: Tesseract's 0..100
        def conf(c: float) -> float:
            return c / 100.0 if c >= 0 else -1.0
    return PageOCR(
        width=data["width"],
        height=data["height"],
        words=[Word(w[0], (w[1], w[2], w[3], w[4]), conf(w[5]), w[6]) for w in data["words"]],
        lines=[Line(ln[0], (ln[1], ln[2], ln[3], ln[4]), conf(ln[5])) for ln in data["lines"]],
        cells=[Cell(c[0], c[1], (c[2], c[3], c[4], c[5]), c[6], conf(c[7]), tuple(c[8])) for c in data.get("cells", ())],
        engine=data.get("engine", "tesseract"),
        engine_version=data.get("engine_version", ""),
        rules=[(r[0], r[1], r[2], r[3]) for r in data.get("rules", ())],
    )


def page_result(page: Page, index: int) -> PageResult:
    """The scanning view of a stored page, numbered ``index`` (1-based in its volume)."""
    return PageResult(index=index, rotation=page.rotation, skew_deg=page.skew_deg,
                      blank=page.blank, dpi=page.dpi or 300, ocr=ocr_from_json(page.ocr),
                      error=page.error if page.state == "failed" else None)
