"""The image Tesseract reads (scanning.pages.clean): red dropped out, faint marks away from text cleared.

Pages come from this folder's own renderer (conftest), not from scanning.synthetic.
"""

from __future__ import annotations

import numpy as np
import pytest
from tests.scanning.conftest import damage, encode, render_page
from PIL import Image, ImageFilter
from rapidfuzz import fuzz

from scanning._exec import tesseract
from scanning.pages.clean import clear_background, drop_red, ocr_input
from scanning.ocr import TesseractEngine
from scanning.types import PageOCR


def _near(mask: np.ndarray, r: int) -> np.ndarray:
    img = Image.fromarray(mask.astype(np.uint8) * 255, "L").filter(ImageFilter.MaxFilter(2 * r + 1))
    return np.asarray(img) > 0


def _seal_and_text(seed: int, dpi: int) -> tuple[Image.Image, np.ndarray, np.ndarray]:
    """A page with a seal, its seal-only pixels and its text pixels (from the same page without the seal)."""
    sealed = render_page(seed, dpi=dpi, with_seal=True)
    plain = np.asarray(render_page(seed, dpi=dpi).convert("L"), dtype=np.int16)
    diff = np.abs(np.asarray(sealed.convert("L"), dtype=np.int16) - plain) > 30
    text = plain < 128
    return sealed, diff & ~text, text


@pytest.mark.parametrize("dpi", [200, 300])
def test_clean_page_is_left_as_it_is(dpi: int) -> None:
    page = render_page(31, dpi=dpi)
    out = np.asarray(ocr_input(page, dpi))
    assert out.shape == (page.height, page.width)
    assert (out != np.asarray(page.convert("L"))).mean() < 1e-4


def test_clean_grey_scan_on_tinted_paper_is_left_as_it_is() -> None:
    page = render_page(32, dpi=300).convert("L")
    tinted = Image.eval(page, lambda v: v * 225 // 255)  # darker paper, no noise
    out = ocr_input(tinted, 300)
    assert (np.asarray(out) != np.asarray(tinted)).mean() < 1e-4


def test_red_seal_dropped_out_and_black_text_kept() -> None:
    page, seal_only, text = _seal_and_text(33, 300)
    grey, share = drop_red(page)
    assert share > 0.001 and grey.mode == "L"
    out = np.asarray(ocr_input(page, 300))
    far = seal_only & ~_near(text, 4)
    assert far.sum() > 1000
    assert (out[far] >= 250).mean() > 0.99  # the seal is gone where it does not touch text
    black = np.asarray(page).max(axis=2) < 60
    assert black.sum() > 10_000 and (out[black] < 100).all()  # every black text pixel survives


def test_grey_seal_cleared_text_pixels_untouched() -> None:
    """A grey scan has no colour to go by; its seal prints lighter than the text and is cleared."""
    page, seal_only, text = _seal_and_text(34, 300)
    grey = page.convert("L")
    out = np.asarray(ocr_input(grey, 300))
    g = np.asarray(grey)
    far = seal_only & ~_near(text, 4)
    assert (out[far] >= 250).mean() > 0.99
    assert np.array_equal(out[text], g[text])


def test_noise_away_from_text_cleared_text_untouched() -> None:
    page = render_page(35, dpi=300)
    text = np.asarray(page.convert("L")) < 128
    scan = damage(page, seed=35, noise=10.0, blur=0.6, jpeg=75, grey=True)
    out = np.asarray(ocr_input(scan, 300), dtype=np.float64)
    s = np.asarray(scan, dtype=np.float64)
    margin = (slice(20, 180), slice(100, scan.width - 100))  # the top margin: paper only
    assert s[margin].std() > 4 and out[margin].std() < 0.5 * s[margin].std()
    core = text & ~_near(~text, 1)  # well inside the strokes: blur cannot have lightened them
    assert np.array_equal(out[core], s[core])


@pytest.mark.parametrize(
    "img",
    [
        Image.new("L", (600, 60), 255),  # a strip narrower than a few paper cells
        Image.fromarray(np.random.default_rng(1).integers(0, 256, (800, 800), dtype=np.uint8)),  # no paper
    ],
    ids=["strip", "no-paper"],
)
def test_what_is_not_a_page_is_left_alone(img: Image.Image) -> None:
    assert np.array_equal(np.asarray(clear_background(img, 300)), np.asarray(img))


def test_thresholds_follow_the_page_not_fixed_grey_levels() -> None:
    """The same page printed lighter (grey toner, light paper) loses no text to the clearing."""
    page = render_page(36, dpi=300).convert("L")
    light = Image.eval(page, lambda v: 120 + v * 115 // 255)  # ink at 120, paper at 235
    out = np.asarray(ocr_input(light, 300))
    text = np.asarray(page) < 128
    assert np.array_equal(out[text], np.asarray(light)[text])


def test_black_scanner_borders_do_not_make_faint_print_background() -> None:
    """Thick black areas (scanner lid, punched holes, bars) do not count as the text's darkness."""
    from PIL import ImageDraw

    page = render_page(38, dpi=300).convert("L")
    faint = Image.eval(page, lambda v: 140 + v * 100 // 255)  # ink at 140 on paper at 240
    draw = ImageDraw.Draw(faint)
    draw.rectangle((0, 0, faint.width, 120), fill=10)
    draw.rectangle((0, 0, 100, faint.height), fill=10)
    draw.ellipse((200, 1500, 270, 1570), fill=30)
    out = np.asarray(ocr_input(faint, 300))
    text = np.asarray(page) < 128
    assert np.array_equal(out[text], np.asarray(faint)[text])


def test_pipeline_ocrs_the_cleaned_image_in_page_coordinates(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanning import pipeline

    seen: list[Image.Image] = []

    def fake_read(self: object, image: Image.Image, *args: object, **kw: object) -> PageOCR:
        seen.append(image)
        return PageOCR(width=image.width, height=image.height)

    monkeypatch.setattr(TesseractEngine, "read", fake_read)
    page, seal_only, text = _seal_and_text(37, 200)
    result, upright = pipeline.process_page(encode(page, "PNG", 200), dpi=200, index=1, engine="tesseract")
    assert result.error is None and upright is None  # straight page: the original is the page image
    assert seen and seen[0].mode == "L" and seen[0].size == page.size
    assert (result.ocr.width, result.ocr.height) == page.size
    far = seal_only & ~_near(text, 3)
    assert (np.asarray(seen[0])[far] >= 250).mean() > 0.99


@pytest.mark.slow
@pytest.mark.skipif(not tesseract.is_installed(), reason="tesseract not installed")
def test_dates_under_seals_read_better_than_with_the_seal_only_whitened() -> None:
    """The signature block under a seal, colour and grey scans, 200-300 dpi: the pipeline reads
    the date better than the old OCR input (reddish pixels white, grey scans as they are) did."""
    from scanning.ocr import ocr_image
    from scanning.pages import load_page, suppress_red
    from scanning.pipeline import process_page

    cases = [(41, 300, True), (42, 240, False), (43, 200, True), (44, 300, True), (45, 200, False), (46, 240, True)]
    now = before = 0.0
    for seed, dpi, grey in cases:
        page = render_page(seed, dpi=dpi, with_seal=True)
        authority, date = page.info["truth"][-2:]
        data = encode(damage(page, seed=seed, grey=grey), "JPEG", dpi)
        result, _ = process_page(data, dpi=dpi, index=1, engine="tesseract")  # against Tesseract's old input
        text = result.ocr.text.replace(" ", "").replace("\n", "")
        old = ocr_image(suppress_red(load_page(data)[0])[0], dpi=dpi).text.replace(" ", "").replace("\n", "")
        assert fuzz.partial_ratio(authority, text) >= 80, text
        now += fuzz.partial_ratio(date, text)
        before += fuzz.partial_ratio(date, old)
    assert now / len(cases) >= 80 and now >= before + 5 * len(cases), (now, before)
