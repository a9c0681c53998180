"""Ruled tables read cell by cell (scanning.tables) and the catalog read from its cells.

The tables here are drawn by the test itself (not by scanning.synthetic): a four-column
catalog in another layout than the generator's, thick and thin rules, a slant left
by an imperfect deskew, and pages with no table at all.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ecase.intake.pages import ocr_from_json, ocr_to_json
from scanning.ocr import ocr_image
from scanning.recognition.catalog import entry_rows
from scanning.recognition.text import PageText
from scanning.tables import MAX_SHEET, erase_rules, find_grid, group_positions, read_cells, read_table
from scanning.types import Cell, PageOCR, PageResult, Word

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
HEADER = ["顺序号", "文件题名", "日期", "页次"]
ROWS = [
    ["1", "受案登记表", "2019年3月2日", "1"],
    ["2", "立案决定书", "2019年3月4日", "2-3"],
    ["3", "询问笔录", "2019年3月5日", "4"],
    ["4", "拘留证", "2019年3月6日", "5"],
    ["5", "提请批准逮捕书", "2019年3月12日", "6-8"],
    ["6", "逮捕证", "2019年3月19日", "9"],
    ["7", "起诉意见书", "2019年4月27日", "10-11"],
]
COLS = [120, 620, 420, 200]  # column widths at 300 dpi


def draw_table(*, rule: int = 3, rows: list[list[str]] = ROWS, title: bool = True) -> tuple[Image.Image, list[int], list[int]]:
    """An A4 page at 300 dpi with a ruled four-column catalog; the rules' y and x positions."""
    img = Image.new("L", (2480, 3508), 250)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 42)
    if title:
        d.text((900, 250), "卷 内 目 录", font=ImageFont.truetype(FONT, 80), fill=0)
    x0, y0, row_h = 300, 480, 150
    xs = [x0]
    for w in COLS:
        xs.append(xs[-1] + w)
    ys = [y0 + k * row_h for k in range(len(rows) + 2)]
    for y in ys:
        d.rectangle((xs[0], y - rule // 2, xs[-1], y + (rule - 1) // 2), fill=0)
    for x in xs:
        d.rectangle((x - rule // 2, ys[0], x + (rule - 1) // 2, ys[-1]), fill=0)
    for r, cells in enumerate([HEADER, *rows]):
        for c, text in enumerate(cells):
            d.text((xs[c] + 22, ys[r] + 45), text, font=f, fill=0)
    return img, ys, xs


def slant(img: Image.Image, deg: float) -> Image.Image:
    return img.rotate(deg, resample=Image.Resampling.BILINEAR, fillcolor=250)


def test_grid_of_a_ruled_table() -> None:
    img, ys, xs = draw_table()
    grid = find_grid(img, dpi=300)
    assert grid is not None
    assert len(grid.ys) == len(ys) and len(grid.xs) == len(xs)
    assert all(abs(a - b) <= 3 for a, b in zip(grid.ys, ys))
    assert all(abs(a - b) <= 3 for a, b in zip(grid.xs, xs))


@pytest.mark.parametrize("deg", [0.25, -0.25])
def test_grid_survives_a_slight_slant(deg: float) -> None:
    img, ys, xs = draw_table(rule=2)
    grid = find_grid(slant(img, deg), dpi=300)
    assert grid is not None
    assert (len(grid.ys), len(grid.xs)) == (len(ys), len(xs))


def test_no_grid_on_text_or_a_lone_underline() -> None:
    img = Image.new("L", (2480, 3508), 250)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 42)
    for k in range(30):
        d.text((250, 300 + 90 * k), "经审查，报案人称其在东山市北园大街发生盗窃一事，决定立案侦查。" * 1, font=f, fill=0)
    assert find_grid(img, dpi=300) is None
    d.rectangle((300, 3200, 2200, 3202), fill=0)  # a signature line
    assert find_grid(img, dpi=300) is None


def test_rules_are_erased_and_text_kept() -> None:
    import numpy as np

    img, ys, xs = draw_table()
    grid = find_grid(img, dpi=300)
    assert grid is not None
    before = np.asarray(img)
    after = erase_rules(before, grid, dpi=300)
    # no dark pixel left on any rule line
    for y in ys:
        assert (after[y, xs[0] + 5 : xs[-1] - 5] < 128).sum() == 0
    for x in xs:
        assert (after[ys[0] + 5 : ys[-1] - 5, x] < 128).sum() == 0
    # the characters in the cells are all still there
    inner = (slice(ys[1] + 10, ys[2] - 10), slice(xs[1] + 10, xs[2] - 10))
    assert (after[inner] < 128).sum() == (before[inner] < 128).sum() > 200


def test_cells_round_trip_through_the_stored_json() -> None:
    ocr = PageOCR(width=10, height=10, words=[Word("1", (1, 1, 2, 2), 90.0, 0)],
                  cells=[Cell(1, 0, (0, 0, 5, 5), "了", 40.0, ("7", "7"))])
    back = ocr_from_json(ocr_to_json(ocr))
    assert back is not None and back.cells == ocr.cells
    plain = ocr_to_json(PageOCR(width=1, height=1))
    assert "cells" not in plain and ocr_from_json(plain).cells == []  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.parametrize("deg", [0.0, 0.2])
def test_catalog_rows_read_from_the_cells(deg: float) -> None:
    """Real Tesseract: every row's number, title, date and pages, under another form's headers."""
    img, _, _ = draw_table()
    img = slant(img, deg) if deg else img
    table = read_table(img, ocr_image(img), dpi=300, numbers=True)
    assert table is not None and table.cells
    rows = entry_rows([PageText.from_page(PageResult(index=2, ocr=table))])
    got = [(r["seq"].value, r["title"].value, r["date"].value, r["first_page"].value, r["last_page"].value) for r in rows]
    want = []
    for seq, title, date, pages in ROWS:
        y, m, dd = (int(p) for p in date.replace("年", "-").replace("月", "-").rstrip("日").split("-"))
        a, _, b = pages.partition("-")
        want.append((int(seq), title, f"{y:04d}-{m:02d}-{dd:02d}", int(a), int(b or a)))
    assert got == want
    # every value points at its own cell on the page
    for r in rows:
        x0, y0, x1, y1 = r["title"].box  # type: ignore[misc]
        assert 300 + 120 - 5 <= x0 and x1 <= 300 + 120 + 620 + 5


def test_first_row_pages_read_as_the_range_that_starts_on_page_one() -> None:
    """The first row's page cell read 1=-2 (a dash read twice) and, digits only, 2: the
    catalog's documents start on page 1, so the reading 1–2 is the one the numbering expects."""
    def cell(row: int, col: int, text: str, digits: tuple[str, ...] = ()) -> Cell:
        return Cell(row, col, (100 + 300 * col, 100 + 100 * row, 400 + 300 * col, 200 + 100 * row), text, 90.0, digits)

    cells = [cell(0, 0, "序号"), cell(0, 1, "文书名称"), cell(0, 2, "页号"),
             cell(1, 0, "1", ("1", "1")), cell(1, 1, "行政判决书"), cell(1, 2, "1=-2", ("2", "")),
             cell(2, 0, "2", ("2", "2")), cell(2, 1, "行政复议决定书"), cell(2, 2, "3", ("3", "3"))]
    pt = PageText.from_page(PageResult(index=3, ocr=PageOCR(width=1200, height=400, cells=cells)))
    rows = entry_rows([pt])
    assert [(r["first_page"].value, r["last_page"].value) for r in rows] == [(1, 2), (3, 3)]


def test_a_number_column_with_its_header_misread_is_known_by_its_numbers() -> None:
    def cell(row: int, col: int, text: str, digits: tuple[str, ...] = ()) -> Cell:
        return Cell(row, col, (100 + 300 * col, 100 + 100 * row, 400 + 300 * col, 200 + 100 * row), text, 90.0, digits)

    cells = [cell(0, 0, "序号"), cell(0, 1, "文书名称"), cell(0, 2, "现号")]  # 页号 misread
    # the page cells' text misread too (工 for 1); their digits-only readings are right
    for r, (title, text, pages) in enumerate([("受案登记表", "工", "1"), ("立案决定书", "多", "2"), ("询问笔录", "图", "3-4")], 1):
        cells += [cell(r, 0, str(r), (str(r), str(r))), cell(r, 1, title), cell(r, 2, text, (pages, pages))]
    pt = PageText.from_page(PageResult(index=3, ocr=PageOCR(width=1200, height=500, cells=cells)))
    rows = entry_rows([pt])
    assert [(r["first_page"].value, r["last_page"].value) for r in rows] == [(1, 1), (2, 2), (3, 4)]


@pytest.mark.parametrize("text", ["岱西槐荫政复决子[2016]438-本", "岱西槐荫政复决字〔2016〕438与"])
def test_a_number_cell_whose_closing_hao_is_misread(text: str) -> None:
    def cell(row: int, col: int, t: str, digits: tuple[str, ...] = ()) -> Cell:
        return Cell(row, col, (100 + 300 * col, 100 + 100 * row, 400 + 300 * col, 200 + 100 * row), t, 90.0, digits)

    cells = [cell(0, 0, "序号"), cell(0, 1, "文号"), cell(0, 2, "文书名称"), cell(0, 3, "页号"),
             cell(1, 0, "1", ("1", "1")), cell(1, 1, text), cell(1, 2, "行政复议决定书"), cell(1, 3, "1", ("1", "1"))]
    pt = PageText.from_page(PageResult(index=3, ocr=PageOCR(width=1500, height=300, cells=cells)))
    assert entry_rows([pt])[0]["doc_no"].value == "岱西槐荫政复决字〔2016〕438号"


# ------------------------------------------------------------------ cells read on sheets a detector can see

class _BandReader:
    """A stand-in engine: keeps the sheets it is given and reads every band of ink rows on
    them as one word (where the band's ink is). It brings images down as PP-OCR does."""

    name = "bands"
    max_side = 2000

    def __init__(self) -> None:
        self.sheets: list[Image.Image] = []

    def read(self, image: Image.Image, dpi: int | None = None, layout: str = "page",
             charset: str | None = None, *, model: str | None = None) -> PageOCR:
        self.sheets.append(image.copy())
        ink = np.asarray(image.convert("L")) < 128
        ocr = PageOCR(width=image.width, height=image.height)
        for k, (top, bottom) in enumerate(group_positions(np.nonzero(ink.any(axis=1))[0], 8)):
            cols = np.nonzero(ink[top:bottom + 1].any(axis=0))[0]
            ocr.words.append(Word("字", (int(cols[0]), top, int(cols[-1]) + 1, bottom + 1), 90.0, k))
        return ocr


def test_cells_are_stacked_on_sheets_no_taller_than_a_detector_reads() -> None:
    """A page of cells stacked on one sheet is many thousand pixels tall, which PP-OCR's
    detector brings down to 2000 (text a few pixels high: lone digits, heads of lines and
    second lines lost). The cells go on several sheets instead, each word back in its cell,
    the sheets of the page's paper shade (no edge of a grey cut against the first character)."""
    rows = [[str(k), "受案登记表", f"2019年3月{k}日", str(k)] for k in range(1, 15)]
    img, ys, xs = draw_table(rows=rows)
    grid = find_grid(img, dpi=300)
    assert grid is not None
    engine = _BandReader()
    cells = read_cells(img, grid, dpi=300, engine=engine)  # type: ignore[arg-type]
    assert len(engine.sheets) > 1
    assert all(s.height <= MAX_SHEET for s in engine.sheets)
    assert all(s.getpixel((0, 0)) == 250 for s in engine.sheets)  # the page's paper
    # every cell of the table was read, and its words lie in it
    assert {(c.row, c.col) for c, _ in cells} == {(r, c) for r in range(len(rows) + 1) for c in range(len(COLS))}
    for cell, words in cells:
        x0, y0, x1, y1 = cell.box
        assert words and all(x0 <= w.box[0] < w.box[2] <= x1 and y0 <= w.box[1] < w.box[3] <= y1 for w in words)


CATALOG_200 = [  # a catalog as scanned at 200 dpi: grey paper, lone digits, numbers that wrap
    ("1", "受案登记表", "泺槐公（刑）受案字[2018]0", "0279号", "2018年03月27日", "1"),
    ("2", "受案回执", "泺槐公（刑）受案字[2018]0", "0279号", "2018年03月27日", "2"),
    ("3", "现场照片", "", "", "2018年03月28日", "3"),
    ("4", "取保候审决定书", "泺槐公（刑）取保字[2018]6", "25号", "2018年04月01日", "4"),
    ("5", "立案决定书", "泺槐公（刑）立字[2018]846", "号", "2018年03月28日", "5"),
    ("6", "立案告知书", "泺槐公（刑）立告字[2018]8", "3号", "2018年03月28日", "6"),
    ("7", "拘留证", "泺槐公（刑）拘字[2018]710", "号", "2018年03月28日", "7"),
    ("8", "询问笔录", "", "", "2018年03月27日", "8-9"),
    ("9", "提请批准逮捕书", "泺槐公（刑）提捕字[2018]6", "46号", "2018年03月31日", "10"),
    ("10", "逮捕证", "泺槐公（刑）捕字[2018]007", "54号", "2018年04月07日", "11"),
    ("11", "取保候审决定书", "泺槐公（刑）取保字[2018]6", "25号", "2018年04月01日", "12"),
    ("12", "解除取保候审决定书", "泺槐公（刑）解保字[2018]3", "11号", "2018年09月18日", "13"),
]


@pytest.mark.slow
def test_a_200_dpi_catalog_read_whole_cell_by_cell() -> None:
    """Real PP-OCR on a whole page of cells: every lone number, every date from its first
    digit, both lines of a wrapped document number (all lost on one tall sheet)."""
    from scanning.ocr import get_engine

    img = Image.new("L", (1653, 2338), 228)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 28)
    xs = [170, 248, 577, 1010, 1273, 1405]
    ys = [276 + 134 * k for k in range(len(CATALOG_200) + 2)]
    for y in ys:
        d.rectangle((xs[0], y - 1, xs[-1], y + 1), fill=0)
    for x in xs:
        d.rectangle((x - 1, ys[0], x + 1, ys[-1]), fill=0)
    header = ("序号", "文书名称", "文号", "", "日期", "页次")
    for r, (seq, title, no1, no2, date, pages) in enumerate([header, *CATALOG_200]):
        y = ys[r] + 22
        for c, text in enumerate((seq, title, no1, date, pages)):
            d.text((xs[c] + 10, y), text, font=f, fill=0)
        d.text((xs[2] + 10, y + 56), no2, font=f, fill=0)
    # a scan's specks of dust: a cell's ink reaches from rule to rule, its cut is tall
    a = np.asarray(img).copy()
    rng = np.random.default_rng(7)
    a[rng.integers(0, a.shape[0], 3000), rng.integers(0, a.shape[1], 3000)] = 60
    img = Image.fromarray(a)
    grid = find_grid(img, dpi=200)
    assert grid is not None
    def bare(text: str | None) -> str:  # digits, dashes and Chinese (a speck read as '.' aside)
        return re.sub(r"[^0-9\-\u4e00-\u9fff]", "", text or "")

    cells = {(c.row, c.col): bare(c.text) for c, _ in read_cells(img, grid, dpi=200, engine=get_engine("ppocr"))}
    for r, (seq, title, no1, no2, date, pages) in enumerate(CATALOG_200, 1):
        assert cells.get((r, 0)) == seq
        assert cells.get((r, 3)) == bare(date)
        assert cells.get((r, 4)) == pages
        if no1:
            assert cells.get((r, 2)) == bare(no1 + no2)
