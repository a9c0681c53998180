"""One person's name read differently across a volume, decided character by character
(scanning/recognition/names.py, wired in crosscheck.reconcile_names)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from scanning.recognition import recognize
from scanning.recognition.names import Reading, vote
from scanning.types import PageResult

AUTH = "青川市公安局东河区分局"


def weak(page: PageResult, row: int, chars: str, conf: float) -> PageResult:
    """The characters ``chars`` of row ``row`` read with confidence ``conf`` (0..1)."""
    assert page.ocr is not None
    page.ocr.words = [dataclasses.replace(w, conf=conf) if w.line == row and w.text in chars else w
                      for w in page.ocr.words]
    return page


def form(make_page: Callable[..., PageResult], index: int, reporter: str, in_summary: str = "有人") -> PageResult:
    return make_page(index, [
        AUTH, "受案登记表", "青东公（刑）受案字〔2018〕5号",
        [(300, "报案人"), (600, f"姓名 {reporter} 性别 男 出生日期 1980年1月2日")],
        [(300, "接报民警"), (600, "王强"), (1100, "接报时间 2018年1月16日10时30分")],
        [(300, "案件来源"), (600, "口110指令 口工作中发现 ☑报案 口投案 口移送 口扭送 口其他")],
        [(300, "简要案"), (600, f"2018年1月16日，报案人{in_summary}报称其电动车")],
        [(300, "情"), (600, "被盗，请求处理。")],
        [(300, "受案意见"), (600, "☑属于本单位管辖的刑事案件，建议及时立案侦查")],
        [(600, "受案部门负责人：赵刚")], [(600, "2018年1月16日")],
    ])


def receipt(make_page: Callable[..., PageResult], index: int, addressee: str) -> PageResult:
    return make_page(index, [AUTH, "受案回执", "青东公（刑）受案字〔2018〕5号", f"{addressee}：",
                             "你（单位）于2018年1月16日报称的张伟盗窃案一案我单位已受理。", AUTH, "2018年1月16日"])


def notice(make_page: Callable[..., PageResult], index: int, addressee: str) -> PageResult:
    return make_page(index, [AUTH, "立案告知书", "青东公（刑）立告字〔2018〕9号", f"{addressee}：",
                             "你（单位）于2018年1月16日报称的张伟盗窃案，我局经审查，认为有犯罪事实，已决定立案。",
                             AUTH, "2018年1月17日"])


def warrant(make_page: Callable[..., PageResult], index: int, suspect: str) -> PageResult:
    return make_page(index, [AUTH, "拘留证", f"青东公（刑）拘字〔2018〕{index}号",
                             f"根据规定，兹决定对犯罪嫌疑人{suspect}（性别男，出生日期1990年1月1日）执行拘留，送青川市看守所羁押。",
                             AUTH, "2018年1月19日"])


def fields(docs: list, dtype: str, name: str) -> list:
    return [d.fields[name].value for d in docs if d.type == dtype and name in d.fields]


def test_each_position_decided_by_agreement_and_confidence(make_page: Callable[..., PageResult]) -> None:
    # the reporter read three ways, no two alike: 李明华 (sure), 李用华 (用 a guess), 李明单 (单 a guess)
    pages = [form(make_page, 1, "李明华"), weak(receipt(make_page, 2, "李用华"), 3, "用", 0.2),
             weak(notice(make_page, 3, "李明单"), 3, "单", 0.15)]
    docs = recognize(pages)
    assert fields(docs, "acceptance_receipt", "addressee") == ["李明华"]
    assert fields(docs, "filing_notice", "addressee") == ["李明华"]
    rc = next(d for d in docs if d.type == "acceptance_receipt")
    assert rc.fields["addressee"].raw == "李用华"  # the page's reading is kept
    c = [c for c in rc.conflicts if c["field"] == "addressee"]
    assert c and c[0]["chosen"] == "李明华"
    assert {x["value"] for x in c[0]["candidates"]} >= {"李用华", "李明华", "李明单"}
    assert c[0]["candidates"][0]["source"] == "page"


def test_guesses_that_agree_do_not_outvote_a_confident_reading(make_page: Callable[..., PageResult]) -> None:
    # both notices misread 艳 as 拖, at very low confidence; the form reads 艳 with confidence
    pages = [weak(form(make_page, 1, "魏英艳"), 3, "艳", 0.77), weak(receipt(make_page, 2, "魏英拖"), 3, "拖", 0.0),
             weak(notice(make_page, 3, "魏英拖"), 3, "拖", 0.2)]
    docs = recognize(pages)
    assert fields(docs, "acceptance_receipt", "addressee") == ["魏英艳"]
    assert fields(docs, "filing_notice", "addressee") == ["魏英艳"]
    assert fields(docs, "acceptance_form", "reporter_name") == ["魏英艳"]


def test_two_character_reporter_put_right_by_the_form(make_page: Callable[..., PageResult]) -> None:
    # the notice is addressed to the reporter (你…报称的): 彭静 unreadable, 袁静 on the form
    pages = [weak(form(make_page, 1, "袁静"), 3, "袁", 0.45), weak(notice(make_page, 2, "彭静"), 3, "彭", 0.0)]
    assert fields(recognize(pages), "filing_notice", "addressee") == ["袁静"]


def test_tie_leaves_values_as_read(make_page: Callable[..., PageResult]) -> None:
    pages = [weak(form(make_page, 1, "李明华"), 3, "华", 0.6), weak(receipt(make_page, 2, "李明单"), 3, "单", 0.6)]
    docs = recognize(pages)
    assert fields(docs, "acceptance_form", "reporter_name") == ["李明华"]
    assert fields(docs, "acceptance_receipt", "addressee") == ["李明单"]
    assert not any(c["field"] in ("addressee", "reporter_name") for d in docs for c in d.conflicts)


def test_reporter_and_suspect_with_similar_names_are_not_merged(make_page: Callable[..., PageResult]) -> None:
    # the suspect 李明单 (单 weakly read) is not the reporter 李明华, however alike
    pages = [form(make_page, 1, "李明华"), receipt(make_page, 2, "李明华"),
             weak(warrant(make_page, 3, "李明单"), 3, "单", 0.3)]
    docs = recognize(pages)
    assert fields(docs, "detention_warrant", "suspect_name") == ["李明单"]


def test_two_suspects_listed_side_by_side_are_never_merged(make_page: Callable[..., PageResult]) -> None:
    opinion = make_page(4, [AUTH, "起诉意见书", "青东公（刑）诉字〔2018〕9号",
                            "犯罪嫌疑人张建国、张建军涉嫌盗窃一案，现已侦查终结。", "此致", "青川市东河区人民检察院",
                            AUTH, "2018年5月2日"])
    pages = [warrant(make_page, 1, "张建国"), warrant(make_page, 2, "张建国"),
             weak(warrant(make_page, 3, "张建军"), 3, "军", 0.4), opinion]
    docs = recognize(pages)
    assert fields(docs, "detention_warrant", "suspect_name") == ["张建国", "张建国", "张建军"]
    assert fields(docs, "prosecution_opinion", "suspect_names") == [["张建国", "张建军"]]


def test_two_confident_readings_are_two_people(make_page: Callable[..., PageResult]) -> None:
    pages = [warrant(make_page, 1, "王小明"), warrant(make_page, 2, "王小明"), warrant(make_page, 3, "王小朋")]
    assert fields(recognize(pages), "detention_warrant", "suspect_name") == ["王小明", "王小明", "王小朋"]


def test_suspect_misread_once_is_put_right_by_the_others(make_page: Callable[..., PageResult]) -> None:
    pages = [warrant(make_page, 1, "蔡国帅"), warrant(make_page, 2, "蔡国帅"), weak(warrant(make_page, 3, "蔡国籼"), 3, "籼", 0.3)]
    docs = recognize(pages)
    assert fields(docs, "detention_warrant", "suspect_name") == ["蔡国帅"] * 3
    assert docs[2].fields["suspect_name"].raw == "蔡国籼"


def test_case_name_names_the_suspect(make_page: Callable[..., PageResult]) -> None:
    # 「我局正在侦查{case_name}，因犯罪嫌疑人{suspect_name}…」: 华 read weakly, 蔡 in the case name
    page = make_page(1, [AUTH, "取保候审决定书", "青东公（刑）取保字〔2018〕3号",
                         "我局正在侦查蔡宇帆盗窃案，因犯罪嫌疑人华宇帆可能判处管制，决定对其取保候审，期限从2018年1月20日起算。",
                         AUTH, "2018年1月20日"])
    doc = recognize([weak(page, 3, "华", 0.4)])[0]
    assert doc.fields["suspect_name"].value == "蔡宇帆"
    assert doc.fields["case_name"].value == "蔡宇帆盗窃案"


def test_vote_alone() -> None:
    r = [Reading("魏英艳", (0.77, 0.83, 0.77), "reporter"), Reading("魏欧拖", (0.23, 0.19, 0.0), "reporter"),
         Reading("魏英拖", (0.0, 0.16, 0.2), "reporter"), Reading("魏帆军", (0.9, 0.9, 0.9), "subject")]
    assert vote(r, {"reporter"}) == {1: "魏英艳", 2: "魏英艳"}
    # outside a role the form makes one person, two positions apart is two names
    assert vote([Reading("魏英艳", (0.9,) * 3, "subject"), Reading("魏欧拖", (0.1,) * 3, "subject")]) == {}


def penalty(make_page: Callable[..., PageResult], index: int, party: str, in_text: str) -> PageResult:
    return make_page(index, [AUTH, "行政处罚决定书", "青东公（行）行罚决字〔2019〕12号",
                             f"违法行为人 {party}，性别女，现住址青川市。", f"现查明2019年3月5日，{in_text}在人民路殴打他人。",
                             "根据《中华人民共和国治安管理处罚法》第四十三条之规定，决定给予行政拘留十日的处罚。",
                             AUTH, "二〇一九年三月七日"])


def review(make_page: Callable[..., PageResult], index: int, applicant: str) -> PageResult:
    return make_page(index, ["青川市东河区人民政府", "行政复议决定书", "青川东河政复决字〔2019〕4号",
                             f"申请人：{applicant}，女，住青川市人民路1号。", f"被申请人：{AUTH}。",
                             "本机关决定：", "撤销被申请人作出的上述行政处罚决定。", "青川市东河区人民政府", "2019年6月1日"])


def test_the_violation_names_the_party(make_page: Callable[..., PageResult]) -> None:
    # the party's name misread inside the facts (孝旭静), and the applicant's misread (都旭静)
    pages = [weak(penalty(make_page, 1, "郝旭静", "孝旭静"), 4, "孝", 0.5), weak(review(make_page, 2, "都旭静"), 3, "都", 0.0)]
    docs = recognize(pages)
    assert docs[0].fields["violation"].value == "2019年3月5日，郝旭静在人民路殴打他人"
    assert docs[0].fields["violation"].raw == "2019年3月5日，孝旭静在人民路殴打他人"
    assert docs[1].fields["applicant"].value == "郝旭静"
    assert any(c["field"] == "violation" for c in docs[0].conflicts)


def test_a_narrative_naming_someone_else_is_left_alone(make_page: Callable[..., PageResult]) -> None:
    # the facts name the party and another person one character off (郝旭东, weakly read):
    # no telling which place is the party, so the facts are not read as a second reading of it
    page = make_page(1, [AUTH, "行政处罚决定书", "青东公（行）行罚决字〔2019〕12号", "违法行为人 郝旭静，性别女。",
                         "现查明2019年3月5日，郝旭静在人民路殴打郝旭东。",
                         "根据《中华人民共和国治安管理处罚法》第四十三条之规定，决定给予行政拘留十日的处罚。", AUTH, "二〇一九年三月七日"])
    doc = recognize([weak(page, 4, "东", 0.1)])[0]
    assert doc.fields["violation"].value == "2019年3月5日，郝旭静在人民路殴打郝旭东"
    assert not doc.conflicts


def test_the_summary_supports_the_reporter(make_page: Callable[..., PageResult]) -> None:
    # 报案人{name}报称 in the summary is a second reading of the form's reporter
    pages = [form(make_page, 1, "白国健", "白国健"), receipt(make_page, 2, "昌国健")]
    pages[0] = weak(weak(pages[0], 3, "白", 0.05), 6, "白", 0.1)  # alone, the form's 白 would tie with 昌
    pages[1] = weak(pages[1], 3, "昌", 0.0)
    docs = recognize(pages)
    assert fields(docs, "acceptance_form", "summary") == ["2018年1月16日，报案人白国健报称其电动车被盗，请求处理。"]
    assert fields(docs, "acceptance_receipt", "addressee") == ["白国健"]


def test_with_two_reports_addressees_are_not_taken_for_one_reporter(make_page: Callable[..., PageResult]) -> None:
    # two acceptance forms: each notice may answer either reporter; 袁静 / 彭静 stay apart
    pages = [form(make_page, 1, "袁静"), form(make_page, 2, "彭明"), weak(notice(make_page, 3, "彭静"), 3, "彭", 0.0)]
    assert fields(recognize(pages), "filing_notice", "addressee") == ["彭静"]
