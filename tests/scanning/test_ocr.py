"""ocr_image: words with boxes, lines joined the Chinese way, real Tesseract."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from scanning._exec import tesseract
from scanning.ocr import join_words, ocr_image, parse_tsv

pytestmark = pytest.mark.skipif(not tesseract.is_installed(), reason="tesseract not installed")


def test_join_words_spaces_only_between_latin_tokens() -> None:
    assert join_words(["立案", "决定", "书"]) == "立案决定书"
    assert join_words(["案件编号", "A3701050", "2018", "号"]) == "案件编号A3701050 2018号"
    assert join_words(["GB", "2312"]) == "GB 2312"
    assert join_words([]) == ""


def test_parse_tsv_groups_lines_and_skips_empty() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t90.5\t立案",
        "5\t1\t1\t1\t1\t2\t45\t21\t30\t40\t80.5\t决定书",
        "5\t1\t1\t1\t1\t3\t80\t21\t30\t40\t-1\t ",
        "4\t1\t1\t1\t2\t0\t0\t0\t0\t0\t-1\t",
        "5\t1\t1\t1\t2\t1\t10\t80\t30\t40\t70\tA12",
    ]
    page = parse_tsv("\n".join([header, *rows]), 200, 100)
    assert [w.text for w in page.words] == ["立案", "决定书", "A12"]
    assert [w.line for w in page.words] == [0, 0, 1]
    assert page.lines[0].text == "立案决定书"
    assert page.lines[0].box == (10, 20, 75, 61)
    assert page.lines[0].conf == pytest.approx(0.855)  # Tesseract's 0..100 on the engines' 0..1
    assert page.text == "立案决定书\nA12"


def test_reads_a_chinese_sentence_with_boxes_in_image_pixels() -> None:
    sentence = "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定"
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 42)
    img = Image.new("L", (1500, 300), 255)
    ImageDraw.Draw(img).text((60, 120), sentence, font=font, fill=0)
    page = ocr_image(img, psm=6)
    assert (page.width, page.height) == img.size
    text = page.text.replace("\n", "")
    assert Levenshtein.normalized_distance(text, sentence) < 0.1
    for w in page.words:
        x0, y0, x1, y1 = w.box
        assert 40 <= x0 < x1 <= 1500 and 100 <= y0 < y1 <= 200  # where the text was drawn
