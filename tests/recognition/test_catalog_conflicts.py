"""Catalog rows over two pages, and conflicts recorded across the volume."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"
COLS = (200, 300, 1130, 1450, 1960)


def row(seq: str, no: str, title: str, date: str, pages: str) -> list[tuple[int, str]]:
    return [(x, t) for x, t in zip(COLS, (seq, no, title, date, pages)) if t]


def header() -> list[tuple[int, str]]:
    return row("序号", "文号", "文书名称", "日期", "页号")


def test_catalog_over_two_pages(make_page: Callable[..., PageResult]) -> None:
    p1 = make_page(2, ["卷内文书目录", header(),
                       row("1", "青东公(刑)受案字[2018]5号", "受案登记表", "2018.01.16", "1"),
                       row("2", "青东公（刑）立字〔2018〕123号", "立案决定书", "20180117", "2-3"),
                       row("3", "", "询问笔录", "2018年1月18日", "4")])
    p2 = make_page(3, [header(), row("4", "青东公（刑）拘字〔2018〕7号", "拘留证", "2018.01.19", "5")])
    docs = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), p1, p2])
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [("dossier_cover", 1, 1), ("catalog", 2, 3)]
    entries = docs[1].plain_fields()["entries"]
    assert entries == [
        {"seq": 1, "doc_no": "青东公（刑）受案字〔2018〕5号", "title": "受案登记表", "date": "2018-01-16", "first_page": 1, "last_page": 1},
        {"seq": 2, "doc_no": "青东公（刑）立字〔2018〕123号", "title": "立案决定书", "date": "2018-01-17", "first_page": 2, "last_page": 3},
        {"seq": 3, "title": "询问笔录", "date": "2018-01-18", "first_page": 4, "last_page": 4},
        {"seq": 4, "doc_no": "青东公（刑）拘字〔2018〕7号", "title": "拘留证", "date": "2018-01-19", "first_page": 5, "last_page": 5},
    ]


@pytest.mark.parametrize("dash", ["〜", "―", "−", "‐"])
def test_page_ranges_with_other_dashes(make_page: Callable[..., PageResult], dash: str) -> None:
    p1 = make_page(2, ["卷内文书目录", header(), row("13", "青东公（刑）诉字〔2021〕512号", "起诉意见书", "2021.04.24", f"13{dash}14")])
    docs = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), p1])
    entry = docs[1].plain_fields()["entries"][0]
    assert (entry["first_page"], entry["last_page"]) == (13, 14)


def _decision(make_page: Callable[..., PageResult], index: int, case: str, no: str, conf: float = 0.9) -> PageResult:
    return make_page(index, [AUTH, "立案决定书", no, f"根据规定，决定对{case}立案侦查。", AUTH, "2018年1月17日"], conf=conf)


def test_misread_case_name_is_outvoted_and_recorded(make_page: Callable[..., PageResult]) -> None:
    pages = [
        make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]),
        _decision(make_page, 2, "张伟盗窍案", "青东公（刑）立字〔2018〕123号"),
        make_page(3, [AUTH, "立案告知书", "李明：", "你（单位）于2018年1月16日报称的张伟盗窃案，我局经审查，认为有犯罪事实，已决定立案。"]),
    ]
    docs = recognize(pages)
    fd = docs[1]
    assert fd.fields["case_name"].value == "张伟盗窃案"
    assert any(c["field"] == "case_name" and c["chosen"] == "张伟盗窃案" and
               {x["value"] for x in c["candidates"]} >= {"张伟盗窍案", "张伟盗窃案"} for c in fd.conflicts)


def test_catalog_disagreement_is_recorded_and_missing_date_filled(make_page: Callable[..., PageResult]) -> None:
    cat = make_page(2, ["卷内文书目录", header(), row("1", "青东公（刑）立字〔2018〕128号", "立案决定书", "2018.01.17", "1")],
                    conf=0.95)
    dec = make_page(3, [AUTH, "立案决定书", "青东公（刑）立字〔2018〕123号", "根据规定，决定对张伟盗窃案立案侦查。"], conf=0.6)
    docs = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), cat, dec])
    fd = docs[2]
    assert fd.fields["decided_on"].value == "2018-01-17" and fd.fields["decided_on"].page == 2
    assert fd.fields["doc_no"].value == "青东公（刑）立字〔2018〕128号"
    c = [c for c in fd.conflicts if c["field"] == "doc_no"]
    assert c and {x["source"] for x in c[0]["candidates"]} == {"page", "catalog"}


def test_genuinely_different_names_are_not_merged(make_page: Callable[..., PageResult]) -> None:
    docs = recognize([_decision(make_page, 1, "张伟盗窃案", "青东公（刑）立字〔2018〕1号"),
                      _decision(make_page, 2, "王芳诈骗案", "青东公（刑）立字〔2018〕2号"),
                      _decision(make_page, 3, "王芳诈骗案", "青东公（刑）立字〔2018〕3号")])
    assert docs[0].fields["case_name"].value == "张伟盗窃案"
    assert not docs[0].conflicts


def test_catalog_continuation_without_header_is_not_a_document(make_page: Callable[..., PageResult]) -> None:
    p1 = make_page(2, ["卷内文书目录", header(), row("1", "青东公（刑）立字〔2018〕1号", "立案决定书", "2018.01.17", "1")])
    p2 = make_page(3, [row("2", "青东公（刑）拘字〔2018〕7号", "拘留证", "2018.01.19", "2"),
                       row("3", "青东公（刑）提捕字〔2018〕8号", "提请批准逮捕书", "2018.01.25", "3"),
                       row("4", "青东公（刑）捕字〔2018〕9号", "逮捕证", "2018.02.01", "4")])
    docs = recognize([p1, p2])
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [("catalog", 2, 3)]
    assert [e["seq"] for e in docs[0].plain_fields()["entries"]] == [1, 2, 3, 4]


def test_confident_page_corrects_misread_catalog_row(make_page: Callable[..., PageResult]) -> None:
    cat = make_page(2, ["卷内文书目录", header(), row("1", "青东公（刑）立字〔2018〕128号", "立案决定书", "2018.01.17", "1")],
                    conf=0.5)
    dec = make_page(3, [AUTH, "立案决定书", "青东公（刑）立字〔2018〕123号", "根据规定，决定对张伟盗窃案立案侦查。",
                        AUTH, "2018年1月17日"], conf=0.95)
    docs = recognize([cat, dec])
    assert docs[1].fields["doc_no"].value == "青东公（刑）立字〔2018〕123号"
    assert docs[0].plain_fields()["entries"][0]["doc_no"] == "青东公（刑）立字〔2018〕123号"
    assert any(c["field"] == "entries[0].doc_no" for c in docs[0].conflicts)


def test_rule_read_as_one_before_a_page_number(make_page: Callable[..., PageResult]) -> None:
    p = make_page(2, ["卷内文书目录", header(),
                      row("1", "青东公（刑）立字〔2018〕1号", "立案决定书", "2018.01.17", "1"),
                      row("2", "青东公（刑）拘字〔2018〕7号", "拘留证", "2018.01.19", "12"),
                      row("3", "青东公（刑）诉字〔2018〕9号", "起诉意见书", "2018.03.19", "3-4")])
    entries = recognize([p])[0].plain_fields()["entries"]
    assert [(e["first_page"], e["last_page"]) for e in entries] == [(1, 1), (2, 2), (3, 4)]


def test_number_head_cut_off_its_digits_is_not_the_title() -> None:
    from scanning.recognition.catalog import _classify_cell
    from scanning.types import Word

    def cell(text: str, x: int) -> list[Word]:
        return [Word(text, (x, 100, x + 40 * len(text), 140), 90.0, 0)]

    entry: dict = {}
    for text, x in (("汪槐公（刑）提捕字写", 270), ("提请批准逮捕书", 760), ("2018年3月31日", 1100)):
        _classify_cell(entry, text, cell(text, x), 2)
    assert entry["title"].value == "提请批准逮捕书" and entry["date"].value == "2018-03-31"
    # of two candidate title cells, the one nearer a known title wins whatever the order
    entry = {}
    for text, x in (("国史", 270), ("取保候审决定书", 760)):
        _classify_cell(entry, text, cell(text, x), 2)
    assert entry["title"].value == "取保候审决定书"


def _pages_of(make_page: Callable[..., PageResult], cells: list[str]) -> list[tuple[int, int] | None]:
    titles = ["受案登记表", "立案决定书", "询问笔录", "拘留证", "逮捕证", "起诉意见书"]
    rows = [row(str(k + 1), "", titles[k], f"2018.01.{16 + k}", c) for k, c in enumerate(cells)]
    cat = make_page(2, ["卷内文书目录", header(), *rows])
    entries = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), cat])[1].plain_fields()["entries"]
    return [(e["first_page"], e["last_page"]) if "first_page" in e else None for e in entries]


def test_page_cells_read_again_only_where_they_do_not_fit(make_page: Callable[..., PageResult]) -> None:
    # a rule read as 1 before the number (11 for 1, 13 for 3), a lost dash (12 for 1-2)
    assert _pages_of(make_page, ["11", "2", "13", "4-6"]) == [(1, 1), (2, 2), (3, 3), (4, 6)]
    assert _pages_of(make_page, ["12", "3", "4"]) == [(1, 2), (3, 3), (4, 4)]
    # a row without a range between: 17 does not fit before 11, 7 does
    assert _pages_of(make_page, ["5", "", "17", "11"])[2] == (7, 7)
    # readings that fit are kept
    assert _pages_of(make_page, ["1", "2-11", "12", "13-15"]) == [(1, 1), (2, 11), (12, 12), (13, 15)]


def test_title_and_date_read_as_one_cell() -> None:
    from scanning.recognition.catalog import _classify_cell
    from scanning.types import Word

    entry: dict = {}
    for text, x in (("青东公（刑）解保字[2018]544号", 355), ("解除取保候审决定书2018年7月11日", 967), ("11", 1624)):
        _classify_cell(entry, text, [Word(text, (x, 100, x + 40 * len(text), 140), 90.0, 0)], 3)
    assert entry["title"].value == "解除取保候审决定书" and entry["date"].value == "2018-07-11"
    assert entry["doc_no"].value == "青东公（刑）解保字〔2018〕544号" and entry["first_page"].value == 11


def test_compiler_read_on_cover_and_backup_sheet(make_page: Callable[..., PageResult]) -> None:
    cover = make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案", "本卷共3页", "立卷人：孙敏文"], conf=0.9)
    backup = make_page(2, ["卷内备考表", "本卷共有文书材料3页。", "立卷人：孙人敏文", "检查人：赵刚"], conf=0.55)
    docs = recognize([cover, backup])
    f = docs[1].plain_fields()
    assert f["compiled_by"] == "孙敏文" and f["checked_by"] == "赵刚"
    assert any(c["field"] == "compiled_by" for c in docs[1].conflicts)
    # a different person on the cover is no misreading: the sheet keeps its own
    cover = make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案", "立卷人：王立强"], conf=0.9)
    assert recognize([cover, backup])[1].plain_fields()["compiled_by"] == "孙人敏文"


def test_number_pieces_in_cells_and_titles_inside_them() -> None:
    from scanning.recognition.catalog import _classify_cell
    from scanning.types import Word

    def run(cells: list[tuple[str, int]]) -> dict:
        entry: dict = {}
        for text, x in cells:
            _classify_cell(entry, text, [Word(text, (x, 100, x + 40 * len(text), 140), 90.0, 0)], 2)
        return entry

    # the abbreviation alone in a cell (the rest of the number in the next) is no title
    e = run([("浅槐公", 270), ("立案决定书", 760), ("2018年3月28日", 1100)])
    assert e["title"].value == "立案决定书"
    # a known title printed whole inside a cell that caught a number's pieces
    e = run([("东中公人刑解保子解除取保候审决定书号", 270)])
    assert e["title"].value == "解除取保候审决定书"


def test_catalog_number_without_its_head_never_replaces_the_documents(make_page: Callable[..., PageResult]) -> None:
    cat = make_page(2, ["卷内文书目录", header(), row("1", "立字〔2018〕128号", "立案决定书", "2018.01.17", "1")], conf=0.95)
    doc = _decision(make_page, 3, "张伟盗窃案", "青东公（刑）立字〔2018〕128号", conf=0.6)
    docs = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), cat, doc])
    assert docs[2].fields["doc_no"].value == "青东公（刑）立字〔2018〕128号"


def test_a_range_read_in_the_text_outweighs_the_digits_only_reading_of_its_first_page(
        make_page: Callable[..., PageResult]) -> None:
    from scanning.recognition.catalog import _grid_number
    from scanning.recognition.text import PageText
    from scanning.types import Cell

    pt = PageText.from_page(make_page(2, ["卷内文书目录"]))
    # the digits-only model has no range mark among its characters: 11～12 comes back 11
    cell = Cell(11, 4, (2000, 800, 2200, 860), "11～12", 0.95, digits=("11",))
    entry: dict = {}
    assert _grid_number(entry, "pages", pt, cell, [], cell.text, 11)
    assert (entry["first_page"].value, entry["last_page"].value) == (11, 12)
    # a single page read alike by both stays a single page
    cell = Cell(12, 4, (2000, 860, 2200, 920), "13", 0.95, digits=("13",))
    entry = {}
    assert _grid_number(entry, "pages", pt, cell, [], cell.text, 13)
    assert (entry["first_page"].value, entry["last_page"].value) == (13, 13)


@pytest.mark.parametrize("text, digits, due, pages", [
    ("第1页", ("81",), 1, (1, 1)),  # the digits-only model reads 第 as a figure
    ("第13至14页", ("813145",), 13, (13, 14)),
    ("第5-7页", (), 5, (5, 7)),
    ("第5页至第7页", (), 5, (5, 7)),
])
def test_page_ranges_written_in_words(make_page: Callable[..., PageResult], text: str, digits: tuple[str, ...],
                                      due: int, pages: tuple[int, int]) -> None:
    """A catalog whose page column is written 第5页 or 第5至7页: the words' reading is the range,
    never the digits-only one that reads 第 and 页 as figures."""
    from scanning.recognition.catalog import _grid_number, page_range
    from scanning.recognition.text import PageText
    from scanning.types import Cell

    pt = PageText.from_page(make_page(2, ["卷内文书目录"]))
    entry: dict = {}
    assert _grid_number(entry, "pages", pt, Cell(3, 6, (2000, 800, 2200, 860), text, 0.9, digits=digits), [], text, due)
    assert (entry["first_page"].value, entry["last_page"].value) == pages
    assert page_range(text) == pages
    assert page_range("第页") is None and page_range("第5") is None and page_range("5页") is None
