"""Administrative, review, litigation documents and the dossier pages, on fake OCR."""

from __future__ import annotations

from collections.abc import Callable

from scanning.recognition import recognize
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"


def test_penalty_decision(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "行 政 处 罚 决 定 书", "青东公(行)行罚决字[2019]00012号",
                         "违法行为人 王芳，性别女，身份证件种类及号码 居民身份证 11010519491231002X，现住址青川市。",
                         "现查明2019年3月5日，王芳在人民路殴打他人。",
                         "根据《中华人民共和国治安管理处罚法》第四十三条之规定，决定给予行政拘留十日，并处罚款五百元的处罚。",
                         AUTH, "二〇一九年三月七日"])
    f = recognize([page])[0].plain_fields()
    assert f == {"authority": AUTH, "doc_no": "青东公（行）行罚决字〔2019〕00012号", "party_name": "王芳",
                 "party_id_no": "11010519491231002X", "violation": "2019年3月5日，王芳在人民路殴打他人",
                 "penalty": "行政拘留十日，并处罚款五百元", "issued_on": "2019-03-07"}


def test_penalty_facts_whose_full_stop_was_misread_end_at_the_next_sentence(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "行政处罚决定书", "青东公(行)行罚决字[2020]00136号",
                         "违法行为人李波明，性别男，现住址青川市。",
                         "现查明二〇二〇年三月十六日，李波明在和平街136号扰乱公共秩序0以上事实有违法行为人陈述",
                         "和申辩、证人证言等证据证实。根据《中华人民共和国治安管理处罚法》第二十三条之规定，",
                         "决定给予行政拘留五日的处罚。", AUTH, "二〇二〇年三月十八日"])
    f = recognize([page])[0].plain_fields()
    assert f["violation"] == "二〇二〇年三月十六日，李波明在和平街136号扰乱公共秩序"


def test_reconsideration_decision(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["青川市东河区人民政府", "行政复议决定书", "青川东河政复决字〔2019〕4号",
                         "申请人：王芳，女，住青川市人民路1号。", f"被申请人：{AUTH}。",
                         "申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议。",
                         "本机关决定：", "撤销被申请人作出的上述行政处罚决定。", "青川市东河区人民政府", "2019年6月1日"])
    f = recognize([page])[0].plain_fields()
    assert f["applicant"] == "王芳" and f["respondent"] == AUTH
    assert f["decision"] == "revoked" and f["issued_on"] == "2019-06-01"
    assert f["authority"] == "青川市东河区人民政府" and f["doc_no"] == "青川东河政复决字〔2019〕4号"


def test_judgment_over_two_pages(make_page: Callable[..., PageResult]) -> None:
    p1 = make_page(1, ["青川市东河区人民法院", "行政判决书", "(2019)青0102行初12号", "原告：王芳，女，住青川市。",
                       f"被告：{AUTH}。", "原告王芳不服被告行政处罚一案，本院公开开庭审理了本案。"])
    p2 = make_page(2, ["本院认为，被告作出的行政处罚决定证据充分。判决如下：", "驳回原告王芳的诉讼请求。",
                       "审判长 李明", "审判员 赵刚", "二〇一九年九月九日"])
    docs = recognize([p1, p2])
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [("admin_judgment", 1, 2)]
    f = docs[0].plain_fields()
    assert f["court"] == "青川市东河区人民法院" and f["plaintiff"] == "王芳" and f["defendant"] == AUTH
    assert f["result"] == "dismissed" and f["issued_on"] == "2019-09-09" and f["doc_no"] == "（2019）青0102行初12号"


def test_cover_and_backup_sheet(make_page: Callable[..., PageResult]) -> None:
    cover = make_page(1, [AUTH, "侦 查 工 作 卷 （副卷）", "案件名称：张伟盗窃案", "案件编号：A3701050200002018010012",
                          "起止日期：自2018年1月16日至2018年5月2日", "本卷共37页", "第1卷 共2卷", "保管期限：长期"])
    backup = make_page(2, ["卷内备考表", "本卷共有文书材料37页。", "立卷人：李明", "检查人：赵刚", "立卷时间：二〇一八年五月三日"])
    docs = recognize([cover, backup])
    assert docs[0].plain_fields() == {
        "authority": AUTH, "volume_kind": "criminal_secondary", "case_name": "张伟盗窃案",
        "case_no": "A3701050200002018010012", "volume_no": 1, "volume_count": 2, "opened_on": "2018-01-16",
        "closed_on": "2018-05-02", "retention": "长期", "page_count": 37}
    assert docs[1].plain_fields() == {"page_count": 37, "compiled_by": "李明", "checked_by": "赵刚", "compiled_on": "2018-05-03"}


def test_penalty_days_unit_misread(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "行政处罚决定书", "青东公（行）行罚决字〔2018〕9号", "违法行为人：李明，男。",
                         "现查明2018年1月2日，李明在和平街殴打他人。",
                         "根据《中华人民共和国治安管理处罚法》第四十三条之规定，决定给予行政拘留十目，并处罚款五百元的处罚。",
                         AUTH, "2018年1月5日"])
    assert recognize([page])[0].plain_fields()["penalty"] == "行政拘留十日，并处罚款五百元"


def test_penalty_comma_before_bingchu_misread(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [AUTH, "行政处罚决定书", "青东公（行）行罚决字〔2016〕9号", "违法行为人：龙磊勇，男。",
                         "现查明二〇一六年三月十三日，龙磊勇在解放路115号殴打他人。",
                         "根据《中华人民共和国治安管理处罚法》第四十三条之规定，决定给予行政拘留十日.并处罚款五百元的处罚。",
                         AUTH, "二〇一六年三月十五日"])
    assert recognize([page])[0].plain_fields()["penalty"] == "行政拘留十日，并处罚款五百元"


def test_cover_kind_from_a_garbled_title(make_page: Callable[..., PageResult]) -> None:
    cover = make_page(1, [AUTH, "行政复以管示", "案件名称：张伟殴打他人案", "保管期限：长期"])
    assert recognize([cover])[0].plain_fields()["volume_kind"] == "reconsideration"
    # equally near two kinds (行政…卷宗): no kind rather than a guess
    cover = make_page(1, [AUTH, "行政某某卷宗", "案件名称：张伟殴打他人案", "保管期限：长期"])
    assert "volume_kind" not in recognize([cover])[0].plain_fields()
