"""Ticks OCR did not read (scanning.marks): a stroke inside empty brackets or an empty box."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from scanning.marks import read_ticks
from scanning.ocr.lines import add_line
from scanning.types import PageOCR, Word

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SIZE = 60


def _options(marks: dict[str, str], *, noise: bool = False) -> tuple[Image.Image, PageOCR]:
    """A line of options （mark）word …, drawn, and the reading of it with every mark lost
    (the brackets read, nothing between them)."""
    img = Image.new("L", (1400, 200), 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, SIZE)
    words: list[Word] = []
    x = 40
    for word, mark in marks.items():
        for ch in "（", "）":
            w = int(f.getlength(ch))
            d.text((x, 60), ch, font=f, fill=0)
            words.append(Word(ch, (x + w // 3 if ch == "（" else x, 70, x + w if ch == "（" else x + 2 * w // 3, 130), 0.9))
            if ch == "（":
                if mark == "tick":  # a pen's tick, as wide as a character
                    d.line((x + w + 8, 100, x + w + 22, 120), fill=0, width=5)
                    d.line((x + w + 22, 120, x + w + 50, 72), fill=0, width=5)
                x += w + SIZE
            else:
                x += w
        for ch in word:
            d.text((x, 60), ch, font=f, fill=0)
            words.append(Word(ch, (x, 70, x + SIZE, 130), 0.9))
            x += SIZE + 4
        x += 30
    if noise:
        rng = random.Random(3)
        for _ in range(400):
            px, py = rng.randrange(1400), rng.randrange(200)
            d.point((px, py), fill=0)
    ocr = PageOCR(img.width, img.height)
    add_line(ocr, words)
    return img, ocr


def _text(ocr: PageOCR) -> str:
    return "".join(line.text for line in ocr.lines)


def test_a_tick_between_brackets_is_put_back() -> None:
    img, ocr = _options({"报案": "", "投案": "tick", "扭送": ""})
    assert _text(ocr) == "（）报案（）投案（）扭送"
    assert _text(read_ticks(img, ocr)) == "（）报案（√）投案（）扭送"


def test_specks_are_no_tick() -> None:
    img, ocr = _options({"报案": "", "投案": ""}, noise=True)
    assert read_ticks(img, ocr) is ocr


def test_an_empty_box_holding_a_stroke_is_ticked() -> None:
    img = Image.new("L", (400, 200), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((40, 60, 100, 120), outline=0, width=4)  # □ with a tick in it
    d.line((52, 92, 66, 108), fill=0, width=5)
    d.line((66, 108, 92, 68), fill=0, width=5)
    d.rectangle((200, 60, 260, 120), outline=0, width=4)  # □ left empty
    ocr = PageOCR(img.width, img.height)
    add_line(ocr, [Word("□", (40, 60, 101, 121), 0.9), Word("是", (110, 60, 170, 120), 0.9),
                   Word("□", (200, 60, 261, 121), 0.9), Word("否", (270, 60, 330, 120), 0.9)])
    assert _text(read_ticks(img, ocr)) == "☑是□否"


def _boxed_options(ticked: str, *, read: dict[str, str] | None = None) -> tuple[Image.Image, PageOCR]:
    """A line of printed boxes each before its option (□报案 □投案 …), ``ticked`` ticked by
    a pale pen, and a reading that lost every box (or read one as ``read[option]``)."""
    img = Image.new("L", (1600, 200), 230)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, SIZE)
    words: list[Word] = []
    x = 40
    for word in ("报案", "投案", "扭送", "其他"):
        d.rectangle((x, 80, x + 44, 124), outline=30, width=4)
        if word == ticked:  # a tick in grey ink, its long stroke out of the box
            d.line((x + 10, 100, x + 24, 118), fill=140, width=5)
            d.line((x + 24, 118, x + 58, 62), fill=140, width=5)
        if read and word in read:
            words.append(Word(read[word], (x + 36, 82, x + 46, 122), 0.7))
        x += 80
        for ch in word:
            d.text((x, 60), ch, font=f, fill=30)
            words.append(Word(ch, (x, 70, x + SIZE, 130), 0.9))
            x += SIZE + 4
        x += 60
    ocr = PageOCR(img.width, img.height)
    add_line(ocr, words)
    return img, ocr


def test_boxes_the_reading_lost_are_put_back_and_the_ticked_one_ticked() -> None:
    img, ocr = _boxed_options("扭送")
    assert _text(ocr) == "报案投案扭送其他"
    assert _text(read_ticks(img, ocr)) == "□报案□投案☑扭送□其他"
    # a box's side read as 1 is the box, not a figure
    img, ocr = _boxed_options("报案", read={"投案": "1"})
    assert _text(read_ticks(img, ocr)) == "☑报案□投案□扭送□其他"


def test_a_characters_own_square_is_no_box() -> None:
    """口 and 回 inside words, read as such, stay what they are; a square nothing follows
    (a page's frame corner, a stamp's box) is put nowhere."""
    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, SIZE)
    words = []
    x = 40
    for ch in "出口回收":
        d.text((x, 60), ch, font=f, fill=0)
        words.append(Word(ch, (x, 66, x + SIZE, 132), 0.9))
        x += SIZE + 4
    d.rectangle((760, 80, 804, 124), outline=0, width=4)  # a lone square, far right
    ocr = PageOCR(img.width, img.height)
    add_line(ocr, words)
    assert read_ticks(img, ocr) is ocr


def test_a_box_read_on_two_lines_leaves_no_empty_line() -> None:
    """A box read twice, as a mark on the option's line and as a line of its own (■): both
    readings give way to the one box, and the line that held only the second is gone."""
    img, ocr = _boxed_options("投案", read={"报案": "1"})
    words = [Word(w.text, w.box, w.conf) for w in ocr.words]
    ocr = PageOCR(img.width, img.height)
    add_line(ocr, words)
    add_line(ocr, [Word("■", (42, 82, 84, 123), 0.6)])  # the first box again, read as filled
    out = read_ticks(img, ocr)
    assert [line.text for line in out.lines] == ["□报案☑投案□扭送□其他"]
    assert all(w.line == 0 for w in out.words)
