"""The OCR engine interface: the registry, one confidence scale, both built-in engines."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from scanning import ocr
from scanning._exec import tesseract
from scanning.errors import MissingDependencyError
from scanning.ocr import Engine, EngineOptions, characters, get_engine, register
from scanning.ocr.lines import add_line
from scanning.types import PageOCR, Word

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SENTENCE = "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定"


def _line(text: str = SENTENCE, size: int = 42) -> Image.Image:
    img = Image.new("L", (1500, 300), 255)
    ImageDraw.Draw(img).text((60, 120), text, font=ImageFont.truetype(FONT, size), fill=0)
    return img


class _Fake(Engine):
    name = "fake"

    def available(self) -> bool:
        return True

    def version(self) -> str:
        return "1.0"

    def read(self, image: Image.Image, dpi: int | None = None, layout: str = "page",  # type: ignore[override]
             charset: str | None = None, *, model: str | None = None) -> PageOCR:
        out = PageOCR(image.width, image.height)
        add_line(out, [Word("立", (10, 10, 50, 50), 0.99), Word("案", (52, 10, 92, 50), 0.97)])
        return self.stamp(out)


def test_engines_are_registered_by_name_and_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {"tesseract", "ppocr"} <= set(ocr.names())
    monkeypatch.delenv("ECASE_OCR_ENGINE", raising=False)
    assert ocr.engine_name() == ocr.DEFAULT_ENGINE == "ppocr"  # issue 14's rule: the best field accuracy
    register("fake", _Fake)
    monkeypatch.setenv("ECASE_OCR_ENGINE", "fake")
    engine = get_engine()
    assert engine.name == "fake" and get_engine() is engine  # one instance per process and options
    assert get_engine("fake", options=EngineOptions(threads=2)) is not engine
    with pytest.raises(MissingDependencyError):
        get_engine("no-such-engine")


def test_the_service_and_ecase_extract_default_to_the_same_engine() -> None:
    from ecase.settings import SETTINGS

    assert {s.name: s.default for s in SETTINGS}["OCR_ENGINE"] == ocr.DEFAULT_ENGINE
    assert get_engine(ocr.DEFAULT_ENGINE).available()  # installed by both lock files


def test_the_pipeline_reads_with_the_engine_asked_for_and_records_it() -> None:
    import io

    from scanning.pipeline import process_page

    register("fake", _Fake)
    buf = io.BytesIO()
    _line().save(buf, format="PNG")
    result, _ = process_page(buf.getvalue(), dpi=300, index=1, engine="fake")
    assert result.error is None and result.ocr is not None
    assert (result.ocr.engine, result.ocr.engine_version) == ("fake", "1.0")
    assert result.ocr.text.startswith("立案")


def test_characters_split_a_word_along_its_box() -> None:
    assert characters(Word("A12", (0, 0, 30, 10), 0.9)) == [("A", (0, 0, 10, 10)), ("1", (10, 0, 20, 10)),
                                                          ("2", (20, 0, 30, 10))]


def test_ocr_json_keeps_the_engine_and_reads_old_tesseract_confidences() -> None:
    from ecase.intake.pages import ocr_from_json, ocr_to_json

    page = PageOCR(100, 50, engine="ppocr", engine_version="PP-OCRv4")
    add_line(page, [Word("立", (1, 2, 3, 4), 0.9871)])
    back = ocr_from_json(ocr_to_json(page))
    assert back is not None and (back.engine, back.engine_version) == ("ppocr", "PP-OCRv4")
    assert back.words[0].conf == pytest.approx(0.987)
    old = {"width": 10, "height": 10, "words": [["立", 1, 2, 3, 4, 91.5, 0]], "lines": [["立", 1, 2, 3, 4, 91.5]]}
    read = ocr_from_json(old)
    assert read is not None and read.engine == "tesseract" and read.words[0].conf == pytest.approx(0.915)


@pytest.mark.skipif(not tesseract.is_installed(), reason="tesseract not installed")
def test_tesseract_engine_reads_on_the_common_scale() -> None:
    engine = get_engine("tesseract")
    page = engine.read(_line(), 300, "block")
    assert page.engine == "tesseract" and page.engine_version.startswith(tesseract.version())
    assert Levenshtein.normalized_distance(page.text.replace("\n", ""), SENTENCE) < 0.1
    assert all(0.0 <= w.conf <= 1.0 for w in page.words)
    digits = engine.read(_line("第 1609 号", 60), 300, "line", "0123456789-", model=engine.models("numbers")[0])
    assert "1609" in digits.text


ppocr_engine = ocr.ppocr.PpOcrEngine()
needs_ppocr = pytest.mark.skipif(not ppocr_engine.available(), reason="PP-OCR (the ppocr extra) not installed")


@needs_ppocr
def test_ppocr_reads_a_line_with_a_box_for_every_character() -> None:
    img = _line()
    page = get_engine("ppocr").read(img, 300, "page")
    assert page.engine == "ppocr" and page.engine_version
    text = page.text.replace("\n", "")
    assert Levenshtein.normalized_distance(text, SENTENCE) < 0.1
    han = [w for w in page.words if "\u4e00" <= w.text[0] <= "\u9fff"]
    assert all(len(w.text) == 1 for w in han)  # one word per Chinese character
    assert all(0.0 <= w.conf <= 1.0 for w in page.words)
    ink = np.asarray(img) < 128
    xs = [w.box[0] for w in page.words]
    assert xs == sorted(xs)  # left to right, not overlapping much
    for w in han:
        x0, y0, x1, y1 = w.box
        assert 40 <= x0 < x1 <= 1500 and 100 <= y0 < y1 <= 200
        assert 20 <= x1 - x0 <= 60  # about one character of 42 px
        assert ink[y0:y1, x0:x1].mean() > 0.05  # on the character's ink


@needs_ppocr
def test_ppocr_reads_digits_only_when_told() -> None:
    engine = get_engine("ppocr")
    page = engine.read(_line("第1609号", 60), 300, "line", "0123456789-")
    assert page.text == "1609"
