"""Every kind of upload comes out as pages: PDF, TIFF, PNG, JPEG, ZIP, folder; by content."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from tests.scanning.conftest import blank_page, encode, jpeg_pdf, render_page
from PIL import Image

from scanning import sandbox, sources
from scanning.errors import (
    DecompressionBombError,
    EmptyScanError,
    EncryptedPDFError,
    InputFileError,
    UnsupportedFormatError,
)

DPI = 150  # small pages keep these tests fast; nothing here depends on resolution


@pytest.fixture(scope="module")
def jpegs() -> list[bytes]:
    return [encode(render_page(s, dpi=DPI).convert("L" if s % 2 else "RGB"), "JPEG", DPI) for s in range(3)]


@pytest.fixture(params=["direct", "sandbox"])
def iter_pages(request: pytest.FixtureRequest):
    return sources.iter_pages if request.param == "direct" else sandbox.iter_pages


def test_pdf_keeps_embedded_jpeg_bytes(tmp_path: Path, jpegs: list[bytes], iter_pages) -> None:
    pdf = jpeg_pdf(jpegs, tmp_path / "scan.pdf", dpi=DPI)
    pages = list(iter_pages(pdf))
    assert [p.index for p in pages] == [1, 2, 3]
    for page, original in zip(pages, jpegs):
        assert page.error is None
        assert page.media_type == "image/jpeg"
        assert page.data == original  # byte-identical: no re-encoding
        img = Image.open(io.BytesIO(original))
        assert (page.width, page.height) == img.size
        assert page.dpi == DPI


def test_vector_pdf_is_rasterised(tmp_path: Path, iter_pages) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "vector.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawString(72, 700, "Vector text page 1")
    c.showPage()
    c.drawString(72, 700, "Vector text page 2")
    c.save()
    pages = list(iter_pages(path))
    assert len(pages) == 2
    assert all(p.media_type == "image/png" and p.dpi == 300 for p in pages)
    assert abs(pages[0].width - round(A4[0] / 72 * 300)) <= 2


def test_multipage_tiff(tmp_path: Path, iter_pages) -> None:
    frames = [render_page(s, dpi=DPI).convert("L") for s in range(3)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(DPI, DPI))
    pages = list(iter_pages(path))
    assert [p.index for p in pages] == [1, 2, 3]
    for page, frame in zip(pages, frames):
        assert page.error is None and page.dpi == DPI
        assert Image.open(io.BytesIO(page.data)).tobytes() == frame.tobytes()  # lossless


@pytest.mark.parametrize("fmt,media", [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_single_image_kept_as_is(tmp_path: Path, fmt: str, media: str, iter_pages) -> None:
    data = encode(render_page(5, dpi=DPI), fmt, DPI)
    path = tmp_path / ("page.bin")  # extension says nothing; content decides
    path.write_bytes(data)
    [page] = list(iter_pages(path))
    assert page.media_type == media and page.data == data and page.dpi == DPI


def test_zip_in_natural_order_and_unsafe_names_skipped(tmp_path: Path, iter_pages) -> None:
    imgs = {f"vol/page{n}.png": encode(render_page(n, dpi=DPI, lines=2), "PNG", DPI) for n in (1, 2, 10)}
    path = tmp_path / "pages.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name in ("vol/page10.png", "vol/page2.png", "vol/page1.png"):
            zf.writestr(name, imgs[name])
        zf.writestr("../evil.png", imgs["vol/page1.png"])
        zf.writestr("__MACOSX/._page1.png", b"junk")
    pages = list(iter_pages(path))
    assert [p.data for p in pages] == [imgs["vol/page1.png"], imgs["vol/page2.png"], imgs["vol/page10.png"]]
    assert not (tmp_path.parent / "evil.png").exists()


def test_zip_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("page1.tif", b"\0" * (300 * 1024 * 1024))
    with pytest.raises(DecompressionBombError) as e:
        list(sandbox.iter_pages(path))
    assert "bomb.zip" in str(e.value)


def test_folder_in_name_order_mixing_kinds(tmp_path: Path, jpegs: list[bytes], iter_pages) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    jpeg_pdf(jpegs[:2], folder / "b-10.pdf", dpi=DPI)
    (folder / "b-2.jpg").write_bytes(jpegs[2])
    (folder / ".hidden.jpg").write_bytes(jpegs[0])
    (folder / "a.png").write_bytes(encode(blank_page(1, dpi=DPI, bleed=False), "PNG", DPI))
    pages = list(iter_pages(folder))
    assert [p.index for p in pages] == [1, 2, 3, 4]
    assert [p.media_type for p in pages] == ["image/png", "image/jpeg", "image/jpeg", "image/jpeg"]
    assert pages[1].data == jpegs[2] and pages[2].data == jpegs[0] and pages[3].data == jpegs[1]


def test_inspect(tmp_path: Path, jpegs: list[bytes]) -> None:
    pdf = jpeg_pdf(jpegs, tmp_path / "scan.pdf", dpi=DPI)
    assert sources.inspect(pdf) == sources.ScanInfo("application/pdf", 3)
    assert sandbox.inspect(pdf) == sources.ScanInfo("application/pdf", 3)


def test_text_named_pdf_is_refused_by_content(tmp_path: Path) -> None:
    path = tmp_path / "立案决定书.pdf"
    path.write_text("这不是PDF，只是文字。\n", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError) as e:
        sandbox.inspect(path)
    message = str(e.value)
    assert "立案决定书.pdf" in message and "text" in message and ".pdf" in message


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(EmptyScanError, match="empty.jpg"):
        list(sources.iter_pages(path))


def test_encrypted_pdf_refused(tmp_path: Path, jpegs: list[bytes]) -> None:
    import pikepdf

    plain = jpeg_pdf(jpegs[:1], tmp_path / "plain.pdf", dpi=DPI)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(EncryptedPDFError, match="locked.pdf"):
        list(sandbox.iter_pages(locked))


def test_one_bad_page_does_not_stop_the_others(tmp_path: Path, jpegs: list[bytes]) -> None:
    bad = jpegs[1][: len(jpegs[1]) // 2]  # cut short, as a scanner that died mid-page
    pdf = jpeg_pdf([jpegs[0], jpegs[2]], tmp_path / "scan.pdf", dpi=DPI)
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        page2 = doc.pages[1]
        page2.Resources.XObject.Im0.write(bad, filter=pikepdf.Name.DCTDecode)
        doc.save(pdf)
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "1.jpg").write_bytes(jpegs[0])
    (folder / "2.jpg").write_bytes(bad)
    (folder / "3.jpg").write_bytes(jpegs[2])
    pages = list(sandbox.iter_pages(folder))
    assert [p.index for p in pages] == [1, 2, 3]
    assert pages[0].error is None and pages[2].error is None
    assert pages[1].error and "2.jpg" in pages[1].error


def test_sandbox_timeout_becomes_page_error_and_resumes(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "slow.pdf"
    c = canvas.Canvas(str(path), pagesize=(A4[0] * 4, A4[1] * 4))  # big vector pages: slow to render
    for _ in range(3):
        for i in range(4000):
            c.circle(50 + (i * 37) % 2000, 50 + (i * 53) % 3000, 40, fill=1)
        c.showPage()
    c.save()
    limits = sandbox.Limits(page_wall_seconds=0.05, open_wall_seconds=10, max_restarts=5)
    pages = list(sandbox.iter_pages(path, limits=limits))
    assert [p.index for p in pages] == [1, 2, 3]
    assert all(p.error and "slow.pdf" in p.error and "longer than" in p.error for p in pages)


def test_sandbox_crash_on_open_is_an_input_error(tmp_path: Path) -> None:
    # A memory limit far too small for the parser: the child dies, the caller does not.
    path = tmp_path / "a.png"
    path.write_bytes(encode(render_page(1, dpi=400), "PNG", 400))
    with pytest.raises(InputFileError) as e:
        list(sandbox.iter_pages(path, limits=sandbox.Limits(memory_bytes=100 * 1024**2)))
    assert "a.png" in str(e.value)
