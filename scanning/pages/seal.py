"""Red seal suppression for the OCR input only (the stored original keeps its seal).

A red round seal (印章) printed over the date and authority confuses Tesseract: its
characters and star become noise glued to the black text. Reddish pixels (red clearly
above green and blue) are turned to paper white; black text under the seal stays dark,
so it survives. Grey scans have no colour to go by and are returned unchanged.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def red_mask(rgb: np.ndarray) -> np.ndarray:
    r = rgb[..., 0].astype(np.int16)
    g = rgb[..., 1].astype(np.int16)
    b = rgb[..., 2].astype(np.int16)
    return (r > 110) & (r - g > 45) & (r - b > 35)


def suppress_red(img: Image.Image) -> tuple[Image.Image, float]:
    """A grey copy of ``img`` with reddish pixels made white; and the share of such pixels."""
    if img.mode != "RGB":
        return (img if img.mode == "L" else img.convert("L")), 0.0
    rgb = np.asarray(img)
    mask = red_mask(rgb)
    share = float(mask.mean())
    grey = np.asarray(img.convert("L")).copy()
    if share > 0:
        grey[mask] = 255
    return Image.fromarray(grey, "L"), share
