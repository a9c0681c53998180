"""Page cleanup: blank detection, text direction and skew, red seals, image modes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from tests.scanning.conftest import blank_page, damage, render_page
from PIL import Image

from scanning.errors import PageTooLargeError
from scanning.pages import is_blank, load_page, small_grey, suppress_red, text_axis_and_skew


@pytest.mark.parametrize("seed,dpi", [(1, 200), (2, 300), (3, 400)])
def test_blank_backs_are_blank(seed: int, dpi: int) -> None:
    img = damage(blank_page(seed, dpi=dpi), seed=seed, grey=seed % 2 == 0)
    blank, strokes = is_blank(small_grey(img, dpi))
    assert blank, strokes


@pytest.mark.parametrize("seed,dpi", [(4, 200), (5, 300), (6, 400)])
def test_one_short_line_is_not_blank(seed: int, dpi: int) -> None:
    page = render_page(seed, dpi=dpi, lines=1)
    # keep only the first few characters of that one line
    arr = np.asarray(page).copy()
    arr[:, int(page.width * 0.35) :] = 255
    img = damage(Image.fromarray(arr), seed=seed)
    blank, strokes = is_blank(small_grey(img, dpi))
    assert not blank, strokes


def test_full_page_is_not_blank() -> None:
    assert not is_blank(small_grey(damage(render_page(7)), 300))[0]


@pytest.mark.parametrize(
    "seed,dpi,skew,turn",
    [(1, 200, 3.2, 0), (2, 300, -7.5, 0), (3, 400, 0.0, 90), (4, 300, 1.3, 270), (5, 250, -2.4, 180), (6, 300, 9.0, 90)],
)
def test_text_axis_and_skew(seed: int, dpi: int, skew: float, turn: int) -> None:
    img = damage(render_page(seed, dpi=dpi, with_seal=seed % 2 == 0), rotation=turn, skew=skew, seed=seed)
    geo = text_axis_and_skew(small_grey(img, dpi))
    assert geo.vertical == (turn in (90, 270))
    # ``damage`` turned the page ``skew`` degrees counter-clockwise; the fix is the opposite.
    assert geo.skew_deg == pytest.approx(-skew, abs=0.5)


def test_red_seal_suppressed_but_black_text_kept() -> None:
    page = render_page(2, dpi=150, with_seal=True)
    grey, share = suppress_red(page)
    assert share > 0.001
    rgb = np.asarray(page)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 100)
    black = rgb.max(axis=2) < 60
    g = np.asarray(grey)
    assert (g[red] == 255).all()
    assert (g[black] < 100).all()


def _roundtrip(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _ink_top_left(img: Image.Image) -> bool:
    a = np.asarray(img.convert("L"))
    h, w = a.shape
    return a[: h // 2, : w // 2].mean() < a[h // 2 :, w // 2 :].mean()


@pytest.mark.parametrize("mode", ["1", "P", "CMYK", "I;16", "LA", "RGBA"])
def test_modes_normalised_to_paper(mode: str) -> None:
    base = Image.new("L", (200, 100), 255)
    base.paste(0, (10, 10, 90, 40))  # ink in the top-left quarter
    if mode == "I;16":
        img = Image.fromarray(np.asarray(base, dtype=np.uint16) * 257)
        assert img.mode.startswith("I;16")
    elif mode in ("LA", "RGBA"):
        img = base.convert(mode)
    else:
        img = base.convert(mode)
    fmt = {"CMYK": "JPEG", "I;16": "PNG"}.get(mode, "PNG" if mode != "1" else "TIFF")
    out, turn = load_page(_roundtrip(img, fmt))
    assert out.mode in ("L", "RGB") and turn == 0
    assert _ink_top_left(out)
    assert np.asarray(out.convert("L"))[80:, 150:].min() > 200  # paper stays white


def test_light_ink_on_transparency_becomes_dark_on_white() -> None:
    img = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    img.paste((255, 255, 255, 255), (10, 10, 90, 40))  # white "text" on nothing
    out, _ = load_page(_roundtrip(img, "PNG"))
    a = np.asarray(out.convert("L"))
    assert a[20, 20] < 80 and a[80, 150] > 200


def test_exif_orientation_applied_and_reported() -> None:
    base = Image.new("L", (200, 100), 255)
    base.paste(0, (10, 10, 90, 40))
    stored = base.transpose(Image.Transpose.ROTATE_90)  # pixels stored turned
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90 degrees clockwise to display"
    out, turn = load_page(_roundtrip(stored, "JPEG", exif=exif))
    assert turn == 90 and out.size == (200, 100)
    assert _ink_top_left(out)


def test_absurd_size_refused_before_decoding() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(PageTooLargeError, match="x.png"):
        load_page(png, file="x.png", index=1)


@pytest.mark.parametrize("seed,turn,skew", [(7, 0, 2.5), (8, 90, -1.8)])
def test_text_axis_given_measures_the_skew_for_it(seed: int, turn: int, skew: float) -> None:
    """orient asks the skew of the axis the profile did not pick when a reading overrules it."""
    img = damage(render_page(seed, dpi=200), rotation=turn, skew=skew, seed=seed)
    small = small_grey(img, 200)
    free = text_axis_and_skew(small)
    given = text_axis_and_skew(small, vertical=turn == 90)
    assert given.vertical == (turn == 90) and given.skew_deg == pytest.approx(free.skew_deg, abs=0.1)
    other = text_axis_and_skew(small, vertical=turn != 90)
    assert other.vertical == (turn != 90)
