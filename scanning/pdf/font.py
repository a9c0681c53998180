"""The glyphless font that carries the invisible OCR text layer.

A text layer needs a font that can encode every CJK character, yet nothing is ever drawn
with it (text render mode 3). Embedding a real CJK font would add megabytes per volume, so,
like Tesseract's ``pdf.ttf`` and OCRmyPDF's "GlyphLessFont", we use a Type0 font with
Identity-H encoding over a CIDFontType2 whose embedded TrueType program has two empty
glyphs. The character code written in the content stream is the character's own code
point for the BMP; a character beyond it (a rare character in a name, e.g. 𠮷) gets one of
the codes D800-DFFF, which no real character uses, in order of first use (``CodeMap``). A
CIDToGIDMap sends every CID to glyph 1, and the ToUnicode CMap maps each code back to its
character, so text extraction and search see the real characters. Every glyph is half an
em wide; the text layer stretches each word horizontally to its box.

The TrueType program is written here byte by byte (no font file is shipped or read) with
fixed dates, so it is the same on every machine, and it is small enough (~600 bytes) to be
embedded in every volume, which PDF/A asks for.
"""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import pikepdf
from pikepdf import Array, Dictionary, Name

FONT_NAME = "GlyphLessFont"
UNITS_PER_EM = 1000
ADVANCE = 500  # every glyph is half an em wide, in 1/1000 em (the PDF /DW)
ASCENT = 800  # the word box runs from descent to ascent: the baseline sits 80% down the box
DESCENT = -200
_FIXED_DATE = 3660681600  # 2020-01-01 in seconds since 1904, the TrueType epoch


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _name_table() -> bytes:
    records = [(1, "GlyphLess"), (2, "Regular"), (4, "GlyphLessFont"), (5, "Version 1.0"), (6, "GlyphLessFont")]
    strings = b""
    entries = b""
    for name_id, text in records:
        encoded = text.encode("utf-16-be")
        # platform 3 (Windows), encoding 1 (Unicode BMP), language 0x409 (en-US)
        entries += struct.pack(">6H", 3, 1, 0x409, name_id, len(encoded), len(strings))
        strings += encoded
    header = struct.pack(">3H", 0, len(records), 6 + 12 * len(records))
    return header + entries + strings


@lru_cache(maxsize=1)
def glyphless_truetype() -> bytes:
    """A valid TrueType program with ``.notdef`` and one empty glyph, both ``ADVANCE`` wide."""
    num_glyphs = 2
    # A cmap with one format-4 subtable holding only the required final segment.
    cmap_subtable = struct.pack(">7H", 4, 24, 0, 2, 2, 0, 0) + struct.pack(">HHHhH", 0xFFFF, 0, 0xFFFF, 1, 0)
    tables: dict[bytes, bytes] = {
        b"OS/2": (
            struct.pack(">HhHHH", 1, ADVANCE, 400, 5, 0)  # version 1, avg width, weight, width, installable
            + struct.pack(">11h", *([0] * 11))  # sub/superscript, strikeout, family class
            + b"\0" * 10  # panose
            + struct.pack(">4I", 0, 0, 0, 0)  # ulUnicodeRange1..4
            + b"NONE"  # achVendID
            + struct.pack(">HHH", 0x40, 0, 0xFFFF)  # fsSelection (regular), first/last char index
            + struct.pack(">hhhHH", ASCENT, DESCENT, 0, ASCENT, -DESCENT)
            + struct.pack(">II", 1, 0)  # ulCodePageRange1..2
        ),
        b"cmap": struct.pack(">HHHHI", 0, 1, 3, 1, 12) + cmap_subtable,
        b"glyf": b"",  # both glyphs are empty (zero length in loca)
        b"head": struct.pack(
            ">IIIIHHqqhhhhHHhhh",
            0x00010000, 0x00010000, 0, 0x5F0F3CF5, 0x000B, UNITS_PER_EM,
            _FIXED_DATE, _FIXED_DATE,  # created, modified: fixed, so the output is reproducible
            0, DESCENT, ADVANCE, ASCENT, 0, 8, 2, 0, 0,
        ),
        b"hhea": struct.pack(
            ">IhhhHhhhhhhhhhhhH",
            0x00010000, ASCENT, DESCENT, 0, ADVANCE, 0, 0, ADVANCE, 1, 0, 0, 0, 0, 0, 0, 0, num_glyphs,
        ),
        b"hmtx": struct.pack(">HhHh", ADVANCE, 0, ADVANCE, 0),
        b"loca": struct.pack(">HHH", 0, 0, 0),
        b"maxp": struct.pack(">IHHHHHHHHHHHHHH", 0x00010000, num_glyphs, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
        b"name": _name_table(),
        b"post": struct.pack(">IIhhIIIII", 0x00030000, 0, 0, 0, 0, 0, 0, 0, 0),
    }

    tags = sorted(tables)
    n = len(tags)
    entry_selector = n.bit_length() - 1
    search_range = (1 << entry_selector) * 16
    offset_table = struct.pack(">IHHHH", 0x00010000, n, search_range, entry_selector, n * 16 - search_range)
    offset = 12 + 16 * n
    directory = b""
    body = b""
    for tag in tags:
        data = tables[tag]
        directory += struct.pack(">4sIII", tag, _checksum(data), offset, len(data))
        padded = data + b"\0" * (-len(data) % 4)
        body += padded
        offset += len(padded)
    font = bytearray(offset_table + directory + body)
    # head.checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
    head_offset = struct.unpack(">I", font[12 + 16 * tags.index(b"head") + 8 : 12 + 16 * tags.index(b"head") + 12])[0]
    struct.pack_into(">I", font, head_offset + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


_CMAP_HEAD = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
2 beginbfrange
<0000> <D7FF> <0000>
<E000> <FFFF> <E000>
endbfrange
"""
_CMAP_TAIL = b"""endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""
_EXTRA_FIRST, _EXTRA_LAST = 0xD800, 0xDFFF


class CodeMap:
    """Character codes for one document: BMP characters as themselves, others numbered."""

    def __init__(self) -> None:
        self.extra: dict[str, int] = {}

    def encode(self, text: str) -> bytes:
        if max(text) < "\U00010000":
            return text.encode("utf-16-be")
        out = bytearray()
        for ch in text:
            if ord(ch) < 0x10000:
                out += ch.encode("utf-16-be")
                continue
            code = self.extra.get(ch)
            if code is None:
                if _EXTRA_FIRST + len(self.extra) > _EXTRA_LAST:
                    out += "\ufffd".encode("utf-16-be")  # over 2048 distinct rare characters
                    continue
                code = self.extra[ch] = _EXTRA_FIRST + len(self.extra)
            out += code.to_bytes(2, "big")
        return bytes(out)

    def to_unicode(self) -> bytes:
        """The ToUnicode CMap: identity outside D800-DFFF, then each numbered character."""
        chars = b""
        items = sorted(self.extra.items(), key=lambda kv: kv[1])
        for i in range(0, len(items), 100):  # at most 100 entries per bfchar block
            block = items[i : i + 100]
            chars += f"{len(block)} beginbfchar\n".encode()
            chars += b"".join(f"<{code:04X}> <{ch.encode('utf-16-be').hex().upper()}>\n".encode() for ch, code in block)
            chars += b"endbfchar\n"
        return _CMAP_HEAD + chars + _CMAP_TAIL


def _flate_stream(pdf: pikepdf.Pdf, data: bytes, **keys: object) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, zlib.compress(data, 9))
    stream.Filter = Name.FlateDecode
    for key, value in keys.items():
        stream[Name("/" + key)] = value
    return stream


def add_glyphless_font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    """Add the Type0 font once to ``pdf`` and return its indirect reference."""
    program = glyphless_truetype()
    font_file = _flate_stream(pdf, program, Length1=len(program))
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name("/" + FONT_NAME),
        Flags=5,  # fixed pitch, symbolic
        FontBBox=Array([0, DESCENT, ADVANCE, ASCENT]),
        ItalicAngle=0,
        Ascent=ASCENT,
        Descent=DESCENT,
        CapHeight=ASCENT,
        StemV=80,
        FontFile2=font_file,
    )
    # Every CID goes to glyph 1: two bytes per CID, 65536 CIDs; compresses to a few hundred bytes.
    cid_to_gid = _flate_stream(pdf, b"\x00\x01" * 65536)
    cid_font = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name("/" + FONT_NAME),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=ADVANCE,
        CIDToGIDMap=cid_to_gid,
    )
    font = Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name("/" + FONT_NAME),
        Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cid_font)]),
        ToUnicode=_flate_stream(pdf, CodeMap().to_unicode()),
    )
    return pdf.make_indirect(font)


def finish_font(pdf: pikepdf.Pdf, font: pikepdf.Object, codes: CodeMap) -> None:
    """Write the ToUnicode CMap once every page's text has been encoded."""
    if codes.extra:
        font.ToUnicode = _flate_stream(pdf, codes.to_unicode())
