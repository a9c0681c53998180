"""Pages of image files: single images, multi-page TIFF, ZIP archives and folders."""

from __future__ import annotations

import io
import logging
import os
import re
import struct
import warnings
import zipfile
from collections.abc import Callable, Iterator

from PIL import Image

from scanning.errors import (
    DamagedFileError,
    DamagedPageError,
    DecompressionBombError,
    EmptyScanError,
    InputFileError,
)
from scanning.sources._common import (
    MAX_ZIP_ENTRIES,
    MAX_ZIP_ENTRY_BYTES,
    MAX_ZIP_RATIO,
    SourcePage,
    check_size,
    image_dpi,
    load_checked,
    open_image,
    sniff_bytes,
)

log = logging.getLogger(__name__)


def natural_key(name: str) -> list[object]:
    """Sort key putting page2 before page10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _error_page(index: int, source: str, err: InputFileError) -> SourcePage:
    return SourcePage(index, b"", "", 0, 0, 300, source=source, error=str(err))


def single_image(data: bytes, media_type: str, name: str, index: int = 1) -> SourcePage:
    """One page from the bytes of one image file, kept as they are; decoded once to check."""
    img = open_image(data, name, index)
    width, height, dpi = img.width, img.height, image_dpi(img)
    try:
        load_checked(img)
    except (OSError, SyntaxError, ValueError) as e:
        raise DamagedFileError(name, f"the image is damaged or cut short ({e})", index) from e
    return SourcePage(index, data, media_type, width, height, dpi, source=name)


#: what Pillow raises for a TIFF page whose directory or data is garbled or cut short
#: (TypeError: its "Missing dimensions" for a directory that could not be read)
_TIFF_DAMAGE = (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, struct.error)


def _frames(reopen: Callable[[], Image.Image]) -> int:
    """How many pages a TIFF has (``reopen`` opens it afresh: a failed seek leaves Pillow
    lost). When a page's directory is garbled or cut short, the pages before it count
    and so does that one (it will come out flagged); pages after it cannot be found."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return int(getattr(reopen(), "n_frames", 1))
    except _TIFF_DAMAGE:
        pass
    img, readable = reopen(), 1
    while True:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                img.seek(readable)
        except _TIFF_DAMAGE:
            return readable + 1
        readable += 1


def tiff_frame_count(f: io.BufferedIOBase, name: str) -> int:
    def reopen() -> Image.Image:
        f.seek(0)
        return open_image(f, name)  # type: ignore[arg-type]

    return _frames(reopen)


def iter_tiff(path: str | os.PathLike[str], name: str, start: int = 1) -> Iterator[SourcePage]:
    """Yield each frame of a (multi-page) TIFF; a single-page TIFF keeps its own bytes.

    A page that cannot be decoded comes out with ``error`` (a ``DamagedPageError``),
    never as the blank or garbled image a decoder made of it."""
    with open(path, "rb") as f:
        n = tiff_frame_count(f, name)  # type: ignore[arg-type]
        f.seek(0)
        img = open_image(f, name)  # type: ignore[arg-type]
        for i in range(start - 1, n):
            index = i + 1
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # an unreadable directory also raises below
                    img.seek(i)
                check_size(name, img.width, img.height, index)
                dpi = image_dpi(img)
                load_checked(img)
                if n == 1:
                    f.seek(0)
                    yield SourcePage(index, f.read(), "image/tiff", img.width, img.height, dpi, source=name)
                    continue
                frame = img if img.mode in ("1", "L", "RGB", "RGBA", "LA", "P", "I;16") else img.convert("RGB")
                buf = io.BytesIO()
                frame.save(buf, format="PNG", compress_level=3, dpi=(dpi, dpi))
                yield SourcePage(index, buf.getvalue(), "image/png", img.width, img.height, dpi, source=name)
            except InputFileError as e:
                yield _error_page(index, name, e)
            except _TIFF_DAMAGE as e:
                yield _error_page(index, name, DamagedPageError(name, f"this page cannot be decoded ({e})", index))


def _zip_entries(zf: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise DecompressionBombError(name, f"the ZIP holds {len(infos)} entries (limit {MAX_ZIP_ENTRIES})")
    good = []
    for info in infos:
        entry = info.filename
        parts = entry.replace("\\", "/").split("/")
        if entry.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", entry):
            log.warning("%s: skipping unsafe ZIP entry name %r", name, entry)
            continue
        if info.is_dir() or any(p.startswith(".") for p in parts if p) or "__MACOSX" in parts:
            continue
        if info.file_size > MAX_ZIP_ENTRY_BYTES or (
            info.file_size > 10_000_000 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            raise DecompressionBombError(
                name, f"entry {entry!r} would inflate to {info.file_size:,} bytes from {info.compress_size:,}"
            )
        good.append(info)
    good.sort(key=lambda i: natural_key(i.filename))
    return good


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """Read one entry, stopping if it inflates past its declared size (sizes can lie)."""
    limit = min(info.file_size, MAX_ZIP_ENTRY_BYTES)
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise DecompressionBombError(name, f"entry {info.filename!r} inflates past its declared size")
    return data


def zip_page_count(path: str | os.PathLike[str], name: str) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return len(_zip_entries(zf, name))
    except zipfile.BadZipFile as e:
        raise DamagedFileError(name, f"the ZIP archive is damaged ({e})") from e


def iter_zip(path: str | os.PathLike[str], name: str, start: int = 1) -> Iterator[SourcePage]:
    """Yield the image entries of a ZIP in natural name order, one page each.

    Nothing is written to disk, so entry names such as ``../../x.png`` cannot escape;
    such entries are skipped all the same, as are hidden files. Multi-page TIFF entries
    count as one page (their first); PDFs inside a ZIP are not read.
    """
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise DamagedFileError(name, f"the ZIP archive is damaged ({e})") from e
    with zf:
        entries = _zip_entries(zf, name)
        if not entries:
            raise EmptyScanError(name, "the ZIP archive holds no page images")
        for i, info in enumerate(entries[start - 1 :], start=start):
            source = f"{name}:{info.filename}"
            try:
                data = _read_entry(zf, info, name)
                media = sniff_bytes(data[:1024])
                if media is None or not media.startswith("image/"):
                    raise DamagedFileError(name, f"entry {info.filename!r} is not an image", i)
                yield single_image(data, media, name, i)
            except DecompressionBombError:
                raise
            except InputFileError as e:
                yield _error_page(i, source, e)
            except (zipfile.BadZipFile, OSError, ValueError) as e:
                yield _error_page(i, source, DamagedFileError(name, f"entry {info.filename!r} is damaged ({e})", i))


def folder_files(path: str | os.PathLike[str]) -> list[str]:
    """Regular files under ``path`` (not following links, skipping hidden), in natural order."""
    found = []
    for root, dirs, files in os.walk(path, followlinks=False):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for fn in files:
            full = os.path.join(root, fn)
            if fn.startswith(".") or os.path.islink(full) or not os.path.isfile(full):
                continue
            found.append(full)
    found.sort(key=lambda p: natural_key(os.path.relpath(p, path)))
    return found



