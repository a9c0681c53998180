"""The tuned template families: what readers may be tuned on.

``classic`` is the generator's original drawing (scanning.synthetic.documents / volume).
The others are four more provinces' ways of printing the same forms, drawn by one
parametrised drawer:

- ``ruled_grid``: forms and dossier pages as ruled tables (label cell | value cell), labels
  宋体 and values 楷体, options as □/☑ boxes, catalog 序号|文书名称|文号|日期|页次|备注;
- ``underlined_lines``: labels 黑体 with values 楷体 on underlined blanks, fill-in sentences
  whose values are underlined, cover lines such as ``案件编号:`` ``本卷页数: 12页``
  ``卷 次: 第1卷 共1卷`` ``起止日期: 自…至…``, stamps over the values of the sign-off;
- ``running_text``: forms in running text (label and value run on without colons), only
  the chosen word of an option, Chinese-numeral dates, grey scans;
- ``header_table``: forms as ruled tables whose header row holds the labels and the row
  under it the values in the same columns (报案人姓名 | 性别 | 出生日期 over the reporter's),
  labels 黑体 and values 明体, the sentences of notices and decisions in running paragraphs,
  labels such as 接警人 受案时间 卷宗编号 保存期限 整理人 审核人 整理日期, catalog
  顺序号|文件题名|文件编号|成文日期|起止页号|备注, bitonal (1-bit) scans.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from ..documents import LAW, OPINIONS, REVIEW_WORDS, SOURCES, Block, JUDGMENT_WORDS
from ..style import Damage, article, fmt_amount
from .common import Ctx, Family, L, Seg, T, V, Value, catalog_pages, form, head, line, options, para, restyler, sign


@dataclass(frozen=True)
class Params:
    layout: str  # grid | header | lines | running
    labels: dict[str, str] = field(default_factory=dict)
    option_how: str = "boxes"
    colon: str = "："
    vseal: bool = False  # a seal over the sign-off's values
    catalog: tuple[tuple[str, str, float], ...] = ()
    catalog_date: str = "arabic"
    catalog_span: str = "dash"
    catalog_rules: str = "all"
    spaced: int = 0  # labels shorter than this many characters spread to its width (姓　　名)
    group: bool = False  # a person's rows beside their role printed top to bottom (报/案/人), the name labelled 姓名
    vertical: tuple[str, ...] = ()  # fields whose label is printed top to bottom in a narrow cell
    date_blanks: bool = False  # dates filled in: the numbers in the value's ink on blanks, 年 月 日 printed
    cover_colon: str | None = None  # what stands between a cover's label and its value (……, leaders)


LABELS = {
    "reporter": "报案人", "gender": "性别", "birth": "出生日期", "id_kind": "身份证件种类", "id_no": "证件号码",
    "address": "现住址", "officer": "接报民警", "received_at": "接报时间", "place": "接报地点", "source": "案件来源",
    "summary": "简要案情", "opinion": "受案意见", "approval": "受案审批", "case_name": "案件名称", "case_no": "案件编号",
    "unit": "办案单位", "dates": "起止日期", "pages": "本卷页数", "volume": "卷次", "retention": "保管期限",
    "clerk": "立卷人", "checker": "检查人", "compiled_on": "立卷日期", "suspect": "犯罪嫌疑人", "detention_center": "羁押场所",
    "procuratorate": "批准机关", "addressee": "被告知人", "reported_on": "报案时间", "reason": "不予立案理由",
    "starts_on": "起算日期", "guarantor": "保证人", "deposit": "保证金", "party": "违法行为人", "violation": "违法事实",
    "penalty": "处罚决定", "applicant": "申请人", "respondent": "被申请人", "plaintiff": "原告", "defendant": "被告",
}


def tabled(p: Params) -> bool:
    """Whether a layout prints the person blocks and case boxes of notices and decisions as tables."""
    return p.layout in ("grid", "header")


def lab(p: Params, key: str) -> str:
    text = p.labels.get(key, LABELS[key])
    return "\n".join(text) if key in p.vertical else spread(text, p.spaced)


def spread(text: str, width: int) -> str:
    """A label spread to ``width`` characters by even spaces between its characters, the way
    a template lines its labels up in one column (姓　　名 over 出生日期)."""
    if len(text) < 2 or len(text) >= width:
        return text
    half = round((width - len(text)) * 2 / (len(text) - 1))
    gap = "\u3000" * (half // 2) + "\u2002" * (half % 2)
    return gap.join(text)


def _name_label(p: Params, role: str) -> str:
    """The label of a person's name: the role itself, or 姓名 when the role names the group."""
    return spread("姓名", p.spaced) if p.group and p.layout == "grid" else role


def _grouped(blocks: list[Block], p: Params, start: int, count: int, role: str) -> list[Block]:
    """``count`` rows of a ruled form from ``start`` drawn beside one cell spanning them that
    prints ``role`` top to bottom (the person the rows describe)."""
    if not (p.group and p.layout == "grid"):
        return blocks
    kind, rows, opts = blocks[0]
    width = 0.075
    rows = [list(r) for r in rows]
    for i in range(start, start + count):
        rows[i] = [(segs, frac * (1 - width)) for segs, frac in rows[i]]
    rows[start].insert(0, ([L("\n".join(role))], width, {"span": count}))
    return [(kind, rows, opts), *blocks[1:]]


def _options(ctx: Ctx, p: Params, choices: list[str], chosen: str, sep: str = "  ") -> Value:
    """Printed options: boxes, the chosen word alone, or ticks in brackets (（√）同意（　）不同意)."""
    if p.option_how != "paren":
        return options(choices, chosen, p.option_how, ctx.style.tick, sep=sep)
    out: list[Seg] = []
    for i, c in enumerate(choices):
        out += [T((sep if i else "") + ("（√）" if c == chosen else "（\u3000）")), T(c)]
    return out


def drawer(p: Params) -> Any:
    def draw(dtype: str, ctx: Ctx) -> list[list[Block]]:
        pages = DRAW[dtype](ctx, p)
        return [[_blank_dates(b) for b in blocks] for blocks in pages] if p.date_blanks else pages
    return draw


_DATE = re.compile(r"([0-9０-９]{2,4})(年)([0-9０-９]{1,2})(月)([0-9０-９]{1,2})(日)(?:([0-9０-９]{1,2})(时)([0-9０-９]{1,2})(分))?")


def _blank_dates(block: Block) -> Block:
    """A block whose dates among the values are printed as blanks filled in: the numbers in
    the value's ink and underline, 年 月 日 (时 分) in the form's print."""
    def split(segs: list[Seg]) -> list[Seg]:
        out: list[Seg] = []
        for text, role in segs:
            if role not in ("v", "vs"):
                out.append((text, role))
                continue
            pos = 0
            for m in _DATE.finditer(text):
                if m.start() > pos:
                    out.append((text[pos:m.start()], role))
                parts = [g for g in m.groups() if g]
                # one seal over a date: over its year, the rest in plain value ink
                out += [(g, "t" if g in "年月日时分" else role if k == 0 else "v") for k, g in enumerate(parts)]
                pos = m.end()
            if pos < len(text):
                out.append((text[pos:], role))
        return out

    if block[0] == "rich":
        return ("rich", split(block[1]), *block[2:])
    if block[0] == "grid":
        rows = [[(split(cell[0]) if isinstance(cell[0], list) else cell[0], *cell[1:]) for cell in row] for row in block[1]]
        return ("grid", rows, *block[2:])
    return block


def _sign(ctx: Ctx, p: Params, d: Any, extra: tuple[str, ...] = ()) -> list[Block]:
    if not (p.vseal or p.date_blanks):
        return [("gap", 1), sign(ctx, d, extra)]
    date = ctx.d(d, "arabic" if p.date_blanks else ctx.style.sign_date_style)  # a date filled in is in figures
    return [("gap", 1), line(*extra, align="right"), line(T(ctx.f["authority"]), align="right"),
            line(("（印）", "t"), (date, "vs"), align="right")]


def _person_rows(ctx: Ctx, p: Params, name_label: str, s: Any) -> list[list[tuple[str, Value]]]:
    return [[(_name_label(p, name_label), s.name), (lab(p, "gender"), s.gender), (lab(p, "birth"), ctx.d(s.birth_date))],
            [(lab(p, "address"), s.address)]]


# -- criminal documents ----------------------------------------------------------------

def acceptance_form(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    r, o1 = facts.reporter, facts.officers[0]
    src = _options(ctx, p, SOURCES, f["case_source"])
    texts = dict(OPINIONS)
    op = _options(ctx, p, [t for _, t in OPINIONS], texts[f["opinion"]], sep="\n" if tabled(p) else "  ")
    rows: list[list[tuple[str, Value]]] = [
        [(_name_label(p, lab(p, "reporter")), r.name), (lab(p, "gender"), r.gender), (lab(p, "birth"), ctx.d(r.birth_date, "arabic"))],
        [(lab(p, "id_kind"), "居民身份证"), (lab(p, "id_no"), ctx.n(r.id_no))],
        [(lab(p, "address"), r.address)],
        [(lab(p, "officer"), o1), (lab(p, "received_at"), ctx.dtime(facts.reported_at))],
        [(lab(p, "place"), facts.unit)],
        [(lab(p, "source"), src)],
        [(lab(p, "summary"), f["summary"])],
        [(lab(p, "opinion"), op)],
        [(lab(p, "approval"), [T("受案部门负责人："), V(facts.checker), T("  "), V(ctx.d(ctx.iso("accepted_on"), ctx.style.sign_date_style))])],
    ]
    scale = 1.0
    if p.layout == "header":  # 接警人 | 受案时间 | 接报地点 in one header row, the table in a smaller size to fit the page
        rows[3:5] = [rows[3] + rows[4]]
        scale = min(1.0, 12 / ctx.style.body_pt)
    return [head(ctx) + _grouped(form(rows, p.layout, colon=p.colon, scale=scale), p, 0, 3, LABELS["reporter"])]


def _notice(ctx: Ctx, p: Params, body: list[Any], tail: list[Block], d: Any) -> list[list[Block]]:
    f = ctx.f
    blocks = head(ctx)
    if tabled(p):
        rows: list[list[tuple[str, Value]]] = [[(lab(p, "addressee"), f["addressee"])]]
        if "reported_on" in f:
            rows[0].append((lab(p, "reported_on"), ctx.d(ctx.iso("reported_on"))))
        rows.append([(lab(p, "case_name"), f["case_name"])])
        blocks += form(rows, p.layout) + [("gap", 0.5)]
    else:
        blocks.append(line(V(f["addressee"]), "："))
    blocks.append(para(*body))
    return [blocks + tail + _sign(ctx, p, d)]


def _reported(ctx: Ctx, p: Params) -> list[Any]:
    f = ctx.f
    if tabled(p):
        return ["你（单位）报称的上述案件"]
    return ["你（单位）于", V(ctx.d(ctx.iso("reported_on"))), "报称的", V(f["case_name"])]


def acceptance_receipt(ctx: Ctx, p: Params) -> list[list[Block]]:
    body = _reported(ctx, p) + [f"一案{ctx.style.self_ref}已受理。"]
    if p.layout == "running":
        body = [f"{ctx.style.self_ref}已受理", *(_reported(ctx, p)[:4]), "一案，特此回执。"]
    return _notice(ctx, p, body, [para("你（单位）可通过拨打电话或者登录互联网公安服务平台查询案件进展情况。")], ctx.iso("issued_on"))


def filing_notice(ctx: Ctx, p: Params) -> list[list[Block]]:
    body = _reported(ctx, p) + [f"，{ctx.style.self_ref}经审查，认为有犯罪事实需要追究刑事责任，且属于管辖范围，"
                                f"根据{LAW}{article('filing', ctx.style)}之规定，已决定立案。"]
    return _notice(ctx, p, body, [para("特此告知。")], ctx.iso("issued_on"))


def no_filing_notice(ctx: Ctx, p: Params) -> list[list[Block]]:
    f = ctx.f
    body = (["你（单位）报称的上述案件"] if tabled(p) else
            ["你（单位）于", V(ctx.d(ctx.facts.reported_at.date())), "报称的", V(f["case_name"])])
    body += [f"，{ctx.style.self_ref}经审查认为", V(f["reason"]), f"，根据{LAW}{article('filing', ctx.style)}之规定，决定不予立案。"]
    tail = [para(f"如不服本决定，可以在收到本通知书之日起七日以内向{ctx.style.self_ref}申请复议。")]
    return _notice(ctx, p, body, tail, ctx.iso("issued_on"))


def filing_decision(ctx: Ctx, p: Params) -> list[list[Block]]:
    f = ctx.f
    art = f"根据{LAW}{article('filing', ctx.style)}之规定，"
    if tabled(p):
        body = head(ctx) + form([[(lab(p, "case_name"), f["case_name"])]], p.layout) + [("gap", 0.5), para(art + "决定对上述案件立案侦查。")]
    elif p.layout == "running":
        body = head(ctx) + [para(V(f["case_name"]), "，经审查，符合立案条件，", art, "决定立案侦查。")]
    else:
        body = head(ctx) + [para(art, "决定对", V(f["case_name"]), "立案侦查。")]
    return [body + [("gap", 1)] + _sign(ctx, p, ctx.iso("decided_on"))]


def detention_warrant(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, s = ctx.f, ctx.facts.suspects[0]
    art = f"根据{LAW}{article('detention', ctx.style)}之规定，"
    if tabled(p):
        rows = _person_rows(ctx, p, lab(p, "suspect"), s) + [[(lab(p, "detention_center"), f["detention_center"])]]
        body = head(ctx) + [para(art + "兹决定对下列犯罪嫌疑人执行拘留：")] + _grouped(form(rows, p.layout), p, 0, 2, LABELS["suspect"])
    else:
        body = head(ctx) + [para(art, "兹决定对犯罪嫌疑人", V(s.name), "（性别", V(s.gender), "，出生日期", V(ctx.d(s.birth_date)),
                                 "，住址", V(s.address), "）执行拘留，送", V(f["detention_center"]), "羁押。")]
    return [body + _sign(ctx, p, ctx.iso("issued_on"), ("局长（印）",)) +
            [("gap", 1), ("line", "本证已于    年  月  日  时向我宣布。", "left"), ("line", "被拘留人：", "left")]]


def bail_decision(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    art = f"根据{LAW}{article('bail', ctx.style)}之规定，"
    if f["guarantee"] == "guarantor":
        tail = para("犯罪嫌疑人应当接受保证人", V(f["guarantor_name"]), "的监督。")
    else:
        tail = para("犯罪嫌疑人应当交纳保证金", V(fmt_amount(f["deposit_amount"], ctx.style)), "元。")
    if tabled(p):
        rows: list[list[tuple[str, Value]]] = [[(lab(p, "case_name"), f["case_name"])], [(lab(p, "suspect"), f["suspect_name"])],
                                               [(lab(p, "starts_on"), ctx.d(ctx.iso("starts_on")))]]
        if p.layout == "header":  # one header row: 案件名称 | 犯罪嫌疑人 | 起算日期
            rows = [[r[0] for r in rows]]
        body = head(ctx) + form(rows, p.layout) + [para(f"{ctx.style.self_ref}正在侦查上述案件，" + art + "决定对上述犯罪嫌疑人取保候审。"), tail]
    else:
        body = head(ctx) + [para(f"{ctx.style.self_ref}正在侦查", V(f["case_name"]), "，因犯罪嫌疑人", V(f["suspect_name"]),
                                 "可能判处管制、拘役或者独立适用附加刑，", art, "决定对其取保候审，期限从", V(ctx.d(ctx.iso("starts_on"))), "起算。"), tail]
    return [body + _sign(ctx, p, ctx.iso("issued_on"))]


def bail_release_decision(ctx: Ctx, p: Params) -> list[list[Block]]:
    f = ctx.f
    art = f"根据{LAW}{article('bail_release', ctx.style)}之规定，决定予以解除。"
    if tabled(p):
        rows: list[list[tuple[str, Value]]] = [[(lab(p, "suspect"), f["suspect_name"])],
                                               [("取保候审日期", ctx.d(ctx.iso("bail_started_on")))], [("解除原因", f["reason"])]]
        if p.layout == "header":  # 犯罪嫌疑人 | 取保候审日期 over their values, then the reason
            rows = [rows[0] + rows[1], rows[2]]
        body = head(ctx) + form(rows, p.layout) + [para("对上述犯罪嫌疑人的取保候审，" + art)]
    else:
        body = head(ctx) + [para(f"{ctx.style.self_ref}于", V(ctx.d(ctx.iso("bail_started_on"))), "对", V(f["suspect_name"]),
                                 "决定取保候审，现因", V(f["reason"]), "，" + art)]
    return [body + _sign(ctx, p, ctx.iso("released_on"))]


def _suspect_line(ctx: Ctx, p: Params, s: Any) -> Block:
    return para("犯罪嫌疑人", V(s.name), f"，{s.gender}，{ctx.d(s.birth_date)}出生，身份证号码{ctx.n(s.id_no)}，住{s.address}。")


def arrest_request(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    blocks = head(ctx)
    if tabled(p):
        blocks += form([[(lab(p, "case_name"), f["case_name"])], [(lab(p, "suspect"), f["suspect_name"])]], p.layout)
    blocks += [_suspect_line(ctx, p, s),
               para(V(f["case_name"]), f"，由{ctx.style.self_ref}于{ctx.d(facts.filed_on)}立案侦查。犯罪嫌疑人{s.name}于{ctx.d(facts.detained_on)}被刑事拘留。"),
               para(f"经依法侦查查明：犯罪嫌疑人{s.name}涉嫌{facts.crime}，事实清楚，证据确实、充分。"),
               para(f"综上所述，根据{LAW}{article('arrest_request', ctx.style)}之规定，特提请批准逮捕。"),
               line("此致"), line(V(f["procuratorate"]))]
    return [blocks + _sign(ctx, p, ctx.iso("issued_on"))]


def arrest_warrant(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    art = f"根据{LAW}{article('arrest', ctx.style)}之规定，"
    if tabled(p):
        rows = _person_rows(ctx, p, lab(p, "suspect"), s) + [[(lab(p, "procuratorate"), f["procuratorate"])],
                                                             [(lab(p, "detention_center"), facts.detention_center)]]
        body = head(ctx) + [para(art + f"经下列检察院批准，兹由{ctx.style.self_ref}对涉嫌{facts.crime}罪的下列犯罪嫌疑人执行逮捕：")] + _grouped(form(rows, p.layout), p, 0, 2, LABELS["suspect"])
    else:
        body = head(ctx) + [para(art, "经", V(f["procuratorate"]), f"批准，兹由{ctx.style.self_ref}对涉嫌{facts.crime}罪的", V(s.name),
                                 f"（性别{s.gender}，出生日期{ctx.d(s.birth_date)}，住址{s.address}）执行逮捕，送", V(facts.detention_center), "羁押。")]
    return [body + _sign(ctx, p, ctx.iso("issued_on"), ("局长（印）",)) +
            [("gap", 1), ("line", "本证已于    年  月  日  时向我宣布。", "left"), ("line", "被逮捕人：", "left")]]


def prosecution_opinion(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    names = "、".join(f["suspect_names"])
    page1 = head(ctx)
    if tabled(p):
        page1 += form([[(lab(p, "case_name"), f["case_name"])], [(lab(p, "suspect"), names)]], p.layout)
    page1 += [_suspect_line(ctx, p, s) for s in facts.suspects]
    page1 += [para(V(f["case_name"]), f"，由{ctx.style.self_ref}于{ctx.d(facts.filed_on)}立案侦查。"),
              para("犯罪嫌疑人", V(names), f"涉嫌{facts.crime}一案，现已侦查终结。"), para("经依法侦查查明：" + facts.summary * 2)]
    page2: list[Block] = [
        para("认定上述犯罪事实的证据如下：1.报案材料；2.被害人陈述；3.证人证言；4.犯罪嫌疑人供述和辩解。"),
        para(f"综上所述，犯罪嫌疑人{names}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{facts.crime}罪。"
             f"依照{LAW}{article('prosecution', ctx.style)}之规定，现将此案移送审查起诉。"),
        line("此致"), line(V(f["procuratorate"])), *_sign(ctx, p, ctx.iso("issued_on"))]
    return [page1, page2]


# -- administrative, review, litigation ------------------------------------------------

def admin_penalty_decision(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    pty = facts.party
    assert pty is not None
    rows: list[list[tuple[str, Value]]] = [[(_name_label(p, lab(p, "party")), f["party_name"]), (lab(p, "gender"), pty.gender),
                                            (lab(p, "birth"), ctx.d(pty.birth_date))],
                                           [("身份证件种类及号码", "居民身份证 " + ctx.n(f["party_id_no"]))], [(lab(p, "address"), pty.address)]]
    blocks = head(ctx) + _grouped(form(rows, p.layout, colon=p.colon), p, 0, 3, LABELS["party"])
    blocks += [para("现查明", V(ctx.n(f["violation"])), "。"), para("以上事实有违法行为人陈述和申辩、证人证言等证据证实。"),
               para("根据《中华人民共和国治安管理处罚法》之规定，决定给予", V(f["penalty"]), "的处罚。"),
               para(f"如不服本决定，可以在收到本决定书之日起六十日内向{facts.review_body}申请行政复议或者在六个月内依法向{facts.court}提起行政诉讼。")]
    return [blocks + _sign(ctx, p, ctx.iso("issued_on"))]


def reconsideration_decision(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    pty = facts.party
    assert pty is not None
    rows: list[list[tuple[str, Value]]] = [[(lab(p, "applicant"), f["applicant"]), (lab(p, "gender"), pty.gender)],
                                           [("住址", pty.address)], [(lab(p, "respondent"), f["respondent"])]]
    blocks = head(ctx) + form(rows, "lines" if p.layout == "running" else p.layout, colon=p.colon)
    blocks += [para("申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议，本机关依法予以受理。"),
               para("本机关认为：被申请人作出的行政处罚决定认定事实清楚，程序合法。根据《中华人民共和国行政复议法》之规定，本机关决定："),
               para(V(REVIEW_WORDS[f["decision"]]))]
    return [blocks + _sign(ctx, p, ctx.iso("issued_on"))]


def admin_judgment(ctx: Ctx, p: Params) -> list[list[Block]]:
    f = ctx.f
    rows: list[list[tuple[str, Value]]] = [[(lab(p, "plaintiff"), f["plaintiff"])], [(lab(p, "defendant"), f["defendant"])]]
    page1 = head(ctx) + form(rows, "lines" if p.layout == "running" else p.layout, colon=p.colon)
    page1 += [para(f"原告{f['plaintiff']}不服被告{f['defendant']}行政处罚一案，本院依法组成合议庭，公开开庭审理了本案。"),
              para("经审理查明：" + ctx.facts.summary)]
    d = ctx.iso("issued_on")
    page2: list[Block] = [para("本院认为，被告作出的行政处罚决定认定事实清楚，证据充分。依照《中华人民共和国行政诉讼法》之规定，判决如下："),
                          para(V(JUDGMENT_WORDS[f["result"]].format(d=f["defendant"], p=f["plaintiff"]))),
                          ("gap", 1), ("sign", ["审判长 " + ctx.facts.clerk, "审判员 " + ctx.facts.checker, ctx.d(d, ctx.style.sign_date_style)], ctx.style.seal)]
    return [page1, page2]


# -- dossier pages ---------------------------------------------------------------------

def dossier_cover(ctx: Ctx, p: Params) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    opened, closed = ctx.iso("opened_on"), ctx.iso("closed_on")
    ret = _options(ctx, p, ["永久", "长期", "短期"], f["retention"])
    vol = ctx.n(f"第{f['volume_no']}卷 共{f['volume_count']}卷")
    rows: list[list[tuple[str, Value]]] = [
        [(lab(p, "case_name"), f["case_name"])], [(lab(p, "case_no"), f["case_no"])], [(lab(p, "unit"), facts.unit)],
        [(lab(p, "dates"), [T("自"), V(ctx.d(opened)), T("至"), V(ctx.d(closed))])],
        [(lab(p, "volume"), vol)], [(lab(p, "pages"), ctx.n(f"{f['page_count']}页"))],
        [(lab(p, "retention"), ret)], [(lab(p, "clerk"), facts.clerk)],
    ]
    if p.layout == "running":
        rows = [r for r in rows if r[0][0] not in (lab(p, "volume"), lab(p, "pages"))]
    elif p.layout == "header":  # 案件名称 / 卷宗编号 | 办案单位 / 起止时间 / 卷次 | 页数 | 保存期限 / 整理人, each over its values
        rows = [rows[0], rows[1] + rows[2], rows[3], rows[4] + rows[5] + rows[6], rows[7]]
    blocks: list[Block] = [("gap", 2), ("authority", f["authority"]), ("gap", 1), ("title", ctx.spec.title), ("gap", 2)]
    if p.layout == "running":
        blocks += form(rows, "lines", colon=p.colon)
        blocks += [line(T("本案共"), V(ctx.n(str(f["volume_count"]))), T("卷，本卷为第"), V(ctx.n(str(f["volume_no"])), ), T("卷，本卷共"),
                        V(ctx.n(str(f["page_count"]))), T("页。"))]
    else:
        blocks += form(rows, p.layout, colon=p.cover_colon or p.colon, min_lines=2 if p.layout == "grid" else 1)
    return [blocks]


def catalog(ctx: Ctx, p: Params) -> list[list[Block]]:
    return catalog_pages(ctx, list(p.catalog), date_how=p.catalog_date, span_how=p.catalog_span,
                         per_page=ctx.rng.choice((8, 12, 16)), rules=p.catalog_rules, value_role="v")


def backup_sheet(ctx: Ctx, p: Params) -> list[list[Block]]:
    f = ctx.f
    d = ctx.iso("compiled_on")
    blocks: list[Block] = [("title", "卷内备考表"), ("gap", 1)]
    if tabled(p):
        rows: list[list[tuple[str, Value]]] = [[("本卷情况说明", [T("本卷共有文书材料"), V(ctx.n(str(f["page_count"]))), T("页。")])],
                                               [(lab(p, "clerk"), f["compiled_by"]), (lab(p, "checker"), f["checked_by"])],
                                               [(lab(p, "compiled_on"), ctx.d(d))]]
        if p.layout == "header":  # 整理人 | 审核人 | 整理日期 over their values
            rows = [rows[0], rows[1] + rows[2]]
        blocks += form(rows, p.layout, min_lines=2 if p.layout == "grid" else 1)
    else:
        blocks += [para("本卷共有文书材料", V(ctx.n(str(f["page_count"]))), "页，其中文字材料", V(ctx.n(str(f["page_count"]))), "页。"),
                   para("说明："), ("gap", 5),
                   line(L(lab(p, "clerk") + p.colon), V(f["compiled_by"]), align="right"),
                   line(L(lab(p, "checker") + p.colon), V(f["checked_by"]), align="right"),
                   line(L(lab(p, "compiled_on") + p.colon), V(ctx.d(d)), align="right")]
    return [blocks]


DRAW = {
    "acceptance_form": acceptance_form, "acceptance_receipt": acceptance_receipt, "filing_decision": filing_decision,
    "filing_notice": filing_notice, "no_filing_notice": no_filing_notice, "detention_warrant": detention_warrant,
    "bail_decision": bail_decision, "bail_release_decision": bail_release_decision, "arrest_request": arrest_request,
    "arrest_warrant": arrest_warrant, "prosecution_opinion": prosecution_opinion,
    "admin_penalty_decision": admin_penalty_decision, "reconsideration_decision": reconsideration_decision,
    "admin_judgment": admin_judgment, "dossier_cover": dossier_cover, "catalog": catalog, "backup_sheet": backup_sheet,
}


def _grey(d: Damage) -> Damage:
    return dataclasses.replace(d, mode="L")


def _bitonal(d: Damage) -> Damage:
    return dataclasses.replace(d, mode="1")


RULED_GRID = Params(
    layout="grid", labels={"case_no": "案号", "dates": "起止日期", "pages": "本卷页数", "volume": "卷次"},
    catalog=(("seq", "序号", 0.06), ("title", "文书名称", 0.25), ("doc_no", "文号", 0.33), ("date", "日期", 0.20),
             ("pages", "页次", 0.10), ("note", "备注", 0.06)),
    catalog_date="arabic0", catalog_span="dash",
)
UNDERLINED_LINES = Params(
    layout="lines", colon=":", vseal=True,
    labels={"case_no": "案件编号", "volume": "卷 次", "reporter": "报警人", "officer": "接警民警", "received_at": "接警时间",
            "compiled_on": "立卷时间"},
    option_how="word",
    catalog=(("seq", "序号", 0.06), ("doc_no", "文号", 0.33), ("title", "文书名称", 0.25), ("date", "日期", 0.19),
             ("pages", "页号", 0.10), ("note", "备注", 0.07)),
    catalog_date="dot0", catalog_span="first", catalog_rules="all",
)
RUNNING_TEXT = Params(
    layout="running", labels={"reporter": "报案人", "case_no": "案件编号", "dates": "起止日期"},
    option_how="word",
    catalog=(("seq", "序号", 0.08), ("title", "文书名称", 0.28), ("doc_no", "文号", 0.34), ("date", "日期", 0.18),
             ("pages", "页码", 0.12)),
    catalog_date="compact", catalog_span="tilde", catalog_rules="all",
)
HEADER_TABLE = Params(
    layout="header",
    labels={"reporter": "报案人姓名", "id_kind": "证件种类", "id_no": "身份证号码", "address": "住址", "officer": "接警人",
            "received_at": "受案时间", "summary": "案情摘要", "opinion": "处理意见", "addressee": "被通知人", "reported_on": "报案日期",
            "case_no": "卷宗编号", "dates": "起止时间", "pages": "页数", "retention": "保存期限", "clerk": "整理人",
            "checker": "审核人", "compiled_on": "整理日期", "party": "被处罚人"},
    catalog=(("seq", "顺序号", 0.10), ("title", "文件题名", 0.24), ("doc_no", "文件编号", 0.30), ("date", "成文日期", 0.17),
             ("pages", "起止页号", 0.12), ("note", "备注", 0.07)),
    catalog_date="dash", catalog_span="emdash", catalog_rules="all",
)

NATIONAL_FORM = Params(
    layout="grid", spaced=4, group=True, vertical=("summary", "opinion", "approval"), option_how="paren",
    labels={"officer": "接报民警", "case_no": "案件编号", "pages": "页数", "dates": "起止日期", "clerk": "立卷人"},
    catalog=(("seq", "序号", 0.07), ("author", "责任者", 0.15), ("doc_no", "文号", 0.27), ("title", "题名", 0.22),
             ("date", "日期", 0.14), ("pages", "页号", 0.08), ("note", "备注", 0.07)),
    catalog_date="dot", catalog_span="dash",
)

FILLED_BLANKS = Params(
    layout="lines", colon="：", date_blanks=True, cover_colon="……", option_how="word",
    labels={"reporter": "报案人（单位）", "case_name": "案件名称（案由）", "address": "住址（单位地址）",
            "officer": "接报人", "received_at": "接报时间", "summary": "简要情况", "case_no": "案件编号",
            "dates": "起止日期", "pages": "本卷页数", "retention": "保管期限", "clerk": "立卷人", "checker": "审核人",
            "compiled_on": "立卷日期", "addressee": "被告知人（单位）", "reported_on": "报案时间"},
    catalog=(("seq", "序号", 0.07), ("date", "日期", 0.17), ("doc_no", "文号", 0.33), ("title", "文件名称", 0.25),
             ("pages", "页号", 0.11), ("note", "备注", 0.07)),
    catalog_date="slash", catalog_span="zhi",
)

FAMILIES = [
    Family("classic", "tuned", "the generator's original drawing (documents.py, volume.py)"),
    Family("ruled_grid", "tuned", "ruled label|value cells, labels 宋体 / values 楷体, □/☑ boxes", drawer(RULED_GRID),
           restyler(label_font="noto_serif", value_font="ukai")),
    Family("underlined_lines", "tuned", "labels 黑体, values 楷体 on underlined blanks, stamps over values",
           drawer(UNDERLINED_LINES), restyler(label_font="noto_sans", value_font="ukai", value_underline=True)),
    Family("running_text", "tuned", "running text forms, chosen words only, Chinese-numeral dates, grey scans",
           drawer(RUNNING_TEXT), restyler(value_font="uming", date_style="chinese", sign_date_style="chinese"), _grey),
    Family("header_table", "tuned", "ruled tables, labels in a header row over the values, labels 黑体 / values 明体, 1-bit scans",
           drawer(HEADER_TABLE), restyler(label_font="wqy_zenhei", value_font="uming"), _bitonal),
    Family("national_form", "tuned", "ruled cells beside a person's role printed top to bottom (报/案/人, rows 姓名 性别 …), "
           "labels spread to one width, long labels top to bottom, options ticked in brackets （√）",
           drawer(NATIONAL_FORM), restyler(label_font="noto_serif", value_font="uming")),
    Family("filled_blanks", "tuned", "forms filled in by pen on printed blanks: figures of dates in blue on the blanks "
           "between printed 年 月 日, labels with notes in brackets (报案人（单位）), cover leaders ……, grey scans",
           drawer(FILLED_BLANKS), restyler(value_font="ukai", value_ink=(40, 60, 150), value_underline=True,
                                           date_style="arabic", sign_date_style="arabic"), _grey),
]
