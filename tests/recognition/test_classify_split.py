"""Page classification and volume splitting on fake OCR (OCR errors written in by hand)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.recognition.classify import classify_page
from scanning.recognition.text import PageText
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"


def filing_decision(make_page: Callable[..., PageResult], index: int, title: str = "立案决定书") -> PageResult:
    return make_page(index, [
        AUTH, title, "青东公（刑）立字〔2018〕123号",
        "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对张伟盗窃案立案侦查。",
        "", "", AUTH, "二〇一八年一月十七日",
    ])


@pytest.mark.parametrize("title", ["立案决定书", "立案决定节", "立 案 决 定 书", "立案决宁书", "立案决定"])
def test_noisy_titles_still_classify(make_page: Callable[..., PageResult], title: str) -> None:
    v = classify_page(PageText.from_page(filing_decision(make_page, 1, title)), None)
    assert v.type == "filing_decision"


@pytest.mark.parametrize("title, dtype", [
    ("取保候审决定书", "bail_decision"), ("解除取保候审决定书", "bail_release_decision"),
    ("立案告知书", "filing_notice"), ("不予立案通知书", "no_filing_notice"),
    ("提请批准逮捕书", "arrest_request"), ("逮捕证", "arrest_warrant"), ("拘留证", "detention_warrant"),
    ("行政处罚决定书", "admin_penalty_decision"), ("行政复议决定书", "reconsideration_decision"),
    ("行政判决书", "admin_judgment"), ("卷内备考表", "backup_sheet"), ("受案回执", "acceptance_receipt"),
])
def test_similar_titles_are_told_apart(make_page: Callable[..., PageResult], title: str, dtype: str) -> None:
    page = make_page(1, [AUTH, title, "正文"])
    assert classify_page(PageText.from_page(page), None).type == dtype


def test_lost_title_falls_back_on_number_kind_and_phrases(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["青东公（刑）拘字〔2018〕7号", "根据规定，兹决定对犯罪嫌疑人李强执行拘留，送青川市看守所羁押。"])
    assert classify_page(PageText.from_page(page), None).type == "detention_warrant"


def test_page_without_title_continues(make_page: Callable[..., PageResult]) -> None:
    page = make_page(2, ["综上所述，现将此案移送审查起诉。", "此致", "青川市东河区人民检察院"])
    assert classify_page(PageText.from_page(page), "prosecution_opinion").type is None


def test_volume_split_with_continuation_and_blank_backs(make_page: Callable[..., PageResult]) -> None:
    pages = [
        make_page(1, ["这是一页不属于任何文书的说明"]),
        filing_decision(make_page, 2),
        make_page(3, [], blank=True),
        make_page(4, ["询问笔录", "问：你因何事来报案？", "答：我的电动车被盗了。"]),
        make_page(5, [], blank=True),
        make_page(6, [AUTH, "起 诉 意 见 书", "青东公（刑）诉字〔2018〕9号", "犯罪嫌疑人张伟涉嫌盗窃一案，现已侦查终结。"]),
        make_page(7, ["综上所述，依照规定，现将此案移送审查起诉。", "此致", "青川市东河区人民检察院", "", AUTH, "2018年5月2日"]),
    ]
    docs = recognize(pages)
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [
        ("other", 1, 1), ("filing_decision", 2, 4), ("prosecution_opinion", 6, 7)]
    fd = docs[1].plain_fields()
    assert fd["case_name"] == "张伟盗窃案"
    assert fd["decided_on"] == "2018-01-17"
    assert fd["doc_no"] == "青东公（刑）立字〔2018〕123号"
    assert fd["authority"] == AUTH
    po = docs[2].plain_fields()
    assert po["procuratorate"] == "青川市东河区人民检察院"
    assert po["issued_on"] == "2018-05-02"
    assert po["suspect_names"] == ["张伟"]


def test_provenance_box_and_page(make_page: Callable[..., PageResult]) -> None:
    docs = recognize([filing_decision(make_page, 5)])
    fv = docs[0].fields["case_name"]
    assert fv.page == 5 and fv.raw == "张伟盗窃案"
    assert fv.box is not None and fv.box[2] - fv.box[0] >= 5 * 40
    assert 0 < fv.conf <= 1


def test_field_not_printed_is_left_out(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "立案决定书", "根据规定，决定对张伟盗窃案立案侦查。"])
    fields = recognize([page])[0].plain_fields()
    assert "doc_no" not in fields and "decided_on" not in fields


def test_a_catalog_titled_again_on_its_next_page_is_one_catalog(make_page: Callable[..., PageResult]) -> None:
    """卷内文件目录 over its first page and 卷内文件目录（续） over the next: one catalog, its
    rows from both pages."""
    head = "序号 责任者 文书标题 发文字号 日期 页号 备注"
    first = make_page(1, ["卷内文件目录", "卷宗号：A7097574499452021024502", head,
                          "1 槐荫分局 受案登记表 青槐公（刑）受案字【2021】641号 2021.2.18 1",
                          "2 槐荫分局 受案回执 青槐公（刑）受案字【2021】641号 2021.2.18 2-3"])
    second = make_page(2, ["卷内文件目录（续）", head,
                           "3 槐荫分局 立案决定书 青槐公（刑）立字【2021】280号 2021.2.20 4"])
    docs = recognize([first, second])
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [("catalog", 1, 2)]
