"""Ruled tables read cell by cell (scanning.tables) and the catalog read from its cells.

The tables here are drawn by the test itself (not by scanning.synthetic): a four-column
catalog in another layout than the generator's, thick and thin rules, a slant left
by an imperfect deskew, and pages with no table at all.
"""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from ecase.intake.pages import ocr_from_json, ocr_to_json
from scanning.ocr import ocr_image
from scanning.recognition.catalog import entry_rows
from scanning.recognition.text import PageText
from scanning.tables import erase_rules, find_grid, read_table
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
