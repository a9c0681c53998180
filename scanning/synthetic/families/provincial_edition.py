"""The tuned family ``provincial_edition``: a prefecture-level bureau's own provincial edition.

A 地市级公安局 in another province prints its forms from its province's edition of the
national templates. The content is the same, but the fixed sentences are worded and
ordered the province's way, and the page around them is laid out differently:

- sentences reworded and reordered: 「经审查，…一案，有犯罪事实发生…符合立案条件。根据
  《中华人民共和国刑事诉讼法》第…条之规定，现决定立案侦查。」, 「你（单位）于…报称的…一案，
  经审查，…已于…受理」, 「犯罪嫌疑人…，性别…，…出生，住…，因涉嫌…罪，经…批准，依照…
  由本局执行逮捕」, the person first and the statute after the facts;
- every multi-copy form says which copy it is: a 联 line above the header (第二联（附卷）,
  副本) and a note line at the foot (本证一式三联：第一联存根，第二联附卷，第三联交看守所。);
- the issuing authority printed only where the template puts it: the notices carry it only
  on the seal line at the foot, the acceptance form, bail and penalty decisions only in the
  header (the seal stamped over the sign-off date), the cover only as 立卷单位 at the foot;
- labels with the province's synonyms (受理编号, 报案（举报）人, 接警员, 承办民警, 基本案情,
  当事人, 卷宗号, 受案日期 / 结案日期, 本卷共…页, 案件类别, 页数合计, 归档日期, 发文字号, 责任者),
  options in the province's order (行政 before 刑事), bail guarantee as two ticked lines;
- document numbers in [] or 【】 brackets; dates with dots in tables (2018.3.5), Chinese
  numerals on every sign-off; template print in 宋体, labels in bold 宋体, the values
  typed in afterwards in 黑体 on underlined blanks;
- a catalog 序号|责任者|文书标题|发文字号|日期|页号|备注 titled 卷内文件目录 (续 on later
  pages), a backup sheet as a ruled box with 页数合计; grey 8-bit scans on tinted paper.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

from ..documents import LAW, Block
from ..facts import doc_no
from ..style import Damage, Style, article, fmt_amount
from .common import Ctx, Family, L, Seg, T, V, line, para

NAME = "provincial_edition"

Cell = tuple[Any, ...]

SOURCES = ["110指令", "报案", "投案", "移送", "扭送", "工作中发现", "其他"]  # the province's order
OPINIONS = [  # the province's order: administrative first
    ("administrative", "属于本单位管辖的行政案件，建议及时调查处理"),
    ("criminal", "属于本单位管辖的刑事案件，建议及时立案侦查"),
    ("transfer", "不属于本单位管辖，建议移送有关单位处理"),
    ("not_police", "不属于公安机关职责范围，不予调查处理并当场书面告知当事人"),
    ("other", "其他"),
]
REVIEW = {
    "upheld": "维持被申请人作出的上述行政处罚决定。",
    "revoked": "撤销被申请人作出的上述行政处罚决定。",
    "altered": "变更被申请人作出的上述行政处罚决定为警告。",
    "declared_unlawful": "确认被申请人作出的上述行政处罚决定违法。",
    "dismissed": "驳回申请人的行政复议申请。",
}
JUDGMENT = {
    "upheld": "维持被告{d}作出的被诉行政处罚决定。",
    "revoked": "撤销被告{d}作出的被诉行政处罚决定。",
    "dismissed": "驳回原告{p}的诉讼请求。",
    "other": "确认被告{d}作出的被诉行政处罚决定违法。",
}
CASE_CLASS = {"criminal_main": "刑事", "criminal_secondary": "刑事", "administrative": "行政",
              "reconsideration": "行政复议", "litigation": "行政诉讼"}
#: which copy of a multi-copy form the dossier holds (the line above the header), and the
#: note the template prints at its foot
COPIES: dict[str, tuple[str | None, str | None]] = {
    "acceptance_receipt": ("第一联（附卷）", "本回执一式两联，第一联附卷，第二联交报案人（单位）。"),
    "filing_decision": ("第二联（附卷）", "本决定书一式两联，第一联存根，第二联附卷。"),
    "filing_notice": ("第一联（附卷）", "本告知书一式两联，第一联附卷，第二联交报案人（单位）。"),
    "no_filing_notice": ("第一联（附卷）", "本通知书一式两联，第一联附卷，第二联交报案人（单位）。"),
    "detention_warrant": ("第二联（附卷）", "本证一式三联：第一联存根，第二联附卷，第三联交看守所。"),
    "bail_decision": ("第二联（附卷）", "本决定书一式三联：第一联存根，第二联附卷，第三联交被取保候审人。"),
    "bail_release_decision": ("第二联（附卷）", "本决定书一式三联：第一联存根，第二联附卷，第三联交被取保候审人及执行机关。"),
    "arrest_request": ("副本", None),
    "arrest_warrant": ("第二联（附卷）", "本证一式三联：第一联存根，第二联附卷，第三联交看守所。"),
    "prosecution_opinion": ("副本", None),
    "admin_penalty_decision": (None, "本决定书一式三份，被处罚人一份，被侵害人一份，附卷一份。"),
}


# -- pieces every page shares --------------------------------------------------------------

def own(ctx: Ctx, salt: int) -> random.Random:
    """This template's own draws (a phone number, an article, rows per catalog page), from the
    case's seed: the drawer takes nothing from the volume's random stream (ctx.rng), which
    decides the volume's later documents, retention and blank backs."""
    return random.Random(ctx.facts.seed * 7919 + salt)


def dot(ctx: Ctx, d: dt.date) -> str:
    """A date in a table: Arabic with dots, typed by the case system in half-width digits (2018.3.5)."""
    return f"{d.year}.{d.month}.{d.day}"


def half(text: str) -> str:
    """Half-width digits, as the case system prints the cells of its tables."""
    return text.translate({ord(ch) + 0xFEE0: ord(ch) for ch in "0123456789"})


def cn(ctx: Ctx, d: dt.date) -> str:
    """A date on a sign-off: Chinese numerals (二〇一八年三月五日)."""
    return ctx.d(d, "chinese")


def copy_line(dtype: str) -> list[Block]:
    copy = COPIES.get(dtype, (None, None))[0]
    return [line(T(copy), align="right")] if copy else []


def foot_note(dtype: str) -> list[Block]:
    note = COPIES.get(dtype, (None, None))[1]
    return [("gap", 1.2), line(T(note), align="left")] if note else []


def header(ctx: Ctx, *, authority: bool = True, docno: str = "right") -> list[Block]:
    """联 line, authority (or not), title, document number (right, left or none)."""
    out: list[Block] = copy_line(ctx.spec.type)
    if authority:
        out.append(("authority", ctx.f["authority"]))
    out.append(("title", ctx.spec.title))
    if docno != "none" and ctx.spec.doc_no:
        out.append(line(T(ctx.docno(ctx.spec.doc_no)), align=docno))
        out.append(("gap", 0.4))
    return out


def seal_line(ctx: Ctx, d: dt.date, extra: tuple[str, ...] = ()) -> list[Block]:
    """The sign-off with the authority's name: the seal over the name and the date."""
    return [("gap", 1), ("sign", [*extra, ctx.f["authority"], cn(ctx, d)], ctx.style.seal)]


def date_seal(ctx: Ctx, d: dt.date, extra: tuple[str, ...] = ()) -> list[Block]:
    """The sign-off of a template whose authority is printed only in the header: the date
    alone at the right, the seal (of the header's authority) stamped over it."""
    role = "vs" if ctx.style.seal else "t"
    out: list[Block] = [("gap", 1.2)]
    out += [line(T(e + "\u3000\u3000"), align="right") for e in extra]
    out.append(("rich", [T("（公章）\u3000"), (cn(ctx, d), role), T("\u3000")], {"align": "right", "underline": False}))
    return out


def grid(rows: list[list[Cell]], *, scale: float = 1.0, min_lines: int = 1) -> Block:
    return ("grid", rows, {"rules": "all", "scale": scale, "min_lines": min_lines, "pad": 0.4})


def c(segs: Seg | list[Seg] | str, w: float, span: int = 0) -> Cell:
    if isinstance(segs, str):
        segs = [T(segs)]
    elif isinstance(segs, tuple):
        segs = [segs]
    return (segs, w, {"span": span}) if span else (segs, w)


def ticks(ctx: Ctx, choices: list[str], chosen: str, sep: str = "\u3000") -> list[Seg]:
    out: list[Seg] = []
    for i, ch in enumerate(choices):
        out += [T((sep if i else "") + (ctx.style.tick if ch == chosen else "□")), T(ch)]
    return out


# -- criminal documents ----------------------------------------------------------------------

def acceptance_form(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    r, o1, o2 = facts.reporter, facts.officers[0], facts.officers[1]
    opinion = dict(OPINIONS)[f["opinion"]]
    op: list[Seg] = []
    for i, (_, text) in enumerate(OPINIONS):
        op += [T(("\n" if i else "") + (ctx.style.tick if text == opinion else "□")), T(text)]
    op += [T("\n"), L("承办民警："), V(f"{o1}、{o2}")]
    rows: list[list[Cell]] = [
        [c(L("报案（举报）人"), 0.19), c(V(r.name), 0.2), c(L("性别"), 0.09), c(V(r.gender), 0.08),
         c(L("出生日期"), 0.14), c(V(dot(ctx, r.birth_date)), 0.3)],
        [c(L("证件种类及号码"), 0.19), c([V("居民身份证\u3000" + ctx.n(r.id_no))], 0.81)],
        [c(L("联系地址"), 0.19), c(V(r.address), 0.81)],
        [c(L("接警员"), 0.19), c(V(o1), 0.2), c(L("报案时间"), 0.16),
         c(V(ctx.n(f"{dot(ctx, facts.reported_at.date())} {facts.reported_at:%H:%M}")), 0.45)],
        [c(L("受理单位"), 0.19), c(V(facts.unit), 0.81)],
        [c(L("案件来源"), 0.19), c(ticks(ctx, SOURCES, f["case_source"], " "), 0.81)],
        [c(L("基本案情"), 0.19), c(V(f["summary"]), 0.81)],
        [c(L("受案意见"), 0.19), c(op, 0.81)],
        [c(L("审批意见"), 0.19), c([V("同意受案。"), T("\n"), L("审批人："), V(facts.checker), T("\u3000\u3000"),
                                  V(cn(ctx, ctx.iso("accepted_on")))], 0.81)],
    ]
    blocks = header(ctx, docno="none")
    blocks += [line(L("受理编号："), T(ctx.docno(ctx.spec.doc_no or "")), align="left"), ("gap", 0.2),
               grid(rows, scale=min(1.0, 12.5 / ctx.style.body_pt))]
    return [blocks]


def _addressee(ctx: Ctx) -> Block:
    return line(V(ctx.f["addressee"]), T("："))


def acceptance_receipt(ctx: Ctx) -> list[list[Block]]:
    f, facts, me = ctx.f, ctx.facts, ctx.style.self_ref
    phone = ctx.n(f"0{own(ctx, 1).randint(530, 599)}-{own(ctx, 2).randint(80000000, 89999999)}")
    blocks = header(ctx, authority=False) + [
        _addressee(ctx),
        para("你（单位）于", V(ctx.d(ctx.iso("reported_on"))), "报称的", V(f["case_name"]), f"一案，经审查，{me}已于",
             V(ctx.d(ctx.iso("issued_on"))), "受理。"),
        para("如需了解案件办理进展情况，请与承办民警联系。"),
        line(L("承办民警："), V(facts.officers[0]), T("\u3000\u3000"), L("联系电话："), V(phone)),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on")) + foot_note("acceptance_receipt")]


def filing_decision(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    blocks = header(ctx) + [
        para("经审查，", V(f["case_name"]), "一案，有犯罪事实发生，需要追究刑事责任，且属于", f"{ctx.style.self_ref}管辖，符合立案条件。"
             f"根据{LAW}{article('filing', ctx.style)}之规定，现决定立案侦查。"),
        para("特此决定。"), ("gap", 1),
    ]
    return [blocks + seal_line(ctx, ctx.iso("decided_on")) + foot_note("filing_decision")]


def filing_notice(ctx: Ctx) -> list[list[Block]]:
    f, me = ctx.f, ctx.style.self_ref
    blocks = header(ctx, authority=False, docno="left") + [
        _addressee(ctx),
        para("你（单位）于", V(ctx.d(ctx.iso("reported_on"))), f"向{me}报案（控告、举报）的", V(f["case_name"]),
             f"一案，经审查，{me}认为有犯罪事实发生，需要追究刑事责任，且属于{me}管辖。"
             f"根据{LAW}{article('filing', ctx.style)}之规定，{me}已于", V(ctx.d(ctx.iso("issued_on"))), "决定立案侦查。"),
        para("特此告知。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on")) + foot_note("filing_notice")]


def no_filing_notice(ctx: Ctx) -> list[list[Block]]:
    f, me = ctx.f, ctx.style.self_ref
    blocks = header(ctx, authority=False, docno="left") + [
        _addressee(ctx),
        para("你（单位）于", V(ctx.d(ctx.facts.reported_at.date())), "报称的", V(f["case_name"]), f"一案，经{me}审查，因",
             V(f["reason"]), f"，根据{LAW}{article('filing', ctx.style)}之规定，现决定不予立案。"),
        para(f"你（单位）如对本决定不服，可以在收到本通知书之日起七日以内向{me}申请复议。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on")) + foot_note("no_filing_notice")]


def _announced(what: str) -> list[Block]:
    return [("gap", 0.8), line(T(f"本证已于\u3000\u3000年\u3000\u3000月\u3000\u3000日\u3000\u3000时向本人宣布。")),
            line(T(f"{what}（签名、捺指印）："))]


def detention_warrant(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    blocks = header(ctx) + [
        para("犯罪嫌疑人", V(f["suspect_name"]), "，性别", V(f["suspect_gender"]), "，", V(ctx.d(ctx.iso("suspect_birth_date"))),
             "出生，住", V(s.address), f"，因涉嫌{facts.crime}，根据{LAW}{article('detention', ctx.style)}之规定，"
             f"{ctx.style.self_ref}决定对其执行拘留，送", V(f["detention_center"]), "羁押。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on"), ("局长（印）",)) + _announced("被拘留人") + foot_note("detention_warrant")]


def bail_decision(ctx: Ctx) -> list[list[Block]]:
    f, facts, me = ctx.f, ctx.facts, ctx.style.self_ref
    blank = "\u3000" * 5
    if f["guarantee"] == "guarantor":
        man: list[Seg] = [T("保证人："), V(f["guarantor_name"])]
        dep: list[Seg] = [T(f"保证金：人民币{blank}元")]
    else:
        man = [T(f"保证人：{blank}")]
        dep = [T("保证金：人民币"), V(fmt_amount(f["deposit_amount"], ctx.style)), T("元")]
    on = f["guarantee"]
    blocks = header(ctx) + [
        para(f"{me}在侦查", V(f["case_name"]), "过程中，犯罪嫌疑人", V(f["suspect_name"]), "符合取保候审条件，依照",
             f"{LAW}{article('bail', ctx.style)}之规定，现决定对其取保候审，期限自", V(ctx.d(ctx.iso("starts_on"))),
             "起计算，最长不超过十二个月。"),
        para("保证方式："),
        para(T(ctx.style.tick if on == "guarantor" else "□"), T("保证人保证\u3000"), *man, indent=4),
        para(T(ctx.style.tick if on == "deposit" else "□"), T("保证金保证\u3000"), *dep, indent=4),
        para("被取保候审人在取保候审期间应当遵守《中华人民共和国刑事诉讼法》第七十一条的规定。"),
        line(L("执行机关："), V(facts.unit)),
    ]
    return [blocks + date_seal(ctx, ctx.iso("issued_on")) + foot_note("bail_decision")]


def bail_release_decision(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    blocks = header(ctx, authority=False) + [
        para("犯罪嫌疑人", V(f["suspect_name"]), "于", V(ctx.d(ctx.iso("bail_started_on"))), f"经{ctx.style.self_ref}决定取保候审，现因",
             V(f["reason"]), f"，依照{LAW}{article('bail_release', ctx.style)}之规定，决定解除对其的取保候审。"),
        para("本决定书副本送达被取保候审人、保证人及执行机关。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("released_on")) + foot_note("bail_release_decision")]


def _suspect(ctx: Ctx, s: Any) -> Block:
    return para("犯罪嫌疑人", V(s.name), f"，{s.gender}，{ctx.d(s.birth_date)}出生，公民身份号码{ctx.n(s.id_no)}，户籍地及现住址{s.address}。")


def arrest_request(ctx: Ctx) -> list[list[Block]]:
    f, facts, me = ctx.f, ctx.facts, ctx.style.self_ref
    s = facts.suspects[0]
    blocks = header(ctx) + [
        _suspect(ctx, s),
        para(f"{me}于{ctx.d(facts.filed_on)}对", V(f["case_name"]), f"立案侦查。犯罪嫌疑人{s.name}于{ctx.d(facts.detained_on)}被刑事拘留。"),
        para(f"现查明：犯罪嫌疑人{s.name}涉嫌{facts.crime}，事实清楚，证据确实、充分。"),
        para(f"综上，犯罪嫌疑人{s.name}涉嫌{facts.crime}罪，可能判处徒刑以上刑罚，采取取保候审尚不足以防止发生社会危险性。"
             f"依照{LAW}{article('arrest_request', ctx.style)}之规定，特提请批准逮捕。"),
        line("此致"), line(V(f["procuratorate"])),
    ]
    tail = [("gap", 0.5), line(T(f"附：1.本案卷宗1卷；2.犯罪嫌疑人{s.name}现羁押于{facts.detention_center}。"))]
    return [blocks + seal_line(ctx, ctx.iso("issued_on"), ("局长（印）",)) + tail]


def arrest_warrant(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    blocks = header(ctx) + [
        para("犯罪嫌疑人", V(f["suspect_name"]), f"，性别{s.gender}，{ctx.d(s.birth_date)}出生，住址{s.address}，涉嫌{facts.crime}罪，经",
             V(f["procuratorate"]), f"批准，依照{LAW}{article('arrest', ctx.style)}之规定，由{ctx.style.self_ref}执行逮捕，送",
             V(facts.detention_center), "羁押。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on"), ("局长（印）",)) + _announced("被逮捕人") + foot_note("arrest_warrant")]


def prosecution_opinion(ctx: Ctx) -> list[list[Block]]:
    f, facts, me = ctx.f, ctx.facts, ctx.style.self_ref
    names = "、".join(f["suspect_names"])
    page1 = header(ctx) + [_suspect(ctx, s) for s in facts.suspects] + [
        para(f"{me}于{ctx.d(facts.filed_on)}对", V(f["case_name"]), "立案侦查。犯罪嫌疑人", V(names), f"涉嫌{facts.crime}一案，现已侦查终结。"),
        para("经依法侦查查明：" + facts.summary * 2),
    ]
    page2: list[Block] = [
        para("认定上述事实的证据如下：1.报案材料；2.被害人陈述；3.证人证言；4.犯罪嫌疑人供述和辩解；5.现场勘验笔录。"),
        para("上述犯罪事实清楚，证据确实、充分，足以认定。"),
        para(f"综上所述，犯罪嫌疑人{names}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{facts.crime}罪。"
             f"依照{LAW}{article('prosecution', ctx.style)}之规定，现将本案移送审查起诉。"),
        line("此致"), line(V(f["procuratorate"])),
        *seal_line(ctx, ctx.iso("issued_on"), ("局长（印）",)),
        ("gap", 0.5), line(T(f"附：1.本案卷宗1卷；2.犯罪嫌疑人现羁押于{facts.detention_center}。")),
    ]
    return [page1, page2]


# -- administrative, review and litigation -----------------------------------------------------

def admin_penalty_decision(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    assert p is not None
    rows: list[list[Cell]] = [
        [c(L("当事人"), 0.19), c(V(f["party_name"]), 0.2), c(L("性别"), 0.09), c(V(p.gender), 0.08),
         c(L("出生日期"), 0.14), c(V(dot(ctx, p.birth_date)), 0.3)],
        [c(L("身份证件号码"), 0.19), c(V("居民身份证\u3000" + ctx.n(f["party_id_no"])), 0.81)],
        [c(L("现住址"), 0.19), c(V(p.address), 0.81)],
    ]
    art = own(ctx, 3).choice(("二十三", "二十六", "四十三", "四十九", "七十"))
    blocks = header(ctx) + [grid(rows, scale=min(1.0, 12.5 / ctx.style.body_pt)), ("gap", 0.5),
                            para("现查明：", V(ctx.n(f["violation"])), "。"),
                            para("上述事实，有当事人陈述和申辩、证人证言、视听资料等证据证实。"),
                            para(f"依据《中华人民共和国治安管理处罚法》第{art}条之规定，决定对当事人", V(f["party_name"]), "作出如下处罚：",
                                 V(f["penalty"]), "。"),
                            para(f"当事人如不服本决定，可以在收到本决定书之日起六十日内向{facts.review_body}申请行政复议，"
                                 f"或者在六个月内依法向{facts.court}提起行政诉讼。")]
    return [blocks + date_seal(ctx, ctx.iso("issued_on")) + foot_note("admin_penalty_decision")]


def reconsideration_decision(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    assert p is not None and facts.penalty_on is not None
    penalty_no = ctx.docno(doc_no(facts, "行罚决"))
    blocks = header(ctx) + [
        line(L("申请人："), V(f["applicant"]), T(f"，{p.gender}，{ctx.d(p.birth_date)}出生，住{p.address}。")),
        line(L("被申请人："), V(f["respondent"]), T("。")),
        para(f"申请人对被申请人于{ctx.d(facts.penalty_on)}作出的{penalty_no}《行政处罚决定书》不服，向本机关提出行政复议申请，"
             "本机关依法受理后进行了审查。"),
        para("本机关查明：被申请人作出的行政处罚决定认定事实清楚，程序合法。"),
        para("根据《中华人民共和国行政复议法》第二十八条之规定，本机关决定如下："),
        para(V(REVIEW[f["decision"]])),
        para(f"申请人如不服本决定，可以自收到本决定书之日起十五日内向{facts.court}提起行政诉讼。"),
    ]
    return [blocks + seal_line(ctx, ctx.iso("issued_on"))]


def admin_judgment(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    assert p is not None
    page1 = header(ctx) + [
        line(L("原告："), V(f["plaintiff"]), T(f"，{p.gender}，{ctx.d(p.birth_date)}出生，住{p.address}。")),
        line(L("被告："), V(f["defendant"]), T("。")),
        para("原告", V(f["plaintiff"]), "诉被告", V(f["defendant"]), "治安行政处罚一案，本院依法组成合议庭，公开开庭进行了审理。本案现已审理终结。"),
        para("经审理查明：" + facts.summary),
    ]
    page2: list[Block] = [
        para("本院认为，被告作出的行政处罚决定认定事实清楚，证据充分，适用法律正确。依照《中华人民共和国行政诉讼法》之规定，判决如下："),
        para(V(JUDGMENT[f["result"]].format(d=f["defendant"], p=f["plaintiff"]))),
        para(f"案件受理费人民币50元，由原告{f['plaintiff']}负担。"),
        para(f"如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，上诉于{facts.city}市中级人民法院。"),
        ("gap", 1),
        ("sign", [f"审 判 长\u3000{facts.clerk}", f"审 判 员\u3000{facts.checker}", f["court"], cn(ctx, ctx.iso("issued_on"))],
         ctx.style.seal),
        line(T("本件与原本核对无异"), align="left"),
        line(T(f"书 记 员\u3000{facts.officers[1]}\u3000\u3000"), align="right"),
    ]
    return [page1, page2]


# -- dossier pages ---------------------------------------------------------------------------

def dossier_cover(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    n = ctx.n
    spacing = {"spacing": 1.9}
    rich = lambda *segs: ("rich", list(segs), spacing)  # noqa: E731
    blank = "\u3000\u3000"
    blocks: list[Block] = [
        ("gap", 2), ("title", ctx.spec.title), ("gap", 0.5),
        ("rich", [L("卷宗号："), V(f["case_no"])], {"align": "right"}), ("gap", 2),
        rich(L("案件名称："), V(f["case_name"])),
        rich(L("案件类别："), V(CASE_CLASS[f["volume_kind"]])),
        rich(L("办案单位："), V(facts.unit)),
        rich(L("受案日期："), V(dot(ctx, ctx.iso("opened_on"))), T(blank), L("结案日期："), V(dot(ctx, ctx.iso("closed_on")))),
        rich(L("卷\u3000\u3000次："), T("第"), V(n(str(f["volume_no"]))), T("卷（共"), V(n(str(f["volume_count"]))), T("卷）")),
        rich(T("本卷共"), V(n(str(f["page_count"]))), T("页")),
        rich(L("保管期限："), *ticks(ctx, ["永久", "长期", "短期"], f["retention"])),
        rich(L("立卷人："), V(facts.clerk), T(blank), L("检查人："), V(facts.checker)),
        rich(L("归档日期："), T("\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日")),
        ("gap", 3),
        ("rich", [L("立卷单位："), V(f["authority"])], {"align": "center", "underline": False}),
    ]
    return [blocks]


def _author(ctx: Ctx, title: str) -> str:
    """The catalog's 责任者 as clerks write it: the body without its city (长清区分局)."""
    facts = ctx.facts
    body = {"行政判决书": facts.court, "行政复议决定书": facts.review_body}.get(title, facts.authority)
    return body.split("公安局")[-1] if "公安局" in body else body.removeprefix(f"{facts.city}市")


def catalog(ctx: Ctx) -> list[list[Block]]:
    rows = ctx.extra["rows"]
    columns = [("seq", "序号", 0.065), ("author", "责任者", 0.14), ("title", "文书标题", 0.18), ("doc_no", "发文字号", 0.34),
               ("date", "日期", 0.13), ("pages", "页号", 0.075), ("note", "备注", 0.07)]
    per_page = own(ctx, 4).choice((8, 10, 12))
    scale = min(1.0, 10.5 / ctx.style.body_pt)
    pages: list[list[Block]] = []
    for start in range(0, max(len(rows), 1), per_page):
        table: list[list[Cell]] = [[c(L(h), w) for _, h, w in columns]]
        for r in rows[start:start + per_page]:
            span = str(r["first_page"]) if r["first_page"] == r["last_page"] else f"{r['first_page']}-{r['last_page']}"
            cell = {"seq": str(r["seq"]), "author": _author(ctx, r["title"]), "title": r["title"],
                    "doc_no": half(ctx.docno(r["doc_no"])) if r["doc_no"] else "", "date": dot(ctx, r["_date"]),
                    "pages": span, "note": ""}
            table.append([c(V(cell[k]) if k not in ("author", "note") else T(cell[k]), w) for k, _, w in columns])
        if start == 0:
            blocks: list[Block] = [("title", "卷内文件目录"),
                                   ("rich", [L("卷宗号："), T(ctx.facts.case_no)], {"align": "right", "underline": False})]
        else:
            blocks = [("title", "卷内文件目录（续）")]
        blocks.append(("grid", table, {"rules": "all", "scale": scale, "pad": 0.3}))
        pages.append(blocks)
    return pages


def backup_sheet(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    n = ctx.n(str(f["page_count"]))
    rows: list[list[Cell]] = [
        [c(L("本卷情况说明"), 0.24), c([T("本卷共有文件材料"), V(n), T("页，材料齐全，排列有序，无缺损。")], 0.76)],
        [c(L("页数合计"), 0.24), c([V(n), T("页")], 0.76)],
        [c(L("立卷人"), 0.24), c(V(f["compiled_by"]), 0.26), c(L("立卷时间"), 0.24), c(V(dot(ctx, ctx.iso("compiled_on"))), 0.26)],
        [c(L("检查人"), 0.24), c(V(f["checked_by"]), 0.26), c(L("检查时间"), 0.24), c("", 0.26)],
    ]
    blocks: list[Block] = [("title", "卷内备考表"), ("gap", 1), grid(rows[:1], min_lines=10), grid(rows[1:], min_lines=2)]
    return [blocks]


DRAW = {
    "acceptance_form": acceptance_form, "acceptance_receipt": acceptance_receipt, "filing_decision": filing_decision,
    "filing_notice": filing_notice, "no_filing_notice": no_filing_notice, "detention_warrant": detention_warrant,
    "bail_decision": bail_decision, "bail_release_decision": bail_release_decision, "arrest_request": arrest_request,
    "arrest_warrant": arrest_warrant, "prosecution_opinion": prosecution_opinion,
    "admin_penalty_decision": admin_penalty_decision, "reconsideration_decision": reconsideration_decision,
    "admin_judgment": admin_judgment, "dossier_cover": dossier_cover, "catalog": catalog, "backup_sheet": backup_sheet,
}


def draw(dtype: str, ctx: Ctx) -> list[list[Block]]:
    return DRAW[dtype](ctx)


def restyle(s: Style) -> Style:
    """The province's print: 宋体 text, bold 宋体 labels, values typed in 黑体 on underlined
    blanks, bold 黑体 titles, [] or 【】 in document numbers, Chinese-numeral sign-offs."""
    square = ("【", "】") if (int(s.body_pt) + len(s.font)) % 2 else ("[", "]")
    return dataclasses.replace(s, font="noto_serif", label_font="noto_serif_bold", value_font="noto_sans",
                               title_font="noto_sans_bold", value_underline=True, sign_date_style="chinese",
                               square_brackets=square)


def scan(d: Damage) -> Damage:
    """Grey 8-bit scans of slightly tinted paper."""
    return dataclasses.replace(d, mode="L", tint=max(d.tint, 8))


FAMILIES: list[Family] = [
    Family(NAME, "tuned", "a prefecture bureau's provincial edition: sentences reworded and reordered (经审查，…一案，"
           "符合立案条件…现决定立案侦查), 联 lines (第二联（附卷）) and 一式三联 notes, authority only in the header or on the "
           "seal line, labels 受理编号 报案（举报）人 接警员 当事人 卷宗号 页数合计, [] or 【】 numbers, dotted dates in tables, "
           "Chinese-numeral sign-offs, values in 黑体 on underlined blanks, grey scans", draw, restyle, scan),
]
