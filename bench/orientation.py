"""Benchmark: which way up, on pages that are hard to turn (issue 15).

Renders the hard kinds of tests/scanning/orientation_pages.py (a transcript continuation
page of 问/答 lines with underlined words, a ruled table, a sparse page, long paragraphs,
a grey scan, a 1-bit scan), each turned 0/90/180/270 degrees, encodes them as a scanner
would (JPEG; Group 4 TIFF for 1-bit) and decodes them as ecase does. Then decides each
page's turn, and reads it there (every method has to read the page: the reading is what
the pipeline keeps), three ways:

- ``old``: the decision before issue 15: the projection profile (with its fixed ink
  threshold of then) picks the axis, the page
  is read; when the engine doubts the reading (``may_be_upside_down``) it is read turned
  half round and the better confidence kept;
- ``osd``: Tesseract's OSD alone picks the turn (0 when it gives no answer), then one reading;
- ``combined``: ``scanning.pages.orient.orient_and_read``.

Per method: rotation accuracy (the turn found equals the one that makes the page upright),
wall seconds a page and CPU seconds a page (this process and its children: Tesseract runs
as a child), and the mean number of readings a page. The last line is
``engine=.. pages=.. old_acc=.. osd_acc=.. combined_acc=.. old_s=.. osd_s=.. combined_s=..
old_cpu=.. osd_cpu=.. combined_cpu=.. old_reads=.. osd_reads=.. combined_reads=..``;
the lines before it list each page the combined method got wrong.

``--forms``: ordinary form pages instead (bench/ocr_throughput.py's kind: what intake
mostly sees), to show what the combined decision costs where the old one was right.

    .venv/bin/python bench/orientation.py [--seeds 1] [--kinds transcript,table,...] [--engine tesseract|ppocr]
                                          [--dpi 200] [--methods old,osd,combined] [--forms]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from scanning.ocr import Engine, get_engine  # noqa: E402
from scanning.pages import load_page, ocr_input, small_grey, text_axis_and_skew  # noqa: E402
from scanning.pages.orient import measure, orient_and_read, osd, turned  # noqa: E402

TURN_MARGIN = 0.05  # the old decision's margin (scanning.pipeline before issue 15)
OLD_CONTRAST = 70  # the profile's fixed ink threshold before issue 15


def _module(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tests" / "scanning" / file)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _pages_module():
    return _module("orientation_pages", "orientation_pages.py")


def form_page(seed: int, rot: int, dpi: int) -> Image.Image:
    """An ordinary form page, as bench/ocr_throughput.py's volume has them (the scanning
    tests' renderer: title, number, paragraphs, sometimes a seal; grey every other page)."""
    r = _module("scan_pages", "conftest.py")
    return r.damage(r.render_page(1000 + seed, dpi=dpi, with_seal=seed % 3 == 0), rotation=rot,
                    skew=(seed % 7 - 3) * 0.8, seed=seed, grey=seed % 2 == 0)


class Counting:
    """An engine wrapper counting readings."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.reads = engine, 0

    def __getattr__(self, name: str):
        return getattr(self.engine, name)

    def read(self, *args, **kw):
        self.reads += 1
        return self.engine.read(*args, **kw)


def _prepare(img: Image.Image, dpi: int):
    def prepare(clockwise: int, skew: float) -> Image.Image:
        page = turned(img, clockwise)
        if abs(skew) >= 0.3:
            page = page.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=255 if page.mode == "L" else (255,) * 3)
        return ocr_input(page, dpi)
    return prepare


def old(img: Image.Image, small: Image.Image, engine, dpi: int) -> int:
    geo = text_axis_and_skew(small, contrast=OLD_CONTRAST)
    first = 90 if geo.vertical else 0
    src = _prepare(img, dpi)(first, geo.skew_deg)
    conf, chars, _, _ = measure(engine.read(src, dpi, "page"))
    if engine.may_be_upside_down(conf, chars):
        conf2, chars2, _, _ = measure(engine.read(src.transpose(Image.Transpose.ROTATE_180), dpi, "page"))
        if conf2 > conf + TURN_MARGIN and chars2 >= min(chars, 3):
            return (first + 180) % 360
    return first


def osd_alone(img: Image.Image, small: Image.Image, engine, dpi: int) -> int:
    found = osd(img)
    turn = found.turn if found else 0
    geo = text_axis_and_skew(small, vertical=turn % 180 == 90)
    engine.read(_prepare(img, dpi)(turn, geo.skew_deg), dpi, "page")
    return turn


def combined(img: Image.Image, small: Image.Image, engine, dpi: int) -> int:
    return orient_and_read(small, _prepare(img, dpi), engine, dpi, page=img).turn


METHODS = {"old": old, "osd": osd_alone, "combined": combined}


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=1, help="pages of each kind (before turning)")
    ap.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    ap.add_argument("--engine", default="tesseract")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--methods", default="old,osd,combined")
    ap.add_argument("--forms", action="store_true",
                    help="ordinary form pages (bench/ocr_throughput.py's kind) instead of the hard kinds")
    args = ap.parse_args(argv)
    op = _pages_module()
    kinds = [k for k in args.kinds.split(",") if k] or (["forms"] if args.forms else list(op.KINDS))
    methods = [m for m in args.methods.split(",") if m]
    engine = Counting(get_engine(args.engine))
    stats = {m: {"ok": 0, "s": 0.0, "cpu": 0.0, "reads": 0} for m in methods}
    n = 0
    for kind in kinds:
        for seed in range(1, args.seeds + 1):
            for rot in (0, 90, 180, 270):
                scan = form_page(seed, rot, args.dpi) if kind == "forms" else op.page(kind, seed, rot, dpi=args.dpi)
                img, _ = load_page(op.encode(scan, args.dpi))
                want = (360 - rot) % 360
                n += 1
                for m in methods:
                    engine.reads = 0
                    t0, c0 = time.perf_counter(), _cpu()
                    got = METHODS[m](img, small_grey(img, args.dpi), engine, args.dpi)
                    st = stats[m]
                    st["s"] += time.perf_counter() - t0
                    st["cpu"] += _cpu() - c0
                    st["reads"] += engine.reads
                    st["ok"] += got == want
                    if got != want and m == "combined":
                        print(f"wrong: {kind} seed={seed} scanned_turned={rot} want={want} got={got}", flush=True)
                print(f"{kind} seed={seed} rot={rot} " + " ".join(
                    f"{m}={stats[m]['ok']}/{n}" for m in methods), file=sys.stderr, flush=True)
    out = [f"engine={args.engine}", f"pages={n}"]
    for key, fmt in (("ok", "acc"), ("s", "s"), ("cpu", "cpu"), ("reads", "reads")):
        for m in methods:
            v = stats[m][key] / max(n, 1)
            out.append(f"{m}_{fmt}={v:.3f}")
    print(" ".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
