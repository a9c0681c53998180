"""The label vocabulary (scanning.recognition.labels): each entry kind read, a bureau's file
adding to the defaults, read again when it changes, and a bad file named by its line."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from scanning.recognition import recognize
from scanning.recognition.labels import LabelsError, Vocabulary, current, default_vocabulary, labels_for, load_labels, parse, use
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"


def cover(make_page: Callable[..., PageResult], rows: list[str | list[tuple[int, str]]]) -> dict:
    return recognize([make_page(1, [AUTH, "刑 事 诉 讼 卷 宗", *rows])])[0].plain_fields()


def test_label_variant_value_right_of_it(make_page: Callable[..., PageResult]) -> None:
    # 案号 (not 案件编号), its colon half-width, the value on an underline further right
    f = cover(make_page, [[(300, "案号:"), (700, "A3701050200002018010012")], "案件名称：张伟盗窃案"])
    assert f["case_no"] == "A3701050200002018010012" and f["case_name"] == "张伟盗窃案"


def test_label_with_spaces_and_value_ended_by_the_next_label(make_page: Callable[..., PageResult]) -> None:
    # 卷 次 letter-spaced; 本卷页数 and 保管期限 share a row: each value ends at the next label
    f = cover(make_page, ["卷 次：第1卷 共2卷", "本卷页数：12页  保管期限：长期", "案件名称：张伟盗窃案"])
    assert (f["volume_no"], f["volume_count"], f["page_count"], f["retention"]) == (1, 2, 12, "长期")
    assert f["case_name"] == "张伟盗窃案"


def test_value_in_the_cell_below_its_label(make_page: Callable[..., PageResult]) -> None:
    f = cover(make_page, [[(300, "案件名称"), (1200, "保管期限")], [(300, "张伟盗窃案"), (1200, "短期")]])
    assert f["case_name"] == "张伟盗窃案" and f["retention"] == "短期"


def test_ticked_option_among_printed_ones(make_page: Callable[..., PageResult]) -> None:
    f = cover(make_page, ["保管期限：□永久 ☑长期 □短期", "案件名称：张伟盗窃案"])
    assert f["retention"] == "长期"


def test_phrase_with_two_slots(make_page: Callable[..., PageResult]) -> None:
    f = cover(make_page, ["起止日期：自2018年8月3日至2018年10月15日", "案件名称：张伟盗窃案"])
    assert (f["opened_on"], f["closed_on"]) == ("2018-08-03", "2018-10-15")
    f = cover(make_page, ["本案共3卷 本卷为第2卷", "案件名称：张伟盗窃案"])
    assert (f["volume_no"], f["volume_count"]) == (2, 3)


def test_sentence_phrase_slot(make_page: Callable[..., PageResult]) -> None:
    # a case name the sentence reader's own words miss (侦办的…，), found by the vocabulary's phrase
    page = make_page(1, [AUTH, "提请批准逮捕书", "青东公（刑）提捕字〔2019〕12号",
                         "犯罪嫌疑人张伟，男，1990年1月2日出生。",
                         "我局侦办的张伟盗窃案，经依法侦查查明：犯罪嫌疑人张伟涉嫌盗窃，事实清楚。",
                         "特提请批准逮捕。", "此致", "青川市东河区人民检察院", AUTH, "2019年5月6日"])
    f = recognize([page])[0].plain_fields()
    assert f["case_name"] == "张伟盗窃案" and f["procuratorate"] == "青川市东河区人民检察院"


def test_other_labels_end_a_name(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2019〕3号",
                         "报案人 姓名 赖秀身份证号码 110105194912310021",
                         "接报时间 2019年3月5日10时20分 接报民警 李明"])
    f = recognize([page])[0].plain_fields()
    assert f["reporter_name"] == "赖秀"


def test_bureau_file_adds_a_variant_that_is_then_read(make_page: Callable[..., PageResult], tmp_path: Path) -> None:
    page = make_page(1, [AUTH, "刑 事 诉 讼 卷 宗", "案件名称：张伟盗窃案", "归档份数：4"])
    assert "page_count" not in recognize([page])[0].plain_fields()
    f = tmp_path / "labels.toml"
    f.write_text('[dossier_cover]\npage_count = ["归档份数"]\n', encoding="utf-8")
    vocab = load_labels(f)
    assert "归档份数" in vocab.labels("dossier_cover", "page_count")
    assert "本卷页数" in vocab.labels("dossier_cover", "page_count")  # the defaults stay
    assert recognize([page], labels=vocab)[0].plain_fields()["page_count"] == 4
    assert "page_count" not in recognize([page])[0].plain_fields()  # only where it is given


def test_bureau_file_read_again_when_it_changes(tmp_path: Path) -> None:
    f = tmp_path / "labels.toml"
    f.write_text('[backup_sheet]\ncompiled_by = ["装订人"]\n', encoding="utf-8")
    assert "装订人" in load_labels(f).labels("backup_sheet", "compiled_by")
    f.write_text('[backup_sheet]\ncompiled_by = ["归档人"]\n', encoding="utf-8")
    st = f.stat()
    os.utime(f, (st.st_atime, st.st_mtime + 5))
    v = load_labels(f)
    assert "归档人" in v.labels("backup_sheet", "compiled_by") and "装订人" not in v.labels("backup_sheet", "compiled_by")
    assert load_labels(tmp_path / "missing.toml") is default_vocabulary()


@pytest.mark.parametrize("text, line, words", [
    ('[dossier_cover]\ncase_no = ["案号"\n', 2, "TOML"),
    ('[dossier_cover]\ncase_no = 案号\n[other]\nlabels = []\n', 2, "TOML"),
    ('# mine\n[dossier_cover]\ncase_no = ["案号"]\ncase_nr = ["卷号"]\n', 4, "no field case_nr"),
    ('[dosier_cover]\ncase_no = ["案号"]\n', 1, "unknown document type"),
    ('[arrest_warrant]\n\nsuspect_name = ["对{suspect}执行逮捕"]\n', 3, "slot {suspect}"),
    ('[arrest_warrant]\nsuspect_name = "对"\n', 2, "list of non-empty strings"),
])
def test_bad_file_names_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    f = tmp_path / "labels.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(LabelsError) as e:
        load_labels(f)
    assert str(f) in str(e.value) and f"line {line}" in str(e.value) and words in str(e.value)


def test_bad_file_never_stops_reading(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    f = tmp_path / "labels.toml"
    f.write_text('[backup_sheet]\ncompiled_by = ["装订人"]\n', encoding="utf-8")
    good = labels_for(f)
    f.write_text('[backup_sheet]\ncompiled_by = ["装订人"\n', encoding="utf-8")
    os.utime(f, (f.stat().st_atime, f.stat().st_mtime + 5))
    with caplog.at_level(logging.ERROR):
        assert labels_for(f) is good  # the last good version, the error logged with its line
    assert "line 2" in caplog.text
    other = tmp_path / "other.toml"
    other.write_text("[x]\n", encoding="utf-8")
    assert labels_for(other) is default_vocabulary()


def test_every_default_phrase_is_well_formed() -> None:
    v = default_vocabulary()
    assert v.labels("dossier_cover", "case_no")[0] == "案件编号"  # longest first
    assert [p.text for p in v.phrases("dossier_cover", "closed_on")] == [
        "自{opened_on}起至{closed_on}止", "自{opened_on}至{closed_on}", "{opened_on}至{closed_on}"]
    assert parse('[other]\nlabels = ["性 别"]\n').other == ["性别"]


def test_backup_sheet_page_count_by_label(make_page: Callable[..., PageResult]) -> None:
    page = make_page(2, ["卷内备考表", [(300, "本卷页数：12"), (1200, "立卷人：李明")], "检查人：赵刚", "立卷时间：2018年5月3日"])
    f = recognize([page])[0].plain_fields()
    assert f == {"page_count": 12, "compiled_by": "李明", "checked_by": "赵刚", "compiled_on": "2018-05-03"}


def test_case_source_ticked_after_its_label(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2019〕3号", "案件来源：□投案 ☑报案 □移送",
                         "报案人：武国菊身 份证号码：110105194912310021", "接报时间 2019年3月5日10时20分"])
    f = recognize([page])[0].plain_fields()
    assert f["case_source"] == "报案" and f["reporter_name"] == "武国菊"


def test_suspect_read_with_the_word_before_it(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "逮捕证", "青东公（刑）捕字〔2019〕7号",
                         "根据《中华人民共和国刑事诉讼法》第八十条之规定，经青川市东河区人民检察院批准，兹由我局对涉嫌方晨",
                         "执行逮捕，送青川市看守所羁押。", AUTH, "2019年5月6日"])
    f = recognize([page])[0].plain_fields()
    assert f["suspect_name"] == "方晨" and f["procuratorate"] == "青川市东河区人民检察院"


def test_the_documented_example_is_a_valid_file() -> None:
    import re

    doc = (Path(__file__).resolve().parents[2] / "docs" / "labels.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, re.S)
    example = parse(blocks[-1], "docs/labels.md")
    assert "立档编号" in example.labels("dossier_cover", "case_no")
    assert [p.slots for p in example.phrases("arrest_warrant", "suspect_name")] == [("suspect_name",)]
    for b in blocks[:-1]:
        parse(b, "docs/labels.md")


def test_catalog_columns_found_by_their_header_labels(make_page: Callable[..., PageResult], tmp_path: Path) -> None:
    cols = (150, 360, 760, 1260, 2260)

    def row(*cells: str) -> list[tuple[int, str]]:
        return [(x, t) for x, t in zip(cols, cells) if t]

    # another bureau's order: title before the number, the date before the number, first pages only
    page = make_page(2, ["卷内文书目录", row("顺序号", "文件题名", "成文日期", "文件编号", "页次"),
                         row("1", "受案登记表", "2018.01.16", "青东公(刑)受案字[2018]5号", "1"),
                         row("2", "立案决定书", "20180117", "青东公（刑）立字〔2018〕123号", "2")])
    docs = recognize([make_page(1, [AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案"]), page])
    entries = docs[1].plain_fields()["entries"]
    assert [(e["seq"], e["title"], e["date"], e["doc_no"], e["first_page"]) for e in entries] == [
        (1, "受案登记表", "2018-01-16", "青东公（刑）受案字〔2018〕5号", 1),
        (2, "立案决定书", "2018-01-17", "青东公（刑）立字〔2018〕123号", 2)]


def _typeface_cover() -> PageResult:
    """A cover whose values are filled in later in a larger typeface, set lower on their
    underlines than the labels (OCR reports them as rows of their own), with underscores."""
    from scanning.types import Line, PageOCR, Word

    words: list[Word] = []

    def put_text(x: int, y: int, text: str, size: int, n: int) -> None:
        for ch in text:
            if ch != " ":
                words.append(Word(ch, (x, y, x + size, y + size), 0.9, n))
            x += size + 4

    rows = [("案件编号：", "A3701050200002018010012"), ("本卷页数：", "12页"), ("卷 次：", "第1卷 共1卷"),
            ("保管期限：", "长期"), ("起止日期：", "自2018年8月3日至2018年10月15日")]
    put_text(600, 150, "青川市公安局东河区分局", 50, 0)
    put_text(700, 260, "刑事诉讼卷宗", 90, 1)
    y = 500
    for n, (label, value) in enumerate(rows, start=2):
        put_text(300, y, label, 40, n)
        put_text(300 + 6 * 44, y + 44, "_" * 30, 12, n)  # the underline, read as marks
        put_text(300 + 8 * 44, y + 22, value, 56, n)  # 楷体 filled in: bigger, lower
        y += 160
    lines = [Line(w.text, w.box, w.conf) for w in words]
    return PageResult(index=1, ocr=PageOCR(2480, 3508, words, lines))


def test_values_in_another_typeface_on_underlines() -> None:
    f = recognize([_typeface_cover()])[0].plain_fields()
    assert f["case_no"] == "A3701050200002018010012" and f["page_count"] == 12
    assert (f["volume_no"], f["volume_count"], f["retention"]) == (1, 1, "长期")
    assert (f["opened_on"], f["closed_on"]) == ("2018-08-03", "2018-10-15")


def test_acceptance_form_opinion_and_source_printed_alone(make_page: Callable[..., PageResult]) -> None:
    # another bureau's form: only the chosen words printed, the opinion over two lines of its cell
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2019〕3号", "报案人：李明 性别：男",
                         [(300, "案件来源"), (700, "报案")], [(300, "处理意见"), (700, "属刑事案件，")],
                         [(700, "建议立案侦查。")], [(300, "审批人"), (700, "赵刚")]])
    f = recognize([page])[0].plain_fields()
    assert f["case_source"] == "报案" and f["opinion"] == "criminal" and f["reporter_name"] == "李明"
    # ticked among options one a line
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2019〕3号",
                         [(300, "受案意见"), (700, "□刑事案件")], [(700, "☑行政案件")], [(700, "□不属于本单位管辖")]])
    assert recognize([page])[0].plain_fields()["opinion"] == "administrative"


def test_bureau_phrase_fills_a_sentence_field(make_page: Callable[..., PageResult], tmp_path: Path) -> None:
    page = make_page(1, [AUTH, "拘留证", "青东公（刑）拘字〔2019〕7号",
                         "根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定将在逃人员孙立新拘传到案并执行拘留，",
                         "送青川市看守所羁押。", AUTH, "2019年5月6日"])
    assert "suspect_name" not in recognize([page])[0].plain_fields()
    f = tmp_path / "labels.toml"
    f.write_text('[detention_warrant]\nsuspect_name = ["将在逃人员{suspect_name}拘传"]\n', encoding="utf-8")
    assert recognize([page], labels=load_labels(f))[0].plain_fields()["suspect_name"] == "孙立新"


def test_closing_date_after_its_word_when_the_opening_one_is_unreadable(make_page: Callable[..., PageResult]) -> None:
    f = cover(make_page, ["案件编号：A3701050200002018010012", "起止日期：目三加一信年五月二十日至二〇一人年七月十六日"])
    assert f["closed_on"] == "2018-07-16" and "opened_on" not in f  # never the closing date as the opening one


def test_retention_ticked_when_its_label_is_misread(make_page: Callable[..., PageResult]) -> None:
    assert cover(make_page, ["你官期限|口永久口长期国短期", "案件名称：张伟盗窃案"])["retention"] == "短期"


def test_grid_labels_win_over_a_sentence_slot(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案回执", "青东公（刑）受案字〔2019〕76号",
                         [(300, "被告知人"), (700, "韩明刚"), (1200, "报案时间"), (1600, "2019年04月25日")],
                         [(300, "案件名称"), (700, "建设路被诈骗案")],
                         "你（单位）报称的上述案件一案本局已受理。", AUTH, "2019年4月26日"])
    f = recognize([page])[0].plain_fields()
    assert (f["addressee"], f["reported_on"], f["case_name"]) == ("韩明刚", "2019-04-25", "建设路被诈骗案")


def test_value_read_after_its_label_when_word_boxes_overlap() -> None:
    from scanning.types import Line, PageOCR, Word

    # OCR's word 本卷 spans the whole row, as Tesseract sometimes reports: the value is still
    # what was read after the label on its row
    words = [Word("刑事诉讼卷宗", (700, 260, 1240, 350), 0.9, 0), Word("本卷", (230, 1542, 556, 1601), 0.9, 1),
             Word("页", (368, 1538, 416, 1614), 0.9, 1), Word("数", (416, 1538, 450, 1614), 0.9, 1),
             Word(":1", (449, 1538, 530, 1614), 0.9, 1), Word("2页", (530, 1538, 600, 1614), 0.9, 1)]
    page = PageResult(index=1, ocr=PageOCR(1984, 2806, words, [Line(w.text, w.box, 0.9) for w in words]))
    assert recognize([page])[0].plain_fields()["page_count"] == 12


def test_a_back_reference_is_no_case_name(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "立案决定书", "青东公（刑）立字〔2020〕905号", "案件名称“|谭勇抢夺案",
                         "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对上述案件立案侦查。", AUTH, "2020年6月10日"])
    assert recognize([page])[0].plain_fields()["case_name"] == "谭勇抢夺案"
    page = make_page(1, [AUTH, "立案决定书", "青东公（刑）立字〔2020〕905号",
                         "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对上述案件立案侦查。", AUTH, "2020年6月10日"])
    assert "case_name" not in recognize([page])[0].plain_fields()


def test_summary_wrapped_under_its_label_is_read_whole(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2018〕623号", "报警人：魏英艳 性别：女",
                         "案件来源：移送", "简要案情：2018年5月19日，报案人魏英艳报称其在兴平市长清区解",
                         "放路48号发生盗窃一事，请求公安机关处理。", "受案意见：属于本单位管辖的刑事案件，建议及时立案侦查"])
    f = recognize([page])[0].plain_fields()
    assert f["summary"] == "2018年5月19日，报案人魏英艳报称其在兴平市长清区解放路48号发生盗窃一事，请求公安机关处理。"
    assert f["case_source"] == "移送" and f["opinion"] == "criminal" and f["reporter_name"] == "魏英艳"


def test_parties_under_their_labels(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["青川市东河区人民政府", "行政复议决定书", "青川东河政复决字〔2020〕972号",
                         "申请人：“吴娟洋 性别：女", "被申请人：，”青川市公安局东河区分局",
                         "申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议。", "本机关决定：",
                         "维持被申请人作出的上述行政处罚决定。", "青川市东河区人民政府", "2020年3月13日"])
    f = recognize([page])[0].plain_fields()
    assert f["applicant"] == "吴娟洋" and f["respondent"] == "青川市公安局东河区分局"


def test_addressee_above_a_colon_read_apart(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "不予立案通知书", "青东公（刑）不立字〔2019〕298号", "任海婷", "：",
                         "你（单位）于2019年6月16日报称的胜利街被诈骗案，本局经审查认为犯罪事实显著轻微，根据规定，决定不予立案。",
                         AUTH, "2019年7月2日"])
    assert recognize([page])[0].plain_fields()["addressee"] == "任海婷"


def test_backup_sheet_page_count_in_words(make_page: Callable[..., PageResult]) -> None:
    page = make_page(2, ["卷内备考表", "本卷共计十二页，其中文字材料十页。", "立卷人：李明", "检查人：赵刚"])
    assert recognize([page])[0].plain_fields()["page_count"] == 12


def test_officer_after_a_label_with_a_stray_mark(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2018〕609号", "报案人 郭云飞 性别 女",
                         "接报民和警钟云龙接报时间2018年5月26日18时45分", "接报地点 文化派出所"])
    assert recognize([page])[0].plain_fields()["receiving_officer"] == "钟云龙"


def test_a_grid_label_over_an_empty_cell_never_takes_the_next_row(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "起诉意见书", "青东公（刑）诉字〔2018〕802号", "案件名称", "犯罪嫌疑人蔡国帅",
                         "犯罪嫌疑人蔡国帅，女，1976年07月19日出生。",
                         "蔡国帅故意伤害案，由我单位于2018年03月28日立案侦查。",
                         "犯罪嫌疑人蔡国帅涉嫌故意伤害一案，现已侦查终结。"])
    assert recognize([page])[0].plain_fields()["case_name"] == "蔡国帅故意伤害案"


def test_warrants_printed_as_grids_read_by_their_cell_labels(make_page: Callable[..., PageResult]) -> None:
    # the sentence points at 下列犯罪嫌疑人 and 下列检察院: the values stand in labelled cells
    detention = make_page(1, [AUTH, "拘留证", "青东公（刑）拘字〔2019〕41号",
                              "根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定对下列", "犯罪嫌疑人执行拘留：",
                              [(300, "犯罪嫌疑人"), (700, "郑晓东"), (1000, "性别"), (1200, "男")],
                              [(300, "羁押处所"), (700, "青川市看守所")], AUTH, "2019年5月6日"])
    f = recognize([detention])[0].plain_fields()
    assert (f["suspect_name"], f["detention_center"]) == ("郑晓东", "青川市看守所")
    arrest = make_page(1, [AUTH, "逮捕证", "青东公（刑）捕字〔2019〕77号",
                           "根据《中华人民共和国刑事诉讼法》第八十条之规定，经下列检察", "院批准，兹由我局对下列犯罪嫌疑人执行逮捕：",
                           [(300, "被逮捕人"), (700, "郑晓东"), (1000, "性别"), (1200, "男")],
                           [(300, "批准机关"), (700, "青川市东河区人民检察院")], AUTH, "2019年5月20日"])
    f = recognize([arrest])[0].plain_fields()
    assert (f["suspect_name"], f["procuratorate"]) == ("郑晓东", "青川市东河区人民检察院")
    release = make_page(1, [AUTH, "解除取保候审决定书", "青东公（刑）解保字〔2019〕8号",
                            [(300, "犯罪嫌疑人"), (700, "郑晓东")], [(300, "取保候审日期"), (700, "2019年05月20日")],
                            [(300, "解除原因"), (700, "取保候审期满")],
                            "对上述犯罪嫌疑人的取保候审，根据《中华人民共和国刑事诉讼法》第七十九条之规定，决定予以解除。",
                            AUTH, "2019年9月1日"])
    f = recognize([release])[0].plain_fields()
    assert (f["suspect_name"], f["bail_started_on"], f["reason"]) == ("郑晓东", "2019-05-20", "取保候审期满")


def test_sentence_words_are_no_name_and_back_references_no_institution() -> None:
    from scanning.recognition.values import as_institution, as_name

    assert as_name("执行拘留：") is None and as_name("下列犯罪") is None and as_name("郑晓东（性别") == "郑晓东"
    # the vocabulary's fixed words are no name: a phrase's literal (符合 of 符合取保候审条件),
    # a label's part (出生 of 出生日期), and what a bureau's file adds
    assert as_name("符合") is None and as_name("的监督") is None and as_name("出生") is None
    assert as_name("林婷") == "林婷"
    bureau = Vocabulary(entries={"bail_decision": {"guarantor_name": ["由{guarantor_name}担保看管"]}})
    with use(current().merged(bureau)):
        assert as_name("担保看管") is None and as_name("林婷") == "林婷"
    assert as_name("担保看管") == "担保看管"  # a word only that bureau prints
    procuratorate = as_institution(("人民检察院", "检察院"))
    assert procuratorate("经下列检察院批准") is None and procuratorate("上述检察院") is None
    assert procuratorate("经青川市东河区人民检察院批准") == "青川市东河区人民检察院"


def test_a_date_wrapped_in_its_cell_is_read_whole(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "立案告知书", "青东公（刑）立告字〔2020〕368号",
                         [(300, "被告知人"), (700, "付芳飞"), (1100, "报案时间"), (1500, "二〇二〇年五月二")],
                         [(1500, "十七日")], [(300, "案件名称"), (700, "龚旭梅盗窃案")],
                         "你（单位）报称的上述案件，我局经审查，认为有犯罪事实需要追究刑事责任，已决定立案。",
                         AUTH, "2020年5月28日"])
    f = recognize([page])[0].plain_fields()
    assert (f["addressee"], f["reported_on"], f["case_name"]) == ("付芳飞", "2020-05-27", "龚旭梅盗窃案")


def test_a_backup_sheet_date_read_by_the_volume_numbers_years(make_page: Callable[..., PageResult]) -> None:
    """A backup sheet has no number of its own: a damaged year is read as one of the
    volume's document numbers' years (二二 is 2020 with both its 〇s lost). A year that can
    only be one (二一八: 二〇一八 with its 〇 lost) needs no number."""
    decision = make_page(1, [AUTH, "立案决定书", "青东公（刑）立字〔2020〕905号",
                             "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对谭勇抢夺案立案侦查。", AUTH, "2020年6月10日"])
    sheet = make_page(2, ["卷内备考表", "本卷共有文书材料13页。", "立卷人：孙敏文", "检查人：万东峰", "立卷时间：二二年七月十六日"])
    docs = recognize([decision, sheet])
    assert docs[-1].type == "backup_sheet" and docs[-1].plain_fields()["compiled_on"] == "2020-07-16"
    assert "compiled_on" not in recognize([sheet])[0].plain_fields()
    sheet = make_page(2, ["卷内备考表", "本卷共有文书材料13页。", "立卷人：孙敏文", "检查人：万东峰", "立卷时间：二一八年七月十六日"])
    assert recognize([sheet])[0].plain_fields()["compiled_on"] == "2018-07-16"


def test_values_under_a_header_row_without_rules_stay_in_their_columns(make_page: Callable[..., PageResult]) -> None:
    """The same table read where no rules are known: each column runs from its label to the next label."""
    page = make_page(1, [AUTH, "取保候审决定书", "青东公（刑）取保字〔2016〕331号",
                         [(300, "案件名称"), (900, "犯罪嫌疑人"), (1300, "起算日期")],
                         [(300, "蔡宇帆掩饰隐瞒犯罪所得案"), (900, "蔡宇帆"), (1300, "2016年7月7日")],
                         "我局正在侦查上述案件，决定对上述犯罪嫌疑人取保候审。", "犯罪嫌疑人应当交纳保证金壹仟元。", AUTH,
                         "2016年7月7日"])
    f = recognize([page])[0].plain_fields()
    assert (f["case_name"], f["suspect_name"], f["starts_on"]) == ("蔡宇帆掩饰、隐瞒犯罪所得案", "蔡宇帆", "2016-07-07")



def test_a_reported_case_ends_at_its_case_when_the_comma_is_read_as_a_stop(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "不予立案通知书", "青东公（刑）不立字〔2018〕545号", "姚斌：",
                         "你（单位）于2018年4月26日报称的汪龙故意伤害案.我局经审查认为没有犯罪事实，根据规定，决定不予立案。",
                         AUTH, "2018年5月7日"])
    assert recognize([page])[0].plain_fields()["case_name"] == "汪龙故意伤害案"


def _ruled(page: PageResult, rules: list[tuple[int, int, int, int]]) -> PageResult:
    import dataclasses

    assert page.ocr is not None
    return dataclasses.replace(page, ocr=dataclasses.replace(page.ocr, rules=rules))


def test_values_bounded_by_the_cell_borders_of_a_ruled_form(make_page: Callable[..., PageResult]) -> None:
    """A header row of labels over a row of values whose characters run on with no gap
    (案件名称 | 犯罪嫌疑人 | 起算日期 over 蔡宇帆…案蔡宇帆2016年7月7日): the vertical rules
    of the table say where each value ends."""
    rows: list[str | list[tuple[int, str]]] = [
        AUTH, "取保候审决定书", "青东公（刑）取保字〔2016〕331号",
        [(300, "案件名称"), (900, "犯罪嫌疑人"), (1300, "起算日期")],
        [(300, "蔡宇帆掩饰隐瞒犯罪所得案"), (900, "蔡宇帆"), (1300, "2016年7月7日")],
        "我局正在侦查上述案件，决定对上述犯罪嫌疑人取保候审。", "犯罪嫌疑人应当交纳保证金壹仟元。", AUTH, "2016年7月7日"]
    page = make_page(1, rows)
    # the table's rules: top y=400, between the rows y=460, bottom y=530; columns at x=280, 880, 1280, 1900
    ys, xs = (400, 460, 530), (280, 880, 1280, 1900)
    rules = [(xs[0], y - 1, xs[-1], y + 1) for y in ys] + [(x - 1, ys[0], x + 1, ys[-1]) for x in xs]
    f = recognize([_ruled(page, rules)])[0].plain_fields()
    assert (f["case_name"], f["suspect_name"], f["starts_on"]) == ("蔡宇帆掩饰、隐瞒犯罪所得案", "蔡宇帆", "2016-07-07")


def test_label_above_its_value_in_one_ruled_cell(make_page: Callable[..., PageResult]) -> None:
    rows: list[str | list[tuple[int, str]]] = [
        AUTH, "拘留证", "青东公（刑）拘字〔2019〕41号", "根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定对下列犯罪嫌疑人执行拘留：",
        [(300, "被拘留人"), (900, "性别"), (1300, "羁押场所")],
        [(300, "郑晓东"), (900, "男"), (1300, "青川市看守所")], AUTH, "2019年5月6日"]
    page = make_page(1, rows)
    ys, xs = (460, 600), (280, 880, 1280, 1900)  # one row of cells, each holding its label above its value
    rules = [(xs[0], y - 1, xs[-1], y + 1) for y in ys] + [(x - 1, ys[0], x + 1, ys[-1]) for x in xs]
    f = recognize([_ruled(page, rules)])[0].plain_fields()
    assert (f["suspect_name"], f["detention_center"]) == ("郑晓东", "青川市看守所")


def test_a_reader_value_that_is_no_such_value_gives_way_to_the_printed_label(make_page: Callable[..., PageResult]) -> None:
    # a header row 报案人姓名 | 性别 | 出生日期: the reader's own words took 性别 (the next cell's label) for the name
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2021〕641号",
                         [(300, "报案人姓名"), (900, "性别"), (1300, "出生日期")],
                         [(300, "秦军辉"), (900, "男"), (1300, "1973年10月9日")], "案件来源：报案"])
    assert recognize([page])[0].plain_fields()["reporter_name"] == "秦军辉"


def test_a_label_is_never_found_in_another_label_one_character_off(make_page: Callable[..., PageResult]) -> None:
    # 复议申请人 is one character off 被申请人: the applicant is under 申请人, not under 被申请人
    page = make_page(1, ["青川市东河区人民政府", "行政复议决定书", "青川东河政复决字〔2017〕975号",
                         [(300, "申请人"), (900, "性别")], [(300, "毛秀娜"), (900, "男")], "被申请人", "青川市公安局东河区分局",
                         "申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议。", "本机关决定：",
                         "维持被申请人作出的上述行政处罚决定。", "青川市东河区人民政府", "2017年5月2日"])
    f = recognize([page])[0].plain_fields()
    assert (f["applicant"], f["respondent"]) == ("毛秀娜", "青川市公安局东河区分局")


def test_a_summary_between_label_rows_is_read_without_them(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2021〕641号", "案件来源",
                         "□110指令□工作中发现☑报案□投案□移送□扭送□其他", "案情摘要",
                         "2021年2月17日，报案人秦军辉报称其在青川市历下区幸福里54号发生盗窃一事，请求", "公安机关处理。", "处理意见",
                         "☑属于本单位管辖的刑事案件，建议及时立案侦查", "□属于本单位管辖的行政案件，建议及时调查处理"])
    f = recognize([page])[0].plain_fields()
    assert f["summary"] == "2021年2月17日，报案人秦军辉报称其在青川市历下区幸福里54号发生盗窃一事，请求公安机关处理。"
    assert (f["case_source"], f["opinion"]) == ("报案", "criminal")


def test_an_identity_number_in_the_cell_under_its_label(make_page: Callable[..., PageResult]) -> None:
    # a number is no free text: it is read in the cell under its label, not as a paragraph after it
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2021〕641号", [(300, "报案人姓名"), (900, "性别")],
                         [(300, "秦军辉"), (900, "男")], [(300, "证件种类"), (900, "身份证号码")],
                         [(300, "居民身份证"), (900, "110105194912310021")], "案件来源：报案"])
    assert recognize([page])[0].plain_fields()["reporter_id_no"] == "110105194912310021"


def test_a_slot_opening_its_sentence_starts_at_its_row(make_page: Callable[..., PageResult]) -> None:
    # 贺斌红诈骗案，经审查，符合立案条件: the slot opens the sentence, which opens its paragraph; the
    # number on the row above is no part of it
    page = make_page(1, [AUTH, "立案决定书", "青东公（刑）立字〔2016〕928号",
                         "贺斌红诈骗案，经审查，符合立案条件，根据《中华人民共和国刑事诉讼法", "》第一百一十二条之规定，决定立案侦查。",
                         AUTH, "二〇一六年六月九日"])
    assert recognize([page])[0].plain_fields()["case_name"] == "贺斌红诈骗案"


def test_a_note_in_brackets_after_a_label_is_no_part_of_the_value(make_page: Callable[..., PageResult]) -> None:
    # 案件名称（案由）：… — the note says what the label means; the value follows it
    f = cover(make_page, [[(300, "案件名称（案由）："), (800, "张伟盗窃案")], [(300, "案号（编号）:A3701050200002018010012")]])
    assert f["case_name"] == "张伟盗窃案"
    assert f["case_no"] == "A3701050200002018010012"


@pytest.mark.parametrize("opening", ["我单位已受理", "本局已受理"])
def test_addressee_on_a_salutation_row_above_a_sentence_that_opens_with_the_bureau(
        make_page: Callable[..., PageResult], opening: str) -> None:
    # 秦军辉： on its own row; the sentence opens with the bureau before 你（单位）
    page = make_page(1, [AUTH, "受案回执", "青东公（刑）受案字〔2021〕641号", "秦军辉：",
                         f"{opening}你（单位）于二〇二一年二月十七日报称的光明路被盗案",
                         "一案，特此回执。", AUTH, "二〇二一年二月十八日"])
    assert recognize([page])[0].plain_fields()["addressee"] == "秦军辉"
    # the same sentence with no salutation: nothing, never the sentence's opening
    page = make_page(1, [AUTH, "受案回执", "青东公（刑）受案字〔2021〕641号",
                         f"{opening}你（单位）于二〇二一年二月十七日报称的光明路被盗案", "一案，特此回执。", AUTH])
    assert "addressee" not in recognize([page])[0].plain_fields()


@pytest.mark.parametrize("source", ["其他", "110指令", "报案"])
def test_summary_of_a_form_printed_as_running_text(make_page: Callable[..., PageResult], source: str) -> None:
    # the form as one paragraph: each label followed by its value, the chosen source alone
    page = make_page(1, [AUTH, "受案登记表", "青东公（刑）受案字〔2021〕981号",
                         "报案人贺明，性别女，出生日期1962年8月8日，身份证件种类居",
                         "民身份证，证件号码996070196208082780，现住址清河",
                         "市中原区解放路177号，接报民警孙霞，接报时间2021年4月18日1",
                         f"8时15分，接报地点光明派出所，案件来源{source}，简要案情2021年4月18",
                         "日，报案人贺明报称其在清河市中原区解放路177号发生寻衅滋事一事，请",
                         "求公安机关处理°，受案意见属于本单位管辖的刑事案件，建议及时立案侦",
                         "查，受案审批受案部门负责人：许宁斌二〇二一年四月十九日。"])
    f = recognize([page])[0].plain_fields()
    assert f["summary"] == "2021年4月18日，报案人贺明报称其在清河市中原区解放路177号发生寻衅滋事一事，请求公安机关处理。"
    assert f["case_source"] == source
    assert f["opinion"] == "criminal"
