"""Pages of a PDF: the embedded scan taken out as it is, or the page rasterised.

A scanner's PDF page draws exactly one image; we take that image's bytes out with pikepdf.
A baseline JPEG (DCTDecode, grey or RGB, no mask or decode array) keeps its exact bytes:
no generation loss and no decoding cost. Other single images are decoded losslessly to PNG.
Anything else (vector text, several images, forms, JBIG2 without a decoder) is rasterised
with pdftoppm at the page's native resolution, capped so the pixel count stays bounded.
"""

from __future__ import annotations

import io
import logging
import math
import os
import warnings
from collections.abc import Iterator

import pikepdf
from pikepdf.models.image import PdfImage

from scanning._exec import ScanError, pdftoppm
from scanning.errors import (
    DamagedFileError,
    EmptyScanError,
    EncryptedPDFError,
    InputFileError,
    PageTooLargeError,
)
from scanning.sources._common import (
    DEFAULT_DPI,
    MAX_PAGE_PIXELS,
    MAX_PAGE_POINTS,
    SourcePage,
    check_size,
    open_image,
)

log = logging.getLogger(__name__)

#: Operators a page of a scanner PDF may use besides its one ``Do``.
_STATE_OPS = frozenset({"q", "Q", "cm", "gs", "w", "J", "j", "M", "d", "ri", "i"})
#: A scan page's content stream is a few dozen bytes; past this we do not parse it.
_MAX_SIMPLE_CONTENT = 16_384


def open_pdf(path: str | os.PathLike[str], name: str) -> pikepdf.Pdf:
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as e:
        raise EncryptedPDFError(name, "the PDF is password protected; upload it without a password") from e
    except pikepdf.PdfError as e:
        raise DamagedFileError(name, f"the PDF is damaged beyond repair ({_short(e)})") from e
    except (OSError, RuntimeError, ValueError) as e:
        raise DamagedFileError(name, f"the PDF cannot be opened ({_short(e)})") from e
    if "/AcroForm" in pdf.Root and "/XFA" in pdf.Root.AcroForm:
        log.info("%s has an XFA form; only its static pages are read", name)
    return pdf


def page_count(path: str | os.PathLike[str], name: str) -> int:
    with open_pdf(path, name) as pdf:
        try:
            n = len(pdf.pages)
        except (pikepdf.PdfError, RuntimeError) as e:
            raise DamagedFileError(name, f"the PDF's page tree is broken ({_short(e)})") from e
    if n == 0:
        raise EmptyScanError(name, "the PDF has no pages")
    return n


def iter_pdf(path: str | os.PathLike[str], name: str, start: int = 1) -> Iterator[SourcePage]:
    """Yield the pages of the PDF at ``path``, from 1-based ``start``."""
    with open_pdf(path, name) as pdf:
        try:
            n = len(pdf.pages)
        except (pikepdf.PdfError, RuntimeError) as e:
            raise DamagedFileError(name, f"the PDF's page tree is broken ({_short(e)})") from e
        if n == 0:
            raise EmptyScanError(name, "the PDF has no pages")
        for i in range(start - 1, n):
            index = i + 1
            try:
                yield _page(pdf, path, name, index)
            except InputFileError as e:
                yield SourcePage(index, b"", "", 0, 0, DEFAULT_DPI, source=name, error=str(e))
            except (pikepdf.PdfError, ScanError, RuntimeError, ValueError, OSError) as e:
                err = DamagedFileError(name, f"this page cannot be read ({_short(e)})", index)
                yield SourcePage(index, b"", "", 0, 0, DEFAULT_DPI, source=name, error=str(err))


def _short(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:200]


def _page_size(page: pikepdf.Page, name: str, index: int) -> tuple[float, float, int]:
    """Width and height in points (after /UserUnit) and the /Rotate normalised to 0..270."""
    try:
        box = [float(v) for v in page.obj.get("/CropBox", page.mediabox)]
        box = [float(v) for v in page.mediabox] if len(box) != 4 else box
        unit = float(page.obj.get("/UserUnit", 1))
    except (TypeError, ValueError, pikepdf.PdfError) as e:
        raise DamagedFileError(name, f"the page size is unreadable ({_short(e)})", index) from e
    w, h = abs(box[2] - box[0]) * unit, abs(box[3] - box[1]) * unit
    if not (w >= 1 and h >= 1) or not math.isfinite(w * h):
        raise PageTooLargeError(name, f"the page has no usable size ({w:g}x{h:g} pt)", index)
    if max(w, h) > MAX_PAGE_POINTS:
        raise PageTooLargeError(name, f"the page is {w / 72 * 2.54:.0f}x{h / 72 * 2.54:.0f} cm", index)
    try:
        rotate = int(page.obj.get("/Rotate", 0))  # inherited values are resolved by pikepdf
    except (TypeError, ValueError):
        rotate = 0
    rotate = (round(rotate / 90) * 90) % 360
    return w, h, rotate


def _single_image(page: pikepdf.Page) -> tuple[pikepdf.Stream, list[float]] | None:
    """The one image XObject the page draws and its placement matrix, or None."""
    contents = page.obj.get("/Contents")
    if contents is None:
        return None
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    if sum(int(s.get("/Length", 0)) for s in streams) > _MAX_SIMPLE_CONTENT:
        return None
    matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    found: tuple[pikepdf.Stream, list[float]] | None = None
    for operands, op in pikepdf.parse_content_stream(page):
        opname = str(op)
        if opname == "cm":
            m = [float(v) for v in operands]
            a, b, c, d, e, f = matrix
            matrix = [
                m[0] * a + m[1] * c, m[0] * b + m[1] * d,
                m[2] * a + m[3] * c, m[2] * b + m[3] * d,
                m[4] * a + m[5] * c + e, m[4] * b + m[5] * d + f,
            ]
        elif opname == "Do":
            if found is not None:
                return None
            xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
            xobj = xobjects.get(operands[0])
            if xobj is None or xobj.get("/Subtype") != "/Image":
                return None
            found = (xobj, matrix)
        elif opname not in _STATE_OPS:
            return None
    return found


def _page(pdf: pikepdf.Pdf, path: str | os.PathLike[str], name: str, index: int) -> SourcePage:
    page = pdf.pages[index - 1]
    w_pt, h_pt, _rotate = _page_size(page, name, index)  # pdftoppm applies /Rotate itself
    single = _single_image(page)
    if single is not None:
        got = _extract(single[0], single[1], name, index)
        if got is not None:
            return got
    return _rasterise(path, name, index, w_pt, h_pt)


def _extract(xobj: pikepdf.Stream, matrix: list[float], name: str, index: int) -> SourcePage | None:
    width, height = int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0))
    check_size(name, width, height, index)
    # The image's drawn size in points: lengths of the matrix's two column vectors.
    sx = math.hypot(matrix[0], matrix[1])
    sy = math.hypot(matrix[2], matrix[3])
    dpi = DEFAULT_DPI
    if sx > 1 and sy > 1:
        dpi = int(round(max(width / (sx / 72), height / (sy / 72))))
        dpi = dpi if 50 <= dpi <= 4800 else DEFAULT_DPI
    filters = xobj.get("/Filter")
    filters = list(filters) if isinstance(filters, pikepdf.Array) else ([filters] if filters else [])
    cs = xobj.get("/ColorSpace")
    simple_cs = cs in ("/DeviceGray", "/DeviceRGB") or (
        isinstance(cs, pikepdf.Array) and len(cs) == 2 and cs[0] == "/ICCBased" and int(cs[1].get("/N", 0)) in (1, 3)
    )
    if (
        filters == ["/DCTDecode"]
        and simple_cs
        and "/Decode" not in xobj
        and "/SMask" not in xobj
        and "/Mask" not in xobj
        and int(xobj.get("/BitsPerComponent", 8)) == 8
    ):
        data = xobj.read_raw_bytes()
        img = open_image(data, name, index)
        if (img.width, img.height) == (width, height) and img.mode in ("L", "RGB"):
            return SourcePage(index, data, "image/jpeg", width, height, dpi, source=name)
    if any(f in ("/JBIG2Decode",) for f in filters):
        return None  # no JBIG2 decoder in Python; poppler has one
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "16-bit reduced to 8-bit": fine for OCR
            pil = PdfImage(xobj).as_pil_image()
    except (pikepdf.PdfError, NotImplementedError, pikepdf.models.image.UnsupportedImageTypeError) as e:
        log.info("%s page %d: image not extractable (%s); rasterising", name, index, e)
        return None
    check_size(name, pil.width, pil.height, index)
    if pil.mode not in ("1", "L", "RGB", "RGBA", "LA", "P", "I;16", "I"):
        pil = pil.convert("RGB")
    buf = io.BytesIO()
    pil.save(buf, format="PNG", compress_level=3)
    return SourcePage(index, buf.getvalue(), "image/png", pil.width, pil.height, dpi, source=name)


def _rasterise(path: str | os.PathLike[str], name: str, index: int, w_pt: float, h_pt: float) -> SourcePage:
    dpi = DEFAULT_DPI
    pixels = (w_pt / 72 * dpi) * (h_pt / 72 * dpi)
    if pixels > MAX_PAGE_PIXELS:
        dpi = int(dpi * math.sqrt(MAX_PAGE_PIXELS / pixels))
    if dpi < 30:
        raise PageTooLargeError(name, "the page is too large to render", index)
    try:
        data = pdftoppm.render_png(path, index, dpi)
    except ScanError as e:
        raise DamagedFileError(name, f"the page cannot be rendered ({_short(e)})", index) from e
    if not data:
        raise DamagedFileError(name, "the page rendered to nothing", index)
    img = open_image(data, name, index)
    return SourcePage(index, data, "image/png", img.width, img.height, dpi, source=name)

