"""Cheap page analysis on a small binarised copy: blank or not, text direction, skew.

Everything here works on a ~100 dpi grey copy (a few hundred thousand pixels) with numpy,
in tens of milliseconds, so that the only expensive step per page is the one OCR run.

- ``ink_mask``: dark-enough pixels relative to the local paper tone (so grey paper,
  uneven lighting and faint bleed-through from the other side are not ink).
- ``is_blank``: after dropping thick blobs (punched-hole shadows, black scanner borders,
  which survive a morphological opening) and isolated specks, a page is blank when
  almost no thin stroke pixels remain. One short line of text is far above the threshold.
- ``text_axis_and_skew``: projection profiles of the ink, sheared over ±10°, once for rows
  and once for columns. Lines of text give a spiky row profile at the right angle; the
  direction with the spikier best profile is the text direction (sideways pages have
  vertical "lines"), the best angle is the skew. Chinese set on a grid has columns too,
  but line gaps are wider than character gaps, so rows win on an upright page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

WORK_DPI = 100


#: The reduced copy keeps at least this many pixels on its short side (a small image's
#: strokes would vanish at WORK_DPI).
MIN_SMALL_SIDE = 200


def small_grey(img: Image.Image, dpi: int) -> Image.Image:
    """A grey copy at about WORK_DPI (area-averaged, so scanner specks fade), never
    smaller than MIN_SMALL_SIDE on its short side."""
    grey = img.convert("L") if img.mode != "L" else img
    factor = min(max(1.0, dpi / WORK_DPI), max(1.0, min(grey.size) / MIN_SMALL_SIDE))
    if factor > 1.01:
        size = (max(1, round(grey.width / factor)), max(1, round(grey.height / factor)))
        grey = grey.reduce(int(factor)) if abs(factor - round(factor)) < 0.05 else grey.resize(size, Image.Resampling.BOX)
    return grey


def ink_mask(grey: Image.Image, contrast: int = 70) -> np.ndarray:
    """Boolean mask of ink: pixels at least ``contrast`` levels darker than the local paper."""
    return darkness(grey) >= contrast


#: Text direction reads ink at half the page's own ink depth, within these bounds: a grey
#: scan's faint ink (paper ~215, strokes ~120 at 100 dpi) keeps its thin horizontal strokes,
#: which a fixed 70 dropped, leaving the vertical strokes to make columns of every page.
MIN_AXIS_CONTRAST, MAX_AXIS_CONTRAST = 35, 70


def axis_contrast(dark: np.ndarray) -> int:
    """The ink threshold for text direction: half the depth of the page's darkest ink."""
    depth = float(np.percentile(dark, 99.7)) if dark.size else 0.0
    return int(min(MAX_AXIS_CONTRAST, max(MIN_AXIS_CONTRAST, depth / 2)))


def darkness(grey: Image.Image) -> np.ndarray:
    """How many levels each pixel is darker than the local paper (int16)."""
    g = np.asarray(grey, dtype=np.int16)
    h, w = g.shape
    # Local paper tone: the brightest pixel of each 16x16 cell (ink never fills a cell of
    # paper), smoothed and brought back to full size.
    cell = 16
    ph, pw = -(-h // cell) * cell, -(-w // cell) * cell
    padded = np.pad(g, ((0, ph - h), (0, pw - w)), mode="edge")
    tiles = padded.reshape(ph // cell, cell, pw // cell, cell).max(axis=(1, 3)).astype(np.uint8)
    paper_small = Image.fromarray(tiles, "L").filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.BoxBlur(1))
    paper = np.asarray(paper_small.resize((w, h), Image.Resampling.BILINEAR), dtype=np.int16)
    return paper - g


def _erode(m: np.ndarray) -> np.ndarray:
    out = m.copy()
    out[1:, :] &= m[:-1, :]
    out[:-1, :] &= m[1:, :]
    out[:, 1:] &= m[:, :-1]
    out[:, :-1] &= m[:, 1:]
    return out


def _dilate(m: np.ndarray) -> np.ndarray:
    out = m.copy()
    out[1:, :] |= m[:-1, :]
    out[:-1, :] |= m[1:, :]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def _neighbours(m: np.ndarray) -> np.ndarray:
    """Number of set pixels in each pixel's 3x3 neighbourhood (itself included)."""
    p = np.pad(m.astype(np.uint8), 1)
    h, w = m.shape
    return sum(p[dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3))


def stroke_pixels(mask: np.ndarray) -> np.ndarray:
    """Thin, connected ink: the mask minus thick blobs, minus isolated specks."""
    thick = mask
    for _ in range(2):
        thick = _erode(thick)
    for _ in range(3):
        thick = _dilate(thick)
    thin = mask & ~thick
    return thin & (_neighbours(thin) >= 3)


#: Fewer stroke pixels than this (at WORK_DPI, inside the margins) means blank. One short
#: line of 5 Chinese characters at 12 pt leaves about 300; scanner dust a few dozen.
BLANK_STROKE_PIXELS = 120


#: An A4 page's area at WORK_DPI: the blank threshold is for a page, and shrinks with a smaller image.
PAGE_AREA = round(8.27 * WORK_DPI) * round(11.69 * WORK_DPI)
#: Whatever its size, an image with at least this many stroke pixels holds some text.
MIN_STROKE_PIXELS = 8


def is_blank(grey_small: Image.Image) -> tuple[bool, int]:
    """Whether the page is blank, and the stroke-pixel count that decided it.

    The threshold is an A4 page's (BLANK_STROKE_PIXELS), in proportion to the image's
    area when it is smaller (an A5 sheet: half; a cut-out line of text, a label: a few
    pixels): a few words on a small image are its content, not dust on a sheet. Measured
    with bench/ocr_real.py on others' real text images: 7 of 19 were called blank before."""
    mask = ink_mask(grey_small)
    h, w = mask.shape
    my, mx = max(1, h // 40), max(1, w // 40)  # scanner edges and shadows at the border
    inner = mask[my : h - my, mx : w - mx]
    count = int(stroke_pixels(inner).sum())
    threshold = max(MIN_STROKE_PIXELS, BLANK_STROKE_PIXELS * min(1.0, h * w / PAGE_AREA))
    return count < threshold, count


@dataclass(frozen=True, slots=True)
class Geometry:
    vertical: bool  # text lines run top-to-bottom: the page is sideways
    skew_deg: float  # counter-clockwise turn (degrees) that straightens the text lines
    score_rows: float
    score_cols: float


def _profile_score(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray, length: int) -> tuple[float, float]:
    """Best angle (degrees) and its score for lines running along x, sheared by angle."""
    best, best_angle = -1.0, 0.0
    xc = xs - xs.mean()
    for a in angles:
        shifted = np.round(ys + xc * math.tan(math.radians(a))).astype(np.int64)
        shifted -= shifted.min()
        hist = np.bincount(shifted)
        score = float(np.square(np.diff(hist.astype(np.float64))).sum())
        if score > best:
            best, best_angle = score, float(a)
    return best_angle, best / max(len(ys), 1)


def text_axis_and_skew(grey_small: Image.Image, max_deg: float = 10.0, *, vertical: bool | None = None,
                       contrast: int | None = None) -> Geometry:
    """Text direction (horizontal or sideways) and skew in degrees, from a ~100 dpi copy.
    ``vertical``: the direction is given (the skew is measured for it); ``contrast``: the
    ink threshold (default: :func:`axis_contrast`, from the page's own ink)."""
    dark = darkness(grey_small)
    mask = stroke_pixels(dark >= (contrast if contrast is not None else axis_contrast(dark)))
    ys, xs = np.nonzero(mask)
    if len(ys) < 50:
        return Geometry(bool(vertical), 0.0, 0.0, 0.0)
    if len(ys) > 200_000:  # plenty for a profile; keeps the cost bounded
        pick = np.random.default_rng(0).choice(len(ys), 200_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    ys = ys.astype(np.float64)
    xs = xs.astype(np.float64)
    coarse = np.arange(-max_deg, max_deg + 0.01, 0.5)
    a_rows, s_rows = _profile_score(ys, xs, coarse, mask.shape[0])
    a_cols, s_cols = _profile_score(xs, ys, coarse, mask.shape[1])
    if vertical is None:
        vertical = s_cols > s_rows
    u, v, a = (xs, ys, a_cols) if vertical else (ys, xs, a_rows)
    fine = np.arange(a - 0.5, a + 0.51, 0.05)
    angle, _ = _profile_score(u, v, fine, 0)
    # Shearing y by +x*tan(a) flattens lines that rise to the right by a degrees, i.e. a
    # page turned a degrees counter-clockwise: the correction is -a. Swapping x and y for
    # the column profile mirrors the picture, which flips the sign back.
    correction = angle if vertical else -angle
    return Geometry(vertical, round(correction, 2) + 0.0, s_rows, s_cols)
