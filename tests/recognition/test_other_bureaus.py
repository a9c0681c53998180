"""Readings first missed on forms drawn by other hands (the tuned families provincial_edition
and boxed_pen_pairs, written by engineers who had not read the readers): other labels for
the same fields, dates and times in figures, a volume's span as two dates of their own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.recognition.normalize import parse_datetime
from scanning.types import PageResult

AUTH = "青川市公安局槐荫区分局"


@pytest.mark.parametrize("text, want", [
    ("2021.2.17 21:30", "2021-02-17T21:30"),
    ("2021-2-17 21:30", "2021-02-17T21:30"),
    ("2021/02/17 09:05", "2021-02-17T09:05"),
    # the space lost in reading: the hour takes two figures where it can, else one
    ("2021.2.1721：30", "2021-02-17T21:30"),
    ("2019.1.117:05", "2019-01-01T17:05"),
    ("2019.1.1107:05", "2019-01-11T07:05"),
    ("2019.1.257:05", "2019-01-25T07:05"),
    ("2021年2月17日21时30分", "2021-02-17T21:30"),
    ("2021.2.17", None),  # a date alone is no time
    ("2021.2.30 10:00", None),  # no such day
    ("2021.2-17 21:30", None),  # two kinds of separator: not one date
])
def test_date_and_time_in_figures(text: str, want: str | None) -> None:
    assert parse_datetime(text) == want


def test_a_cover_with_the_span_as_acceptance_and_closing_dates(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["刑事诉讼卷宗", "卷宗号：A7097574499452021024502", "案件名称：光明路被盗案",
                         "受案日期：2021.2.18 结案日期：2021.4.27", "本卷共14页", AUTH])
    f = recognize([page])[0].plain_fields()
    assert (f["opened_on"], f["closed_on"]) == ("2021-02-18", "2021-04-27")


def test_a_backup_sheet_with_a_page_total_and_a_check_time(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["卷内备考表", "本卷情况说明 材料齐全，排列有序，无缺损", "页数合计 14页",
                         "立卷人 白庆 立卷时间 2021.4.27", "检查人 戴桂庆 检查时间"])
    f = recognize([page])[0].plain_fields()
    assert f["page_count"] == 14
    assert f["checked_by"] == "戴桂庆"


def test_an_acceptance_form_labelled_as_another_province_prints_it(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "受案登记表", "受理编号：青槐公（刑）受案字【2021】641号",
        [(300, "报案（举报）人"), (800, "秦军辉"), (1300, "性别"), (1500, "男")],
        [(300, "证件种类及号码"), (800, "居民身份证993853197310096870")],
        [(300, "接警员"), (800, "覃敏云"), (1300, "报案时间"), (1600, "2021.2.17 21:30")],
    ])
    f = recognize([page])[0].plain_fields()
    assert f["reporter_name"] == "秦军辉"
    assert f["reporter_id_no"] == "993853197310096870"
    assert f["received_at"] == "2021-02-17T21:30"
    assert f["receiving_officer"] == "覃敏云"


def test_a_notice_whose_authority_is_only_its_seal_line(make_page: Callable[..., PageResult]) -> None:
    """No heading above the title: the body signing at the foot is the authority; the
    procuratorate or a name inside the text is not."""
    page = make_page(1, ["第一联（附卷）", "立案告知书", "青槐公（刑）立告字【2021】70号", "秦军辉：",
                         "你（单位）于2021年2月17日向我单位报案（控告、举报）的光明路被盗案一案，经审查，",
                         "我单位已于2021年2月20日决定立案侦查。", "特此告知。", AUTH + "（印）", "二〇二一年二月二十日",
                         "本告知书一式两联，第一联附卷，第二联交报案人（单位）。"])
    f = recognize([page])[0].plain_fields()
    assert f["authority"] == AUTH
    assert f["case_name"] == "光明路被盗案"


def test_sentences_worded_as_a_provincial_edition_words_them(make_page: Callable[..., PageResult]) -> None:
    bail = make_page(1, [AUTH, "取保候审决定书", "青槐公（刑）取保字【2021】389号",
                         "我单位在侦查光明路被盗案过程中，犯罪嫌疑人田磊桂符合取保候审条",
                         "件，现决定对其取保候审，期限自2021年3月12日起计算。", "二〇二一年三月十二日"])
    release = make_page(2, ["解除取保候审决定书", "青槐公（刑）解保字【2021】217号",
                            "犯罪嫌疑人田磊桂于2021年3月12日经我单位决定取保候审，现因案件",
                            "已移送审查起诉，决定解除对其的取保候审。", AUTH, "二〇二一年七月十八日"])
    warrant = make_page(3, [AUTH, "拘留证", "青槐公（刑）拘字【2021】00909号",
                            "犯罪嫌疑人田磊桂，性别女，1996年2月3日出生，住青川市东河区和平",
                            "街282号，我单位决定对其执行拘留，送青川市看守所羁押。", "二〇二一年二月二十一日"])
    docs = recognize([bail, release, warrant])
    b, r, w = (d.plain_fields() for d in docs)
    assert (b["case_name"], b["suspect_name"]) == ("光明路被盗案", "田磊桂")
    assert (r["suspect_name"], r["bail_started_on"]) == ("田磊桂", "2021-03-12")
    assert w["suspect_birth_date"] == "1996-02-03"


def test_sentences_of_a_carbon_copy_set(make_page: Callable[..., PageResult]) -> None:
    """涉嫌{case_name}，我单位于…立案侦查 names the case of a request for arrest; 认为{reason}，
    依照 the reason of a refusal to file; 正在侦查{case_name}案 prints the name's 案 twice."""
    request = make_page(1, [AUTH, "提请批准逮捕书", "青槐公（刑）提捕字【2021】00197号",
                            "犯罪嫌疑人田磊桂涉嫌光明路被盗案，我单位于2021年2月20日立案侦查，",
                            "犯罪嫌疑人于2021年2月21日被刑事拘留。", "此致", "青川市槐荫区人民检察院", AUTH, "2021年2月26日"])
    refusal = make_page(2, [AUTH, "不予立案通知书", "青槐公（刑）不立字【2021】00227号", "龙华华：",
                            "你（单位）于2021年1月11日报称的和平街被盗案，经审查，我单位",
                            "认为没有犯罪事实，依照《中华人民共和国刑事诉讼法》第一百一十二条之规定",
                            "，决定不予立案。", AUTH, "2021年1月16日"])
    bail = make_page(3, [AUTH, "取保候审决定书", "青槐公（刑）取保字【2021】389号",
                         "我单位正在侦查光明路被盗案案，因犯罪嫌疑人田磊桂符合取保候审条件，",
                         "决定对其取保候审，期限自2021年3月12日起计算。", AUTH, "2021年3月12日"])
    r, n, b = (d.plain_fields() for d in recognize([request, refusal, bail]))
    assert r["case_name"] == "光明路被盗案"
    assert n["reason"] == "没有犯罪事实"
    assert b["case_name"] == "光明路被盗案"


def test_a_review_decision_after_its_document_is_named(make_page: Callable[..., PageResult]) -> None:
    """决定 first occurs in the name of the decision reviewed (…《行政处罚决定书》不服), which
    decides nothing; the body's decision follows 本机关决定如下."""
    page = make_page(1, ["清河市中原区人民政府", "行政复议决定书", "清河中原政复决字【2016】480号",
                         "申请人：林建兰，女，1963年7月4日出生。", "被申请人：清河市公安局中原区分局。",
                         "申请人对被申请人作出的《行政处罚决定书》不服，向本机关提出行政复议申请。",
                         "本机关决定如下", "驳回申请人的行政复议申请。", "二〇一六年五月二十四日"])
    assert recognize([page])[0].plain_fields()["decision"] == "dismissed"


def test_pen_filled_blocks_name_the_suspects(make_page: Callable[..., PageResult]) -> None:
    """Each person in a block of their own (姓名……武永涛  性别……男) and the sentence that
    refers back to them (因上列犯罪嫌疑人可能判处…, 被取保候审人应当接受…): the names come
    from the blocks, never from the words after the role; a date on a blank keeps its figures
    (期限从_2021_年3月12日起算); a case name may join two charges with 、."""
    bail = make_page(1, [AUTH, "取保候审决定书", "青槐公（刑）取保字【2021】389号",
                         "姓名…：田磊桂 性别…：女", "住址…：青川市东河区和平街282号",
                         "我单位正在侦查光明路被盗案，因上列犯罪嫌疑人可能判处管制，决定对其取保候审，",
                         "期限从_2021_年3月12日起算。", "被取保候审人应当接受保证人谢彬的监督。", "2021年03月12日"])
    opinion = make_page(2, [AUTH, "起诉意见书", "清历公（刑）诉字[2019]87号",
                            "犯罪嫌疑人一", "姓名----武永涛 性别------男", "犯罪嫌疑人二", "姓名---张龙英 性别-------男",
                            "犯罪嫌疑人三", "姓名--袁强芳 性别--女",
                            "武永涛掩饰、隐瞒犯罪所得案，由本局于2019年5月23日立案侦查。",
                            "犯罪嫌疑人武永涛张龙英、袁强芳涉嫌掩饰、隐瞒犯罪所得一案，现已侦查终结。",
                            "此致", "清河市历下区人民检察院", "2019年6月1日"])
    b, o = (d.plain_fields() for d in recognize([bail, opinion]))
    assert (b["suspect_name"], b["starts_on"]) == ("田磊桂", "2021-03-12")
    assert o["suspect_names"] == ["武永涛", "张龙英", "袁强芳"]
    assert o["case_name"] == "武永涛掩饰、隐瞒犯罪所得案"


def test_one_filled_box_among_boxes_lost_in_reading(make_page: Callable[..., PageResult]) -> None:
    """□110指令□工作中发现报案口投案移送■扭送□其他: two boxes were lost in reading (报案,
    移送), which alone would look ticked; the one box read filled is the choice."""
    page = make_page(1, [AUTH, "受案登记表", "东天公（刑）受案字〔2018〕95号",
                         "报案人 姓名…谢晶宇 性别 男", "案件来源…□110指令□工作中发现报案口投案移送", "■扭送□其他",
                         "简要案情", "发案经过·2018年4月18日，报案人谢晶宇报称其被打伤，请求公安机关处理。",
                         "受案意见", "■属于本单位管辖的刑事案件，建议及时立案侦查", "□其他"])
    assert recognize([page])[0].plain_fields()["case_source"] == "扭送"


def test_the_guarantee_printed_as_two_options(make_page: Callable[..., PageResult]) -> None:
    """保证方式 as two ticked lines: the deposit chosen, its amount in capitals after the second 保证金."""
    page = make_page(1, [AUTH, "取保候审决定书", "清槐公（刑）取保字【2018】751号",
                         "我单位在侦查谭伟刚寻衅滋事案过程中，犯罪嫌疑人万庆符合取保候审条件，现决定对其",
                         "取保候审，期限自2018年04月05日起计算。", "保证方式：", "□保证人保证保证人：",
                         "■保证金保证保证金：人民币壹万元", "执行机关：建设派出所", "（公章）二零一八年四月五日"])
    f = recognize([page])[0].plain_fields()
    assert (f["guarantee"], f["deposit_amount"]) == ("deposit", 10000)
    assert "guarantor_name" not in f


def test_a_short_notice_signed_high_on_its_page(make_page: Callable[..., PageResult]) -> None:
    """No heading, a copy line above the title, the sign-off in the page's upper third: the
    date under the signing body is the date of issue, written with 零 for zero."""
    page = make_page(1, ["第二联（附卷）", "解除取保候审决定书", "兴北公（刑）解保字【2020】516号",
                         "犯罪嫌疑人钱平萍于二零二零年四月十六日经我单位决定取保候审，现因不应当追究其",
                         "刑事责任，决定解除对其的取保候审。", "兴平市公安局北岭区分局", "二零二零年八月十八日"])
    f = recognize([page])[0].plain_fields()
    assert f["released_on"] == "2020-08-18"
    assert f["authority"] == "兴平市公安局北岭区分局"


@pytest.mark.parametrize("respondent_row, decision_row, decision", [
    ("被中请人泺源市公安局东河区分局", "驳回申请人的行政复议申请。", "dismissed"),  # 申 read 中
    ("被申请人…：泺源市公安局东河区分局", "确认被申请人作出的上述行政处罚决定递法", "declared_unlawful"),  # 违 read 递
])
def test_review_decision_slips(make_page: Callable[..., PageResult], respondent_row: str, decision_row: str,
                               decision: str) -> None:
    page = make_page(1, ["泺源市东河区人民政府", "行政复议决定书", "泺源东河政复决字[2017]975号",
                         "申请人---毛秀娜 性别--男", respondent_row,
                         "申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议。",
                         "本机关认为：被申请人作出的行政处罚决定认定事实清楚。本机关决定：", decision_row,
                         "泺源市东河区人民政府", "2017年5月2日"])
    f = recognize([page])[0].plain_fields()
    assert (f["respondent"], f["decision"]) == ("泺源市公安局东河区分局", decision)
