"""Page cleanup before OCR: decoding, blank detection, orientation, skew, red seals.

Parts:
- ``load``: decode one page image safely (size limit first), EXIF turn, mode normalising
  (bilevel, palette, CMYK, 16-bit, alpha incl. light ink on transparency) to 8-bit L/RGB;
  ``encode`` for derived upright images.
- ``analysis``: on a ~100 dpi copy with numpy: ``is_blank`` (ignores scanner noise,
  bleed-through, punched-hole shadows), ``text_axis_and_skew`` (horizontal vs sideways
  text and skew within ±10°, by sheared projection profiles; ink read at half the page's
  own ink depth, so a grey scan's thin strokes count).
- ``orient``: which way up (``orient_and_read``), decided together with the page's reading.
- ``seal``: ``suppress_red`` turns reddish pixels white (a grey copy for OCR).
- ``clean``: ``ocr_input``, the image Tesseract reads: red seal ink dropped out to a light
  grey, then every pixel not near strong text ink set to the paper tone (seals, grey
  seals of grey scans, noise, shading); thresholds relative to the page's own paper and ink.

How orientation is decided (``orient``; measured with bench/orientation.py on rendered
hard pages: transcript continuation pages, tables, sparse pages, long paragraphs, grey and
1-bit scans, see tests/scanning/test_orientation.py). Each signal does what it is good at:
the projection profile picks the axis for free and says when it is unsure (Chinese on a
grid has columns as well as rows); the reading, made anyway, is checked: its own line
boxes (Tesseract reads a page a quarter turn the wrong way *well*, as vertical text with
tall lines: the upright transcript pages of outside scans once reported as needing 90°),
its confidence and its count of real characters, and with PP-OCR its text-direction
classifier on the reading's lines (0 or 180). Tesseract's OSD (~0.7 s a page, about half
an OCR run) is asked only when the profile is unsure or the reading poor. When signals
disagree or are unsure the candidate turns are read and the better reading kept. An
upright page whose profile is sure costs one OCR run, as before; an upside-down one two.
"""

from __future__ import annotations

from scanning.pages.analysis import Geometry, is_blank, small_grey, text_axis_and_skew
from scanning.pages.clean import clear_background, drop_red, ocr_input
from scanning.pages.load import encode, load_page, normalise_mode
from scanning.pages.seal import suppress_red

__all__ = [
    "Geometry",
    "clear_background",
    "drop_red",
    "encode",
    "is_blank",
    "load_page",
    "normalise_mode",
    "ocr_input",
    "small_grey",
    "suppress_red",
    "text_axis_and_skew",
]
