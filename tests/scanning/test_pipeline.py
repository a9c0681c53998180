"""The page pipeline end to end, with real Tesseract: orientation, skew, blanks, seals, scans."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tests.scanning.conftest import blank_page, damage, encode, jpeg_pdf, render_page
from PIL import Image
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from scanning._exec import tesseract
from scanning.ocr import ocr_image
from scanning.pages import suppress_red
from scanning.pipeline import process_page, process_scan

pytestmark = pytest.mark.skipif(not tesseract.is_installed(), reason="tesseract not installed")


def _text(result) -> str:
    return "".join(line.text for line in result.ocr.lines)


def _cer(truth: list[str], read: str) -> float:
    return Levenshtein.normalized_distance("".join(truth).replace(" ", ""), read.replace(" ", ""))


@pytest.mark.slow
@pytest.mark.parametrize(
    "seed,turn,skew,dpi,grey",
    [(11, 0, 1.5, 300, False), (12, 90, -2.0, 300, True), (13, 180, 0.8, 250, False), (14, 270, 3.0, 200, True)],
)
def test_orientation_and_skew_all_four_turns(seed: int, turn: int, skew: float, dpi: int, grey: bool) -> None:
    page = render_page(seed, dpi=dpi, with_seal=not grey)
    scanned = damage(page, rotation=turn, skew=skew, seed=seed, grey=grey)
    result, upright = process_page(encode(scanned, "JPEG", dpi), dpi=dpi, index=3)
    assert result.error is None and not result.blank and result.index == 3
    # ``damage`` turned the page ``turn`` clockwise; turning it back takes the rest of the circle.
    assert result.rotation == (360 - turn) % 360
    assert result.skew_deg == pytest.approx(-skew, abs=0.5)
    assert _cer(page.info["truth"], _text(result)) < 0.15
    assert upright is not None and upright.startswith(b"\xff\xd8")  # JPEG in, JPEG out
    up = Image.open(io.BytesIO(upright))
    assert up.size == (result.ocr.width, result.ocr.height) == page.size


def test_upright_straight_page_needs_no_derived_image() -> None:
    page = render_page(15, dpi=200)
    result, upright = process_page(encode(damage(page, seed=15, jpeg=None), "PNG", 200), dpi=200, index=1)
    assert result.rotation == 0 and result.skew_deg == 0.0 and upright is None
    assert _cer(page.info["truth"], _text(result)) < 0.15


def test_blank_page_skips_ocr() -> None:
    result, upright = process_page(encode(damage(blank_page(16, dpi=200), seed=16), "JPEG", 200), dpi=200, index=2)
    assert result.blank and result.ocr is None and upright is None and result.error is None


def test_damaged_page_is_an_error_not_an_exception() -> None:
    data = encode(render_page(17, dpi=150), "JPEG", 150)
    result, upright = process_page(data[: len(data) // 3], dpi=150, index=4, name="卷1.pdf")
    assert result.error and "卷1.pdf" in result.error and "4" in result.error
    assert upright is None


def test_seal_suppression_improves_or_keeps_ocr() -> None:
    page = render_page(18, dpi=300, with_seal=True)
    signature = page.info["truth"][-2:]  # authority and date: the seal sits on them
    scanned = damage(page, seed=18)
    w, h = scanned.size
    crop = scanned.crop((w // 2, int(h * 0.35), w, int(h * 0.75)))
    plain = ocr_image(crop.convert("L"), dpi=300).text
    cleaned_img, share = suppress_red(crop)
    assert share > 0.005
    cleaned = ocr_image(cleaned_img, dpi=300).text
    score = [fuzz.partial_ratio(line, cleaned.replace("\n", "")) for line in signature]
    before = [fuzz.partial_ratio(line, plain.replace("\n", "")) for line in signature]
    assert sum(score) >= sum(before) - 2
    assert min(score) >= 70


@pytest.mark.slow
def test_process_scan_in_parallel_keeps_order(tmp_path: Path) -> None:
    dpi = 200
    pages = [render_page(20 + i, dpi=dpi, lines=3) for i in range(4)]
    scans = [damage(pages[0], seed=1), damage(blank_page(21, dpi=dpi), seed=2),
             damage(pages[2], seed=3, rotation=180), damage(pages[3], seed=4, skew=2.0)]
    pdf = jpeg_pdf([encode(s, "JPEG", dpi) for s in scans], tmp_path / "vol.pdf", dpi=dpi)
    extra = tmp_path / "extra.png"
    extra.write_bytes(encode(pages[1], "PNG", dpi))
    out = list(process_scan([pdf, extra], jobs=2))
    assert [p.result.index for p in out] == [1, 2, 3, 4, 5]
    assert [p.result.blank for p in out] == [False, True, False, False, False]
    assert out[2].result.rotation == 180 and out[2].upright is not None
    assert out[0].original.media_type == "image/jpeg" and out[4].original.media_type == "image/png"
    for p, truth_page in ((out[0], pages[0]), (out[2], pages[2]), (out[3], pages[3]), (out[4], pages[1])):
        assert _cer(truth_page.info["truth"], _text(p.result)) < 0.2
