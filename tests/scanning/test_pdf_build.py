"""Volume PDFs: text placement through /Rotate and skew, labels, bookmarks, images, determinism.

Pages are drawn here with a CJK font; the OCR words are the boxes PIL reports for the text it
drew, so the test knows where every character really is. Poppler (pdftotext -bbox, pdftoppm)
reads the PDFs back as a reader would.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from scanning.pdf import (
    Bookmark,
    PageImageError,
    PdfBuildError,
    PdfPage,
    VolumeMeta,
    build_volume_pdf,
    build_volume_pdf_bytes,
)
from scanning.types import Word

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

FONT_PATHS = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]
DPI = 150
PT = 72 / DPI
META = VolumeMeta("王某某盗窃案", "刑事诉讼卷 第1卷 共1卷", "某市公安局某区分局", dt.datetime(2024, 3, 5, 9, 30))
LINES = [["立", "案", "决", "定", "书"], ["Case", "No", "2024"], ["犯", "罪", "嫌", "疑", "人", "赵", "某"]]


def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    pytest.skip("no CJK font installed")


def draw_upright(width: int = 1240, height: int = 1754, mode: str = "L", seed: int = 0) -> tuple[Image.Image, list[Word]]:
    """An upright page with three lines of text and the true box of every word."""
    image = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = _font(44)
    words: list[Word] = []
    y = 220 + seed * 7
    for line_no, line in enumerate(LINES):
        x = 140
        for text in line:
            draw.text((x, y), text, font=font, fill="black")
            box = draw.textbbox((x, y), text, font=font)
            words.append(Word(text, box, 91.0, line_no))
            x = box[2] + (30 if text.isascii() else 5)
        y += 260
    return image, words


def scan_of(upright: Image.Image, rotation: int, skew: float) -> Image.Image:
    """What the scanner produced: undo the deskew, then undo the clockwise turn."""
    tilted = upright.rotate(-skew, fillcolor="white") if skew else upright
    return tilted.rotate(rotation, expand=True) if rotation else tilted


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_page(rotation: int = 0, skew: float = 0.0, label: str | None = "1", seed: int = 0) -> tuple[PdfPage, list[Word]]:
    upright, words = draw_upright(seed=seed)
    scan = scan_of(upright, rotation, skew)
    page = PdfPage(jpeg(scan), "image/jpeg", scan.width, scan.height, DPI, rotation, skew, words, label)
    return page, words


def bbox_words(pdf_path: Path, page_no: int = 1) -> list[tuple[str, tuple[float, float, float, float]]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page_no), "-l", str(page_no), str(pdf_path), "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    found = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out):
        found.append((m.group(5), tuple(float(m.group(i)) for i in range(1, 5))))
    return found  # type: ignore[return-value]


def render_gray(pdf_path: Path, page_no: int, tmp_path: Path) -> np.ndarray:
    prefix = tmp_path / f"r{page_no}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page_no), "-l", str(page_no), "-singlefile", str(pdf_path), str(prefix)],
        check=True, capture_output=True,
    )
    return np.asarray(Image.open(f"{prefix}.pgm"))


def plain_text(pdf_path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf_path), "-"], check=True, capture_output=True, text=True).stdout


def _skewed_centre(box: tuple[int, int, int, int], skew: float, width: int, height: int) -> tuple[float, float]:
    """Where an upright box centre lies on the (still skewed) displayed page, in pixels."""
    cx, cy = (box[0] + box[2]) / 2 - width / 2, (box[1] + box[3]) / 2 - height / 2
    s = math.radians(skew)
    return (width / 2 + cx * math.cos(s) - cy * math.sin(s), height / 2 + cx * math.sin(s) + cy * math.cos(s))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("skew", [0.0, 2.5])
def test_text_layer_lies_on_the_characters(tmp_path: Path, rotation: int, skew: float) -> None:
    page, words = make_page(rotation, skew)
    out = tmp_path / "v.pdf"
    build_volume_pdf([page], META, [], out)
    found = bbox_words(out)
    assert found, "pdftotext found no text"
    for word in words:
        # The displayed page is upright (the /Rotate undoes the turn) but keeps the skew.
        x, y = _skewed_centre(word.box, skew, 1240, 1754)
        hits = [b for text, b in found if word.text in text and b[0] - 1 <= x * PT <= b[2] + 1 and b[1] - 1 <= y * PT <= b[3] + 1]
        assert hits, f"{word.text!r} not found at ({x * PT:.1f}, {y * PT:.1f}) pt; poppler saw {found}"
        if not skew:  # the glyph cells span the printed row: one baseline per row
            (x0, y0, x1, y1) = hits[0]
            row_top = min(w.box[1] for w in words if w.line == word.line)
            row_bottom = max(w.box[3] for w in words if w.line == word.line)
            assert abs(y0 - row_top * PT) < 0.5 and abs(y1 - row_bottom * PT) < 0.5
    # And under every box poppler reports there is ink on the rendered page.
    ink = render_gray(out, 1, tmp_path) < 128
    for text, (x0, y0, x1, y1) in found:
        crop = ink[int(y0 / PT) : int(y1 / PT) + 1, int(x0 / PT) : int(x1 / PT) + 1]
        assert crop.mean() > 0.05, f"no ink under {text!r}"


def test_chinese_without_spurious_spaces_and_latin_with_spaces(tmp_path: Path) -> None:
    page, _ = make_page()
    out = tmp_path / "v.pdf"
    build_volume_pdf([page], META, [], out)
    text = plain_text(out)
    assert "立案决定书" in text
    assert "犯罪嫌疑人赵某" in text
    assert "Case No 2024" in text


def test_pages_labels_bookmarks_and_order(tmp_path: Path) -> None:
    labels = ["封面", "目录", "1", None, "2", "3", "备考表"]
    pages = [make_page(label=label, seed=i)[0] for i, label in enumerate(labels)]
    blank = Image.new("L", (1240, 1754), "white")
    pages[3] = PdfPage(jpeg(blank), "image/jpeg", 1240, 1754, DPI, label=None)  # a blank back, no words
    marks = [Bookmark.for_catalog_entry(1, "立案决定书", "某公（刑）立字〔2024〕12号", 2), Bookmark.for_catalog_entry(2, "拘留证", None, 4)]
    out = tmp_path / "v.pdf"
    build_volume_pdf(pages, META, marks, out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == len(labels)
        assert [p.label for p in pdf.pages] == ["封面", "目录", "1", "1背", "2", "3", "备考表"]
        with pdf.open_outline() as outline:
            titles = [(item.title, pdf.pages.index(pikepdf.Page(item.destination[0]))) for item in outline.root]
        assert titles == [("1 立案决定书 某公（刑）立字〔2024〕12号", 2), ("2 拘留证", 4)]
        for i, page in enumerate(pdf.pages):  # page order and JPEG bytes exactly as given
            (image,) = page.get_images().values()
            assert image.Filter == pikepdf.Name.DCTDecode
            assert image.read_raw_bytes() == pages[i].image
        assert float(pdf.pages[0].mediabox[2]) == pytest.approx(1240 * PT)
        assert float(pdf.pages[0].mediabox[3]) == pytest.approx(1754 * PT)
    assert plain_text(out, "-f", "4", "-l", "4").strip() == ""


def test_output_is_byte_identical_and_depends_on_input() -> None:
    page, _ = make_page(90, 1.5)
    first = build_volume_pdf_bytes([page], META, [Bookmark("1 立案决定书", 0)])
    again = build_volume_pdf_bytes([page], META, [Bookmark("1 立案决定书", 0)])
    assert first == again
    other = build_volume_pdf_bytes([page], VolumeMeta(META.title, "刑事诉讼卷 第2卷", META.author, META.created), [Bookmark("1 立案决定书", 0)])
    assert other != first
    with pikepdf.open(io.BytesIO(first)) as a, pikepdf.open(io.BytesIO(other)) as b:
        assert a.trailer.ID[0] != b.trailer.ID[0]


def test_pdfa_metadata_and_document_info(tmp_path: Path) -> None:
    page, _ = make_page()
    out = tmp_path / "v.pdf"
    build_volume_pdf([page], META, [], out)
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == META.title
        assert meta["xmp:CreateDate"].startswith("2024-03-05T09:30:00+08:00")
        assert str(pdf.docinfo.Title) == META.title
        assert str(pdf.docinfo.Subject) == META.subject
        assert str(pdf.docinfo.Author) == META.author
        assert str(pdf.docinfo.CreationDate).startswith("D:20240305093000+08")
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        assert len(intent.DestOutputProfile.read_bytes()) > 1000
    check = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_pdfa_validator_approves(tmp_path: Path) -> None:
    pdfa = pytest.importorskip("pikepdf.pdfa", exc_type=ImportError)
    pages = [make_page(rotation, 1.0 if rotation else 0.0, label=str(i + 1))[0] for i, rotation in enumerate((0, 90, 270))]
    upright, words = draw_upright(mode="RGB")
    palette, tiff = io.BytesIO(), io.BytesIO()
    upright.convert("P").save(palette, "PNG")
    upright.convert("1").save(tiff, "TIFF", compression="group4")
    pages.append(PdfPage(palette.getvalue(), "image/png", 1240, 1754, DPI, words=words, label="4"))
    pages.append(PdfPage(tiff.getvalue(), "image/tiff", 1240, 1754, DPI, words=words, label="5"))
    out = tmp_path / "v.pdf"
    build_volume_pdf(pages, META, [Bookmark("1 立案决定书", 0)], out)
    with pikepdf.open(out) as pdf:
        report = pdfa.check(pdf, "2b")
    assert list(report.findings) == []


def test_lossless_images_are_embedded_without_loss(tmp_path: Path) -> None:
    upright, words = draw_upright(mode="RGB")
    png, tiff, bilevel = io.BytesIO(), io.BytesIO(), io.BytesIO()
    upright.save(png, "PNG")
    upright.convert("L").save(tiff, "TIFF", compression="tiff_lzw")
    upright.convert("1").save(bilevel, "TIFF", compression="group4")
    pages = [
        PdfPage(png.getvalue(), "image/png", 1240, 1754, DPI, words=words, label="1"),
        PdfPage(tiff.getvalue(), "image/tiff", 1240, 1754, DPI, words=words, label="2"),
        PdfPage(bilevel.getvalue(), "image/tiff", 1240, 1754, DPI, words=words, label="3"),
    ]
    out = tmp_path / "v.pdf"
    build_volume_pdf(pages, META, [], out)
    expected = [upright, upright.convert("L"), upright.convert("1")]
    with pikepdf.open(out) as pdf:
        for page, original in zip(pdf.pages, expected, strict=True):
            (image,) = page.get_images().values()
            decoded = pikepdf.PdfImage(image).as_pil_image()
            assert decoded.size == original.size
            assert np.array_equal(np.asarray(decoded.convert(original.mode)), np.asarray(original))


def test_derived_upright_image_is_shown_as_is(tmp_path: Path) -> None:
    upright, words = draw_upright()
    scan = scan_of(upright, 90, 0.0)
    derived = jpeg(upright)
    page = PdfPage(jpeg(scan), "image/jpeg", scan.width, scan.height, DPI, 90, 0.0, words, "1", upright_image=derived)
    out = tmp_path / "v.pdf"
    build_volume_pdf([page], META, [], out)
    with pikepdf.open(out) as pdf:
        assert "/Rotate" not in pdf.pages[0]
        (image,) = pdf.pages[0].get_images().values()
        assert image.read_raw_bytes() == derived
    assert "立案决定书" in plain_text(out)


def test_unreadable_image_names_the_page() -> None:
    good, _ = make_page()
    bad = PdfPage(b"not an image", "image/jpeg", 10, 10, DPI)
    with pytest.raises(PageImageError, match="page 2"):
        build_volume_pdf_bytes([good, bad], META)


def test_rows_are_found_when_the_engine_gives_no_line_numbers(tmp_path: Path) -> None:
    page, words = make_page()
    flat = [Word(w.text, w.box, w.conf, 0) for w in reversed(words)]
    out = tmp_path / "v.pdf"
    build_volume_pdf([PdfPage(page.image, page.media_type, page.width, page.height, DPI, words=flat, label="1")], META, [], out)
    text = plain_text(out)
    assert "立案决定书" in text and "犯罪嫌疑人赵某" in text and "Case No 2024" in text


def test_cmyk_jpeg_is_kept_and_the_volume_does_not_claim_pdfa(tmp_path: Path) -> None:
    upright, words = draw_upright(mode="RGB")
    buffer = io.BytesIO()
    upright.convert("CMYK").save(buffer, "JPEG", quality=80)
    out = tmp_path / "v.pdf"
    build_volume_pdf([PdfPage(buffer.getvalue(), "image/jpeg", 1240, 1754, DPI, words=words, label="1")], META, [], out)
    with pikepdf.open(out) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert image.read_raw_bytes() == buffer.getvalue()
        assert image.ColorSpace == pikepdf.Name.DeviceCMYK
        assert "/OutputIntents" not in pdf.Root
        assert "pdfaid:part" not in pdf.open_metadata()
    assert "立案决定书" in plain_text(out)


def test_a_page_whose_size_disagrees_with_its_image_is_refused() -> None:
    page, words = make_page()
    wrong = PdfPage(page.image, page.media_type, page.height, page.width, DPI, words=words, label="1")
    with pytest.raises(PdfBuildError, match="1240x1754"):
        build_volume_pdf_bytes([wrong], META)


def test_characters_beyond_the_bmp_extract_whole(tmp_path: Path) -> None:
    """Rare characters in names (here U+20BB7 and U+2A6A5) must search as themselves."""
    page, _ = make_page()
    words = [Word("吉", (140, 220, 184, 264), 90, 0), Word("\U00020bb7", (189, 220, 233, 264), 90, 0),
             Word("\U0002a6a5", (238, 220, 282, 264), 90, 0), Word("祥", (287, 220, 331, 264), 90, 0)]
    out = tmp_path / "v.pdf"
    build_volume_pdf([PdfPage(page.image, page.media_type, page.width, page.height, DPI, words=words, label="1")], META, [], out)
    assert "吉\U00020bb7\U0002a6a5祥" in plain_text(out)
    (word,) = bbox_words(out)
    assert word[1] == pytest.approx((140 * PT, 220 * PT, 331 * PT, 264 * PT), abs=0.5)


@pytest.mark.parametrize("rotation", [0, 90])
def test_unequal_horizontal_and_vertical_resolution(tmp_path: Path, rotation: int) -> None:
    """A fax-mode scan (200 x 100 dpi) keeps its paper size and its words on their boxes."""
    scan_dpi = (200.0, 100.0)
    upright_dpi = scan_dpi if rotation == 0 else scan_dpi[::-1]
    width, height = round(8.27 * upright_dpi[0]), round(11.69 * upright_dpi[1])
    upright, words = draw_upright(width, height)
    scan = scan_of(upright, rotation, 0.0)
    out = tmp_path / "v.pdf"
    build_volume_pdf([PdfPage(jpeg(scan), "image/jpeg", scan.width, scan.height, scan_dpi, rotation, 0.0, words, "1")], META, [], out)
    with pikepdf.open(out) as pdf:
        box = pdf.pages[0].mediabox
        shown = (float(box[2]), float(box[3])) if rotation == 0 else (float(box[3]), float(box[2]))
    assert shown == pytest.approx((8.27 * 72, 11.69 * 72), abs=1.0)
    found = bbox_words(out)
    for word in words:
        x = (word.box[0] + word.box[2]) / 2 * 72 / upright_dpi[0]
        y = (word.box[1] + word.box[3]) / 2 * 72 / upright_dpi[1]
        assert any(word.text in t and b[0] <= x <= b[2] and b[1] <= y <= b[3] for t, b in found), (word, found)


def _with_photometric(tiff: bytes, value: int) -> bytes:
    """The same little-endian TIFF with its PhotometricInterpretation tag set to ``value``."""
    import struct

    data = bytearray(tiff)
    ifd = struct.unpack("<I", data[4:8])[0]
    for i in range(struct.unpack("<H", data[ifd : ifd + 2])[0]):
        entry = ifd + 2 + 12 * i
        if struct.unpack("<H", data[entry : entry + 2])[0] == 262:
            data[entry + 8 : entry + 10] = struct.pack("<H", value)
    return bytes(data)


@pytest.mark.parametrize("photometric", [0, 1])
@pytest.mark.parametrize("one_strip", [True, False])
def test_group4_tiff_is_embedded_as_fax_data(tmp_path: Path, photometric: int, one_strip: bool) -> None:
    upright, words = draw_upright()
    buffer = io.BytesIO()
    upright.convert("1").save(buffer, "TIFF", compression="group4", strip_size=(1 << 30) if one_strip else 8192)
    data = _with_photometric(buffer.getvalue(), photometric)
    expected = np.asarray(Image.open(io.BytesIO(data)).convert("L"))
    out = tmp_path / "v.pdf"
    build_volume_pdf([PdfPage(data, "image/tiff", 1240, 1754, DPI, words=words, label="1")], META, [], out)
    with pikepdf.open(out) as pdf:
        (image,) = pdf.pages[0].get_images().values()
        assert image.Filter == pikepdf.Name.CCITTFaxDecode
        strip = image.read_raw_bytes()
        assert len(strip) < len(data)
        if one_strip:  # passed through untouched; several strips are coded again as one
            assert strip in data
    rendered = render_gray(out, 1, tmp_path)
    assert rendered.shape == expected.shape
    assert (rendered == expected).mean() > 0.98
    if photometric == 1:
        assert "立案决定书" in plain_text(out)
