"""Page cleanup before OCR: decoding, blank detection, orientation, skew, red seals.

Parts:
- ``load``: decode one page image safely (size limit first), EXIF turn, mode normalising
  (bilevel, palette, CMYK, 16-bit, alpha incl. light ink on transparency) to 8-bit L/RGB;
  ``encode`` for derived upright images.
- ``analysis``: on a ~100 dpi copy with numpy: ``is_blank`` (ignores scanner noise,
  bleed-through, punched-hole shadows), ``text_axis_and_skew`` (horizontal vs sideways
  text and skew within ±10°, by sheared projection profiles).
- ``seal``: ``suppress_red`` turns reddish pixels white (a grey copy for OCR).
- ``clean``: ``ocr_input``, the image Tesseract reads: red seal ink dropped out to a light
  grey, then every pixel not near strong text ink set to the paper tone (seals, grey
  seals of grey scans, noise, shading); thresholds relative to the page's own paper and ink.

How orientation is decided (measured on rendered Chinese form pages, see the tests):
Tesseract's OSD gets Chinese pages right here but costs ~0.7 s a page even at a quarter
of the resolution, about half the cost of the OCR itself. So the projection profile
decides upright-or-sideways for free, and up-or-down is decided by the OCR itself:
the page is read once the likely way up; only when the mean word confidence comes back
low is it read again turned 180° and the better reading kept (``scanning.pipeline``).
Upright pages, the vast majority, cost one OCR run.
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
