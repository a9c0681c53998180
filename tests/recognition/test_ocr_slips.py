"""Fields read right despite the OCR slips seen on real scans: a label read into its value,
a misread first option, a salutation glued to the addressee, a stop word after a full name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"
OPINIONS = ["属于本单位管辖的刑事案件，建议及时立案侦查", "属于本单位管辖的行政案件，建议及时调查处理",
            "不属于本单位管辖，建议移送有关单位处理", "不属于公安机关职责范围，不予调查处理", "其他"]


def form(make_page: Callable[..., PageResult], sources: str, opinions: list[str]) -> PageResult:
    return make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, "姓名 李明 性别 男 出生日期 1980年1月2日")],
        [(300, "接报民警"), (600, "王强"), (1100, "接报时间 2018年1月16日10时30分")],
        [(300, "案件来源"), (600, sources)],
        [(300, "简要案"), (600, "2018年1月16日，报案人李明报称其电动车")],
        [(300, "情"), (600, "被盗，请求处理。")],
        *[[(300, "受案意见" if i == 0 else ""), (600, o)] for i, o in enumerate(opinions)],
        [(600, "受案部门负责人：赵刚")], [(600, "2018年1月16日")],
    ])


def test_misread_first_opinion_is_not_taken_from_a_later_option(make_page: Callable[..., PageResult]) -> None:
    # 属 of the first (ticked) option read as 届; "属于本单位管辖" then only occurs in 不属于…
    sources = "口110指令 口工作中发现 回报案 口投案 口移送 口扭送 口其他"
    opinions = ["国" + OPINIONS[0].replace("属", "届", 1)] + ["口" + o for o in OPINIONS[1:]]
    f = recognize([form(make_page, sources, opinions)])[0].plain_fields()
    assert f["opinion"] == "criminal"
    assert f["summary"] == "2018年1月16日，报案人李明报称其电动车被盗，请求处理。"


def test_summary_label_with_a_lost_character(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, "姓名 李明 性别 男")],
        [(300, "案件来"), (600, "口110指令 口工作中发现 回报案 口投案 口移送 口扭送 口其")],
        [(300, "源"), (600, "他")],
        [(300, "简要案|"), (600, "2018年1月16日，报案人李明报称其电动车被盗。")],
        [(300, "受案意"), (600, "回" + OPINIONS[0])], *[[(600, "口" + o)] for o in OPINIONS[1:]],
        [(600, "2018年1月16日")],
    ])
    f = recognize([page])[0].plain_fields()
    assert f["summary"] == "2018年1月16日，报案人李明报称其电动车被盗。"


def test_officer_label_remnant_is_dropped(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, "姓名 李明 性别 男")],
        [(300, "接报民"), (560, "王强"), (1100, "接报时间 2018年1月16日10时30分")],
        [(300, "警")],
    ])
    f = recognize([page])[0].plain_fields()
    assert f["receiving_officer"] == "王强"


def test_salutation_misread_is_not_part_of_the_procuratorate(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "提请批准逮捕书", "青东公（刑）提捕字〔2018〕7号",
        "犯罪嫌疑人张立军，男，1980年1月2日出生。",
        "张立军盗窃案，由我局于2018年1月3日立案侦查。",
        "根据《中华人民共和国刑事诉讼法》第八十七条之规定，特提请批准逮捕。",
        "此至青川市东河区人民检察院", "2018年2月1日",
    ])
    f = recognize([page])[0].plain_fields()
    assert f["procuratorate"] == "青川市东河区人民检察院"


def test_stop_word_after_a_full_length_name(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "取保候审决定书", "青东公（刑）取保字〔2018〕9号",
        "我局正在侦查张立军盗窃案，因犯罪嫌疑人欧阳立军可能判处管制，根据《中华人民共和国刑事诉讼法》",
        "第六十七条之规定，决定对其取保候审，期限从2018年1月5日起算。",
        "犯罪嫌疑人应当交纳保证金壹仟元。", "2018年1月5日",
    ])
    f = recognize([page])[0].plain_fields()
    assert f["suspect_name"] == "欧阳立军"
    page2 = make_page(1, [
        AUTH, "取保候审决定书", "青东公（刑）取保字〔2018〕9号",
        "我局正在侦查张立军盗窃案，因犯罪嫌疑人钱玉凯可能判处管制，根据",
    ])
    assert recognize([page2])[0].plain_fields()["suspect_name"] == "钱玉凯"


def test_cover_volume_numbers_with_misread_ones(make_page: Callable[..., PageResult]) -> None:
    for row, want in (("第1卷共]卷", (1, 1)), ("第1卷共1郑", (1, 1)), ("第2卷 共l3卷", (2, 13)), ("第1卷共]1卷", (1, 1))):
        cover = make_page(1, [AUTH, "刑 事 诉 讼 卷 宗", "案件名称：张伟盗窃案", "本卷共37页", row, "保管期限：长期"])
        f = recognize([cover])[0].plain_fields()
        assert (f.get("volume_no"), f.get("volume_count")) == want, row
        assert f["page_count"] == 37


def test_backup_sheet_labels_misread(make_page: Callable[..., PageResult]) -> None:
    backup = make_page(2, ["卷内备考表", "本卷共有文书材料37页。", "立眷人：李明", "多查人：赵刚", "立卷时间：二〇一八年五月三日"])
    f = recognize([backup])[0].plain_fields()
    assert f["compiled_by"] == "李明" and f["checked_by"] == "赵刚"


def test_bail_release_start_is_never_the_date_of_issue(make_page: Callable[..., PageResult]) -> None:
    def page(date: str) -> PageResult:
        return make_page(1, [AUTH, "解除取保候审决定书", "青东公（刑）解保字〔2019〕975号",
                             f"本局于{date}对邱兰决定取保候审，现因不应当追究其刑事责任，根据《中华人民共和国",
                             "刑事诉讼法》第七十九条之规定，决定予以解除。", AUTH, "2019年4月16日"])
    f = recognize([page("2019年2月?日")])[0].plain_fields()  # the start date garbled
    assert "bail_started_on" not in f
    assert f["suspect_name"] == "邱兰" and f["released_on"] == "2019-04-16"
    # a stray digit in the year: the number's year (〔2019〕) is read in it
    f = recognize([page("20195年2月1日")])[0].plain_fields()
    assert f["bail_started_on"] == "2019-02-01" and f["released_on"] == "2019-04-16"
    f = recognize([page("2019年2月1日")])[0].plain_fields()
    assert f["bail_started_on"] == "2019-02-01" and f["released_on"] == "2019-04-16"


def test_letter_spaced_authority_cut_into_two_rows(make_page: Callable[..., PageResult]) -> None:
    from scanning.types import Word

    page = make_page(1, ["", "", "不予立案通知书", "青东公（刑）不立字〔2019〕298号", "李明：",
                         "你（单位）于2019年6月1日报称的张伟盗窃案，我局经审查认为没有犯罪事实，决定不予立案。",
                         "2019年7月2日"])
    assert page.ocr is not None
    # 青川 公安 东河区分局 on one row; 市 and 局, read with boxes twice as tall (a smudge
    # below them), form a row of their own at the same height
    spaced = [("青", 800), ("川", 900), ("市", 1000), ("公", 1100), ("安", 1200), ("局", 1300), ("东", 1400),
              ("河", 1500), ("区", 1600), ("分", 1700), ("局", 1800)]
    for ch, x in spaced:
        tall = x in (1000, 1300)
        page.ocr.words.append(Word(ch, (x, 200, x + 60, 330 if tall else 260), 88.0, 1 if tall else 0))
    f = recognize([page])[0].plain_fields()
    assert f["authority"] == "青川市公安局东河区分局"


def _reporter_form(make_page: Callable[..., PageResult], reporter_row: str, officer_row: list[tuple[int, str]]) -> PageResult:
    return make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, reporter_row)],
        [(300, "身份证件"), (600, "居民身份证 证件号码 11010519491231002X")],
        officer_row,
        [(300, "案件来源"), (600, "口110指令 口工作中发现 回报案 口投案 口移送 口扭送 口其他")],
    ])


def test_reporter_name_when_a_neighbouring_label_was_lost(make_page: Callable[..., PageResult]) -> None:
    officer = [(300, "接报民警"), (600, "王强"), (1100, "接报时间 2018年1月16日10时30分")]
    # 性别 lost: the name stops where 出生日期 begins
    f = recognize([_reporter_form(make_page, "姓名 白国健 出生日期 1991年8月28日", officer)])[0].plain_fields()
    assert f["reporter_name"] == "白国健"
    # 姓名 lost: the name opens the row before 性别
    f = recognize([_reporter_form(make_page, "郭云飞 性别 女 出生日期 1960年9月16日", officer)])[0].plain_fields()
    assert f["reporter_name"] == "郭云飞"


def test_officer_between_table_rules(make_page: Callable[..., PageResult]) -> None:
    officer = [(300, "接报民管|"), (560, "钟云龙|"), (1100, "接报时间 2018年5月26日18时30分")]
    f = recognize([_reporter_form(make_page, "姓名 李明 性别 男", officer)])[0].plain_fields()
    assert f["receiving_officer"] == "钟云龙"


def test_stray_character_inside_an_option_label(make_page: Callable[..., PageResult]) -> None:
    # a spurious 和 inside the labels shifts their fuzzy alignment by one character
    sources = "口110指令 口工作中发现 回报案 口投案 口移送 口扭送 口其他"
    labels = [o.replace("案件", "和案件", 1) for o in OPINIONS]
    opinions = ["口" + labels[0], "国" + labels[1]] + ["口" + o for o in labels[2:]]
    f = recognize([form(make_page, sources, opinions)])[0].plain_fields()
    assert f["opinion"] == "administrative"


def test_sign_off_date_high_on_a_short_page_with_its_closing_words_lost(make_page: Callable[..., PageResult]) -> None:
    rows = [AUTH, "立案决定书", "青东公（刑）立字〔2019〕407号",
            "依据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对黎兰", AUTH, "二零一九年二月二日"]
    f = recognize([make_page(1, rows)])[0].plain_fields()
    assert f["decided_on"] == "2019-02-02"
    # a date in the text, with no issuing body's name above it, is not the date of issue
    rows = [AUTH, "立案决定书", "青东公（刑）立字〔2019〕407号", "依据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对黎兰",
            "2019年2月1日"]
    assert "decided_on" not in recognize([make_page(1, rows)])[0].plain_fields()


def test_judgment_parties_with_both_labels_misread(make_page: Callable[..., PageResult]) -> None:
    rows = ["云台市槐荫区人民法院", "行政判决书", "（2019）云9234行初78号", "原生：石春龙，男，住云台市历下区幸福里300号。",
            "包生：云台市公安局槐荫区分局。", "原告石春龙不服被告作出的行政处罚一案，本院受理后依法组成合议庭。"]
    f = recognize([make_page(1, rows)])[0].plain_fields()
    assert f["plaintiff"] == "石春龙" and f["defendant"] == "云台市公安局槐荫区分局"
    # an agent's row between them is passed over; a first label far from 原告 decides nothing
    rows2 = rows[:4] + ["委托代理人：李明，律师。"] + rows[4:]
    f = recognize([make_page(1, rows2)])[0].plain_fields()
    assert f["defendant"] == "云台市公安局槐荫区分局"
    rows3 = rows[:3] + ["地址：云台市历下区幸福里300号。", "包生：云台市公安局槐荫区分局。"]
    f = recognize([make_page(1, rows3)])[0].plain_fields()
    assert "plaintiff" not in f and "defendant" not in f


@pytest.mark.parametrize("sentence, penalty", [
    ("决定给予行政拘留十日，并处罚款五百元的处昼。", "行政拘留十日，并处罚款五百元"),  # 的处罚 misread: not cut at 并处罚
    ("决定给予罚秋一千元的处罚。", "罚款一千元"),  # 款 misread before the amount
    ("决定给予警告的处罚。", "警告"),
])
def test_penalty_slips(make_page: Callable[..., PageResult], sentence: str, penalty: str) -> None:
    rows = [AUTH, "行政处罚决定书", "青东公（行）行罚决字〔2019〕97号", "违法行为人李明，男，身份证号码11010519491231002X。",
            "现查明2019年3月1日，李明在和平街1号殴打他人。",
            "根据《中华人民共和国治安管理处罚法》第四十三条之规定，", sentence, AUTH, "2019年3月2日"]
    assert recognize([make_page(1, rows)])[0].plain_fields()["penalty"] == penalty


def test_a_number_kind_that_is_no_kind_takes_its_documents(make_page: Callable[..., PageResult]) -> None:
    def warrant(number: str) -> dict[str, object]:
        rows = [AUTH, "拘留证", number, "根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定对犯罪嫌疑人吕红萍执行拘留，",
                "送青川市看守所羁押。", AUTH, "二〇一九年五月八日"]
        return recognize([make_page(1, rows)])[0].plain_fields()

    assert warrant("青东公（刑）掏字〔2019〕546号")["doc_no"] == "青东公（刑）拘字〔2019〕546号"
    assert warrant("青东公（刑）捕字〔2019〕546号")["doc_no"] == "青东公（刑）捕字〔2019〕546号"  # a kind: kept as read


def test_an_identity_number_with_a_digit_read_as_a_letter_or_a_stroke_more() -> None:
    from scanning.recognition.values import as_id_no

    assert as_id_no("居民身份证99835919960718i405") == "998359199607181405"  # i for 1
    assert as_id_no("居民身份证1996131198305014966") == "996131198305014966"  # an underline's end read as 1
    assert as_id_no("居民身份证99835919960718i406") is None  # the check digit disagrees: never guessed


def test_a_label_two_characters_short_is_no_label(make_page: Callable[..., PageResult]) -> None:
    from scanning.recognition.layout import find_label
    from scanning.recognition.text import PageText

    pt = PageText.from_page(make_page(1, ["本局经审查认为情节显著轻微，决定", "不予立案。"]))
    assert find_label(pt, "不予立案理由") is None
    assert find_label(pt, "不予立案") is not None


def test_names_run_together_are_cut_by_the_names_the_opinion_introduces(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "起诉意见书", "青东公（刑）诉字〔2018〕7号",
                         "犯罪嫌疑人雷红，男，1990年1月2日出生。", "犯罪嫌疑人吴宇，男，1991年3月4日出生。",
                         "犯罪嫌疑人姜磊国，女，1992年5月6日出生。",
                         "犯罪嫌疑人雷红吴宇、姜磊国涉嫌盗窃一案，现已侦查终结。", "此致", "青川市东河区人民检察院"])
    assert recognize([page])[0].plain_fields()["suspect_names"] == ["雷红", "吴宇", "姜磊国"]


def test_a_stray_mark_before_a_name_and_a_label_inside_a_longer_one(make_page: Callable[..., PageResult]) -> None:
    # the blank's underline read as d before the applicant; 申请人 inside 被申请人 is the respondent's label
    page = make_page(1, ["青川市东河区人民政府", "行政复议决定书", "青川东河政复决字〔2017〕975号",
                         [(300, "申请人：d林建兰"), (900, "性别：女")], "住址：青川市西城区解放路51号",
                         "被申请人：青川市公安局东河区分局",
                         "申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议。", "本机关决定：",
                         "维持被申请人作出的上述行政处罚决定。", "青川市东河区人民政府", "2017年5月2日"])
    f = recognize([page])[0].plain_fields()
    assert (f["applicant"], f["respondent"]) == ("林建兰", "青川市公安局东河区分局")


def test_a_figure_read_as_a_superscript_is_that_figure(make_page: Callable[..., PageResult]) -> None:
    # a page count filled in a little above the line: the engine answers ⁶, and a cover's ¹²
    sheet = make_page(2, ["卷内备考表", "本卷共有文书材料⁶页，其中文字材料⁶页。", "立卷人：薛军", "检查人：任霞帅"])
    assert recognize([sheet])[0].plain_fields()["page_count"] == 6
    cover = make_page(1, ["青川市公安局东河区分局", "刑事侦查卷宗", "案件名称：张伟盗窃案", "本卷页数：¹²页"])
    assert recognize([cover])[0].plain_fields()["page_count"] == 12


@pytest.mark.parametrize("read, named", [("东临市天宁区民检察院", "东临市天宁区人民检察院"),
                                         ("东临市天宁区人民检察院", "东临市天宁区人民检察院")])
def test_the_ren_of_renmin_lost_before_a_procuratorate(make_page: Callable[..., PageResult], read: str, named: str) -> None:
    page = make_page(1, [AUTH, "逮捕证", "青东公（刑）捕字〔2020〕56号",
                         f"根据《中华人民共和国刑事诉讼法》第八十条之规定，经{read}批准，兹由本局对涉嫌盗窃罪的",
                         "王芳（性别女，出生日期1980年1月2日，住址青川市人民路1号）执行逮捕，送青川市看守所羁押。",
                         AUTH, "2020年5月3日"])
    fv = recognize([page])[0].fields["procuratorate"]
    assert fv.value == named and fv.raw.endswith(read[-6:])


def test_a_value_loses_the_marks_of_its_blank(make_page: Callable[..., PageResult]) -> None:
    """Leader dots, a colon and a blank's underline read at the ends of a value are no part
    of it (发案经过...：2021年…, _没有犯罪事实_); what was read stays in raw. Here a label of its
    own in the value's cell (发案经过) is taken off, its leader dots and colon after it."""
    page = make_page(1, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, "姓名 李明 性别 男")],
        [(300, "案件来源"), (600, "口110指令 口工作中发现 回报案 口投案 口移送 口扭送 口其他")],
        [(300, "简要案情"), (600, "发案经过...：2018年1月16日，报案人李明报称其电动车被盗。")],
        [(300, "受案意见"), (600, "回" + OPINIONS[0])], *[[(600, "口" + o)] for o in OPINIONS[1:]],
        [(600, "2018年1月16日")],
    ])
    f = recognize([page])[0].fields["summary"]
    assert f.value == "2018年1月16日，报案人李明报称其电动车被盗。"
    assert "...：" in f.raw
