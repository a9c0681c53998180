"""Pages whose OCR is written by hand (no engine): one character a word, one row a line,
placed as a printed form's rows would be, stored as the one page of a new case's volume."""

from __future__ import annotations

from typing import Any

from ecase import db
from ecase.access import Actor
from ecase.intake import operations
from ecase.intake.pages import ocr_to_json
from ecase.models import Page, Scan
from scanning.types import Line, PageOCR, Word


def ocr(rows: list[str]) -> PageOCR:
    """Rows top to bottom; a space leaves a gap (no word)."""
    words, lines = [], []
    for n, row in enumerate(rows):
        y = 200 + 70 * n
        ws = [Word(ch, (300 + 44 * k, y, 340 + 44 * k, y + 40), 0.88, n) for k, ch in enumerate(row) if ch != " "]
        words += ws
        if ws:
            lines.append(Line(row, (300, y, ws[-1].box[2], y + 40), 0.88))
    return PageOCR(2480, 3508, words, lines)


def one_page_volume(case_no: str, case_name: str, filename: str, rows: list[str]) -> tuple[Any, Page]:
    """A new case's main volume holding one scan of one processed page read as ``rows``
    (no version yet)."""
    actor = Actor.system()
    case = operations.find_or_create_case(actor, case_no, name=case_name)
    volume = operations.find_or_create_volume(actor, case, "criminal_main", 1)
    s = db.session()
    scan = Scan(volume_id=volume.id, sha256="0" * 64, size=1, filename=filename, media_type="application/pdf")
    s.add(scan)
    s.flush()
    page_ocr = ocr(rows)
    page = Page(scan_id=scan.id, scan_index=1, ocr=ocr_to_json(page_ocr), text=page_ocr.text, state="done")
    s.add(page)
    s.flush()
    return volume, page
