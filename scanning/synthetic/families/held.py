"""HELD-OUT template families. Engineers tuning the readers (scanning/recognition/*) must
not read this module, its drawings or its scans' misses: its only use is to measure how the
readers do on templates they were never tuned on (bench/recognition.py --families held).

Two more provinces' printed forms, as different from the tuned families as those are from
each other, and no harder for its own sake:

- ``stacked_cells``: ruled forms with the label printed above its value, two or three
  fields a row; labels 黑体, values 仿宋; ☐/☑ boxes; 2018年08月03日 dates; number centred;
  a head grid of the main particulars above the wording; bitonal scans (at 300 dpi or more).
- ``open_ledger``: rows between horizontal rules with ``label：value``, values written in
  blue-black ink in 楷体; dates as 2018.8.3; letters addressed to the procuratorate at the
  top; seals over the date of issue; grey scans.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..documents import LAW, OPINIONS, REVIEW_WORDS, SOURCES, JUDGMENT_WORDS, Block
from ..style import Damage, article, fmt_amount, fmt_date
from .common import Ctx, Family, T, V, Value, catalog_pages, form, head, line, options, para, restyler, sign


@dataclass(frozen=True)
class HeldParams:
    layout: str  # stacked | hrule
    labels: dict[str, str] = field(default_factory=dict)
    tick: str = "☑"
    box: str = "☐"
    option_how: str = "boxes"
    seal_value: bool = False
    letter_top: bool = False  # letters to the procuratorate name it at the top
    catalog: tuple[tuple[str, str, float], ...] = ()
    catalog_title: str = "卷内文书目录"
    catalog_date: str = "compact"
    catalog_span: str = "first"
    catalog_rules: str = "all"
    per_row: int = 2


def drawer(p: HeldParams) -> Any:
    def draw(dtype: str, ctx: Ctx) -> list[list[Block]]:
        return DRAW[dtype](ctx, p)
    return draw


def lab(p: HeldParams, key: str, default: str) -> str:
    return p.labels.get(key, default)


def pairs(items: list[tuple[str, Value]], per_row: int) -> list[list[tuple[str, Value]]]:
    return [items[i:i + per_row] for i in range(0, len(items), per_row)]


def grid(p: HeldParams, items: list[tuple[str, Value]], per_row: int | None = None, wide: tuple[str, ...] = ()) -> list[Block]:
    """Fields in this family's cells; labels in ``wide`` get a row of their own."""
    rows: list[list[tuple[str, Value]]] = []
    pend: list[tuple[str, Value]] = []
    for it in items:
        if it[0] in wide:
            rows += pairs(pend, per_row or p.per_row)
            pend = []
            rows.append([it])
        else:
            pend.append(it)
    rows += pairs(pend, per_row or p.per_row)
    return form(rows, p.layout)


def issued(ctx: Ctx, p: HeldParams, d: Any, extra: tuple[str, ...] = ()) -> list[Block]:
    if not p.seal_value:
        return [("gap", 1), sign(ctx, d, extra)]
    return [("gap", 1), *[line(e, align="right") for e in extra], line(T(ctx.f["authority"]), align="right"),
            line((fmt_date(d, ctx.style, ctx.style.sign_date_style), "vs"), align="right")]


def top(ctx: Ctx, p: HeldParams) -> list[Block]:
    return head(ctx)


# -- criminal ----------------------------------------------------------------------------

def acceptance_form(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    r = facts.reporter
    texts = dict(OPINIONS)
    src = options(SOURCES, f["case_source"], p.option_how, p.tick, p.box)
    op = options([t for _, t in OPINIONS], texts[f["opinion"]], p.option_how, p.tick, p.box, sep="\n")
    items: list[tuple[str, Value]] = [
        (lab(p, "source", "案件来源"), src),
        (lab(p, "reporter", "报案人姓名"), r.name), ("性别", r.gender), ("出生日期", ctx.d(r.birth_date)),
        (lab(p, "id_no", "身份证号码"), ctx.n(r.id_no)), ("联系地址", r.address),
        (lab(p, "received_at", "报案时间"), ctx.dtime(facts.reported_at)), (lab(p, "officer", "接报人"), facts.officers[0]),
        ("接报单位", facts.unit),
        ("报案内容", f["summary"]),
        (lab(p, "opinion", "处理意见"), op),
        ("审批人", facts.checker), ("受案时间", ctx.d(ctx.iso("accepted_on"))),
    ]
    return [top(ctx, p) + grid(p, items, wide=(lab(p, "source", "案件来源"), "联系地址", "报案内容", lab(p, "opinion", "处理意见"),
                                                lab(p, "id_no", "身份证号码")))]


def _letter(ctx: Ctx, p: HeldParams, first: list[Any], rest: list[Block], d: Any) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "addressee", "报案人（单位）"), f["addressee"]), (lab(p, "case_name", "案件名称"), f["case_name"])]
    blocks = top(ctx, p) + grid(p, items, per_row=1) + [("gap", 0.5), line(V(f["addressee"]), "："), para(*first)]
    return [blocks + rest + issued(ctx, p, d)]


def acceptance_receipt(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    first = ["你（单位）", V(ctx.d(ctx.iso("reported_on"))), "所报", V(f["case_name"]), f"一案，经审查，{ctx.style.self_ref}已于",
             ctx.d(ctx.iso("issued_on")), "受理。"]
    return _letter(ctx, p, first, [para("案件办理进展情况可向办案民警咨询。")], ctx.iso("issued_on"))


def filing_notice(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    first = ["你（单位）", V(ctx.d(ctx.iso("reported_on"))), "所报", V(f["case_name"]),
             f"一案，经审查，{ctx.style.self_ref}认为有犯罪事实，需要追究刑事责任，依照{LAW}{article('filing', ctx.style)}的规定，"
             "已经立案侦查。"]
    return _letter(ctx, p, first, [para("特此通知。")], ctx.iso("issued_on"))


def no_filing_notice(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    first = ["你（单位）所报", V(f["case_name"]), "一案，经审查，因", V(f["reason"]),
             f"，依照{LAW}{article('filing', ctx.style)}的规定，{ctx.style.self_ref}决定不予立案。"]
    rest = [para("如对本决定不服，可在收到本通知书后七日内向本机关申请复议。")]
    return _letter(ctx, p, first, rest, ctx.iso("issued_on"))


def filing_decision(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "case_name", "案件名称"), f["case_name"]), ("立案日期", ctx.d(ctx.iso("decided_on")))]
    blocks = top(ctx, p) + grid(p, items, per_row=1)
    blocks += [para(f"经审查，{ctx.style.self_ref}认为上述案件有犯罪事实，需要追究刑事责任，且属于管辖范围，依照{LAW}"
                    f"{article('filing', ctx.style)}的规定，决定立案侦查。")]
    return [blocks + issued(ctx, p, ctx.iso("decided_on"))]


def _person(ctx: Ctx, p: HeldParams, name_label: str, s: Any) -> list[tuple[str, Value]]:
    return [(name_label, s.name), ("性别", s.gender), ("出生日期", ctx.d(s.birth_date)), ("住址", s.address)]


def detention_warrant(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, s = ctx.f, ctx.facts.suspects[0]
    items = _person(ctx, p, lab(p, "suspect", "被拘留人"), s) + [(lab(p, "center", "送押看守所"), f["detention_center"])]
    blocks = top(ctx, p) + grid(p, items, wide=("住址", lab(p, "center", "送押看守所")))
    blocks += [para(f"依照{LAW}{article('detention', ctx.style)}的规定，兹决定对上列犯罪嫌疑人执行拘留。")]
    return [blocks + issued(ctx, p, ctx.iso("issued_on"), ("局长（签名）",)) + [("gap", 1), ("line", "被拘留人签名：          宣布时间：    年  月  日  时", "left")]]


def bail_decision(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "case_name", "案件名称"), f["case_name"]), (lab(p, "suspect", "犯罪嫌疑人"), f["suspect_name"]),
                                      ("取保候审起算日期", ctx.d(ctx.iso("starts_on")))]
    if f["guarantee"] == "guarantor":
        items += [("保证方式", "保证人担保"), ("保证人", f["guarantor_name"])]
    else:
        items += [("保证方式", "交纳保证金"), ("保证金数额", fmt_amount(f["deposit_amount"], ctx.style) + "元")]
    blocks = top(ctx, p) + grid(p, items, wide=(lab(p, "case_name", "案件名称"),))
    blocks += [para(f"{ctx.style.self_ref}在侦查上述案件过程中，依照{LAW}{article('bail', ctx.style)}的规定，决定对上列犯罪嫌疑人取保候审。")]
    return [blocks + issued(ctx, p, ctx.iso("issued_on"))]


def bail_release_decision(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "suspect", "被取保候审人"), f["suspect_name"]), ("原取保候审日期", ctx.d(ctx.iso("bail_started_on"))),
                                      ("解除理由", f["reason"])]
    blocks = top(ctx, p) + grid(p, items, wide=("解除理由",))
    blocks += [para(f"依照{LAW}{article('bail_release', ctx.style)}的规定，{ctx.style.self_ref}决定解除对上列人员的取保候审。")]
    return [blocks + issued(ctx, p, ctx.iso("released_on"))]


def _proc_top(ctx: Ctx, p: HeldParams) -> list[Block]:
    return [line(V(ctx.f["procuratorate"]), "：")] if p.letter_top else []


def _proc_end(ctx: Ctx, p: HeldParams) -> list[Block]:
    return [] if p.letter_top else [line("此致"), line(V(ctx.f["procuratorate"]))]


def arrest_request(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    items: list[tuple[str, Value]] = [(lab(p, "case_name", "案件名称"), f["case_name"]), (lab(p, "suspect", "犯罪嫌疑人"), s.name),
                                      ("性别", s.gender), ("出生日期", ctx.d(s.birth_date))]
    blocks = top(ctx, p) + grid(p, items, wide=(lab(p, "case_name", "案件名称"),)) + _proc_top(ctx, p)
    blocks += [para(f"{ctx.style.self_ref}侦查的", V(f["case_name"]), f"，于{ctx.d(facts.filed_on)}立案。犯罪嫌疑人", V(s.name),
                    f"已于{ctx.d(facts.detained_on)}被刑事拘留。"),
               para(f"经侦查，犯罪嫌疑人{s.name}涉嫌{facts.crime}罪的事实清楚，证据确实、充分，有逮捕必要。"),
               para(f"依照{LAW}{article('arrest_request', ctx.style)}的规定，现提请批准逮捕，请予审查。")]
    return [blocks + _proc_end(ctx, p) + issued(ctx, p, ctx.iso("issued_on"))]


def arrest_warrant(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    items = _person(ctx, p, lab(p, "arrested", "被逮捕人"), s) + [(lab(p, "proc", "批准逮捕机关"), f["procuratorate"]),
                                                                  ("羁押处所", facts.detention_center)]
    blocks = top(ctx, p) + grid(p, items, wide=("住址", lab(p, "proc", "批准逮捕机关"), "羁押处所"))
    blocks += [para(f"依照{LAW}{article('arrest', ctx.style)}的规定，经上列检察机关批准，{ctx.style.self_ref}对涉嫌{facts.crime}罪的上列人员执行逮捕。")]
    return [blocks + issued(ctx, p, ctx.iso("issued_on"), ("局长（签名）",)) + [("gap", 1), ("line", "被逮捕人签名：          宣布时间：    年  月  日  时", "left")]]


def prosecution_opinion(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    names = "、".join(f["suspect_names"])
    items: list[tuple[str, Value]] = [(lab(p, "case_name", "案件名称"), f["case_name"]), (lab(p, "suspects", "犯罪嫌疑人"), names),
                                      (lab(p, "proc", "移送机关"), f["procuratorate"])]
    page1 = top(ctx, p) + grid(p, items, per_row=1) + _proc_top(ctx, p)
    for s in facts.suspects:
        page1.append(para(f"犯罪嫌疑人{s.name}，{s.gender}，{ctx.d(s.birth_date)}生，公民身份号码{ctx.n(s.id_no)}，户籍地{s.address}。"))
    page1 += [para(f"{ctx.style.self_ref}于{ctx.d(facts.filed_on)}对", V(f["case_name"]), "立案侦查，现已侦查终结。"),
              para("经侦查查明：" + facts.summary * 2)]
    page2: list[Block] = [para("上述事实，有报案材料、被害人陈述、证人证言、犯罪嫌疑人供述等证据证实。"),
                          para(f"犯罪嫌疑人{names}的行为涉嫌{facts.crime}罪。依照{LAW}{article('prosecution', ctx.style)}的规定，"
                               "特将本案移送审查起诉。"),
                          *_proc_end(ctx, p), *issued(ctx, p, ctx.iso("issued_on"))]
    return [page1, page2]


# -- administrative, review, litigation ------------------------------------------------

def admin_penalty_decision(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    pty = facts.party
    assert pty is not None
    items: list[tuple[str, Value]] = [(lab(p, "party", "被处罚人"), f["party_name"]), ("性别", pty.gender),
                                      ("出生日期", ctx.d(pty.birth_date)), ("公民身份号码", ctx.n(f["party_id_no"])), ("住址", pty.address)]
    blocks = top(ctx, p) + grid(p, items, wide=("公民身份号码", "住址"))
    blocks += [para("经查，", V(ctx.n(f["violation"])), "。"), para("上述事实有本人陈述、证人证言等证据证明。"),
               para("依照《中华人民共和国治安管理处罚法》的规定，现决定对其处以", V(f["penalty"]), "。"),
               para(f"被处罚人如不服本决定，可于收到之日起六十日内向{facts.review_body}申请复议，或者六个月内向{facts.court}起诉。")]
    return [blocks + issued(ctx, p, ctx.iso("issued_on"))]


def reconsideration_decision(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "applicant", "复议申请人"), f["applicant"]), (lab(p, "respondent", "被申请机关"), f["respondent"])]
    blocks = top(ctx, p) + grid(p, items, per_row=1)
    blocks += [para("申请人对被申请机关作出的治安管理处罚决定不服，提出行政复议申请，本机关已依法受理并审查终结。"),
               para("经审查，依照《中华人民共和国行政复议法》的规定，决定如下："), para(V(REVIEW_WORDS[f["decision"]]))]
    return [blocks + issued(ctx, p, ctx.iso("issued_on"))]


def admin_judgment(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    items: list[tuple[str, Value]] = [(lab(p, "plaintiff", "原告（上诉人）"), f["plaintiff"]), (lab(p, "defendant", "被告（被上诉人）"), f["defendant"])]
    page1 = top(ctx, p) + grid(p, items, per_row=1)
    page1 += [para(f"原告{f['plaintiff']}诉被告{f['defendant']}治安行政处罚一案，本院立案后，依法组成合议庭公开开庭进行了审理。"),
              para("本院查明：" + ctx.facts.summary)]
    d = ctx.iso("issued_on")
    page2: list[Block] = [para("本院认为，依照《中华人民共和国行政诉讼法》的规定，判决如下："),
                          para(V(JUDGMENT_WORDS[f["result"]].format(d=f["defendant"], p=f["plaintiff"]))),
                          para("如不服本判决，可在判决书送达之日起十五日内向本院递交上诉状。"),
                          ("gap", 1), ("sign", ["审判长 " + ctx.facts.clerk, "审判员 " + ctx.facts.checker, ctx.d(d, ctx.style.sign_date_style)], ctx.style.seal)]
    return [page1, page2]


# -- dossier pages ---------------------------------------------------------------------

def dossier_cover(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    ret = options(["永久", "长期", "短期"], f["retention"], "boxes", p.tick, p.box)
    n = ctx.n
    items: list[tuple[str, Value]] = [
        (lab(p, "case_name", "案件名称"), f["case_name"]), (lab(p, "case_no", "卷宗编号"), f["case_no"]),
        ("承办单位", facts.unit),
        ("立卷日期", ctx.d(ctx.iso("opened_on"))), ("结卷日期", ctx.d(ctx.iso("closed_on"))),
        (lab(p, "volumes", "卷数"), [T("本案共"), V(n(str(f["volume_count"]))), T("卷  本卷为第"), V(n(str(f["volume_no"]))), T("卷")]),
        (lab(p, "pages", "页数"), [T("本卷共"), V(n(str(f["page_count"]))), T("页")]),
        (lab(p, "retention", "保管期限"), ret), ("立卷人", facts.clerk),
    ]
    blocks: list[Block] = [("gap", 1), ("title", ctx.spec.title), ("gap", 1), ("authority", f["authority"]), ("gap", 1)]
    blocks += grid(p, items, wide=(lab(p, "case_name", "案件名称"), lab(p, "volumes", "卷数"), lab(p, "retention", "保管期限")))
    return [blocks]


def catalog(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    return catalog_pages(ctx, list(p.catalog), date_how=p.catalog_date, span_how=p.catalog_span, per_page=ctx.rng.choice((10, 15)),
                         rules=p.catalog_rules, title=p.catalog_title, value_role="v")


def backup_sheet(ctx: Ctx, p: HeldParams) -> list[list[Block]]:
    f = ctx.f
    n = ctx.n
    items: list[tuple[str, Value]] = [
        ("卷内情况说明", [T("本卷共计"), V(n(str(f["page_count"]))), T("页（不含封面、目录、备考表）。")]),
        (lab(p, "clerk", "立卷人"), f["compiled_by"]), (lab(p, "checker", "审核人"), f["checked_by"]),
        ("立卷时间", ctx.d(ctx.iso("compiled_on"))),
    ]
    return [[("title", "卷内备考表"), ("gap", 1)] + grid(p, items, wide=("卷内情况说明",))]


DRAW = {
    "acceptance_form": acceptance_form, "acceptance_receipt": acceptance_receipt, "filing_decision": filing_decision,
    "filing_notice": filing_notice, "no_filing_notice": no_filing_notice, "detention_warrant": detention_warrant,
    "bail_decision": bail_decision, "bail_release_decision": bail_release_decision, "arrest_request": arrest_request,
    "arrest_warrant": arrest_warrant, "prosecution_opinion": prosecution_opinion,
    "admin_penalty_decision": admin_penalty_decision, "reconsideration_decision": reconsideration_decision,
    "admin_judgment": admin_judgment, "dossier_cover": dossier_cover, "catalog": catalog, "backup_sheet": backup_sheet,
}


def _bitonal(d: Damage) -> Damage:
    """Bitonal where the bureau scans at 300 dpi or more on a clean scanner, else grey."""
    return dataclasses.replace(d, mode="1" if d.dpi >= 300 and d.noise <= 8 else "L")


def _grey(d: Damage) -> Damage:
    return dataclasses.replace(d, mode="L")


STACKED = HeldParams(
    layout="stacked", per_row=3,
    catalog=(("seq", "顺序号", 0.08), ("doc_no", "文号", 0.29), ("author", "责任者", 0.15), ("title", "题名", 0.21),
             ("date", "日期", 0.18), ("pages", "页号", 0.09)),
    catalog_title="卷内目录", catalog_date="compact", catalog_span="first",
)
OPEN_LEDGER = HeldParams(
    layout="hrule", per_row=2, tick="√", box="□", option_how="word", seal_value=True, letter_top=True,
    labels={"case_no": "案号", "pages": "页数", "volumes": "卷次", "reporter": "举报人", "officer": "接警人"},
    catalog=(("seq", "序号", 0.06), ("title", "文书名称", 0.25), ("doc_no", "文书编号", 0.33), ("date", "形成日期", 0.19),
             ("pages", "起止页号", 0.12), ("note", "备注", 0.05)),
    catalog_title="卷内文件目录", catalog_date="slash", catalog_span="zhi", catalog_rules="h",
)

FAMILIES = [
    Family("stacked_cells", "held", "labels above values in ruled cells, 黑体/仿宋, ☐/☑, bitonal scans", drawer(STACKED),
           restyler(label_font="wqy_zenhei", value_font="uming", date_style="arabic0", docno_align="center"), _bitonal),
    Family("open_ledger", "held", "horizontal rules, label：value, blue-black 楷体 values, seals over dates, grey scans",
           drawer(OPEN_LEDGER),
           restyler(label_font="wqy_zenhei", value_font="ukai", value_ink=(25, 35, 120), date_style="dot", sign_date_style="arabic"), _grey),
]
