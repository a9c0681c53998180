"""Labels printed top to bottom, read by the PP-OCR engine as one word each (a column), and
never on a page turned a quarter, whose every line is tall."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from scanning.ocr import get_engine
from scanning.ocr.ppocr import _join_columns
from scanning.recognition.text import is_column
from scanning.synthetic import make_case, render_document
from scanning.types import Word

ppocr_engine = get_engine("ppocr")
needs_ppocr = pytest.mark.skipif(not ppocr_engine.available(), reason="PP-OCR (the ppocr extra) not installed")


@pytest.fixture(scope="module")
def national_form() -> Image.Image:
    # the acceptance form as national templates print it: 报/案/人 beside the reporter's rows,
    # 简/要/案/情, 受/案/意/见 and 受/案/审/批 top to bottom in narrow cells
    return render_document("acceptance_form", make_case(5), seed=5, family="national_form", dpi=300)[0].convert("L")


@needs_ppocr
@pytest.mark.slow
def test_columns_are_read_as_one_word_each(national_form: Image.Image) -> None:
    ocr = ppocr_engine.read(national_form, 300)
    columns = {w.text for w in ocr.words if is_column(w)}
    assert {"报案人", "简要案情", "受案意见", "受案审批"} <= columns, columns


@needs_ppocr
@pytest.mark.slow
def test_a_page_turned_a_quarter_has_no_columns(national_form: Image.Image) -> None:
    ocr = ppocr_engine.read(national_form.rotate(90, expand=True, fillcolor=255), 300)
    assert not [w.text for w in ocr.words if len(w.text) > 1 and is_column(w) and not w.text.isascii()]


def _char(text: str, x: int, y: int, size: int = 40) -> list[Word]:
    return [Word(text, (x, y, x + size, y + size), 0.9)]


def test_characters_alone_on_their_lines_stacked_make_a_column() -> None:
    grey = np.full((600, 600), 255, np.uint8)
    lines = [_char("犯", 100, 100), _char("罪", 100, 160), _char("嫌", 100, 220) + _char("姓", 300, 220)]
    joined = _join_columns(lines, grey)
    assert [w.text for ws in joined for w in ws] == ["姓", "犯罪嫌"]


def test_a_rule_between_characters_or_digits_make_no_column() -> None:
    img = Image.new("L", (600, 600), 255)
    ImageDraw.Draw(img).line((80, 150, 160, 150), fill=0, width=3)  # a cell border under 犯
    lines = [_char("犯", 100, 100), _char("罪", 100, 160), _char("嫌", 100, 220)]
    assert [w.text for ws in _join_columns(lines, np.asarray(img)) for w in ws] == ["犯", "罪", "嫌"]
    digits = [_char("1", 100, 100), _char("2", 100, 160), _char("3", 100, 220)]  # a catalog's 序号 column
    assert len(_join_columns(digits, np.full((600, 600), 255, np.uint8))) == 3
