"""A TIFF page that cannot be decoded comes out flagged (an error naming the file and the
page, in Chinese), never as the blank page a decoder made of it; the pages around it
are read as usual.

The damaged files are made here: a fax-style scan (CCITT G4, white is zero) whose second
page's strip is overwritten or cut short, and one whose second page's directory is lost
with the end of the file. libtiff reports the first kind only on stderr and hands back a
white page, which the page pipeline would call blank.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scanning import sandbox, sources
from scanning.sources import SourcePage
from tests.conftest import CORPORA

SIZE = (400, 500)


def _page(n: int) -> Image.Image:
    img = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, SIZE[1] - 40, 24):
        draw.text((30, y), f"page {n} line {y} " * 3, fill=0)
    return img.convert("1")


def _g4_strip(img: Image.Image) -> bytes:
    """The one G4 strip Pillow (libtiff) writes for ``img``."""
    buf = io.BytesIO()
    img.save(buf, format="TIFF", compression="group4")
    tiff = Image.open(io.BytesIO(buf.getvalue()))
    (offset,), (count,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return buf.getvalue()[offset:offset + count]


def fax_tiff(pages: list[Image.Image]) -> tuple[bytes, list[tuple[int, int]]]:
    """A multi-page G4 TIFF as fax software writes it: every page directory first,
    WhiteIsZero, one strip a page. Returns the bytes and each page's (offset, length)."""
    strips = [_g4_strip(p) for p in pages]
    ifd_size = 2 + 9 * 12 + 4
    pos = 8 + len(pages) * ifd_size
    where = []
    for strip in strips:
        where.append((pos, len(strip)))
        pos += len(strip)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for k, (img, (offset, length)) in enumerate(zip(pages, where)):
        fields = [(256, 4, img.width), (257, 4, img.height), (258, 3, 1), (259, 3, 4),
                  (262, 3, 0), (273, 4, offset), (277, 3, 1), (278, 4, img.height), (279, 4, length)]
        out += struct.pack("<H", len(fields))
        for tag, kind, value in fields:
            out += struct.pack("<HHI", tag, kind, 1)
            out += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
        out += struct.pack("<I", 8 + (k + 1) * ifd_size if k + 1 < len(pages) else 0)
    for strip in strips:
        out += strip
    return bytes(out), where


def _overwrite(data: bytes, where: list[tuple[int, int]]) -> bytes:
    offset, length = where[1]
    return data[:offset] + bytes(length) + data[offset + length:]


def _garble(data: bytes, where: list[tuple[int, int]]) -> bytes:
    offset, length = where[1]
    junk = bytes((i * 73 + 41) % 256 for i in range(length - 16))
    return data[:offset + 16] + junk + data[offset + length:]


def _cut(data: bytes, where: list[tuple[int, int]]) -> bytes:
    offset, length = where[1]
    return data[:offset + length // 3]


def _pillow_cut() -> bytes:
    """Pillow's own layout (each directory after its page): cutting the file inside the
    second page's data loses that page's directory too."""
    buf = io.BytesIO()
    pages = [_page(1), _page(2), _page(3)]
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:], compression="group4")
    data = buf.getvalue()
    tiff = Image.open(io.BytesIO(data))
    tiff.seek(1)
    return data[:tiff.tag_v2[273][0] + 10]


@pytest.fixture(params=["direct", "sandbox"])
def iter_pages(request: pytest.FixtureRequest) -> Callable[..., Iterator[SourcePage]]:
    return sources.iter_pages if request.param == "direct" else sandbox.iter_pages


def _is_text_page(page: SourcePage) -> bool:
    pixels = np.asarray(Image.open(io.BytesIO(page.data)).convert("L"))
    return page.error is None and 0 < pixels.mean() < 255 and pixels.std() > 10


def test_the_fax_tiff_is_read_when_whole(tmp_path: Path, iter_pages: Callable[..., Iterator[SourcePage]]) -> None:
    data, _ = fax_tiff([_page(1), _page(2), _page(3)])
    path = tmp_path / "传真.tif"
    path.write_bytes(data)
    pages = list(iter_pages(path))
    assert [p.index for p in pages] == [1, 2, 3]
    assert all(_is_text_page(p) for p in pages)


@pytest.mark.parametrize("damage", [_overwrite, _garble, _cut])
def test_a_damaged_page_is_flagged_not_blank(tmp_path: Path, iter_pages: Callable[..., Iterator[SourcePage]],
                                             damage: Callable[[bytes, list[tuple[int, int]]], bytes]) -> None:
    data, where = fax_tiff([_page(1), _page(2), _page(3)])
    path = tmp_path / "卷宗.tif"
    path.write_bytes(damage(data, where))
    pages = list(iter_pages(path, name="卷宗.tif"))
    assert _is_text_page(pages[0])
    flagged = pages[1]
    assert flagged.index == 2 and not flagged.data
    assert flagged.error is not None
    assert "卷宗.tif" in flagged.error and "第2页" in flagged.error and "无法解码" in flagged.error
    if damage is not _cut:
        assert len(pages) == 3 and _is_text_page(pages[2])


def test_a_lost_page_directory_flags_that_page(tmp_path: Path,
                                               iter_pages: Callable[..., Iterator[SourcePage]]) -> None:
    path = tmp_path / "scan.tif"
    path.write_bytes(_pillow_cut())
    assert sources.inspect(path).page_count == 2
    pages = list(iter_pages(path))
    assert _is_text_page(pages[0])
    assert [p.index for p in pages] == [1, 2]
    assert pages[1].error is not None and "第2页" in pages[1].error


@pytest.mark.parametrize("value", [200, 128, 0])
def test_a_page_of_one_flat_grey_is_flagged_not_blank(value: int) -> None:
    """A page whose pixels all have one value darker than paper is lost image data (the
    corpus' crafted TIFF has such a second page): flagged damaged, never filed blank."""
    import io

    from PIL import Image

    from scanning.pipeline import process_page

    buf = io.BytesIO()
    Image.new("L", (800, 1000), value).save(buf, format="PNG")
    result, derived = process_page(buf.getvalue(), dpi=200, index=2, name="卷宗.tif")
    assert result.error is not None and "损坏" in result.error and not result.blank
    assert derived is None


def test_flat_white_and_noisy_grey_pages_are_not_damaged() -> None:
    """A flat white page (made digitally) is a blank page; a grey page with the noise
    every scanner leaves is a page like any other."""
    import io
    import random

    from PIL import Image

    from scanning.pipeline import process_page

    white = io.BytesIO()
    Image.new("L", (800, 1000), 255).save(white, format="PNG")
    result, _ = process_page(white.getvalue(), dpi=200, index=1, name="a.png")
    assert result.error is None and result.blank
    rnd = random.Random(3)
    noisy = Image.new("L", (400, 500), 200)
    noisy.putdata([200 + rnd.randint(-3, 3) for _ in range(400 * 500)])
    grey = io.BytesIO()
    noisy.save(grey, format="PNG")
    result, _ = process_page(grey.getvalue(), dpi=200, index=1, name="b.png")
    assert result.error is None


def test_the_corpus_tiff_with_a_damaged_second_page(app: Any, tmp_path: Path) -> None:
    """../shared/corpora/hostile/crafted__tiff-damaged-page2.tif: page 1 ingested, page 2
    flagged (its MANIFEST's expectation), through the whole intake."""
    from sqlalchemy import select

    from ecase import db
    from ecase.access import Actor
    from ecase.intake import operations
    from ecase.models import Job, Page

    src = CORPORA / "hostile" / "crafted__tiff-damaged-page2.tif"
    if not src.exists():
        pytest.skip("the shared hostile corpus is not beside the repository")
    with db.unit_of_work():
        case = operations.find_or_create_case(Actor.system(), "A1101010100002026000050")
        vol = operations.find_or_create_volume(Actor.system(), case)
        with open(src, "rb") as f:
            _scan, job = operations.accept_scan(Actor.system(), vol, f, src.name)
    operations.queue_job(job)
    db.session().expire_all()
    pages = db.session().scalars(select(Page).order_by(Page.scan_index)).all()
    assert [p.state for p in pages] == ["done", "failed"]
    assert "损坏" in (pages[1].error or "") and not pages[1].blank
    assert db.session().get(Job, job.id).failed == 1  # type: ignore[union-attr]
