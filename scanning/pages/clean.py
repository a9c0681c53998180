"""The image Tesseract reads: grey, red seal ink dropped out, faint marks away from the text cleared.

The stored page keeps everything; only the OCR input is cleaned (``ocr_input``).

Why: on bench/recognition.py's corpus (34 scans, 972 fields) most dates that were not
found at all, and some authorities and document numbers, sat under or beside a seal.
Tesseract's page layout analysis (psm 3) returned the signature block as an empty block
while seal strokes or specks were around it (the speckled rim a whitened red seal leaves,
a grey scan's seal, scanner noise), and read it once they were gone. bench/recognition.py
end to end, against the same tree with the old input (reddish pixels white): field
accuracy 0.817 -> 0.830 (table pages are read again from the uncleaned image by
``scanning.tables``; giving that the cleaned image instead measured 0.810). On the bench's
pages with a plain psm 6 re-read of tables, where the variants below were compared:
0.742 -> 0.792. On tests/scanning's own renderer the character error rate 0.079 -> 0.070.
CPU per page: +0.08 s here, -0.04 s in Tesseract.

Two steps, both standard document-imaging practice:

1. ``drop_red``: colour dropout of red. Reddish pixels and a one-pixel rim take the red
   channel's value. Red ink is bright in the red channel, so the seal turns a light grey;
   black text is dark in every channel, so where it crosses the seal it stays dark, its
   anti-aliased edges included (turning reddish pixels white, as ``suppress_red`` does,
   also eats the reddish rim of black strokes that cross the seal).
2. ``clear_background``: hysteresis on darkness below the local paper tone. Strong ink is
   darker than ``STRONG_FRACTION`` of the text's darkness (the darkest 10 % of the page's
   ink, thick blobs such as black scanner borders, holes and bars left out); every pixel
   farther than ``NEAR_MM`` from strong ink is set to the paper tone. Text keeps its pixels
   exactly, soft edges included, while light strokes away from it (a dropped-out or grey
   seal, light stamps, bleed-through, noise, shading) go. Thresholds are relative to the
   page's own paper, ink and noise, so light or dark scans, tinted paper and any
   resolution are treated alike; a clean page comes back unchanged. Images that are not
   paper with some ink on it (ink share outside 0.01-30 %, or smaller than a few
   centimetres) are left alone. Limits: a grey seal as dark as 0.6 of the text stays; ink
   much lighter than the page's text is cleared too, except where it touches the text or
   is shaped like writing: faint ink of at least ``FAINT_FRACTION`` of the text's darkness
   whose parts make lines of text's height (a carbon copy's values, pale pen, a faded print
   beside black labels: carbon_copy's first 8 bench scans 0.7171 -> 0.8402, the tuned
   families unchanged); a grey seal's ring and all inside it is no line and still goes.

Tried on those pages and not done: upscaling pages below 300 dpi to 300 (0.742 ->
0.742, documents lost, +25 % Tesseract time; with the clearing 0.779 -> 0.728), a 3x3
median filter on every page (0.717), Tesseract's own Sauvola binarisation (0.735), the
red channel alone without the clearing (0.735: a faint seal still costs the block), Otsu
after a slight blur (0.784, the tables' first reading only), a threshold of 0.7 of the
text (0.716 against 0.777 at 0.6: thin strokes go).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageChops, ImageFilter

from scanning.pages.analysis import WORK_DPI, small_grey

#: Strong ink is at least this share of the page's text darkness (its darkest 10 % of ink).
#: A red seal in a grey scan prints at about half the darkness of black text. Measured:
#: 0.5 and 0.6 read alike on the bench, 0.6 clears more grey seals, 0.7 loses thin strokes.
STRONG_FRACTION = 0.6
#: Faint ink, lighter than strong ink but at least this share of the text's darkness, is kept
#: where it is shaped like a line of writing (see ``_faint_writing``): a carbon copy's values,
#: pale ballpoint, a faded print beside black labels.
FAINT_FRACTION = 0.3
#: ... "shaped like writing": its parts, joined across a character's gap, make lines at most
#: this high (mm; a seal's ring, 38-45 mm, a column of text or shading are taller) ...
FAINT_LINE_MM = (1.2, 9.0)
#: ... with at least this much ink (mm², at the ~100 dpi copy; specks of noise have less).
FAINT_MIN_INK_MM2 = 1.0
#: Pixels this close to strong ink are kept as they are (0.17 mm: 2 px at 300 dpi).
NEAR_MM = 2 * 25.4 / 300
#: Ink must be this many grey levels below the paper (and 3.5 noise sigmas) to count.
MIN_CONTRAST = 30
#: Outside this share of ink pixels the image is not a page of paper (a tight crop, a photo).
INK_SHARE = (1e-4, 0.3)
#: Cells of this many ~100 dpi pixels give the local paper tone (16: about 4 mm).
PAPER_CELL = 16


def drop_red(img: Image.Image) -> tuple[Image.Image, float]:
    """A grey copy of ``img`` with red ink made light (its red channel); and the share of red pixels."""
    if img.mode != "RGB":
        return (img if img.mode == "L" else img.convert("L")), 0.0
    grey = img.convert("L")
    r, g, b = img.split()
    # red_mask's test (r > 110, r - g > 45, r - b > 35) on 8-bit channels, without int16 copies
    mask = (np.asarray(r) > 110) & (np.asarray(ImageChops.subtract(r, g)) > 45)
    mask &= np.asarray(ImageChops.subtract(r, b)) > 35
    share = float(mask.mean())
    if share == 0.0:
        return grey, 0.0
    rim = _grow(mask, 1)
    out = np.array(grey)
    out[rim] = np.asarray(r)[rim]
    return Image.fromarray(out, "L"), share


def paper_tone(grey: Image.Image, dpi: int) -> Image.Image:
    """The local paper tone at full size (see ``_paper_small``)."""
    small = small_grey(grey, dpi)
    return _paper_small(small).resize(grey.size, Image.Resampling.BILINEAR)


def _paper_small(small: Image.Image) -> Image.Image:
    """The paper tone of a ~100 dpi copy: its brightest pixel in cells of about 4 mm (ink never
    fills a cell), spread and smoothed (as ``analysis.ink_mask``)."""
    a = np.asarray(small)
    h, w = a.shape
    c = PAPER_CELL
    ph, pw = -(-h // c) * c, -(-w // c) * c
    padded = np.pad(a, ((0, ph - h), (0, pw - w)), mode="edge")
    tiles = padded.reshape(ph // c, c, pw // c, c).max(axis=(1, 3))
    paper = Image.fromarray(tiles, "L").filter(ImageFilter.MaxFilter(3)).filter(ImageFilter.BoxBlur(1))
    return paper.resize(small.size, Image.Resampling.BILINEAR)


def clear_background(grey: Image.Image, dpi: int) -> Image.Image:
    """``grey`` with every pixel not near strong ink set to the paper tone; see the module docstring."""
    if grey.mode != "L":
        grey = grey.convert("L")
    cell_px = PAPER_CELL * max(1.0, dpi / WORK_DPI)
    if min(grey.size) < 4 * cell_px:
        return grey
    small = small_grey(grey, dpi)
    paper_small = _paper_small(small)
    paper = paper_small.resize(grey.size, Image.Resampling.BILINEAR)
    g = np.asarray(grey)
    p = np.asarray(paper)
    dark_img = ImageChops.subtract(paper, grey)  # levels below the paper; 0 where lighter
    # Noise: robust spread of the page around its paper tone, on every 4th pixel.
    diff = g[::4, ::4].astype(np.int16) - p[::4, ::4].astype(np.int16)
    sigma = 1.4826 * float(np.median(np.abs(diff - np.median(diff))))
    weak = int(max(MIN_CONTRAST, 3.5 * sigma))
    if weak > 200:
        return grey
    ink = int(np.count_nonzero(np.asarray(dark_img) >= weak))
    if not INK_SHARE[0] <= ink / (g.size) <= INK_SHARE[1]:
        return grey
    # The text's darkness: the darkest 10 % of the ink that is not part of a thick blob
    # (black scanner borders, punched holes, bars, photos would set it far above faint text).
    small_dark = np.asarray(ImageChops.subtract(paper_small, small))
    thick_small = _thick(small_dark >= weak)
    stroke_mask = Image.fromarray(np.where(thick_small, 0, 255).astype(np.uint8), "L").resize(
        grey.size, Image.Resampling.NEAREST)
    hist = np.array(dark_img.histogram(mask=stroke_mask))
    if hist[weak:].sum() == 0:
        hist = np.array(dark_img.histogram())
    at_least = np.cumsum(hist[::-1])[::-1]  # at_least[v]: pixels at least v levels dark
    text_dark = int(np.nonzero(at_least >= 0.1 * at_least[weak])[0].max())
    strong = int(max(weak + 10, STRONG_FRACTION * text_dark))
    dark = np.asarray(dark_img)
    near = _grow(dark >= strong, max(1, round(NEAR_MM * dpi / 25.4)))
    faint = int(max(weak, FAINT_FRACTION * text_dark))
    if faint < strong:
        writing = _faint_writing(small_dark, faint, strong, thick_small, small.width / grey.width * dpi)
        if writing.any():
            grown = Image.fromarray(_grow(writing, 1).astype(np.uint8) * 255, "L").resize(
                grey.size, Image.Resampling.NEAREST)
            near |= (np.asarray(grown) > 0) & (dark >= weak)
    return Image.fromarray(np.where(near, g, np.maximum(g, p)), "L")


def _faint_writing(dark: np.ndarray, faint: int, strong: int, thick: np.ndarray, dpi: float) -> np.ndarray:
    """The faint ink of a ~100 dpi copy (``dark``: levels below the paper) that is writing: ink
    between ``faint`` and ``strong`` (the rims of strong ink left out), thin, whose parts joined
    across a character's gap make a line of text's height with some ink in it. A seal's ring
    with its lettering is far taller than a line (so is everything inside its frame), noise
    has too little ink, shading and filled cells are thick."""
    import cv2

    mm = dpi / 25.4
    band = (dark >= faint) & ~_grow(dark >= strong, 1) & ~thick
    if not band.any():
        return band
    gap_w, gap_h = max(1, round(1.5 * mm)), max(1, round(0.4 * mm))
    joined = cv2.dilate(band.astype(np.uint8), np.ones((2 * gap_h + 1, 2 * gap_w + 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    ink = np.bincount(labels[band], minlength=n)
    heights = stats[:, cv2.CC_STAT_HEIGHT] - 2 * gap_h
    lo, hi = FAINT_LINE_MM[0] * mm, FAINT_LINE_MM[1] * mm
    keep = (heights >= lo) & (heights <= hi) & (ink >= FAINT_MIN_INK_MM2 * mm * mm)
    keep[0] = False
    for k in np.nonzero(heights[1:] > hi)[0] + 1:
        # what lies inside a tall faint frame (a seal's lettering, its star) belongs to it
        x, y, w, h = (int(v) for v in stats[k, :4])
        inside = np.unique(labels[y:y + h, x:x + w])
        keep[inside] = False
    return keep[labels] & band


def _thick(ink_small: np.ndarray) -> np.ndarray:
    """Ink of a ~100 dpi copy that is thicker than text strokes: what survives an erosion by
    2 pixels (structures over ~1.2 mm across), grown back by 3."""
    core = ~_grow(~ink_small, 2)
    return _grow(core, 3)


def ocr_input(img: Image.Image, dpi: int) -> Image.Image:
    """The grey image to OCR for the upright page ``img`` (L or RGB) scanned at ``dpi``."""
    grey, _ = drop_red(img)
    return clear_background(grey, dpi)


def _grow(mask: np.ndarray, r: int) -> np.ndarray:
    """``mask`` dilated by a (2r+1)-pixel square (rows, then columns)."""
    out = mask.copy()
    for k in range(1, r + 1):
        out[k:, :] |= mask[:-k, :]
        out[:-k, :] |= mask[k:, :]
    rows = out.copy()
    for k in range(1, r + 1):
        out[:, k:] |= rows[:, :-k]
        out[:, :-k] |= rows[:, k:]
    return out
