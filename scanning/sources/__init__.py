"""Open what a clerk uploads and yield its page images one at a time.

Parts:
- ``_common``: the ``SourcePage``/``ScanInfo`` records, size limits, type sniffing by content.
- ``_pdf``: PDF pages (embedded scans taken out unchanged where possible, else rasterised).
- ``_images``: single images, multi-page TIFF, ZIP archives, folders.

Public API (stable):
- ``iter_pages(path, *, name=None, start=1) -> Iterator[SourcePage]``: every page in order,
  one at a time (a 1 GB scan never sits in memory whole). A page that alone failed comes out
  with ``error`` set; a file that cannot be read at all raises an ``InputFileError``.
  This runs the parsers *in this process*: for untrusted uploads use
  ``scanning.sandbox.iter_pages`` instead, which runs this in a limited child process.
- ``inspect(path, *, name=None) -> ScanInfo``: media type and page count, cheaply.
- ``sniff(path) -> str``: the media type by magic bytes.

The file type is decided by content, not by extension; a file whose content is none of
the supported kinds is refused with a message naming what it looks like (e.g. text named
``.pdf``). ``name`` is the name shown in messages (default: the path's base name).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from scanning.errors import EmptyScanError, InputFileError, UnsupportedFormatError
from scanning.sources import _images, _pdf
from scanning.sources._common import (
    DEFAULT_DPI,
    MAX_PAGE_PIXELS,
    MEDIA_FOLDER,
    MEDIA_PDF,
    MEDIA_ZIP,
    ScanInfo,
    SourcePage,
    open_image,
    sniff,
)

__all__ = [
    "DEFAULT_DPI",
    "MAX_PAGE_PIXELS",
    "ScanInfo",
    "SourcePage",
    "inspect",
    "iter_pages",
    "sniff",
]


def _name(path: str | os.PathLike[str], name: str | None) -> str:
    return name or os.path.basename(os.path.normpath(os.fspath(path)))


def inspect(path: str | os.PathLike[str], *, name: str | None = None) -> ScanInfo:
    """Media type and page count of ``path``; raises InputFileError when unusable.

    Cheap: reads the PDF page tree, the TIFF directory or the ZIP listing, decodes no
    pixels (for a folder it inspects each file). Runs in this process: for untrusted
    files prefer ``scanning.sandbox.inspect``.
    """
    label = _name(path, name)
    try:
        media = sniff(path, label)
    except OSError as e:
        raise InputFileError(label, f"the file cannot be opened ({e.strerror or e})") from e
    if media == MEDIA_PDF:
        return ScanInfo(media, _pdf.page_count(path, label))
    if media == MEDIA_ZIP:
        n = _images.zip_page_count(path, label)
        if n == 0:
            raise EmptyScanError(label, "the ZIP archive holds no page images")
        return ScanInfo(media, n)
    if media == MEDIA_FOLDER:
        total = sum(inspect(p, name=f"{label}/{os.path.relpath(p, path)}").page_count for p in _images.folder_files(path))
        if total == 0:
            raise EmptyScanError(label, "the folder holds no page images")
        return ScanInfo(media, total)
    if media == "image/tiff":
        with open(path, "rb") as f:
            return ScanInfo(media, _images.tiff_frame_count(f, label))  # type: ignore[arg-type]
    with open(path, "rb") as f:
        open_image(f, label, 1)  # type: ignore[arg-type]  # header only: size limit, readability
    return ScanInfo(media, 1)


def iter_pages(
    path: str | os.PathLike[str], *, name: str | None = None, start: int = 1
) -> Iterator[SourcePage]:
    """Yield the pages of ``path`` in order, 1-based ``index``, beginning at ``start``."""
    label = _name(path, name)
    try:
        media = sniff(path, label)
    except OSError as e:
        raise InputFileError(label, f"the file cannot be opened ({e.strerror or e})") from e
    if media == MEDIA_PDF:
        yield from _pdf.iter_pdf(path, label, start)
    elif media == "image/tiff":
        yield from _images.iter_tiff(path, label, start)
    elif media == MEDIA_ZIP:
        yield from _images.iter_zip(path, label, start)
    elif media == MEDIA_FOLDER:
        yield from _iter_folder(path, label, start)
    elif media.startswith("image/"):
        if start <= 1:
            with open(path, "rb") as f:
                data = f.read()
            yield _images.single_image(data, media, label)
    else:  # pragma: no cover - sniff only returns the kinds above
        raise UnsupportedFormatError(label, f"unsupported content type {media}")


def _iter_folder(path: str | os.PathLike[str], label: str, start: int) -> Iterator[SourcePage]:
    offset = 0
    any_file = False
    for file in _images.folder_files(path):
        any_file = True
        sub = f"{label}/{os.path.relpath(file, path)}"
        try:
            count = inspect(file, name=sub).page_count if offset + 1 < start else None
        except InputFileError:
            count = 1
        if count is not None and offset + count < start:
            offset += count
            continue
        local_start = max(1, start - offset)
        n = 0
        try:
            for page in iter_pages(file, name=sub, start=local_start):
                n = page.index
                page.index += offset
                page.source = page.source or sub
                yield page
        except InputFileError as e:
            n = max(n, local_start)
            yield SourcePage(offset + local_start, b"", "", 0, 0, DEFAULT_DPI, source=sub, error=str(e))
        offset += max(n, local_start)
    if not any_file:
        raise EmptyScanError(label, "the folder holds no files")
