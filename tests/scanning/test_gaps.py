"""Characters an engine skipped inside a line are read again (scanning.unread.read_gaps).

The strips are drawn by the test: printed words in black, a figure filled in another
typeface, lighter and set a little higher (本卷共有文书材料 6 页。), and lines whose gaps
hold only a form's own ink (an empty underlined blank, the border between two cells).
What the first pass "lost" is simulated by taking the figure's word out of a real reading,
so the tests do not depend on when an engine happens to drop it; the reading again is real.
"""

from __future__ import annotations

import unicodedata

import pytest
from PIL import Image, ImageDraw, ImageFont

from scanning.ocr import get_engine
from scanning.ocr.lines import add_line
from scanning.types import PageOCR, Word
from scanning.unread import gap_regions, read_gaps

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
KAI = "/usr/share/fonts/truetype/arphic/ukai.ttc"
SIZE = 46  # about 11 pt at 300 dpi

ENGINES = [e for e in ("tesseract", "ppocr") if get_engine(e).available()]
#: The default engine, the one whose recogniser drops such figures on the bench's pages (Tesseract
#: misreads this strip's figure as a quote rather than skipping it: its readings are only kept whole).
needs_ppocr = pytest.mark.skipif(not get_engine("ppocr").available(), reason="PP-OCR (the ppocr extra) not installed")


def strip(parts: list[tuple[str, str, int, int]], *, underline: tuple[int, int] | None = None,
          rule_at: int | None = None) -> tuple[Image.Image, list[tuple[str, tuple[int, int, int, int]]]]:
    """A 300 dpi strip holding ``parts`` (text, font, grey, raise) left to right, a blank
    between each; an underline from x to x (a blank of the form), a rule down at x (a cell
    border). Returns the image and each part's box."""
    img = Image.new("L", (1500, 160), 250)
    d = ImageDraw.Draw(img)
    x, boxes = 60, []
    for text, font, grey, up in parts:
        f = ImageFont.truetype(font, SIZE)
        left, top, right, bottom = d.textbbox((x, 50 - up), text, font=f)
        d.text((x, 50 - up), text, font=f, fill=grey)
        boxes.append((text, (left, top, right, bottom)))
        x = right + 22
    if underline:
        d.line([(underline[0], 112), (underline[1], 112)], fill=0, width=3)
    if rule_at:
        d.line([(rule_at, 20), (rule_at, 140)], fill=0, width=3)
    return img, boxes


def reading(img: Image.Image, engine: str, drop: str = "") -> PageOCR:
    """The strip read by ``engine``, with the characters of ``drop`` taken out of it."""
    first = get_engine(engine).read(img, 300, "line")
    out = PageOCR(img.width, img.height, engine=first.engine)
    words: list[Word] = []
    for w in first.words:
        text = "".join(c for c in w.text if unicodedata.normalize("NFKC", c) not in drop)
        if text.strip():
            words.append(Word(text, w.box, w.conf))
    add_line(out, words)
    return out


@needs_ppocr
def test_a_figure_skipped_between_printed_words_is_read_again() -> None:
    engine = "ppocr"
    img, boxes = strip([("本卷共有文书材料", SERIF, 0, 0), ("6", KAI, 90, 8), ("页。", SERIF, 0, 0)],
                       underline=(490, 560))
    first = reading(img, engine, drop="6")
    assert "6" not in unicodedata.normalize("NFKC", first.lines[0].text)
    figure = boxes[1][1]
    assert [ink for _, _, _, ink in gap_regions(img, first, 300) if ink[0] < figure[2] and figure[0] < ink[2]]
    again = read_gaps(img, first, dpi=300, engine=get_engine(engine))
    assert "材料6页" in unicodedata.normalize("NFKC", again.lines[0].text)
    assert again.words == sorted(again.words, key=lambda w: (w.line, w.box[0]))


@pytest.mark.parametrize("engine", ENGINES)
def test_nothing_is_read_twice(engine: str) -> None:
    img, _ = strip([("本卷共有文书材料", SERIF, 0, 0), ("6", KAI, 90, 8), ("页。", SERIF, 0, 0)])
    first = reading(img, engine)
    before = unicodedata.normalize("NFKC", first.lines[0].text)
    after = unicodedata.normalize("NFKC", read_gaps(img, first, dpi=300, engine=get_engine(engine)).lines[0].text)
    assert after.count("料") == before.count("料") and after.count("6") <= 1 and len(after) <= len(before) + 1
    if engine == "ppocr":  # it reads the line whole, figure included: no gap holds unread ink
        assert gap_regions(img, first, 300) == [] and after == before


def test_an_empty_blank_and_a_cell_border_are_no_characters() -> None:
    # 保管期限 ______ 长期 (the blank not filled in) and 姓名 | 张三 (a ruled cell's border)
    blank, boxes = strip([("保管期限", SERIF, 0, 0), ("　　", SERIF, 0, 0), ("长期", SERIF, 0, 0)],
                         underline=(270, 380))
    border, _ = strip([("姓名", SERIF, 0, 0), ("　", SERIF, 0, 0), ("张三", SERIF, 0, 0)], rule_at=180)
    for img in (blank, border):
        first = reading(img, ENGINES[0])
        assert gap_regions(img, first, 300) == []


class Scripted:
    """An engine whose line reading is given (what it reads in a gap, with its neighbours)."""

    name = "scripted"

    def __init__(self, words: list[tuple[str, float]]) -> None:
        self.words = words

    def read(self, image: Image.Image, dpi: int | None = None, layout: str = "page", *args, **kwargs) -> PageOCR:
        out = PageOCR(image.width, image.height, engine=self.name)
        step = image.width // max(1, len(self.words))
        add_line(out, [Word(t, (i * step, 5, (i + 1) * step - 2, image.height - 5), c) for i, (t, c) in enumerate(self.words)])
        return out


def _lost_figure() -> tuple[Image.Image, PageOCR]:
    img, boxes = strip([("材料", SERIF, 0, 0), ("6", KAI, 90, 8), ("页", SERIF, 0, 0)])
    out = PageOCR(img.width, img.height)
    # the printed words as an engine boxes them, one character a word; the figure lost
    chars = []
    for text, (x0, y0, x1, y1) in (boxes[0], boxes[2]):
        step = (x1 - x0) // len(text)
        chars += [Word(c, (x0 + i * step, y0, x0 + (i + 1) * step, y1), 0.99) for i, c in enumerate(text)]
    add_line(out, chars)
    return img, out


def test_what_lies_between_neighbours_read_back_is_added() -> None:
    img, first = _lost_figure()
    again = read_gaps(img, first, dpi=300, engine=Scripted([("料", 0.99), ("6", 0.8), ("页", 0.99)]))
    assert again.lines[0].text == "材料6页"
    # a piece of the character before, cut by the crop, may be read too: it is not added
    img, first = _lost_figure()
    again = read_gaps(img, first, dpi=300, engine=Scripted([("才", 0.9), ("料", 0.99), ("6", 0.8), ("页", 0.99)]))
    assert again.lines[0].text == "材料6页"


@pytest.mark.parametrize("words", [
    [("科", 0.99), ("6", 0.9), ("页", 0.99)],   # a neighbour read otherwise: the reading is not trusted
    [("料", 0.99), ("页", 0.99)],               # nothing read between them
    [("料", 0.99), ("8", 0.2), ("页", 0.99)],   # something read, not surely
    [("料6页", 0.95)],                          # the neighbours not read apart from it
    [("料", 0.99), ("）", 0.9), ("页", 0.99)],   # a mark alone read in the space: no character
])
def test_nothing_is_added_unless_the_neighbours_come_back_with_something_sure(words: list[tuple[str, float]]) -> None:
    img, first = _lost_figure()
    assert read_gaps(img, first, dpi=300, engine=Scripted(words)).lines[0].text == "材料页"
