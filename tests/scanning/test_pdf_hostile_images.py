"""Odd and hostile page images from the shared corpus go into a volume PDF or are refused
with PageImageError, never anything else; what goes in renders."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image

from scanning.pdf import PageImageError, PdfPage, VolumeMeta, build_volume_pdf_bytes

HOSTILE = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "hostile"
IMAGES = sorted(p for p in HOSTILE.glob("*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff")) if HOSTILE.is_dir() else []
META = VolumeMeta("案", "卷", "局", dt.date(2024, 1, 1))
MUST_REFUSE = {"crafted__png-bomb.png", "crafted__zero-bytes.jpg"}

pytestmark = pytest.mark.skipif(not IMAGES or shutil.which("pdftoppm") is None, reason="corpus or poppler missing")


def _render(pdf: bytes) -> np.ndarray:
    out = subprocess.run(["pdftoppm", "-gray", "-r", "36", "-singlefile", "-"], input=pdf, capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return np.asarray(Image.open(io.BytesIO(out.stdout)))


@pytest.mark.parametrize("path", IMAGES, ids=lambda p: p.name)
def test_hostile_image_is_embedded_or_refused(path: Path) -> None:
    page = PdfPage(path.read_bytes(), "", 0, 0, 150.0, label="1")
    try:
        pdf = build_volume_pdf_bytes([page], META)
    except PageImageError:
        return
    assert path.name not in MUST_REFUSE
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == 1
    _render(pdf)


def test_white_text_on_transparent_ground_stays_legible() -> None:
    path = HOSTILE / "rapidocr__white_font_color_transparent.png"
    if not path.exists():
        pytest.skip("corpus file missing")
    pixels = _render(build_volume_pdf_bytes([PdfPage(path.read_bytes(), "image/png", 0, 0, 72.0)], META))
    assert pixels.std() > 20, "the text vanished into the page"
