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

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scanning import sandbox, sources
from scanning.sources import SourcePage

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
