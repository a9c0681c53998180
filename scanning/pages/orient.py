"""Which way up a page is, on any page: cheap signals first, costly ones only when needed.

The answer is ``turn``, the clockwise quarter turn (0, 90, 180, 270) that makes the scan
upright, found together with the reading made at that turn (so an upright page costs one
OCR run, as before). What each signal is good at, and what it is not:

- **Projection profile** (``analysis.text_axis_and_skew``, ~0.1 s): rows against columns
  of ink tell upright-or-sideways, free, and say how sure they are (the ratio of the two
  scores). Chinese set on a grid has columns as well as rows, so on tight leading, wide
  letter spacing or faint grey ink the two come close, and the profile can be wrong.
  It knows nothing of up and down.
- **The reading's own line boxes** (text-line geometry, free once read): Tesseract reads
  a page turned a quarter the wrong way *well*, as vertical text, with tall line boxes
  (the failure seen on scans from outside: upright transcript pages reported as needing
  a 90° turn, read at 0.9 confidence). Lines taller than wide mean the axis is wrong;
  read well, the page is a quarter turn counter-clockwise from where it was read.
- **Reading confidence and real characters** (free once read): a page read upside down
  or sideways by an engine that does not turn it gives low confidence and few Chinese
  characters read with confidence (PP-OCR even drops its lines).
- **PP-OCR's text-direction classifier** (``Engine.upside_down``, the ppocr engine only,
  a few ms on the reading's line crops): says 0 or 180 for each line.
- **Tesseract's OSD** (``scanning._exec.tesseract.osd``, ~0.7 s a page at half
  resolution): all four turns with a confidence; fails on sparse pages. Asked only when
  the profile is unsure or the first reading is poor.
- **Reading both candidates** (an OCR run each): the last word when the signals disagree
  or are unsure; the reading with the higher score (confidence-weighted count of real
  characters, :func:`score`) is kept.

The order (:func:`orient_and_read`): the profile's axis, or OSD's answer when the profile
is unsure and OSD is sure, is read first. A good reading (confidence above the engine's
doubt level, lines wide, enough real characters, the classifier not saying upside down)
is kept. Otherwise candidates are read in order of likelihood until one reads well: the
turn the line boxes point to, or the half turn (when the classifier says so or the axis
is sure), then OSD's answer (asked only now), the half turn, the other axis (when the
axis is in doubt, or nothing at all was read on the first: a photograph's grain can make the
profile sure of the wrong axis). When none reads well the best reading wins. Every decision is logged
at debug level with its reasons.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from PIL import Image

from scanning.pages.analysis import Geometry, text_axis_and_skew
from scanning.types import PageOCR

if TYPE_CHECKING:
    from scanning.ocr import Engine

log = logging.getLogger(__name__)

#: The profile is sure of the axis when one direction's score is this many times the other's
#: (measured on tests/scanning/orientation_pages.py: wrong answers all fell within 1.25).
PROFILE_SURE = 1.3
#: OSD's orientation confidence from which its answer is taken without reading (Tesseract
#: prints ~2-15 on text pages; below 2 it guesses).
OSD_SURE = 2.0
#: OSD reads the page brought down to about this many pixels on its long side.
OSD_SIDE = 1200
#: A reading's lines are sideways when at least this share of their length lies in lines
#: taller than wide.
TALL_SHARE = 0.5
#: ... counted only for lines at least this many characters' worth long (a lone character's
#: box is as tall as wide).
TALL_MIN_RATIO = 1.5
#: A reading is good with at least this many real characters (or all of a short page's).
GOOD_REAL = 8
#: The classifier says upside down above this probability, right way up below 1 - it.
CLS_SURE = 0.8
#: A later reading replaces the first when its score is this share higher.
SCORE_MARGIN = 0.1
#: Characters that count as real: CJK ideographs, ASCII letters and digits.
_REAL = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")

#: PIL's transposes for a clockwise turn (PIL turns counter-clockwise).
CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def turned(img: Image.Image, clockwise: int) -> Image.Image:
    """``img`` turned ``clockwise`` degrees (a multiple of 90), losslessly."""
    return img.transpose(CLOCKWISE[clockwise % 360]) if clockwise % 360 else img


# --------------------------------------------------------------------------- readings


@dataclass(slots=True)
class Reading:
    """One OCR reading of the page at ``turn``, with what orientation needs to know of it."""

    turn: int
    ocr: PageOCR
    image: Image.Image  # the OCR input at that turn (boxes are in its pixels)
    conf: float  # character-weighted mean word confidence, 0..1
    chars: int
    real: float  # confidence-weighted count of real characters read at confidence >= 0.5
    tall: float  # share of the lines' length in lines taller than wide
    upside_down: float | None = None  # the engine's classifier: probability of a half turn

    @property
    def score(self) -> float:
        return self.real


def measure(ocr: PageOCR) -> tuple[float, int, float, float]:
    """Mean confidence (character-weighted), characters, real-character score, tall share."""
    total = weight = real = 0.0
    chars = 0
    for w in ocr.words:
        n = len(w.text)
        chars += n
        if w.conf >= 0:
            total += w.conf * n
            weight += n
        if w.conf >= 0.5:
            real += w.conf * len(_REAL.findall(w.text))
    long_len = tall_len = 0.0
    for line in ocr.lines:
        x0, y0, x1, y1 = line.box
        w, h = x1 - x0, y1 - y0
        if max(w, h) < TALL_MIN_RATIO * max(1, min(w, h)):
            continue
        long_len += max(w, h)
        if h > w:
            tall_len += h
    return (total / weight if weight else 0.0), chars, real, (tall_len / long_len if long_len else 0.0)


def score(ocr: PageOCR) -> float:
    """How much of a real reading ``ocr`` is: confidence-weighted count of real characters."""
    return measure(ocr)[2]


# --------------------------------------------------------------------------- signals


@dataclass(frozen=True, slots=True)
class Osd:
    turn: int  # clockwise turn that makes the page upright
    conf: float
    seconds: float


def osd(img: Image.Image) -> Osd | None:
    """Tesseract's orientation detection on ``img`` (brought down to OSD_SIDE), None when
    Tesseract is not installed or found no answer (too little text)."""
    from scanning._exec import tesseract
    from scanning.errors import ScanError

    if not tesseract.is_installed():
        return None
    grey = img.convert("L") if img.mode != "L" else img
    factor = max(1, round(max(grey.size) / OSD_SIDE))
    if factor > 1:
        grey = grey.reduce(factor)
    start = time.perf_counter()
    try:
        text = tesseract.osd(grey)
    except ScanError:
        return None
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if not rotate or not conf:
        return None
    return Osd(int(rotate.group(1)) % 360, float(conf.group(1)), time.perf_counter() - start)


def profile_sure(geo: Geometry) -> bool:
    lo, hi = sorted((geo.score_rows, geo.score_cols))
    return lo > 0 and hi >= PROFILE_SURE * lo


# --------------------------------------------------------------------------- the decision


@dataclass(slots=True)
class Orientation:
    """The decision: ``turn`` (clockwise), ``skew`` (counter-clockwise, after the turn),
    the reading made there, and how it was reached."""

    turn: int
    skew: float
    reading: Reading
    how: str
    tried: list[int] = field(default_factory=list)
    osd: Osd | None = None


#: ``prepare(turn, skew)``: the OCR input of the scan turned ``turn`` clockwise and
#: straightened by ``skew`` degrees counter-clockwise (the caller owns resampling and cleanup).
Prepare = Callable[[int, float], Image.Image]


class _Reader:
    """Reads the page at turns, once each; a half turn is a transpose of a read image."""

    def __init__(self, prepare: Prepare, engine: Engine, dpi: int, skews: Callable[[bool], float]) -> None:
        self.prepare, self.engine, self.dpi, self.skews = prepare, engine, dpi, skews
        self.readings: dict[int, Reading] = {}

    def skew(self, turn: int) -> float:
        return self.skews(turn % 180 == 90)

    def read(self, turn: int) -> Reading:
        turn %= 360
        if turn in self.readings:
            return self.readings[turn]
        half = (turn + 180) % 360
        if half in self.readings:
            image = turned(self.readings[half].image, 180)
        else:
            image = self.prepare(turn, self.skew(turn))
        ocr = self.engine.read(image, self.dpi, "page")
        conf, chars, real, tall = measure(ocr)
        r = Reading(turn, ocr, image, conf, chars, real, tall)
        classify = getattr(self.engine, "upside_down", None)  # PP-OCR's direction classifier
        if tall < TALL_SHARE and classify is not None:
            r.upside_down = classify(image, ocr)
        self.readings[turn] = r
        log.debug("read at %d: conf %.2f, %d chars, real %.1f, tall %.2f, upside down %s",
                  turn, conf, chars, real, tall, r.upside_down)
        return r

    def good(self, r: Reading, enough: float) -> bool:
        """Whether ``r`` reads like a page the right way up."""
        if r.tall >= TALL_SHARE:
            return False
        if r.upside_down is not None and r.upside_down >= CLS_SURE:
            return False
        if self.engine.may_be_upside_down(r.conf, r.chars):
            return False
        return r.real >= enough

    def best(self) -> Reading:
        """The best reading so far: wide lines first, then the score (an earlier reading
        keeps its place unless a later one scores SCORE_MARGIN higher)."""
        best: Reading | None = None
        for r in self.readings.values():  # in the order read
            if best is None:
                best = r
                continue
            if (r.tall < TALL_SHARE) != (best.tall < TALL_SHARE):
                if r.tall < TALL_SHARE:
                    best = r
                continue
            if r.score > best.score * (1 + SCORE_MARGIN) + 0.5:
                best = r
        assert best is not None
        return best


def orient_and_read(
    small: Image.Image,
    prepare: Prepare,
    engine: Engine,
    dpi: int,
    *,
    page: Image.Image | None = None,
    use_osd: bool = True,
    geometry: Geometry | None = None,
) -> Orientation:
    """Turn the page upright and read it (see the module docstring).

    ``small``: the ~100 dpi grey copy (``analysis.small_grey``); ``prepare``: makes the OCR
    input at a turn and skew; ``page``: the page itself, for OSD (None: no OSD);
    ``geometry``: the profile's answer when the caller has it already."""
    geo = geometry or text_axis_and_skew(small)
    other: list[float] = []

    def skews(vertical: bool) -> float:
        if vertical == geo.vertical:
            return geo.skew_deg
        if not other:  # the other axis's skew, asked once and only when needed
            other.append(text_axis_and_skew(small, vertical=vertical).skew_deg)
        return other[0]

    reader = _Reader(prepare, engine, dpi, skews)
    sure_axis = profile_sure(geo)
    first = 90 if geo.vertical else 0
    how = "profile"
    asked: Osd | None = None
    osd_done = False

    def ask_osd() -> Osd | None:
        nonlocal asked, osd_done
        if not osd_done and use_osd and page is not None:
            osd_done = True
            asked = osd(page)
            log.debug("OSD: %s", asked)
        return asked if asked is not None and asked.conf >= OSD_SURE else None

    if not sure_axis:
        o = ask_osd()
        if o is not None:
            first, how = o.turn, "osd"
    r = reader.read(first)
    # A page of a few characters is as good as it reads: the bar for "enough" real
    # characters is lower for it, but never below one.
    enough = min(GOOD_REAL, max(1.0, 0.5 * r.chars))
    if reader.good(r, enough):
        return _done(reader, r, geo, how, asked)

    # The first reading is poor: candidates in order of likelihood, OSD asked only when
    # the cheap ones are used up (a plain upside-down page costs one more reading, no OSD).
    tall = r.tall >= TALL_SHARE

    def candidates() -> Iterator[int]:
        if tall:
            # lines read tall: read well, the page is a quarter turn counter-clockwise of this
            yield from ((first - 90, first + 90) if r.conf >= 0.5 else (first + 90, first - 90))
        elif r.upside_down is not None and r.upside_down >= CLS_SURE or sure_axis:
            yield first + 180
        o = ask_osd()
        if o is not None:
            yield o.turn
        yield first + 180
        # nothing read on this axis (a photograph's grain made the profile sure of the wrong
        # axis, and its caption is all the text there is): the other axis too, OSD's unsure
        # answer first
        nothing = max(x.real for x in reader.readings.values()) < GOOD_REAL
        if nothing and asked is not None:
            yield asked.turn
        if not sure_axis or tall or o is not None and o.turn % 180 != first % 180 or nothing:
            yield from (first + 90, first + 270)

    seen: set[int] = {first % 360}
    for turn in candidates():
        turn %= 360
        if turn in seen:
            continue
        seen.add(turn)
        cand = reader.read(turn)
        enough = min(GOOD_REAL, max(1.0, 0.5 * max(x.chars for x in reader.readings.values())))
        # (a reading of tall lines may hold as many characters: it is no rival)
        if reader.good(cand, enough) and (tall or cand.score >= r.score * (1 - SCORE_MARGIN)):
            return _done(reader, cand, geo, "lines" if tall and len(seen) == 2 else "readings", asked)
    return _done(reader, reader.best(), geo, "best reading", asked)


def _done(reader: _Reader, r: Reading, geo: Geometry, how: str, asked: Osd | None) -> Orientation:
    log.debug("orientation %d by %s (profile rows %.1f cols %.1f; tried %s)", r.turn, how, geo.score_rows,
              geo.score_cols, list(reader.readings))
    return Orientation(r.turn, reader.skew(r.turn), r, how, list(reader.readings), asked)
