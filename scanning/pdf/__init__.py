"""Searchable volume PDFs that match the paper volume (DOSSIERS.md).

One PDF per volume, built with pikepdf and reproducible byte for byte. The parts:

- ``model``: what the caller hands in (``PdfPage``, ``VolumeMeta``, ``Bookmark``) and the
  errors (``PdfBuildError``, ``PageImageError``).
- ``build``: ``build_volume_pdf`` puts it together, page by page.
- ``images``: page images embedded as scanned (JPEG bytes untouched, PNG data passed
  through, others lossless Flate; never scaled).
- ``geometry``: the maps from upright OCR pixels through deskew and ``/Rotate`` to the page.
- ``textlayer`` and ``font``: the invisible OCR text in a tiny glyphless CID font.
- ``labels``: ``/PageLabels`` showing the paper page numbers (封面, 目录, 1, 2 …, 备考表).
- ``metadata``: document info + XMP (title = case name, subject = volume, author =
  authority) and the sRGB output intent for PDF/A-2b.
"""

from __future__ import annotations

from scanning.pdf.build import build_volume_pdf, build_volume_pdf_bytes
from scanning.pdf.labels import display_labels
from scanning.pdf.metadata import find_srgb_profile
from scanning.pdf.model import Bookmark, PageImageError, PdfBuildError, PdfPage, VolumeMeta

__all__ = [
    "Bookmark",
    "PageImageError",
    "PdfBuildError",
    "PdfPage",
    "VolumeMeta",
    "build_volume_pdf",
    "build_volume_pdf_bytes",
    "display_labels",
    "find_srgb_profile",
]
