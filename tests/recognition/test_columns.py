"""Labels printed top to bottom (a person's role in a cell beside their rows, 简/要/案/情 in a
narrow cell) and options ticked in brackets, read by recognition from a page's words."""

from __future__ import annotations

from scanning.recognition import recognize
from scanning.recognition.fields import bracket_tick, unticked
from scanning.recognition.text import PageText, is_column
from scanning.types import Line, PageResult, Word
from tests.recognition.conftest import CH, build

AUTH = "青川市公安局东河区分局"


def _with_column(page: PageResult, text: str, x: int, y: int) -> PageResult:
    """``page`` with ``text`` printed top to bottom at (x, y), as one word (how the PP-OCR
    engine reads a column)."""
    assert page.ocr is not None
    word = Word(text, (x, y, x + CH, y + len(text) * (CH + 12)), 0.9, len(page.ocr.lines))
    page.ocr.words.append(word)
    page.ocr.lines.append(Line(text, word.box, 0.9))
    return page


def test_a_column_opens_the_row_of_its_first_character() -> None:
    page = _with_column(build(1, ["标题", [(400, "姓名"), (600, "顾伟斌")], [(400, "现住址"), (600, "胜利街5号")]]),
                        "犯罪嫌疑人", 300, 270)
    pt = PageText.from_page(page)
    assert any(is_column(w) for w in pt.words)
    assert pt.row_text(1).startswith("犯罪嫌疑人姓名顾伟斌")


def test_the_name_under_a_role_printed_top_to_bottom_is_its_persons() -> None:
    rows: list = [AUTH, "逮 捕 证", "青东公（刑）捕字〔2018〕9号",
                  "根据《中华人民共和国刑事诉讼法》之规定，经下列检察院批准，兹由本局对下列犯罪嫌疑人执行逮捕：",
                  [(400, "姓　名"), (640, "顾伟斌"), (1000, "性别"), (1200, "男")],
                  [(400, "现住址"), (640, "青川市天宁区胜利街5号")], [(400, "")], [(400, "")],
                  [(300, "批准机关"), (640, "青川市东河区人民检察院")]]
    page = _with_column(build(1, rows), "犯罪嫌疑人", 300, 480)
    doc = recognize([page])[0]
    assert doc.type == "arrest_warrant"
    assert doc.plain_fields()["suspect_name"] == "顾伟斌"


def test_options_ticked_in_brackets() -> None:
    text = "（）110指令（√）报案（ ）投案"
    assert bracket_tick(text, text.index("110")) is False
    assert bracket_tick(text, text.index("报案")) is True
    assert bracket_tick(text, text.index("投案")) is False
    assert bracket_tick("☑报案", 1) is None  # a box, read the usual way
    assert unticked("□投案", 1) and not unticked("☑报案", 1)
    assert unticked(text, text.index("投案")) and not unticked(text, text.index("报案"))


def test_acceptance_form_source_and_opinion_ticked_in_brackets() -> None:
    rows: list = [AUTH, "受 案 登 记 表", "青东公（刑）受案字〔2018〕12号",
                  [(300, "报案人"), (600, "张伟"), (1000, "性别"), (1200, "男")],
                  [(300, "接报民警"), (600, "李明"), (1000, "接报时间"), (1300, "2018年3月1日10时5分")],
                  [(300, "案件来源"), (600, "（）110指令（）工作中发现（√）报案（）投案（）其他")],
                  [(300, "简要案情"), (600, "2018年3月1日，报案人张伟报称其手机被盗。")],
                  [(300, "受案意见"), (600, "（√）属于本单位管辖的刑事案件，建议及时立案侦查")],
                  [(600, "（）属于本单位管辖的行政案件，建议及时调查处理")],
                  [(600, "（）其他")]]
    f = recognize([build(1, rows)])[0].plain_fields()
    assert f["case_source"] == "报案"
    assert f["opinion"] == "criminal"
