"""Page images as PDF image XObjects, kept as scanned.

JPEG bytes are embedded as they are (``/DCTDecode``): never decoded and re-compressed,
so the receiver gets the very bytes the scanner wrote. A bilevel Group 4 TIFF page in one
strip is embedded as its fax data (``/CCITTFaxDecode``), likewise untouched; any other
bilevel image is coded as one Group 4 strip (lossless). A plain PNG (8-bit or less, not
interlaced, no alpha) is embedded as its own zlib data with the PNG predictor, also without
decoding. Anything else (TIFF, PNG with alpha or 16 bits, BMP …) is decoded once and stored
losslessly with Flate; alpha is flattened (a scan has nothing behind it) onto white, or onto
black when what is drawn is light, so that white text on a transparent ground stays legible. No
image is ever scaled.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Name
from PIL import Image, ImageStat, UnidentifiedImageError

from scanning.pdf.model import PageImageError

_COLOUR_SPACES = {"L": Name.DeviceGray, "1": Name.DeviceGray, "RGB": Name.DeviceRGB, "CMYK": Name.DeviceCMYK}


@dataclass(frozen=True, slots=True)
class EmbeddedImage:
    stream: pikepdf.Stream
    width: int
    height: int

    @property
    def cmyk(self) -> bool:
        """DeviceCMYK cannot sit under an sRGB output intent: such a volume is not PDF/A."""
        return self.stream.get("/ColorSpace") == Name.DeviceCMYK


def _open(data: bytes, frame: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        if frame:
            image.seek(frame)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, EOFError, ValueError) as e:
        raise PageImageError(f"cannot read page image: {e}") from e
    return image


def embed_image(pdf: pikepdf.Pdf, data: bytes, media_type: str, *, frame: int = 0) -> EmbeddedImage:
    """Make an image XObject for ``data``; ``media_type`` is a hint, the bytes decide."""
    image = _open(data, frame)
    fmt = image.format
    try:
        if fmt == "JPEG" and image.mode in _COLOUR_SPACES:
            return _jpeg(pdf, data, image)
        if fmt == "PNG" and not frame:
            passthrough = _png_passthrough(pdf, data, image)
            if passthrough is not None:
                return passthrough
        if fmt == "TIFF":
            passthrough = _ccitt_passthrough(pdf, data, image)
            if passthrough is not None:
                return passthrough
        return _decoded(pdf, image)
    except (OSError, ValueError, SyntaxError) as e:
        raise PageImageError(f"cannot embed {fmt or media_type} page image: {e}") from e


def _jpeg(pdf: pikepdf.Pdf, data: bytes, image: Image.Image) -> EmbeddedImage:
    stream = pikepdf.Stream(pdf, data)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width, stream.Height = image.size
    stream.ColorSpace = _COLOUR_SPACES[image.mode]
    stream.BitsPerComponent = 8
    stream.Filter = Name.DCTDecode
    if image.mode == "CMYK" and "adobe" in image.info:
        # Adobe writes inverted CMYK JPEGs; readers expect the Decode flip.
        stream.Decode = Array([1, 0] * 4)
    return EmbeddedImage(stream, *image.size)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks = []
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_passthrough(pdf: pikepdf.Pdf, data: bytes, image: Image.Image) -> EmbeddedImage | None:
    """Embed a PNG's IDAT stream as is, when the PDF predictor can describe it."""
    chunks = _png_chunks(data)
    if not chunks or chunks[0][0] != b"IHDR":
        return None
    width, height, depth, colour, _comp, _filter, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if interlace or depth > 8 or colour not in (0, 2, 3):
        return None
    if any(kind == b"tRNS" for kind, _ in chunks):
        return None  # transparency: flatten instead
    idat = b"".join(body for kind, body in chunks if kind == b"IDAT")
    colours = {0: 1, 2: 3, 3: 1}[colour]
    stream = pikepdf.Stream(pdf, idat)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width, stream.Height = width, height
    stream.BitsPerComponent = depth
    stream.Filter = Name.FlateDecode
    stream.DecodeParms = pikepdf.Dictionary(Predictor=15, Colors=colours, BitsPerComponent=depth, Columns=width)
    if colour == 3:
        palette = next((body for kind, body in chunks if kind == b"PLTE"), None)
        if palette is None:
            return None
        stream.ColorSpace = Array([Name.Indexed, Name.DeviceRGB, len(palette) // 3 - 1, pikepdf.String(palette)])
    else:
        stream.ColorSpace = Name.DeviceGray if colour == 0 else Name.DeviceRGB
    return EmbeddedImage(stream, width, height)


def _ccitt_passthrough(pdf: pikepdf.Pdf, data: bytes, image: Image.Image) -> EmbeddedImage | None:
    """Embed a bilevel CCITT Group 4 TIFF page (one strip) as its own fax data."""
    tags = image.tag_v2  # type: ignore[attr-defined]
    offsets, counts = tags.get(273), tags.get(279)
    if (
        image.mode != "1"
        or tags.get(259) != 4  # Group 4
        or tags.get(266, 1) != 1  # bits filled most significant first
        or tags.get(262) not in (0, 1)
        or not offsets or not counts or len(offsets) != 1 or len(counts) != 1
        or offsets[0] + counts[0] > len(data)
    ):
        return None
    width, height = image.size
    stream = pikepdf.Stream(pdf, data[offsets[0] : offsets[0] + counts[0]])
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width, stream.Height = width, height
    stream.ColorSpace = Name.DeviceGray
    stream.BitsPerComponent = 1
    stream.Filter = Name.CCITTFaxDecode
    # Photometric 0 (white is zero, the fax convention) decodes as is; 1 is the inverse.
    stream.DecodeParms = pikepdf.Dictionary(K=-1, Columns=width, Rows=height, BlackIs1=tags.get(262) == 1)
    return EmbeddedImage(stream, width, height)


def _ccitt_reencoded(pdf: pikepdf.Pdf, image: Image.Image) -> EmbeddedImage | None:
    """A bilevel page as one Group 4 strip: lossless, and far smaller than Flate. (A TIFF
    written in several strips cannot pass through: each strip is coded on its own.)"""
    buffer = io.BytesIO()
    try:
        image.save(buffer, "TIFF", compression="group4", strip_size=1 << 30)
        return _ccitt_passthrough(pdf, buffer.getvalue(), Image.open(io.BytesIO(buffer.getvalue())))
    except (OSError, ValueError, KeyError):
        return None


def _backdrop(rgba: Image.Image, alpha: Image.Image) -> str:
    """White behind dark content, black behind light content (white text on a transparent
    ground must not vanish into a white page)."""

    if alpha.getextrema()[0] == 255:
        return "white"  # fully opaque
    visible = alpha.point(lambda a: 255 if a >= 128 else 0)
    if not visible.getbbox():
        return "white"
    return "black" if ImageStat.Stat(rgba.convert("L"), mask=visible).mean[0] > 160 else "white"


def _decoded(pdf: pikepdf.Pdf, image: Image.Image) -> EmbeddedImage:
    mode = image.mode
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        alpha = rgba.getchannel("A")
        background = Image.new("RGB", image.size, _backdrop(rgba, alpha))
        background.paste(rgba, mask=alpha)
        image = background if mode != "LA" else background.convert("L")
    elif mode == "P":
        image = image.convert("RGB")
    elif mode.startswith("I;16") or mode in ("I", "F"):
        image = image.point(lambda v: v / 256).convert("L") if mode.startswith("I;16") else image.convert("L")
    elif mode not in _COLOUR_SPACES:
        image = image.convert("RGB")
    if image.mode == "1":
        fax = _ccitt_reencoded(pdf, image)
        if fax is not None:
            return fax
    raw = image.tobytes()
    stream = pikepdf.Stream(pdf, zlib.compress(raw, 6))
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width, stream.Height = image.size
    stream.ColorSpace = _COLOUR_SPACES[image.mode]
    stream.BitsPerComponent = 1 if image.mode == "1" else 8
    stream.Filter = Name.FlateDecode
    return EmbeddedImage(stream, *image.size)
