"""The dataclasses that cross the package boundary.

Coordinates: every box is ``(x0, y0, x1, y1)`` in pixels of the *upright* page image
(after the page was turned by ``rotation`` and deskewed by ``skew_deg``), origin top left.
``rotation`` is the clockwise turn in degrees (0, 90, 180, 270) that made the scanned
page upright; ``skew_deg`` the further small turn (counter-clockwise positive) applied to
straighten it. Together they map boxes back to the original scan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Box = tuple[int, int, int, int]

#: Changes whenever PageOCR's fields, or what a page's reading holds, change: caches of
#: pickled readings key on it (3: unread blocks read again, scanning.unread; 4: junk words
#: over them dropped; 5: no word read twice; 6: confidences 0..1, the engine's name and
#: version recorded; 7: the page's ruling lines, ``rules``; 8: labels printed top to bottom
#: read as one word, a column, by PP-OCR; 9: characters skipped inside a line read again,
#: scanning.unread.read_gaps; 10: faint ink shaped like writing kept in the OCR input,
#: scanning.pages.clean; 11: printed boxes the recogniser dropped put back, scanning.marks,
#: on table pages read again too).
#: Caches key on the engine's name and version as well.
OCR_FORMAT = 11

#: A word this many times taller than wide is a column: characters printed one under another
#: (简/要/案/情). PP-OCR reads such boxes character by character (scanning.ocr.ppocr);
#: recognition places them beside the rows they label (scanning.recognition.text).
COLUMN_RATIO = 1.8


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    box: Box
    conf: float  # 0..1, whichever engine read it; -1 when unknown
    line: int = 0  # index of the line this word belongs to on its page


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    box: Box
    conf: float


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a ruled table, read on its own (see :mod:`scanning.tables`).

    ``row`` and ``col`` count from 0 at the table's top left; ``box`` is the cell between
    its rules; ``text`` what was read in it; ``digits`` the same cell read as a number
    (digits and dashes only), one reading per OCR model, when it was asked for and the
    cell is short enough to hold one, else empty.
    """

    row: int
    col: int
    box: Box
    text: str
    conf: float
    digits: tuple[str, ...] = ()


@dataclass(slots=True)
class PageOCR:
    """What was read on one upright page; ``cells`` when the page holds a ruled table read
    cell by cell; ``engine`` and ``engine_version`` the OCR engine that read it
    (:mod:`scanning.ocr`), empty when not known; ``rules`` the page's straight ruling lines
    (cell borders, rules between rows, underlines), each a thin box in the same pixels as
    the words' boxes: horizontal ones much wider than tall, vertical ones much taller than
    wide; horizontal first top to bottom, then vertical left to right
    (:func:`scanning.tables.find_rules`). Empty when not looked for."""

    width: int
    height: int
    words: list[Word] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    engine: str = ""
    engine_version: str = ""
    rules: list[Box] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class PageResult:
    """One scanned page after cleanup and OCR. ``index`` is 1-based in scan order."""

    index: int
    rotation: int = 0
    skew_deg: float = 0.0
    blank: bool = False
    dpi: int = 300
    ocr: PageOCR | None = None
    error: str | None = None  # set when this page alone failed


@dataclass(frozen=True, slots=True)
class FieldValue:
    """One value read off a page, with its provenance."""

    value: Any
    page: int  # 1-based page index in scan order
    box: Box | None
    conf: float  # 0..1
    raw: str  # the text as read, before normalisation


@dataclass(slots=True)
class Document:
    """A legal document found in a volume: a run of pages from ``first_page`` to ``last_page``."""

    type: str  # a code from FORMS.md, or "other"
    title: str
    first_page: int
    last_page: int
    confidence: float
    fields: dict[str, FieldValue] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def plain_fields(self) -> dict[str, Any]:
        return {name: fv.value for name, fv in self.fields.items()}
