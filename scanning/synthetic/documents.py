"""The content of every document type of FORMS.md, as blocks for the page renderer.

Each builder takes the case facts and a bureau style and returns a :class:`DocSpec`: the
pages as lists of blocks, and the fields a perfect reader would extract, normalised exactly
as FORMS.md says. The wording follows the Ministry's formats with the variations real
bureaux print; the renderer decides where things go on paper.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from .facts import CaseFacts, doc_no
from .style import Style, article, digits, fmt_amount, fmt_date, fmt_datetime, fmt_doc_no

Block = tuple[Any, ...]
LAW = "《中华人民共和国刑事诉讼法》"
TITLES = {
    "acceptance_form": "受案登记表", "acceptance_receipt": "受案回执", "filing_decision": "立案决定书",
    "filing_notice": "立案告知书", "no_filing_notice": "不予立案通知书", "detention_warrant": "拘留证",
    "bail_decision": "取保候审决定书", "bail_release_decision": "解除取保候审决定书",
    "arrest_request": "提请批准逮捕书", "arrest_warrant": "逮捕证", "prosecution_opinion": "起诉意见书",
    "admin_penalty_decision": "行政处罚决定书", "reconsideration_decision": "行政复议决定书",
    "admin_judgment": "行政判决书", "dossier_cover": "卷宗封面", "catalog": "卷内文书目录",
    "backup_sheet": "卷内备考表",
}
SOURCES = ["110指令", "工作中发现", "报案", "投案", "移送", "扭送", "其他"]
OPINIONS = [
    ("criminal", "属于本单位管辖的刑事案件，建议及时立案侦查"),
    ("administrative", "属于本单位管辖的行政案件，建议及时调查处理"),
    ("transfer", "不属于本单位管辖，建议移送有关单位处理"),
    ("not_police", "不属于公安机关职责范围，不予调查处理并当场书面告知当事人"),
    ("other", "其他"),
]
REVIEW_WORDS = {
    "upheld": "维持被申请人作出的上述行政处罚决定。",
    "revoked": "撤销被申请人作出的上述行政处罚决定。",
    "altered": "变更被申请人作出的上述行政处罚决定为警告。",
    "declared_unlawful": "确认被申请人作出的上述行政处罚决定违法。",
    "dismissed": "驳回申请人的行政复议申请。",
}
JUDGMENT_WORDS = {
    "upheld": "维持被告{d}作出的行政处罚决定。",
    "revoked": "撤销被告{d}作出的行政处罚决定。",
    "dismissed": "驳回原告{p}的诉讼请求。",
    "other": "确认被告{d}作出的行政处罚决定违法。",
}


@dataclass
class DocSpec:
    type: str
    title: str
    pages: list[list[Block]]
    fields: dict[str, Any] = field(default_factory=dict)
    date: dt.date | None = None  # the date a catalog lists
    doc_no: str | None = None  # normalised
    numbered: bool = True  # carries paper page numbers


def iso(d: dt.date) -> str:
    return d.isoformat()


def _head(facts: CaseFacts, style: Style, dtype: str, kind: str | None, authority: str | None = None) -> tuple[list[Block], str | None]:
    blocks: list[Block] = [("authority", authority or facts.authority), ("title", TITLES[dtype])]
    number = doc_no(facts, kind) if kind else None
    if number:
        blocks.append(("docno", fmt_doc_no(number, style)))
    return blocks, number


def _sign(facts: CaseFacts, style: Style, d: dt.date, authority: str | None = None, extra: tuple[str, ...] = ()) -> Block:
    return ("sign", [*extra, authority or facts.authority, fmt_date(d, style, style.sign_date_style)], style.seal)


def _base(facts: CaseFacts, number: str | None, d: dt.date, date_field: str, authority: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"authority": authority or facts.authority}
    if number:
        out["doc_no"] = number
    out[date_field] = iso(d)
    return out


def acceptance_form(facts: CaseFacts, style: Style, rng: random.Random, opinion: str = "criminal") -> DocSpec:
    blocks, number = _head(facts, style, "acceptance_form", "受案")
    r, o1 = facts.reporter, facts.officers[0]
    box = lambda on: style.tick if on else "□"  # noqa: E731
    sources = " ".join(f"{box(s == facts.case_source)}{s}" for s in SOURCES)
    opinions = [f"{box(code == opinion)}{text}" for code, text in OPINIONS]
    f = fmt_date
    rows = [
        [("报案人", 0.14), (f"姓名 {r.name}", 0.26), (f"性别 {r.gender}", 0.2), (f"出生日期 {f(r.birth_date, style, 'arabic')}", 0.4)],
        [("身份证件种类", 0.14), ("居民身份证", 0.26), (f"证件号码 {digits(r.id_no, style)}", 0.6)],
        [("现住址", 0.14), (r.address, 0.86)],
        [("接报民警", 0.14), (o1, 0.26), (f"接报时间 {fmt_datetime(facts.reported_at, style)}", 0.6)],
        [("接报地点", 0.14), (facts.unit, 0.86)],
        [("案件来源", 0.14), (sources, 0.86)],
        [("简要案情", 0.14), (facts.summary, 0.86)],
        [("受案意见", 0.14), ("\n".join(opinions) + f"\n受案民警：{o1}  {facts.officers[1]}", 0.86)],
        [("受案审批", 0.14), (f"受案部门负责人：{facts.checker}\n{f(facts.accepted_on, style, style.sign_date_style)}", 0.86)],
    ]
    blocks.append(("table", rows))
    fields = _base(facts, number, facts.accepted_on, "accepted_on")
    fields.update(case_source=facts.case_source, reporter_name=r.name, reporter_id_no=r.id_no,
                  received_at=facts.reported_at.strftime("%Y-%m-%dT%H:%M"), receiving_officer=o1,
                  summary=facts.summary, opinion=opinion)
    return DocSpec("acceptance_form", TITLES["acceptance_form"], [blocks], fields, facts.accepted_on, number)


def acceptance_receipt(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "acceptance_receipt", "受案")
    r = facts.reporter
    blocks += [
        ("line", f"{r.name}：", "left"),
        ("para", f"你（单位）于{fmt_date(facts.reported_at.date(), style)}报称的{facts.case_name}一案{style.self_ref}已受理。"
                 "你（单位）可通过拨打电话或者登录互联网公安服务平台查询案件进展情况。"),
        ("gap", 1), ("line", f"联系人：{facts.officers[0]}  联系电话：{digits('0531-' + str(rng.randint(80000000, 89999999)), style)}", "left"),
        _sign(facts, style, facts.accepted_on),
    ]
    fields = _base(facts, number, facts.accepted_on, "issued_on")
    fields.update(addressee=r.name, reported_on=iso(facts.reported_at.date()), case_name=facts.case_name)
    return DocSpec("acceptance_receipt", TITLES["acceptance_receipt"], [blocks], fields, facts.accepted_on, number)


def filing_decision(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "filing_decision", "立")
    lead = rng.choice(("根据", "依据"))
    blocks += [("para", f"{lead}{LAW}{article('filing', style)}之规定，决定对{facts.case_name}立案侦查。"), ("gap", 2),
               _sign(facts, style, facts.filed_on)]
    fields = _base(facts, number, facts.filed_on, "decided_on")
    fields["case_name"] = facts.case_name
    return DocSpec("filing_decision", TITLES["filing_decision"], [blocks], fields, facts.filed_on, number)


def filing_notice(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "filing_notice", "立告")
    r = facts.reporter
    blocks += [
        ("line", f"{r.name}：", "left"),
        ("para", f"你（单位）于{fmt_date(facts.reported_at.date(), style)}报称的{facts.case_name}，{style.self_ref}经审查，认为有犯罪事实"
                 f"需要追究刑事责任，且属于管辖范围，根据{LAW}{article('filing', style)}之规定，已决定立案。"),
        ("para", "特此告知。"), ("gap", 1), _sign(facts, style, facts.filed_on),
    ]
    fields = _base(facts, number, facts.filed_on, "issued_on")
    fields.update(addressee=r.name, reported_on=iso(facts.reported_at.date()), case_name=facts.case_name)
    return DocSpec("filing_notice", TITLES["filing_notice"], [blocks], fields, facts.filed_on, number)


def no_filing_notice(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "no_filing_notice", "不立")
    r = facts.reporter
    blocks += [
        ("line", f"{r.name}：", "left"),
        ("para", f"你（单位）于{fmt_date(facts.reported_at.date(), style)}报称的{facts.case_name}，{style.self_ref}经审查认为"
                 f"{facts.no_filing_reason}，根据{LAW}{article('filing', style)}之规定，决定不予立案。"),
        ("para", f"如不服本决定，可以在收到本通知书之日起七日以内向{style.self_ref}申请复议。"),
        ("gap", 1), _sign(facts, style, facts.no_filing_on),
    ]
    fields = _base(facts, number, facts.no_filing_on, "issued_on")
    fields.update(addressee=r.name, case_name=facts.case_name, reason=facts.no_filing_reason)
    return DocSpec("no_filing_notice", TITLES["no_filing_notice"], [blocks], fields, facts.no_filing_on, number)


def detention_warrant(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "detention_warrant", "拘")
    s = facts.suspects[0]
    blocks += [
        ("para", f"根据{LAW}{article('detention', style)}之规定，兹决定对犯罪嫌疑人{s.name}（性别{s.gender}，出生日期"
                 f"{fmt_date(s.birth_date, style)}，住址{s.address}）执行拘留，送{facts.detention_center}羁押。"),
        ("gap", 1), _sign(facts, style, facts.detained_on, extra=("局长（印）",)), ("gap", 1),
        ("line", "本证已于    年  月  日  时向我宣布。", "left"), ("line", "被拘留人：", "left"),
    ]
    fields = _base(facts, number, facts.detained_on, "issued_on")
    fields.update(suspect_name=s.name, suspect_gender=s.gender, suspect_birth_date=iso(s.birth_date),
                  detention_center=facts.detention_center)
    return DocSpec("detention_warrant", TITLES["detention_warrant"], [blocks], fields, facts.detained_on, number)


def bail_decision(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "bail_decision", "取保")
    s = facts.suspects[-1]
    why = rng.choice(("可能判处管制、拘役或者独立适用附加刑", "可能判处有期徒刑以上刑罚，采取取保候审不致发生社会危险性"))
    body = (f"{style.self_ref}正在侦查{facts.case_name}，因犯罪嫌疑人{s.name}{why}，根据{LAW}{article('bail', style)}之规定，"
            f"决定对其取保候审，期限从{fmt_date(facts.bail_on, style)}起算。")
    if facts.guarantee == "guarantor":
        tail = f"犯罪嫌疑人应当接受保证人{facts.guarantor}的监督。"
    else:
        tail = f"犯罪嫌疑人应当交纳保证金{fmt_amount(facts.deposit, style)}元。"
    blocks += [("para", body), ("para", tail), ("gap", 2), _sign(facts, style, facts.bail_on)]
    fields = _base(facts, number, facts.bail_on, "issued_on")
    fields.update(case_name=facts.case_name, suspect_name=s.name, starts_on=iso(facts.bail_on), guarantee=facts.guarantee)
    if facts.guarantee == "guarantor":
        fields["guarantor_name"] = facts.guarantor
    else:
        fields["deposit_amount"] = facts.deposit
    return DocSpec("bail_decision", TITLES["bail_decision"], [blocks], fields, facts.bail_on, number)


def bail_release_decision(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "bail_release_decision", "解保")
    s = facts.suspects[-1]
    blocks += [
        ("para", f"{style.self_ref}于{fmt_date(facts.bail_on, style)}对{s.name}决定取保候审，现因{facts.bail_release_reason}，"
                 f"根据{LAW}{article('bail_release', style)}之规定，决定予以解除。"),
        ("gap", 2), _sign(facts, style, facts.bail_released_on),
    ]
    fields = _base(facts, number, facts.bail_released_on, "released_on")
    fields.update(suspect_name=s.name, bail_started_on=iso(facts.bail_on), reason=facts.bail_release_reason)
    return DocSpec("bail_release_decision", TITLES["bail_release_decision"], [blocks], fields, facts.bail_released_on, number)


def _suspect_para(s: Any, style: Style) -> Block:
    return ("para", f"犯罪嫌疑人{s.name}，{s.gender}，{fmt_date(s.birth_date, style)}出生，身份证号码{digits(s.id_no, style)}，住{s.address}。")


def arrest_request(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "arrest_request", "提捕")
    s = facts.suspects[0]
    blocks += [
        _suspect_para(s, style),
        ("para", f"{facts.case_name}，由{style.self_ref}于{fmt_date(facts.filed_on, style)}立案侦查。犯罪嫌疑人{s.name}"
                 f"于{fmt_date(facts.detained_on, style)}被刑事拘留。"),
        ("para", f"经依法侦查查明：犯罪嫌疑人{s.name}涉嫌{facts.crime}，事实清楚，证据确实、充分。"),
        ("para", f"综上所述，犯罪嫌疑人{s.name}的行为已涉嫌{facts.crime}罪，根据{LAW}{article('arrest_request', style)}之规定，"
                 "特提请批准逮捕。"),
        ("line", "此致", "left"), ("line", facts.procuratorate, "left"), ("gap", 1), _sign(facts, style, facts.arrest_requested_on),
    ]
    fields = _base(facts, number, facts.arrest_requested_on, "issued_on")
    fields.update(suspect_name=s.name, case_name=facts.case_name, procuratorate=facts.procuratorate)
    return DocSpec("arrest_request", TITLES["arrest_request"], [blocks], fields, facts.arrest_requested_on, number)


def arrest_warrant(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "arrest_warrant", "捕")
    s = facts.suspects[0]
    blocks += [
        ("para", f"根据{LAW}{article('arrest', style)}之规定，经{facts.procuratorate}批准，兹由{style.self_ref}对涉嫌{facts.crime}罪的"
                 f"{s.name}（性别{s.gender}，出生日期{fmt_date(s.birth_date, style)}，住址{s.address}）执行逮捕，送{facts.detention_center}羁押。"),
        ("gap", 1), _sign(facts, style, facts.arrested_on, extra=("局长（印）",)), ("gap", 1),
        ("line", "本证已于    年  月  日  时向我宣布。", "left"), ("line", "被逮捕人：", "left"),
    ]
    fields = _base(facts, number, facts.arrested_on, "issued_on")
    fields.update(suspect_name=s.name, procuratorate=facts.procuratorate)
    return DocSpec("arrest_warrant", TITLES["arrest_warrant"], [blocks], fields, facts.arrested_on, number)


def prosecution_opinion(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "prosecution_opinion", "诉")
    names = [s.name for s in facts.suspects]
    blocks += [_suspect_para(s, style) for s in facts.suspects]
    blocks += [
        ("para", f"{facts.case_name}，由{style.self_ref}于{fmt_date(facts.filed_on, style)}立案侦查。"),
        ("para", f"犯罪嫌疑人{'、'.join(names)}涉嫌{facts.crime}一案，现已侦查终结。"),
        ("para", "经依法侦查查明：" + facts.summary * 2),
    ]
    page2: list[Block] = [
        ("para", "认定上述犯罪事实的证据如下：1.报案材料；2.被害人陈述；3.证人证言；4.犯罪嫌疑人供述和辩解；5.现场勘验笔录及照片。"),
        ("para", "上述犯罪事实清楚，证据确实、充分，足以认定。"),
        ("para", f"综上所述，犯罪嫌疑人{'、'.join(names)}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{facts.crime}罪。"
                 f"依照{LAW}{article('prosecution', style)}之规定，现将此案移送审查起诉。"),
        ("line", "此致", "left"), ("line", facts.procuratorate, "left"), ("gap", 1), _sign(facts, style, facts.prosecution_on),
    ]
    fields = _base(facts, number, facts.prosecution_on, "issued_on")
    fields.update(suspect_names=names, case_name=facts.case_name, procuratorate=facts.procuratorate)
    return DocSpec("prosecution_opinion", TITLES["prosecution_opinion"], [blocks, page2], fields, facts.prosecution_on, number)


def admin_penalty_decision(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks, number = _head(facts, style, "admin_penalty_decision", "行罚决")
    p = facts.party
    assert p is not None and facts.penalty_on is not None
    place = p.address.split("区")[-1]
    violation = f"{fmt_date(facts.reported_at.date(), style)}，{p.name}在{place}{facts.violation}"
    blocks += [
        ("para", f"违法行为人 {p.name}，性别{p.gender}，出生日期{fmt_date(p.birth_date, style)}，身份证件种类及号码 居民身份证 "
                 f"{digits(p.id_no, style)}，现住址{p.address}。"),
        ("para", f"现查明{violation}。"),
        ("para", "以上事实有违法行为人陈述和申辩、证人证言、视听资料等证据证实。"),
        ("para", f"根据《中华人民共和国治安管理处罚法》第{rng.choice(('二十三', '四十三', '四十九', '二十六', '七十'))}条之规定，"
                 f"决定给予{facts.penalty}的处罚。"),
        ("para", f"如不服本决定，可以在收到本决定书之日起六十日内向{facts.review_body}申请行政复议或者在六个月内依法向{facts.court}提起行政诉讼。"),
        ("gap", 1), _sign(facts, style, facts.penalty_on),
    ]
    fields = _base(facts, number, facts.penalty_on, "issued_on")
    fields.update(party_name=p.name, party_id_no=p.id_no, violation=violation_norm(violation), penalty=facts.penalty)
    return DocSpec("admin_penalty_decision", TITLES["admin_penalty_decision"], [blocks], fields, facts.penalty_on, number)


def violation_norm(text: str) -> str:
    """Free text is compared with full-width digits folded to ASCII, as recognition reports it."""
    return text.translate({ord(c) + 0xFEE0: ord(c) for c in "0123456789"})


def reconsideration_decision(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    number = f"{facts.city}{facts.district}政复决字〔{facts.year}〕{facts.serials['行罚决']}号"
    blocks: list[Block] = [("authority", facts.review_body), ("title", TITLES["reconsideration_decision"]),
                           ("docno", fmt_doc_no(number, style))]
    p = facts.party
    assert p is not None and facts.review_on is not None
    blocks += [
        ("line", f"申请人：{p.name}，{p.gender}，住{p.address}。", "left"),
        ("line", f"被申请人：{facts.authority}。", "left"),
        ("para", f"申请人不服被申请人作出的{fmt_doc_no(doc_no(facts, '行罚决'), style)}行政处罚决定，于"
                 f"{fmt_date(facts.penalty_on or facts.review_on, style)}向本机关申请行政复议，本机关依法予以受理。"),
        ("para", "本机关认为：被申请人作出的行政处罚决定认定事实清楚，程序合法。"),
        ("para", "根据《中华人民共和国行政复议法》第二十八条之规定，本机关决定："),
        ("para", REVIEW_WORDS[facts.review_decision]),
        ("gap", 1), _sign(facts, style, facts.review_on, authority=facts.review_body),
    ]
    fields = _base(facts, number, facts.review_on, "issued_on", authority=facts.review_body)
    fields.update(applicant=p.name, respondent=facts.authority, decision=facts.review_decision)
    return DocSpec("reconsideration_decision", TITLES["reconsideration_decision"], [blocks], fields, facts.review_on, number)


def admin_judgment(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    number = facts.court_case_no
    p = facts.party
    assert p is not None and facts.judgment_on is not None
    blocks: list[Block] = [("authority", facts.court), ("title", TITLES["admin_judgment"]), ("docno", fmt_doc_no(number, style)),
                           ("line", f"原告：{p.name}，{p.gender}，住{p.address}。", "left"),
                           ("line", f"被告：{facts.authority}。", "left"),
                           ("para", f"原告{p.name}不服被告{facts.authority}行政处罚一案，本院受理后依法组成合议庭，公开开庭审理了本案。"),
                           ("para", "经审理查明：" + facts.summary)]
    page2: list[Block] = [
        ("para", "本院认为，被告作出的行政处罚决定认定事实清楚，证据充分，适用法律正确。依照《中华人民共和国行政诉讼法》之规定，判决如下："),
        ("para", JUDGMENT_WORDS[facts.judgment_result].format(d=facts.authority, p=p.name)),
        ("para", "案件受理费50元，由原告负担。如不服本判决，可以在判决书送达之日起十五日内提起上诉。"),
        ("gap", 1), ("sign", ["审判长 " + facts.clerk, "审判员 " + facts.checker, fmt_date(facts.judgment_on, style, style.sign_date_style)], style.seal),
    ]
    fields: dict[str, Any] = {"authority": facts.court, "doc_no": number, "court": facts.court, "plaintiff": p.name,
                              "defendant": facts.authority, "result": facts.judgment_result, "issued_on": iso(facts.judgment_on)}
    return DocSpec("admin_judgment", TITLES["admin_judgment"], [blocks, page2], fields, facts.judgment_on, number)


BUILDERS = {
    "acceptance_form": acceptance_form, "acceptance_receipt": acceptance_receipt, "filing_decision": filing_decision,
    "filing_notice": filing_notice, "no_filing_notice": no_filing_notice, "detention_warrant": detention_warrant,
    "bail_decision": bail_decision, "bail_release_decision": bail_release_decision, "arrest_request": arrest_request,
    "arrest_warrant": arrest_warrant, "prosecution_opinion": prosecution_opinion,
    "admin_penalty_decision": admin_penalty_decision, "reconsideration_decision": reconsideration_decision,
    "admin_judgment": admin_judgment,
}


def statement(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    """A 询问笔录: not a FORMS.md type, so recognition folds it into the document before it."""
    r = facts.reporter
    t = facts.reported_at + dt.timedelta(hours=2)
    blocks: list[Block] = [("title", "询问笔录"), ("line", f"时间 {fmt_datetime(t, style)}", "left"),
                           ("line", f"地点 {facts.unit}", "left"),
                           ("line", f"询问人 {facts.officers[0]}、{facts.officers[1]}  工作单位 {facts.authority}{facts.unit}", "left"),
                           ("line", f"被询问人 {r.name}  性别 {r.gender}", "left")]
    qa = ["问：我们是公安机关的工作人员，现依法对你进行询问，你要如实回答，听清楚了吗？", "答：听清楚了。",
          "问：你因何事来报案？", "答：" + facts.summary, "问：你还有什么要补充的吗？", "答：没有了。",
          "问：以上所说是否属实？", "答：属实。"]
    blocks += [("para", line, False) for line in qa]
    return DocSpec("statement", "询问笔录", [blocks], {}, t.date(), None)


def photo_page(facts: CaseFacts, style: Style, rng: random.Random) -> DocSpec:
    blocks: list[Block] = [("photo", f"照片{rng.randint(1, 9)}：现场照片  拍摄人：{facts.officers[1]}  拍摄时间：{fmt_date(facts.filed_on, style)}")]
    return DocSpec("photo", "现场照片", [blocks], {}, facts.filed_on, None)
