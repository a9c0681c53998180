"""Assemble one volume PDF: pages in scan order, text layer, labels, bookmarks, metadata."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectStreamMode, StreamDecodeLevel

from scanning.pdf.font import CodeMap, add_glyphless_font, finish_font
from scanning.pdf.geometry import upright_to_page
from scanning.pdf.images import embed_image
from scanning.pdf.labels import page_labels_tree
from scanning.pdf.metadata import add_output_intent, write_metadata
from scanning.pdf.model import Bookmark, PdfBuildError, PdfPage, VolumeMeta
from scanning.pdf.textlayer import FONT_RESOURCE, text_layer

log = logging.getLogger(__name__)

_IMAGE_RESOURCE = "/Im0"


def _add_page(pdf: pikepdf.Pdf, page: PdfPage, font: pikepdf.Object, codes: CodeMap, digest: hashlib._Hash) -> bool:
    """Append one page; feed ``digest`` with what makes it this page (image, text, place).
    Returns whether the page can be part of a PDF/A-2b file."""
    if page.rotation not in (0, 90, 180, 270):
        raise PdfBuildError(f"rotation must be 0, 90, 180 or 270, not {page.rotation!r}")
    dpi_x, dpi_y = page.dpi if isinstance(page.dpi, tuple) else (page.dpi, page.dpi)
    if not (dpi_x > 0 and dpi_y > 0):
        raise PdfBuildError(f"dpi must be positive, not {page.dpi!r}")
    if page.upright_image is not None:
        embedded = embed_image(pdf, page.upright_image, page.upright_media_type or "", frame=0)
        rotation, skew = 0, 0.0
    else:
        embedded = embed_image(pdf, page.image, page.media_type, frame=page.frame)
        rotation, skew = page.rotation, page.skew_deg
        if page.width and page.height and (page.width, page.height) != (embedded.width, embedded.height):
            # The words were placed for another size: better to stop than to misplace them.
            raise PdfBuildError(
                f"image is {embedded.width}x{embedded.height} px, the page says {page.width}x{page.height}"
            )
    if page.upright_image is not None and page.rotation in (90, 270):
        dpi_x, dpi_y = dpi_y, dpi_x  # the derived image is already turned
    width_pt, height_pt = embedded.width * 72.0 / dpi_x, embedded.height * 72.0 / dpi_y
    to_page = upright_to_page(
        rotation=rotation, skew_deg=skew, scan_width=embedded.width, scan_height=embedded.height, dpi=(dpi_x, dpi_y)
    )
    draw = f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm {_IMAGE_RESOURCE} Do Q\n".encode("ascii")
    content = draw + text_layer(page.words, to_page, codes)
    digest.update(hashlib.sha256(page.image if page.upright_image is None else page.upright_image).digest())
    digest.update(hashlib.sha256(content).digest())
    digest.update(repr((page.label, width_pt, height_pt, rotation)).encode())
    stream = pikepdf.Stream(pdf, zlib.compress(content, 6))
    stream.Filter = Name.FlateDecode
    resources = Dictionary(XObject=Dictionary({_IMAGE_RESOURCE: embedded.stream}))
    if page.words:
        resources.Font = Dictionary({FONT_RESOURCE: font})
    page_dict = Dictionary(
        Type=Name.Page,
        MediaBox=Array([0, 0, round(width_pt, 4), round(height_pt, 4)]),
        Resources=resources,
        Contents=stream,
    )
    if rotation:
        page_dict.Rotate = rotation
    pdf.pages.append(pikepdf.Page(page_dict))
    return not embedded.cmyk


def _add_outline(pdf: pikepdf.Pdf, bookmarks: Sequence[Bookmark], page_count: int) -> None:
    def item(mark: Bookmark) -> pikepdf.OutlineItem:
        if not 0 <= mark.page_index < page_count:
            raise PdfBuildError(f"bookmark {mark.title!r} points at page {mark.page_index}, volume has {page_count}")
        node = pikepdf.OutlineItem(mark.title, mark.page_index)
        node.children.extend(item(child) for child in mark.children)
        return node

    with pdf.open_outline() as outline:
        outline.root.extend(item(mark) for mark in bookmarks)
    pdf.Root.PageMode = Name.UseOutlines


def build_volume_pdf(
    pages: Iterable[PdfPage],
    meta: VolumeMeta,
    bookmarks: Sequence[Bookmark],
    out: BinaryIO | Path | str,
) -> None:
    """Write the volume PDF for ``pages`` (in scan order, blank ones included) to ``out``.

    ``pages`` may be a generator that loads each page's bytes on demand. The output is
    byte-identical for identical inputs: the /ID, XMP IDs and dates derive from the data.
    Raises ``PdfBuildError`` (``PageImageError`` for an unreadable image).
    """
    pdf = pikepdf.new()
    font = add_glyphless_font(pdf)
    codes = CodeMap()
    digest = hashlib.sha256(repr((meta, tuple(bookmarks))).encode())
    labels: list[str | None] = []
    cmyk_pages: list[int] = []
    for number, page in enumerate(pages):
        try:
            if not _add_page(pdf, page, font, codes, digest):
                cmyk_pages.append(number + 1)
        except PdfBuildError as e:
            raise type(e)(f"page {number + 1}: {e}") from e
        labels.append(page.label)
    if not labels:
        raise PdfBuildError("a volume needs at least one page")
    finish_font(pdf, font, codes)
    pdf.Root.PageLabels = page_labels_tree(labels)
    if bookmarks:
        _add_outline(pdf, bookmarks, len(labels))
    if cmyk_pages:
        log.warning("CMYK scans on pages %s: volume PDF will not claim PDF/A-2b", cmyk_pages)
    pdfa = not cmyk_pages and add_output_intent(pdf)
    write_metadata(pdf, meta, digest.digest(), pdfa=pdfa)
    log.debug("volume PDF: %d pages, %d bookmarks, PDF/A %s", len(labels), len(bookmarks), pdfa)
    save_kwargs = dict(
        deterministic_id=True,
        compress_streams=False,  # every stream is compressed by us; XMP must stay plain
        stream_decode_level=StreamDecodeLevel.none,
        object_stream_mode=ObjectStreamMode.generate,
        min_version="1.7",
        fix_metadata_version=False,
    )
    if isinstance(out, (str, Path)):
        target = Path(out)
        partial = target.with_name(target.name + ".part")
        try:
            pdf.save(partial, **save_kwargs)  # type: ignore[arg-type]
            os.replace(partial, target)  # never a half-written volume under the real name
        finally:
            partial.unlink(missing_ok=True)
    else:
        pdf.save(out, **save_kwargs)  # type: ignore[arg-type]


def build_volume_pdf_bytes(pages: Iterable[PdfPage], meta: VolumeMeta, bookmarks: Sequence[Bookmark] = ()) -> bytes:
    buffer = io.BytesIO()
    build_volume_pdf(pages, meta, bookmarks, buffer)
    return buffer.getvalue()
