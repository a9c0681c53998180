"""Decode one page image safely and bring it to a mode the rest of the pipeline expects.

Scanners and phones deliver every mode Pillow knows: bilevel, grey, palette, RGB, CMYK
(Adobe-inverted or not), 16-bit grey, alpha, EXIF-rotated JPEGs. ``load_page`` returns an
8-bit ``L`` or ``RGB`` image plus the clockwise turn the EXIF tag asked for, refusing
absurd pixel counts *before* decoding.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, ImageOps

from scanning.errors import DamagedFileError
from scanning.sources._common import check_size, open_image

#: EXIF Orientation values that are pure turns, and the clockwise degrees they stand for.
_EXIF_TURNS = {1: 0, 3: 180, 6: 90, 8: 270}


def load_page(data: bytes, *, file: str = "", index: int | None = None) -> tuple[Image.Image, int]:
    """Decode ``data`` to an 8-bit L or RGB image; return it and the EXIF clockwise turn."""
    img = open_image(data, file, index)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img.load()
            turn = 0
            orientation = img.getexif().get(0x0112, 1)
            if orientation != 1:
                turn = _EXIF_TURNS.get(orientation, 0)
                img = ImageOps.exif_transpose(img)
            check_size(file, img.width, img.height, index)
            return normalise_mode(img), turn
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise DamagedFileError(file, f"the page image is damaged ({e})", index) from e


def normalise_mode(img: Image.Image) -> Image.Image:
    """An 8-bit L or RGB copy of ``img`` that looks as it would on paper."""
    mode = img.mode
    if mode in ("L", "RGB"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I;16") or mode in ("I", "F"):
        arr = np.asarray(img.convert("F") if mode.startswith("I;16") and mode not in ("I;16",) else img, dtype=np.float64)
        hi = float(arr.max()) if arr.size else 0.0
        if mode.startswith("I;16") or hi > 255:
            arr = arr * (255.0 / (65535.0 if hi <= 65535 else hi))
        elif mode == "F" and hi <= 1.0:
            arr = arr * 255.0
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if mode in ("P", "PA"):
        img = img.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        return _flatten_alpha(img.convert("RGBA"))
    if mode == "CMYK":
        return img.convert("RGB")
    return img.convert("RGB")


def _flatten_alpha(img: Image.Image) -> Image.Image:
    """Put transparent pixels on paper. Light ink on transparency goes dark on white.

    A naive alpha drop turns white text on a transparent background into white on white;
    so when what is drawn (the opaque part) is mostly light, the ink is taken from the
    alpha channel instead of the colour.
    """
    rgba = np.asarray(img, dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    if alpha.min() >= 0.999:
        return img.convert("RGB")
    opaque = alpha[..., 0] > 0.5
    lum = rgba[..., :3].mean(axis=2)
    if opaque.any() and lum[opaque].mean() > 160 and opaque.mean() < 0.5:
        ink = (255 * (1 - alpha[..., 0])).astype(np.uint8)
        return Image.fromarray(ink, "L")
    out = rgba[..., :3] * alpha + 255 * (1 - alpha)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB")


def encode(img: Image.Image, media_type: str, dpi: int) -> tuple[bytes, str]:
    """Encode a derived page: JPEG (quality 90) when the source was JPEG, else PNG."""
    buf = io.BytesIO()
    if media_type == "image/jpeg":
        img.save(buf, format="JPEG", quality=90, dpi=(dpi, dpi))
        return buf.getvalue(), "image/jpeg"
    img.save(buf, format="PNG", compress_level=3, dpi=(dpi, dpi))
    return buf.getvalue(), "image/png"
