"""Affine maps from the upright OCR frame to PDF user space.

OCR boxes are in pixels of the *upright* image (see ``scanning.types``): the scan turned
clockwise by ``rotation`` and then turned counter-clockwise by ``skew_deg`` about its centre
on a canvas of the same size (``PIL.Image.rotate(skew_deg, expand=False)``). When we embed
the scan as it was (no derived image), the page shows it through ``/Rotate`` and still
slightly skewed, so each word must be carried back through both turns to land on the
pixels it was read from. Matrices use the PDF convention: a point is a row vector
``[x y 1]`` and ``[a b c d e f]`` maps it to ``(a*x + c*y + e, b*x + d*y + f)``;
``m1 @ m2`` applies ``m1`` first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Matrix:
    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def __matmul__(self, other: Matrix) -> Matrix:
        """``self`` then ``other``."""
        return Matrix(
            self.a * other.a + self.b * other.c,
            self.a * other.b + self.b * other.d,
            self.c * other.a + self.d * other.c,
            self.c * other.b + self.d * other.d,
            self.e * other.a + self.f * other.c + other.e,
            self.e * other.b + self.f * other.d + other.f,
        )

    def apply(self, x: float, y: float) -> tuple[float, float]:
        return (self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f)

    def operands(self) -> str:
        return " ".join(_num(v) for v in (self.a, self.b, self.c, self.d, self.e, self.f))


def _num(value: float) -> str:
    """A short, locale-free, reproducible number for a content stream."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def upright_to_rotated(skew_deg: float, width: float, height: float) -> Matrix:
    """From the deskewed upright frame back to the merely rotated frame (same canvas)."""
    if not skew_deg:
        return Matrix()
    s = math.radians(skew_deg)
    cos_s, sin_s = math.cos(s), math.sin(s)
    cx, cy = width / 2, height / 2
    return Matrix(cos_s, sin_s, -sin_s, cos_s, cx - cx * cos_s + cy * sin_s, cy - cx * sin_s - cy * cos_s)


def rotated_to_scan(rotation: int, scan_width: float, scan_height: float) -> Matrix:
    """From the frame turned clockwise by ``rotation`` back to the scan's own pixels."""
    w, h = scan_width, scan_height
    if rotation == 0:
        return Matrix()
    if rotation == 90:
        return Matrix(0, -1, 1, 0, 0, h)
    if rotation == 180:
        return Matrix(-1, 0, 0, -1, w, h)
    if rotation == 270:
        return Matrix(0, 1, -1, 0, w, 0)
    raise ValueError(f"rotation must be 0, 90, 180 or 270, not {rotation!r}")


def scan_to_page(scan_height: float, scale_x: float, scale_y: float | None = None) -> Matrix:
    """From image pixels (origin top left, y down) to PDF points (origin bottom left)."""
    scale_y = scale_x if scale_y is None else scale_y
    return Matrix(scale_x, 0, 0, -scale_y, 0, scan_height * scale_y)


def upright_to_page(
    *, rotation: int, skew_deg: float, scan_width: int, scan_height: int, dpi: float | tuple[float, float]
) -> Matrix:
    """The whole map from an upright OCR pixel to the unrotated page's user space.
    ``dpi`` is the scan's resolution, ``(x, y)`` when it differs (fax modes)."""
    dpi_x, dpi_y = dpi if isinstance(dpi, tuple) else (dpi, dpi)
    if rotation in (90, 270):
        upright_w, upright_h = scan_height, scan_width
    else:
        upright_w, upright_h = scan_width, scan_height
    return (
        upright_to_rotated(skew_deg, upright_w, upright_h)
        @ rotated_to_scan(rotation, scan_width, scan_height)
        @ scan_to_page(scan_height, 72.0 / dpi_x, 72.0 / dpi_y)
    )
