"""Orientation that holds on any page (issue 15): scanning.pages.orient.

Two layers. The decision on its own, with a scripted engine whose readings behave as the
real engines' do at each net turn (Tesseract reads a page a quarter turn the wrong way well,
as tall lines; PP-OCR drops the lines of a turned page): fast. Then rendered pages of the
hard kinds (tests/scanning/orientation_pages.py: a transcript continuation page of 问/答
lines with underlined words, a table, a sparse page, long paragraphs, a grey scan, a 1-bit
scan) at all four turns, read by Tesseract and by PP-OCR: slow.
"""

from __future__ import annotations

import numpy as np
import pytest
from orientation_pages import KINDS, encode, page
from PIL import Image

from scanning._exec import tesseract
from scanning.ocr import Engine, get_engine
from scanning.ocr.ppocr import PpOcrEngine
from scanning.pages import load_page, ocr_input, small_grey, text_axis_and_skew
from scanning.pages import orient
from scanning.pages.analysis import Geometry
from scanning.pages.orient import measure, orient_and_read, profile_sure, turned
from scanning.types import Line, PageOCR, Word

needs_tesseract = pytest.mark.skipif(not tesseract.is_installed(), reason="tesseract not installed")
needs_ppocr = pytest.mark.skipif(not PpOcrEngine().available(), reason="PP-OCR (the ppocr extra) not installed")

TEXT = "你把当天的经过详细讲一下那天晚上大概九点钟我和他一起从路口出来"


# --------------------------------------------------------------------------- the decision alone


def _marker() -> Image.Image:
    """A 4x4 'scan' whose one black pixel says how it has been turned since."""
    img = Image.new("L", (4, 4), 255)
    img.putpixel((0, 0), 0)
    return img


def _net(image: Image.Image) -> int:
    """The clockwise turn ``image`` is from the marker's upright position."""
    a = np.asarray(image)
    y, x = (int(v[0]) for v in np.nonzero(a == 0))
    return {(0, 0): 0, (0, 3): 90, (3, 3): 180, (3, 0): 270}[(y, x)]


def _reading(conf: float, n: int, tall: bool, text: str = TEXT) -> PageOCR:
    ocr = PageOCR(400, 400)
    for i in range(n):
        line = text[i % len(text):] + text[: i % len(text)]
        box = (10, 20 * i, 30, 20 * i + 300) if tall else (10, 20 * i, 310, 20 * i + 18)
        ocr.lines.append(Line(line, box, conf))
        ocr.words.extend(Word(ch, box, conf, i) for ch in line)
    return ocr


class Scripted(Engine):
    """Reads as an engine does at each net turn of the page (the marker's turn past upright);
    ``turns`` records them."""

    name = "scripted"

    def __init__(self, kind: str = "tesseract") -> None:
        super().__init__()
        self.kind, self.turns = kind, []
        self.doubt_below = 0.65 if kind == "tesseract" else 0.85

    def available(self) -> bool:
        return True

    def version(self) -> str:
        return "1"

    def read(self, image, dpi=None, layout="page", charset=None, *, model=None) -> PageOCR:
        off = _net(image)
        self.turns.append(off)
        if self.kind == "tesseract":
            return {0: _reading(0.92, 30, False), 90: _reading(0.91, 30, True),
                    180: _reading(0.21, 30, False, "口一丨ノ"), 270: _reading(0.22, 30, True, "口一丨ノ")}[off]
        return {0: _reading(0.98, 30, False), 90: _reading(0.5, 2, True, "丨"),
                180: _reading(0.55, 3, False, "一"), 270: _reading(0.6, 2, True, "口")}[off]

    def upside_down(self, image: Image.Image, ocr: PageOCR) -> float | None:
        if self.kind != "ppocr":
            return None
        return 0.97 if _net(image) == 180 else 0.03


def _scan(truth: int) -> Image.Image:
    """The marker as scanned: ``truth`` is the clockwise turn that makes it upright."""
    return turned(_marker(), (360 - truth) % 360)


def _decide(truth: int, *, vertical: bool, ratio: float, kind: str = "tesseract") -> tuple[orient.Orientation, Scripted]:
    engine = Scripted(kind)
    scan = _scan(truth)

    def prepare(turn: int, skew: float) -> Image.Image:
        return turned(scan, turn)

    rows, cols = (1.0, ratio) if vertical else (ratio, 1.0)
    geo = Geometry(vertical, 0.0, rows, cols)
    return orient_and_read(Image.new("L", (200, 200), 255), prepare, engine, 300, use_osd=False, geometry=geo), engine


@pytest.mark.parametrize("kind", ["tesseract", "ppocr"])
@pytest.mark.parametrize("truth", [0, 90, 180, 270])
def test_sure_profile_and_good_reading_cost_one_reading_more_only_when_upside_down(kind: str, truth: int) -> None:
    found, engine = _decide(truth, vertical=truth % 180 == 90, ratio=2.0, kind=kind)
    assert found.turn == truth
    assert len(engine.turns) == (2 if truth in (180, 270) else 1)


@pytest.mark.parametrize("kind", ["tesseract", "ppocr"])
@pytest.mark.parametrize("truth", [0, 90, 180, 270])
@pytest.mark.parametrize("ratio", [1.1, 2.0])
def test_profile_on_the_wrong_axis_is_overruled(kind: str, truth: int, ratio: float) -> None:
    """The outside scans' failure: upright pages the profile called sideways (sure or not)."""
    found, engine = _decide(truth, vertical=truth % 180 == 0, ratio=ratio, kind=kind)
    assert found.turn == truth, engine.turns
    assert found.reading.tall < orient.TALL_SHARE and found.reading.conf > 0.9
    assert len(engine.turns) <= 4


def test_tall_lines_read_well_point_a_quarter_turn_back() -> None:
    # Tesseract reads the page turned 90 past upright well, as vertical text: one more reading
    found, engine = _decide(0, vertical=True, ratio=2.0)
    assert found.turn == 0 and len(engine.turns) == 2 and found.how == "lines"


def test_classifier_sends_straight_to_the_half_turn() -> None:
    found, engine = _decide(180, vertical=False, ratio=2.0, kind="ppocr")
    assert found.turn == 180 and engine.turns == [180, 0]


def test_nothing_reads_well_keeps_the_best_reading() -> None:
    class Garbage(Scripted):
        def read(self, image, dpi=None, layout="page", charset=None, *, model=None) -> PageOCR:
            off = _net(image)
            self.turns.append(off)
            return _reading(0.3 if off else 0.5, 5, False, "口一丨ノ" if off else "问答口")

    engine = Garbage()
    scan = _scan(0)
    found = orient_and_read(Image.new("L", (200, 200), 255), lambda t, s: turned(scan, t), engine, 300,
                            use_osd=False, geometry=Geometry(False, 0.0, 1.0, 1.05))
    assert sorted(engine.turns) == [0, 90, 180, 270]  # unsure profile: all four tried
    assert found.turn == 0 and found.how == "best reading"


def test_a_photograph_with_its_caption_read_on_the_other_axis_of_a_sure_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bench page: a photograph's grain, scanned 1-bit, made the profile sure of the wrong
    axis; nothing at all was read at either turn of it, and OSD was unsure. The caption is
    read at the other axis, and kept."""
    class Photo(Scripted):
        def read(self, image, dpi=None, layout="page", charset=None, *, model=None) -> PageOCR:
            off = _net(image)
            self.turns.append(off)
            return _reading(0.95, 1, False, "照片5现场照片拍摄人蒋凯") if off == 0 else PageOCR(400, 400)

    monkeypatch.setattr(orient, "osd", lambda img: orient.Osd(0, 1.5, 0.1))  # below OSD_SURE
    scan, engine = _scan(0), Photo("ppocr")
    found = orient_and_read(Image.new("L", (200, 200), 255), lambda t, s: turned(scan, t), engine, 300,
                            page=scan, geometry=Geometry(True, 0.0, 1.0, 3.0))
    assert found.turn == 0 and engine.turns[:2] == [90, 270] and engine.turns[2] == 0


def test_osd_decides_the_first_reading_when_the_profile_is_unsure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orient, "osd", lambda img: orient.Osd(270, 8.0, 0.1))
    scan = _scan(270)
    engine = Scripted()
    found = orient_and_read(Image.new("L", (200, 200), 255), lambda t, s: turned(scan, t), engine, 300,
                            page=scan, geometry=Geometry(False, 0.0, 1.0, 1.1))
    assert found.turn == 270 and found.how == "osd" and len(engine.turns) == 1


def test_osd_not_asked_when_the_profile_is_sure_and_the_reading_good(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(img: Image.Image) -> None:
        raise AssertionError("OSD asked")

    monkeypatch.setattr(orient, "osd", fail)
    scan = _scan(0)
    engine = Scripted()
    found = orient_and_read(Image.new("L", (200, 200), 255), lambda t, s: turned(scan, t), engine, 300,
                            page=scan, geometry=Geometry(False, 0.0, 3.0, 1.0))
    assert found.turn == 0


def test_measure_counts_real_characters_and_tall_lines() -> None:
    conf, chars, real, tall = measure(_reading(0.9, 3, True))
    assert conf == pytest.approx(0.9) and chars == 3 * len(TEXT) and real == pytest.approx(0.9 * chars) and tall == 1.0
    assert measure(_reading(0.9, 3, False, "，。、"))[2] == 0.0  # punctuation is no real character
    assert measure(_reading(0.4, 3, False))[2] == 0.0  # nor a character read unsure


# --------------------------------------------------------------------------- rendered pages


def _load(kind: str, seed: int, rot: int) -> Image.Image:
    return load_page(encode(page(kind, seed, rot)))[0]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_profile_is_never_sure_and_wrong(kind: str, seed: int) -> None:
    """Where the profile is sure it is right; where it is wrong it says it is unsure."""
    for rot in (0, 90):
        geo = text_axis_and_skew(small_grey(_load(kind, seed, rot), 200))
        assert geo.vertical == (rot == 90) or not profile_sure(geo), (rot, geo)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grey_scan_profile_keeps_thin_strokes(seed: int) -> None:
    """A grey scan's faint ink: at the old fixed threshold the thin horizontal strokes were
    lost and the page came out sideways; at the page's own ink depth it is upright."""
    for rot in (0, 90):
        geo = text_axis_and_skew(small_grey(_load("grey", seed, rot), 200))
        assert geo.vertical == (rot == 90) or not profile_sure(geo)


def _oriented(kind: str, rot: int, engine: Engine, seed: int = 2) -> orient.Orientation:
    img = _load(kind, seed, rot)

    def prepare(turn: int, skew: float) -> Image.Image:
        up = turned(img, turn)
        if abs(skew) >= 0.3:
            up = up.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255 if up.mode == "L" else (255,) * 3)
        return ocr_input(up, 200)

    return orient_and_read(small_grey(img, 200), prepare, engine, 200, page=img)


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize("rot", [0, 90, 180, 270])
@pytest.mark.parametrize("kind", KINDS)
def test_hard_pages_all_four_turns_tesseract(kind: str, rot: int) -> None:
    found = _oriented(kind, rot, get_engine("tesseract"))
    assert found.turn == (360 - rot) % 360, (found.how, found.tried)
    assert found.reading.tall < orient.TALL_SHARE


@needs_ppocr
@pytest.mark.slow
@pytest.mark.parametrize("rot", [0, 90, 180, 270])
@pytest.mark.parametrize("kind", KINDS)
def test_hard_pages_all_four_turns_ppocr(kind: str, rot: int) -> None:
    found = _oriented(kind, rot, get_engine("ppocr"))
    assert found.turn == (360 - rot) % 360, (found.how, found.tried)


@needs_ppocr
@pytest.mark.slow
def test_ppocr_direction_classifier_tells_a_half_turn() -> None:
    engine = get_engine("ppocr")
    img = ocr_input(_load("transcript", 3, 0), 200)
    up = engine.read(img, 200, "page")
    down_img = turned(img, 180)
    down = PageOCR(up.width, up.height, lines=[Line(ln.text, (up.width - ln.box[2], up.height - ln.box[3],
                                                               up.width - ln.box[0], up.height - ln.box[1]), ln.conf)
                                              for ln in up.lines])
    p_up, p_down = engine.upside_down(img, up), engine.upside_down(down_img, down)
    assert p_up is not None and p_down is not None
    assert p_up < 0.2 and p_down > 0.8


@needs_tesseract
@pytest.mark.slow
@pytest.mark.parametrize("rot", [0, 90])
def test_pipeline_turns_the_transcript_continuation_page(rot: int) -> None:
    """The page the outside scans got wrong, through process_page."""
    from scanning.pipeline import process_page

    result, _ = process_page(encode(page("transcript", 5, rot)), dpi=200, index=1, engine="tesseract")
    assert result.error is None and result.rotation == (360 - rot) % 360
    assert sum(len(w.text) for w in result.ocr.words) > 300
