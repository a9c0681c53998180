"""A page's ruling lines (scanning.tables.find_rules) and how every reading carries them.

Pages are rendered by the synthetic generator (clean 300 dpi scans of the tuned families
``ruled_grid``, ``running_text`` and ``classic``) or drawn here (a catalog table slanted
a little; lines of 丨 川 1 l at several sizes, with and without underlines), and read by
real OCR where the test is about words and rules sharing one frame.
"""

from __future__ import annotations

import io
import time
from functools import lru_cache

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ecase.intake.pages import ocr_from_json, ocr_to_json
from scanning.ocr import ocr_image
from scanning.pipeline import process_page
from scanning.synthetic import make_case, make_style, render_volume
from scanning.synthetic.style import Damage
from scanning.tables import find_rules
from scanning.types import Box, OCR_FORMAT, PageOCR, Word
from tests.scanning.test_tables import FONT, draw_table, slant

CLEAN = Damage(dpi=300, skew_deg=0, rotate_p=0, noise=0, blur=0, jpeg_quality=None, mode="L", tint=0, speckle=0)
ACCEPTANCE_FORM = 3  # 0-based page of a criminal_main volume: 受案登记表
FILING_DECISION = 6  # 立案决定书


@lru_cache(maxsize=None)
def page(family: str, index: int, seed: int = 31) -> Image.Image:
    scan = render_volume(make_case(seed), "criminal_main", make_style(seed), CLEAN, seed=seed, family=family)
    return scan.images[index].convert("L")


def horizontal(rules: list[Box]) -> list[Box]:
    return [r for r in rules if r[2] - r[0] > r[3] - r[1]]


def vertical(rules: list[Box]) -> list[Box]:
    return [r for r in rules if r[3] - r[1] > r[2] - r[0]]


def between_rules(v: Box, hs: list[Box], slack: int = 8) -> bool:
    """``v`` starts at one horizontal rule and ends at another, both running over its x."""
    cx = (v[0] + v[2]) / 2
    over = [h for h in hs if h[0] - slack <= cx <= h[2] + slack]
    return any(h[1] - slack <= v[1] <= h[3] + slack for h in over) and any(h[1] - slack <= v[3] <= h[3] + slack for h in over)


def crosses(rule: Box, box: Box, depth: int = 3) -> bool:
    """``rule`` runs into ``box`` more than ``depth`` pixels both ways."""
    dx = min(rule[2], box[2]) - max(rule[0], box[0])
    dy = min(rule[3], box[3]) - max(rule[1], box[1])
    return dx > depth and dy > depth if rule[3] - rule[1] > rule[2] - rule[0] else dy > depth and dx > depth


def char_centres(words: list[Word]) -> list[Box]:
    """The middle of every character read (a word's box shared out evenly between its characters)."""
    out = []
    for w in words:
        text = w.text.strip()
        if not text or w.conf < 0.5 or any(c in "|丨[]【】()（）" for c in text):
            continue
        x0, y0, x1, y1 = w.box
        step = (x1 - x0) / len(text)
        for k in range(len(text)):
            a = x0 + k * step
            out.append((round(a + step / 4), round(y0 + (y1 - y0) / 4), round(a + 3 * step / 4), round(y1 - (y1 - y0) / 4)))
    return out


def label_end(words: list[Word], label: str = "报案人") -> Word:
    """The word read last of ``label`` (Tesseract reads it as one, two or three words)."""
    for i in range(len(words)):
        if "".join(w.text for w in words[max(0, i - 2) : i + 1]).endswith(label):
            return words[i]
    raise AssertionError(f"{label} not read")


def test_format_bumped_for_rules() -> None:
    assert OCR_FORMAT >= 7
    assert PageOCR(1, 1).rules == []
    assert PageOCR(1, 1, [], [], [], "tesseract", "5").rules == []  # positional constructors still work


def test_rules_of_a_ruled_form() -> None:
    img = page("ruled_grid", ACCEPTANCE_FORM)
    rules = find_rules(img, dpi=300)
    hs, vs = horizontal(rules), vertical(rules)
    assert len(hs) >= 8 and len(vs) >= 8
    assert rules == sorted(hs, key=lambda r: (r[1], r[0])) + sorted(vs, key=lambda r: (r[0], r[1]))
    for r in rules:  # thin boxes on the page
        assert 0 <= r[0] < r[2] <= img.width and 0 <= r[1] < r[3] <= img.height
        assert min(r[2] - r[0], r[3] - r[1]) <= 10
    for v in vs:
        assert between_rules(v, hs), v
    # the table's outer borders run down the whole table; the left one is the leftmost rule
    left = min(vs, key=lambda v: v[0])
    assert abs(left[0] - min(h[0] for h in hs)) <= 6
    # nothing read crosses a rule, and the label 报案人 and its value are parted by one
    ocr = ocr_image(img)
    for box in char_centres(ocr.words):
        assert not any(crosses(r, box) for r in rules), box
    label = label_end(ocr.words)
    value = min((w for w in ocr.words if w.box[0] > label.box[2] and w.line == label.line and w.conf >= 0.5
                 and "|" not in w.text), key=lambda w: w.box[0])
    assert any(label.box[2] <= (v[0] + v[2]) / 2 <= value.box[0] and v[1] < label.box[1] < v[3] for v in vs)


@pytest.mark.parametrize("family", ["running_text", "classic"])
def test_no_vertical_rules_on_running_text(family: str) -> None:
    img = page(family, FILING_DECISION)
    assert vertical(find_rules(img, dpi=300)) == []


@pytest.mark.parametrize("size,spacing", [(42, 1.5), (60, 1.2), (90, 1.1), (140, 1.15)])
@pytest.mark.parametrize("underlined", [False, True])
def test_strokes_of_characters_are_no_rules(size: int, spacing: float, underlined: bool) -> None:
    """Lines of 丨 川 1 l, monospaced so their strokes stand one above another from line to
    line, tightly spaced; underlined too (each stroke then stands between two rules)."""
    img = Image.new("L", (2480, 3508), 250)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, size)
    y = 200
    while y < 3508 - 300:
        d.text((200, y), "丨川1l丨川1l丨川Il丨川1丨" * 2, font=f, fill=0)
        if underlined:
            d.rectangle((200, y + int(size * 1.12), 2280, y + int(size * 1.12) + 2), fill=0)
        y += int(size * spacing)
    rules = find_rules(img, dpi=300)
    assert vertical(rules) == []
    if underlined:
        assert len(horizontal(rules)) == len(range(200, 3508 - 300, int(size * spacing)))


@pytest.mark.parametrize("deg", [0.0, 0.3, -0.3])
def test_rules_of_a_slanted_table(deg: float) -> None:
    img, ys, xs = draw_table(rule=2)
    rules = find_rules(slant(img, deg) if deg else img, dpi=300)
    hs, vs = horizontal(rules), vertical(rules)
    assert len(hs) == len(ys) and len(vs) == len(xs)
    drift = 3 + 2500 * np.tan(np.radians(abs(deg))) / 2
    assert all(abs((h[1] + h[3]) / 2 - y) <= drift for h, y in zip(hs, ys))
    assert all(abs((v[0] + v[2]) / 2 - x) <= drift for v, x in zip(vs, xs))


def test_thick_rule_is_one_rule() -> None:
    img = Image.new("L", (2480, 3508), 250)
    d = ImageDraw.Draw(img)
    d.rectangle((300, 1000, 2200, 1002), fill=0)  # the two sides of one thick (hollow) rule
    d.rectangle((300, 1010, 2200, 1012), fill=0)
    d.rectangle((300, 1500, 2200, 1506), fill=0)  # a solid thick rule
    d.rectangle((300, 2000, 700, 2002), fill=0)  # an underline of a blank (16% of the width)
    d.rectangle((300, 2500, 500, 2502), fill=0)  # too short
    hs = horizontal(find_rules(img, dpi=300))
    assert len(hs) == 3
    assert abs(hs[0][1] - 1000) <= 2 and abs(hs[0][3] - 1013) <= 2


def test_find_rules_is_fast() -> None:
    grey = np.asarray(page("ruled_grid", ACCEPTANCE_FORM))
    find_rules(grey, dpi=300)
    t = time.perf_counter()
    for _ in range(3):
        find_rules(grey, dpi=300)
    assert (time.perf_counter() - t) / 3 < 0.15  # ~20 ms on one core; slack for a loaded test machine


def test_rules_round_trip_through_the_stored_json() -> None:
    ocr = PageOCR(width=100, height=100, rules=[(1, 10, 90, 12), (40, 10, 42, 80)])
    data = ocr_to_json(ocr)
    assert data["rules"] == [[1, 10, 90, 12], [40, 10, 42, 80]]
    back = ocr_from_json(data)
    assert back is not None and back.rules == ocr.rules
    old = ocr_to_json(PageOCR(width=1, height=1))
    assert "rules" not in old and ocr_from_json(old).rules == []  # type: ignore[union-attr]
    legacy = {"width": 1, "height": 1, "words": [], "lines": []}  # stored before engines and rules
    assert ocr_from_json(legacy).rules == []  # type: ignore[union-attr]


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(300, 300))
    return buf.getvalue()


def _label_to_border(ocr: PageOCR) -> tuple[Word, int]:
    """The label 报案人 and how far right of it the next vertical rule stands."""
    label = label_end(ocr.words)
    cy = (label.box[1] + label.box[3]) / 2
    right = [v for v in vertical(ocr.rules) if v[1] <= cy <= v[3] and v[0] >= label.box[2] - 4]
    assert right, "no border right of the label"
    return label, min(v[0] for v in right) - label.box[2]


@pytest.mark.slow
def test_process_page_gives_rules_in_the_words_frame() -> None:
    img = page("ruled_grid", ACCEPTANCE_FORM)
    straight, _ = process_page(_png(img), dpi=300, index=4)
    assert straight.ocr is not None and straight.ocr.rules
    _, gap = _label_to_border(straight.ocr)
    # scanned sideways and a little skewed: rules and words still share the upright frame
    turned = img.rotate(90, expand=True, fillcolor=250).rotate(1.2, resample=Image.Resampling.BILINEAR, fillcolor=250)
    result, upright = process_page(_png(turned), dpi=300, index=4)
    ocr = result.ocr
    assert ocr is not None and result.rotation in (90, 270) and upright is not None
    assert ocr.rules and len(vertical(ocr.rules)) >= 8
    assert all(0 <= r[0] < r[2] <= ocr.width and 0 <= r[1] < r[3] <= ocr.height for r in ocr.rules)
    for r in horizontal(ocr.rules):  # upright: the form's rows run across the page
        assert r[3] - r[1] <= 16
    label, gap2 = _label_to_border(ocr)
    assert abs(gap2 - gap) <= 12
    for box in char_centres(ocr.words):
        assert not any(crosses(r, box) for r in ocr.rules), box
    # the derived upright image is the frame of both
    up = Image.open(io.BytesIO(upright))
    assert up.size == (ocr.width, ocr.height)
