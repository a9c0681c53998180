"""Benchmark: ecase's page pipeline against plain Tesseract on real Chinese text images.

The images are others' (../shared/corpora/zh-ocr: the cnocr and RapidOCR test suites; see
its MANIFEST.tsv), never made by our generator: book paragraphs, document crops, single
lines, transparent and EXIF-rotated images. Only the files whose ground truth is the whole
text (``gt_kind`` starting with "full") are scored.

For each image:

(a) ecase: ``scanning.pipeline.process_page`` on the file's bytes, as intake reads a page
    (orientation, deskew, the cleaned OCR input, unread blocks read again, scanning/unread.py);
(b) the peer: plain ``tesseract IMAGE - -l chi_sim`` (psm 3), on the same image flattened to
    grey on white as ecase loads it (a transparent PNG is otherwise black on black).

The character error rate is the edit distance between the text read and the ground truth,
white space removed, over the ground truth's length; the totals weigh each file by its
length. A blank verdict by ecase counts as reading nothing. The last line is
``files=.. chars=.. ecase_cer=.. tesseract_cer=.. ratio_cer=.. ecase_worse_files=..`` where
``ratio_cer`` = ecase_cer / tesseract_cer (below 1: ecase reads better).

    .venv/bin/python bench/ocr_real.py [--corpus ../shared/corpora/zh-ocr]
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from scanning.ocr import ocr_image  # noqa: E402
from scanning.pages import load_page  # noqa: E402
from scanning.pipeline import process_page  # noqa: E402


def plain(text: str) -> str:
    return "".join(text.split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "zh-ocr")
    args = ap.parse_args()
    rows = list(csv.DictReader(io.StringIO((args.corpus / "MANIFEST.tsv").read_text(encoding="utf-8")), delimiter="\t"))
    total = err_e = err_t = worse = files = 0
    for row in rows:
        if not row["gt_kind"].startswith("full") or not row["gt_file"]:
            continue
        gt = plain((args.corpus / row["gt_file"]).read_text(encoding="utf-8"))
        if not gt:
            continue
        data = (args.corpus / row["file"]).read_bytes()
        result, _ = process_page(data, dpi=0, index=1, name=row["file"])
        ours = "" if result.blank or result.ocr is None else plain(result.ocr.text)
        img, _ = load_page(data)
        peer = plain(ocr_image(img.convert("L")).text)
        e, t = Levenshtein.distance(ours, gt), Levenshtein.distance(peer, gt)
        total += len(gt)
        err_e += e
        err_t += t
        worse += e > t
        files += 1
        print(f"{row['file']:44} chars={len(gt):4d} ecase_cer={e / len(gt):.3f} tesseract_cer={t / len(gt):.3f}"
              + ("  (blank)" if result.blank else ""), file=sys.stderr)
    ce, ct = err_e / max(total, 1), err_t / max(total, 1)
    print(f"files={files} chars={total} ecase_cer={ce:.4f} tesseract_cer={ct:.4f} "
          f"ratio_cer={ce / ct if ct else float('nan'):.3f} ecase_worse_files={worse}")


if __name__ == "__main__":
    main()
