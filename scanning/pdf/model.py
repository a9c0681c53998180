"""What a caller hands the PDF builder: pages, volume metadata, bookmarks; and its errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from scanning.types import Word


class PdfBuildError(Exception):
    """A volume PDF could not be built."""


class PageImageError(PdfBuildError):
    """A page image cannot be read or embedded (unknown format, corrupt bytes, odd mode)."""


@dataclass(frozen=True, slots=True)
class PdfPage:
    """One scanned page as it goes into the volume PDF.

    ``image`` is the scan as stored (JPEG, PNG, TIFF …), ``width``/``height`` its pixels.
    ``words`` are in pixels of the upright image: of ``upright_image`` when one is given
    (it is then embedded instead and shown as it is), otherwise of the scan turned
    clockwise by ``rotation`` and deskewed by ``skew_deg`` (see ``scanning.types``), in
    which case the scan is embedded untouched and turned with the page's ``/Rotate``.
    ``rotation`` is relative to the stored pixels: PDF readers ignore a JPEG's EXIF
    orientation, so fold it into ``rotation`` (or pass an ``upright_image`` when it mirrors).
    ``label`` is the paper page label ("封面", "目录", "1", …, "备考表"), None for an
    unnumbered blank back. ``frame`` picks a page in a multi-page TIFF.
    """

    image: bytes
    media_type: str
    width: int
    height: int
    dpi: float | tuple[float, float] = 300.0  # (x, y) of the stored scan when they differ
    rotation: int = 0
    skew_deg: float = 0.0
    words: Sequence[Word] = ()
    label: str | None = None
    upright_image: bytes | None = None
    upright_media_type: str | None = None
    frame: int = 0


@dataclass(frozen=True, slots=True)
class VolumeMeta:
    """Document metadata. ``title`` is the case name, ``subject`` the volume kind and number
    (e.g. "刑事诉讼卷 第1卷 共2卷"), ``author`` the authority. ``created`` comes from the data
    (e.g. the day the volume was sealed), never from the clock; a naive time is Beijing time."""

    title: str
    subject: str
    author: str
    created: dt.datetime | dt.date
    keywords: Sequence[str] = ()
    language: str = "zh-CN"
    creator: str = "ecase"


@dataclass(frozen=True, slots=True)
class Bookmark:
    """An outline entry pointing at ``page_index`` (0-based, in scan order)."""

    title: str
    page_index: int
    children: Sequence[Bookmark] = field(default_factory=tuple)

    @classmethod
    def for_catalog_entry(cls, seq: object, title: str, doc_no: str | None, page_index: int) -> Bookmark:
        """The bookmark DOSSIERS.md asks for: ``{seq} {title} {doc_no}``."""
        parts = [str(seq), title.strip()]
        if doc_no:
            parts.append(doc_no.strip())
        return cls(" ".join(p for p in parts if p), page_index)
