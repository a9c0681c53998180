"""Ticked boxes and table cells of the acceptance form, with the marks as Tesseract reads them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"


def form(make_page: Callable[..., PageResult], sources: str, opinions: list[str]) -> PageResult:
    return make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, "姓名 李明 性别 男 出生日期 1980年1月2日")],
        [(300, "身份证件"), (600, "居民身份证 证件号码 11010519491231002X")],
        [(300, "接报民警"), (600, "王强"), (1100, "接报时间 2018年1月16日10时30分")],
        [(300, "案件来源"), (600, sources)],
        [(300, "简要案"), (600, "2018年1月16日，报案人李明报称其电动车")],
        [(300, "情"), (600, "被盗，请求处理。")],
        *[[(300, "受案意见" if i == 0 else ""), (600, o)] for i, o in enumerate(opinions)],
        [(600, "受案部门负责人：赵刚")], [(600, "2018年1月16日")],
    ])


OPINIONS = ["属于本单位管辖的刑事案件，建议及时立案侦查", "属于本单位管辖的行政案件，建议及时调查处理",
            "不属于本单位管辖，建议移送有关单位处理", "不属于公安机关职责范围，不予调查处理", "其他"]


@pytest.mark.parametrize("mark", ["☑", "回", "团", "M", "√", ""])
def test_ticked_box_however_read(make_page: Callable[..., PageResult], mark: str) -> None:
    sources = f"口110指令 口工作中发现 {mark}报案 口投案 口移送 口扭送 口其他"
    opinions = ["口" + OPINIONS[0], mark + OPINIONS[1], "口" + OPINIONS[2], "口" + OPINIONS[3], "口" + OPINIONS[4]]
    f = recognize([form(make_page, sources, opinions)])[0].plain_fields()
    assert f["case_source"] == "报案"
    assert f["opinion"] == "administrative"


def test_a_label_character_wrapped_between_an_empty_box_and_its_option(make_page: Callable[..., PageResult]) -> None:
    # the label cell 案件来源 wrapped (案件来 / 源): its 源 is read between the last box and 其他
    sources = "口110指令口工作中发现口报案口投案国移送口扭送口源其他"
    f = recognize([form(make_page, sources, ["口" + o for o in OPINIONS])])[0].plain_fields()
    assert f["case_source"] == "移送"


def test_no_tick_no_value(make_page: Callable[..., PageResult]) -> None:
    sources = "口110指令 口工作中发现 口报案 口投案 口移送 口扭送 口其他"
    f = recognize([form(make_page, sources, ["口" + o for o in OPINIONS])])[0].plain_fields()
    assert "case_source" not in f and "opinion" not in f


def test_form_cells(make_page: Callable[..., PageResult]) -> None:
    sources = "☑110指令 □工作中发现 □报案 □投案 □移送 □扭送 □其他"
    f = recognize([form(make_page, sources, ["☑" + OPINIONS[0]] + ["□" + o for o in OPINIONS[1:]])])[0].plain_fields()
    assert f["case_source"] == "110指令" and f["opinion"] == "criminal"
    assert f["reporter_name"] == "李明"
    assert f["reporter_id_no"] == "11010519491231002X"
    assert f["received_at"] == "2018-01-16T10:30"
    assert f["receiving_officer"] == "王强"
    assert f["summary"] == "2018年1月16日，报案人李明报称其电动车被盗，请求处理。"
    assert f["accepted_on"] == "2018-01-16"
    assert f["doc_no"] == "青东公（刑）受案字〔2018〕5号"


def test_an_id_number_wrapped_in_its_cell_is_read_from_the_cell() -> None:

    from scanning.types import Cell, Line, PageOCR, Word

    words = [Word(ch, (300 + 44 * k, 200 + 70 * n, 340 + 44 * k, 240 + 70 * n), 90.0, n)
             for n, row in enumerate([AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号", "证件号码11010519491231002", "X"])
             for k, ch in enumerate(row)]
    lines = [Line("", (0, 0, 1, 1), 0.9)]
    cell = Cell(1, 2, (280, 400, 1600, 560), "证件号码11010519491231002 X", 0.91)
    page = PageResult(index=1, ocr=PageOCR(2480, 3508, words, lines, [cell]))
    f = recognize([page])[0].plain_fields()
    assert f["reporter_id_no"] == "11010519491231002X"


def test_receiving_officer_with_a_mark_read_after_the_name(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "接报民警"), (600, "蔡萍_"), (1100, "接报时间 2018年1月16日10时30分")],
    ])
    assert recognize([page])[0].plain_fields()["receiving_officer"] == "蔡萍"


def test_fields_the_rows_cut_are_read_from_the_cells(make_page: Callable[..., PageResult]) -> None:
    """A form printed in narrow label cells: the page's rows cut labels and values where they
    wrap (接报民 / 警, …20时 / 5分; 简要案 / 情 with the summary's first figure beside 简要案);
    the table's cells, read one by one, hold them whole."""
    from scanning.types import Cell

    label, value = 192, 368  # the label column is three characters wide; its labels wrap
    page = make_page(1, [AUTH, "受案登记表", "东西公（刑）受案字[2017]68号",
                         [(label, "报案"), (value, "袁国芳"), (700, "性别男")],
                         [(label, "接报民"), (value, "孔军永"), (700, "接报时间2017年4月24日20时")], [(label, "警"), (700, "5分")],
                         [(label, "案件来"), (value, "□110指令☑扭送□其他")], [(label, "源")],
                         [(label, "简要案"), (value, "2017年4月24日，报案人袁国芳报称其在东临市北岭区建")],
                         [(label, "情"), (value, "设路55号发生盗窃一事，请求公安机关处理。")],
                         [(label, "受案意"), (value, "☑属于本单位管辖的刑事案件，建议及时立案侦查")], [(label, "见")]])
    rows = [("接报民警", "孔军永", "接报时间2017年4月24日20时5分"),
            ("简要案情", "2017年4月24日，报案人袁国芳报称其在东临市北岭区建设路55号发生盗窃一事，请求公安机关处理。", None)]
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            if text:
                page.ocr.cells.append(Cell(r, c, (176 + 400 * c, 600 + 150 * r, 576 + 400 * c, 750 + 150 * r), text, 0.95))
    f = recognize([page])[0].plain_fields()
    assert f["received_at"] == "2017-04-24T20:05"
    assert f["summary"] == "2017年4月24日，报案人袁国芳报称其在东临市北岭区建设路55号发生盗窃一事，请求公安机关处理。"
    # without cells the summary still keeps its first figure (简要案 matched, not 简要案2)
    page.ocr.cells.clear()
    f = recognize([page])[0].plain_fields()
    assert f["summary"].startswith("2017年4月24日，报案人袁国芳")
    assert "received_at" not in f  # 20时 … 5分 cut by the wrapped 警: only the cell holds it whole


def test_a_summary_loses_the_head_of_the_next_label_wrapped_after_it() -> None:
    from scanning.recognition.fields import _without_labels

    assert _without_labels("2019年5月1日，报案人郝涛报称其被盗，请求公安机关处理。处理意") == \
        "2019年5月1日，报案人郝涛报称其被盗，请求公安机关处理。"
    # a sentence that merely ends in words no label opens with is kept whole
    assert _without_labels("请求公安机关处理。特此登记") == "请求公安机关处理。特此登记"


def test_a_label_printed_over_several_rows_heads_the_labels_beside_it(make_page: Callable[..., PageResult]) -> None:
    """接/报 in one cell spanning the rows 民警, 地点: the officer is the 接报民警's. The spanning
    cell is read in pieces (a character a row, or nothing on a row); two rows of labels of
    their own (姓名 over 性别) are no such group."""
    from scanning.recognition.fields import group_labels
    from scanning.types import Cell

    page = make_page(1, [AUTH, "受案登记表", "东西公（刑）受案字[2017]68号",
                         [(200, "报案人"), (500, "袁国芳")], [(330, "民警"), (500, "孔军永")],
                         [(200, "接"), (330, "地点"), (500, "和平派出所")], [(200, "报"), (330, "方式"), (500, "报案")]])
    cells = [Cell(0, 0, (180, 600, 480, 700), "报案人", 0.95), Cell(0, 1, (480, 600, 1600, 700), "袁国芳", 0.95),
             Cell(1, 1, (300, 700, 480, 800), "民警", 0.95), Cell(1, 2, (480, 700, 1600, 800), "孔军永", 0.95),
             Cell(2, 0, (180, 800, 300, 900), "接", 0.95), Cell(2, 1, (300, 800, 480, 900), "地点", 0.95),
             Cell(2, 2, (480, 800, 1600, 900), "和平派出所", 0.95),
             Cell(3, 0, (180, 900, 300, 1000), "报", 0.95), Cell(3, 1, (300, 900, 480, 1000), "方式", 0.95),
             Cell(3, 2, (480, 900, 1600, 1000), "报案", 0.95)]
    assert group_labels(cells) == {(1, 1): "接报", (2, 1): "接报", (3, 1): "接报"}
    page.ocr.cells.extend(cells)
    assert recognize([page])[0].plain_fields()["receiving_officer"] == "孔军永"
    own = [Cell(0, 0, (180, 600, 300, 700), "姓名", 0.95), Cell(0, 1, (300, 600, 900, 700), "袁国芳", 0.95),
           Cell(1, 0, (180, 700, 300, 800), "性别", 0.95), Cell(1, 1, (300, 700, 900, 800), "女", 0.95)]
    assert group_labels(own) == {}
