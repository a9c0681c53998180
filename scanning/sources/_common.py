"""Shared pieces of the source readers: the page record, limits, and type sniffing."""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image

from scanning.errors import DamagedFileError, EmptyScanError, PageTooLargeError, UnsupportedFormatError

#: Largest page we decode, in pixels. A3 at 600 dpi is 70 Mpx; anything far beyond
#: is a mistake or an attack (a 30000x30000 PNG in 110 KB).
MAX_PAGE_PIXELS = 150_000_000
#: Largest side of a page in PDF points we are willing to rasterise (5 m).
MAX_PAGE_POINTS = 14_400
#: Resolution we rasterise vector PDF pages at, and assume when a file says nothing.
DEFAULT_DPI = 300
#: A ZIP entry may not inflate to more than this, nor by more than MAX_ZIP_RATIO.
MAX_ZIP_ENTRY_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 20_000

MEDIA_PDF = "application/pdf"
MEDIA_ZIP = "application/zip"
MEDIA_FOLDER = "inode/directory"


@dataclass(slots=True)
class SourcePage:
    """One page image as it came out of the upload.

    ``data`` is the page's encoded image, unchanged where the file allowed it (a JPEG
    embedded in a PDF keeps its exact bytes); ``media_type`` says how it is encoded.
    ``error`` is set, and ``data`` empty, when this page alone could not be read.
    ``source`` names where the page came from (file name, plus ZIP entry or folder file).
    """

    index: int
    data: bytes
    media_type: str
    width: int
    height: int
    dpi: int
    source: str = ""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ScanInfo:
    media_type: str
    page_count: int


_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),
    (b"MM\x00+", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2"),
)


def sniff_bytes(head: bytes) -> str | None:
    """The media type the first bytes of a file announce, or None."""
    for magic, media in _IMAGE_MAGIC:
        if head.startswith(magic):
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return MEDIA_ZIP
    if b"%PDF-" in head[:1024]:  # PDF allows junk before the header
        return MEDIA_PDF
    return None


def sniff(path: str | os.PathLike[str], name: str | None = None) -> str:
    """Media type of ``path`` by content; raise a clear InputFileError when unusable.

    ``name`` is the file's name as uploaded (shown in errors; its extension is only used
    to say what the file claims to be)."""
    label = name or os.fspath(path)
    if os.path.isdir(path):
        return MEDIA_FOLDER
    with open(path, "rb") as f:
        head = f.read(1024)
    if not head:
        raise EmptyScanError(label, "the file is empty (0 bytes)")
    media = sniff_bytes(head)
    if media is None:
        ext = os.path.splitext(label)[1].lower()
        looks = "text" if _looks_like_text(head) else "unknown binary data"
        claim = f" although it is named {ext}" if ext else ""
        raise UnsupportedFormatError(
            label, f"the content is {looks}, not a PDF, TIFF, JPEG, PNG or ZIP{claim}"
        )
    return media


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_size(file: str, width: int, height: int, page: int | None = None) -> None:
    if width <= 0 or height <= 0:
        raise PageTooLargeError(file, f"the page has no area ({width}x{height} pixels)", page)
    if width * height > MAX_PAGE_PIXELS:
        raise PageTooLargeError(
            file,
            f"the page is {width}x{height} pixels, more than the limit of {MAX_PAGE_PIXELS:,}",
            page,
        )


def open_image(data: bytes | io.BytesIO, file: str = "", page: int | None = None) -> Image.Image:
    """Open encoded image bytes lazily, with our own size limit instead of Pillow's warning.

    Raises PageTooLargeError for an absurd pixel count (checked from the header, before
    any decoding) and DamagedFileError when Pillow cannot identify the image.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(stream)
        except Image.DecompressionBombError as e:
            raise PageTooLargeError(file, f"the image is too large to decode safely ({e})", page) from e
        except (OSError, SyntaxError, ValueError) as e:
            raise DamagedFileError(file, f"the image cannot be read ({e})", page) from e
    check_size(file, img.width, img.height, page)
    return img


def image_dpi(img: Image.Image) -> int:
    """The resolution an image file declares, or DEFAULT_DPI when absent or absurd."""
    dpi = img.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if 50 <= value <= 4800 else DEFAULT_DPI


def load_checked(img: Image.Image) -> None:
    """Decode ``img`` fully (raising on damage) without Pillow's bomb warning.

    libtiff reports much damage (a fax strip's bad code words, a strip cut short) only
    on stderr and hands back what it made of it: a white or black page that would pass
    for a blank one. So while a compressed TIFF decodes, what C code writes to stderr is
    read too, and an error line there (a warning line is no damage) raises ``OSError``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        if img.format == "JPEG":
            # A scaled DCT decode still reads every byte of the entropy-coded data,
            # so truncation shows, at an eighth of the cost.
            img.draft(img.mode, (max(1, img.width // 8), max(1, img.height // 8)))
        if img.format != "TIFF" or not getattr(img, "use_load_libtiff", False):
            img.load()
            return
        with stderr_lines() as said:
            img.load()
    errors = [line for line in said if _LIBTIFF_ERROR.match(line)]
    if errors:
        raise OSError(f"{errors[0].rstrip('.')}" + (f" (+{len(errors) - 1})" if len(errors) > 1 else ""))


#: a line of libtiff's stderr error handler (``module: message.``); its warnings say
#: ``module: Warning, message.``
_LIBTIFF_ERROR = re.compile(r"^[\w.-]+: (?!Warning, )\S")


@contextlib.contextmanager
def stderr_lines() -> Iterator[list[str]]:
    """Collect what is written to file descriptor 2 (by C libraries too) meanwhile; it is
    passed on to stderr afterwards, so no log line is lost. The list fills on exit."""
    lines: list[str] = []
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            text = tmp.read(1 << 20)
            if text:
                os.write(2, text)
            lines.extend(text.decode("utf-8", "replace").splitlines())
