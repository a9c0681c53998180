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
length. A blank verdict by ecase counts as reading nothing. ``--engine`` chooses the OCR
engine of (a) (scanning.ocr; default ECASE_OCR_ENGINE, else tesseract); the peer stays
plain Tesseract. The images whose names start with ``rapidocr__`` come from RapidOCR's own
tests (the project PP-OCR's packages come from), so they are totalled apart as well. The
last line is ``engine=.. files=.. chars=.. ecase_cer=.. tesseract_cer=.. ratio_cer=..
ecase_worse_files=.. other_files=.. other_ecase_cer=.. other_tesseract_cer=..
rapidocr_files=.. rapidocr_ecase_cer=.. rapidocr_tesseract_cer=..`` where ``ratio_cer`` =
ecase_cer / tesseract_cer (below 1: ecase reads better) over all files, ``other_*`` over
the files not from RapidOCR's tests and ``rapidocr_*`` over those.

    .venv/bin/python bench/ocr_real.py [--engine NAME] [--corpus ../shared/corpora/zh-ocr]
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

from scanning.ocr import get_engine, ocr_image  # noqa: E402
from scanning.pages import load_page  # noqa: E402
from scanning.pipeline import process_page  # noqa: E402


def plain(text: str) -> str:
    return "".join(text.split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "zh-ocr")
    ap.add_argument("--engine", default=None, help="OCR engine of ecase's pipeline: tesseract, ppocr")
    args = ap.parse_args()
    engine = get_engine(args.engine)
    print(f"engine: {engine.name} {engine.version()}", file=sys.stderr)
    rows = list(csv.DictReader(io.StringIO((args.corpus / "MANIFEST.tsv").read_text(encoding="utf-8")), delimiter="\t"))
    total = err_e = err_t = worse = files = 0
    part = {k: [0, 0, 0, 0] for k in ("other", "rapidocr")}  # files, chars, ecase errors, tesseract errors
    for row in rows:
        if not row["gt_kind"].startswith("full") or not row["gt_file"]:
            continue
        gt = plain((args.corpus / row["gt_file"]).read_text(encoding="utf-8"))
        if not gt:
            continue
        data = (args.corpus / row["file"]).read_bytes()
        result, _ = process_page(data, dpi=0, index=1, name=row["file"], engine=engine.name)
        ours = "" if result.blank or result.ocr is None else plain(result.ocr.text)
        img, _ = load_page(data)
        peer = plain(ocr_image(img.convert("L")).text)
        e, t = Levenshtein.distance(ours, gt), Levenshtein.distance(peer, gt)
        total += len(gt)
        err_e += e
        err_t += t
        worse += e > t
        files += 1
        p = part["rapidocr" if Path(row["file"]).name.startswith("rapidocr__") else "other"]
        p[0] += 1
        p[1] += len(gt)
        p[2] += e
        p[3] += t
        print(f"{row['file']:44} chars={len(gt):4d} ecase_cer={e / len(gt):.3f} tesseract_cer={t / len(gt):.3f}"
              + ("  (blank)" if result.blank else ""), file=sys.stderr)
    ce, ct = err_e / max(total, 1), err_t / max(total, 1)
    parts = " ".join(f"{k}_files={p[0]} {k}_ecase_cer={p[2] / max(p[1], 1):.4f} {k}_tesseract_cer={p[3] / max(p[1], 1):.4f}"
                     for k, p in part.items())
    print(f"engine={engine.name} files={files} chars={total} ecase_cer={ce:.4f} tesseract_cer={ct:.4f} "
          f"ratio_cer={ce / ct if ct else float('nan'):.3f} ecase_worse_files={worse} {parts}")


if __name__ == "__main__":
    main()
