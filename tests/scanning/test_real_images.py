"""The page pipeline on others' real Chinese text images (../shared/corpora/zh-ocr).

These images come from the cnocr and RapidOCR test suites, not from our generator: book
paragraphs, cut-out lines, transparent and EXIF-rotated images. bench/ocr_real.py gives
the figures; here, the pipeline must read them at least as well as plain Tesseract does
and must not call a small image with text on it blank.
"""

from __future__ import annotations

import csv
import io

import pytest
from tests.scanning.conftest import CORPORA
from rapidfuzz.distance import Levenshtein

from scanning.ocr import ocr_image
from scanning.pages import load_page
from scanning.pipeline import process_page

ZH = (CORPORA / "zh-ocr").resolve()
pytestmark = pytest.mark.skipif(not (ZH / "MANIFEST.tsv").exists(), reason="../shared/corpora/zh-ocr is absent")


def scored() -> list[tuple[str, str]]:
    """(file, ground truth without white space) of the files whose truth is their whole text."""
    rows = csv.DictReader(io.StringIO((ZH / "MANIFEST.tsv").read_text(encoding="utf-8")), delimiter="\t")
    out = []
    for r in rows:
        if r["gt_kind"].startswith("full") and r["gt_file"]:
            gt = "".join((ZH / r["gt_file"]).read_text(encoding="utf-8").split())
            if gt:
                out.append((r["file"], gt))
    return out


@pytest.mark.parametrize("name", ["cnocr__20457890_2399557098.jpg", "cnocr__hybrid.png",
                                  "rapidocr__black_font_color_transparent.png", "cnocr__helloworld.jpg"])
def test_a_small_image_with_text_is_not_blank(name: str) -> None:
    result, _ = process_page((ZH / name).read_bytes(), dpi=0, index=1, name=name)
    assert not result.blank and result.ocr is not None and result.ocr.text.strip()


def test_reads_others_images_no_worse_than_plain_tesseract() -> None:
    files = scored()
    assert len(files) >= 15
    ours = theirs = total = 0
    for name, gt in files:
        data = (ZH / name).read_bytes()
        result, _ = process_page(data, dpi=0, index=1, name=name)
        text = "" if result.blank or result.ocr is None else "".join(result.ocr.text.split())
        img, _ = load_page(data)
        peer = "".join(ocr_image(img.convert("L")).text.split())
        ours += Levenshtein.distance(text, gt)
        theirs += Levenshtein.distance(peer, gt)
        total += len(gt)
    assert ours / total <= theirs / total + 0.01, (ours / total, theirs / total)
