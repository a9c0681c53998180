"""Benchmark: assemble the PDF of a 300-page volume from stored page images.

Synthetic A4 scans (greyscale at 300 dpi, colour at 200 dpi, JPEG) with printed Chinese
text and one OCR word per character, a few turned sideways or upside down, every tenth
blank. Distinct images are drawn once (``--distinct``) and reused in turn, since drawing is
not what we measure. Prints pages per second of ``build_volume_pdf`` and the PDF size
against the sum of the page images; the last line is key=value pairs.

    .venv/bin/python bench/assemble.py [--pages 300] [--distinct 24]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import resource
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanning.pdf import Bookmark, PdfPage, VolumeMeta, build_volume_pdf  # noqa: E402
from scanning.types import Word  # noqa: E402

FONT = next(
    (p for p in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") if Path(p).exists()),
    None,
)
TEXT = "根据中华人民共和国刑事诉讼法第一百一十二条之规定决定对王某某盗窃案立案侦查犯罪嫌疑人赵某某于二〇二四年三月五日在本区某路某号实施盗窃"


def draw_page(rng: random.Random, colour: bool, blank: bool) -> tuple[bytes, int, int, int, list[Word]]:
    dpi = 200 if colour else 300
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    image = Image.new("RGB" if colour else "L", (width, height), (246, 244, 238) if colour else 245)
    words: list[Word] = []
    if not blank:
        draw = ImageDraw.Draw(image)
        size = dpi // 7
        font = ImageFont.truetype(FONT, size) if FONT else ImageFont.load_default()
        y = dpi
        line = 0
        while y < height - dpi:
            x = dpi
            start = rng.randrange(len(TEXT))
            for i in range(int((width - 2 * dpi) / (size * 1.05))):
                ch = TEXT[(start + i) % len(TEXT)]
                draw.text((x, y), ch, font=font, fill=(20, 20, 60) if colour else 25)
                words.append(Word(ch, (x, y, x + size, y + size), 88.0, line))
                x += int(size * 1.05)
            y += int(size * 1.8)
            line += 1
        # a little scanner noise so JPEG sizes are realistic
        noise = Image.effect_noise((width // 4, height // 4), 12).resize((width, height))
        image = Image.blend(image, noise.convert(image.mode), 0.06)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75, dpi=(dpi, dpi))
    return buffer.getvalue(), width, height, dpi, words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--distinct", type=int, default=24)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "assemble.pdf")
    args = parser.parse_args()
    rng = random.Random(7)
    samples = [draw_page(rng, colour=i % 3 == 0, blank=False) for i in range(args.distinct)]
    blank = draw_page(rng, colour=False, blank=True)
    pages: list[PdfPage] = []
    for i in range(args.pages):
        data, width, height, dpi, words = blank if i % 10 == 9 else samples[i % len(samples)]
        rotation = (0, 0, 0, 90, 0, 180, 0, 270)[i % 8]
        if rotation:  # stored sideways: the words are still in upright pixels
            data, width, height = _turned(data, rotation)
        label = "封面" if i == 0 else "目录" if i == 1 else "备考表" if i == args.pages - 1 else (None if i % 10 == 9 else str(i - 1))
        pages.append(PdfPage(data, "image/jpeg", width, height, dpi, rotation, 0.0, words, label))
    image_bytes = sum(len(p.image) for p in pages)
    words = sum(len(p.words) for p in pages)
    marks = [Bookmark(f"{n + 1} 文书{n + 1}", 2 + n * 10) for n in range((args.pages - 3) // 10)]
    meta = VolumeMeta("王某某盗窃案", "刑事诉讼卷 第1卷 共1卷", "某市公安局某区分局", dt.date(2024, 3, 5))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start, cpu_start = time.perf_counter(), time.process_time()
    with args.out.open("wb") as out:
        build_volume_pdf(pages, meta, marks, out)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    size = args.out.stat().st_size
    print(f"{args.pages} pages, {words} OCR words, images {image_bytes / 1e6:.1f} MB, PDF {size / 1e6:.1f} MB, {elapsed:.2f} s")
    # cpu_pages_per_s: the same on CPU time, steadier on a machine shared with other jobs
    print(f"pages={args.pages} words={words} seconds={elapsed:.3f} pages_per_s={args.pages / elapsed:.1f} "
          f"cpu_pages_per_s={args.pages / cpu:.1f} "
          f"image_bytes={image_bytes} pdf_bytes={size} size_ratio={size / image_bytes:.4f} "
          f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    return 0


def _turned(data: bytes, rotation: int) -> tuple[bytes, int, int]:
    """The scan as a sideways feed would store it (re-encoded once, here, not by the builder)."""
    image = Image.open(io.BytesIO(data))
    turned = image.rotate(rotation, expand=True)
    buffer = io.BytesIO()
    turned.save(buffer, "JPEG", quality=75)
    return buffer.getvalue(), turned.width, turned.height


if __name__ == "__main__":
    raise SystemExit(main())
