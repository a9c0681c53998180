"""``carbon_copy``: a district bureau's multi-part carbonless forms (复写联单), scanned from
the second or third copy.

The pre-printed form is crisp: ruled tables with merged cells, grey-shaded label cells
whose labels wrap over two lines (报案人 over 姓名, 身份证件 over 种类及号码), sentences with
ruled blanks, dates as printed 年 月 日 with the figures written into the blanks, amounts in
capitals beside the figures (人民币壹万元整（¥10000）), option boxes ticked by pen. The values
were written on the top copy, so on this copy they are faint blue-violet carbon impressions,
slightly blurred, and the whole value layer is misregistered: shifted a few millimetres
right and down, so values overlap their box borders or sit partly on the next label. The
copy's destination (第二联 附卷 …) runs down the right edge. Scans are 8-bit grey with lower
contrast, sometimes a dark scanner border along one edge and the shadows of two punched
holes near the binding edge.

The family draws its own block kinds (``cc_*``, registered with
:func:`~scanning.synthetic.render.register_block`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import zlib
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from .. import render as R
from ..facts import doc_no as _doc_no
from ..documents import LAW, JUDGMENT_WORDS, OPINIONS, REVIEW_WORDS, SOURCES, Block
from ..style import Damage, Style, article, capital_amount
from .common import Ctx, Family

Seg = tuple[str, str]
# roles: "t" printed text, "l" printed label (label face), "v" carbon value, "u" an empty ruled
# blank (its text only sets the width), "x" a printed box ticked in carbon

# -- drawing -----------------------------------------------------------------------------


def _own(ctx: Ctx, salt: str = "") -> random.Random:
    """This template's own draws, from the document's own seed: the volume's random stream
    (ctx.rng, which decides what the volume holds next) is not touched, so every family binds
    the same volume with the same truth."""
    key = f"{ctx.facts.seed}|{ctx.spec.type}|{ctx.spec.doc_no}|{ctx.spec.title}|{len(ctx.extra.get('rows', ()))}|{salt}"
    return random.Random(zlib.crc32(key.encode()))


def _font(page: Any, role: str, scale: float = 1.0) -> Any:
    st = page.style
    name = (st.label_font if role == "l" else st.value_font if role == "v" else None) or st.font
    return R.font(name, max(8, int(page.body_px * scale)))


def _ink(page: Any) -> list[tuple[float, float, str, Any]]:
    if not hasattr(page, "cc_ink"):
        page.cc_ink = []  # carbon strings: (x, y, text, font), drawn shifted by cc_sheet
        page.cc_ticks = []  # carbon ticks: (x, y, size)
    return page.cc_ink


def _lay(page: Any, segs: list[Seg], width: float, indent: float = 0.0, scale: float = 1.0) -> list[list[tuple[str, str]]]:
    """Wrap segments at any character into lines of runs of one role."""
    lines: list[list[tuple[str, str]]] = []
    cur: list[tuple[str, str]] = [("\u3000" * int(indent), "t")] if indent else []
    w = _font(page, "t", scale).getlength("\u3000") * int(indent)
    for text, role in segs:
        f = _font(page, role, scale)
        for ch in text:
            if ch == "\n":
                lines.append(cur)
                cur, w = [], 0.0
                continue
            cw = f.getlength(ch) if role != "x" else f.size
            if w + cw > width and any(t.strip() for t, r in cur) and cur:
                lines.append(cur)
                cur, w = [], 0.0
            if cur and cur[-1][1] == role and role != "x":
                cur[-1] = (cur[-1][0] + ch, role)
            else:
                cur.append((ch, role))
            w += cw
    lines.append(cur)
    return lines


def _run_w(page: Any, runs: list[tuple[str, str]], scale: float = 1.0) -> float:
    return sum(_font(page, r, scale).size if r == "x" else _font(page, r, scale).getlength(t) for t, r in runs)


def _draw_runs(page: Any, x: float, y: float, runs: list[tuple[str, str]], ruled: bool, scale: float = 1.0) -> None:
    ink = _ink(page)
    lw = max(1, page.dpi // 200)
    for text, role in runs:
        f = _font(page, role, scale)
        if role == "x":
            page.put(x, y, "□", f)
            w = f.size
            if text == "1":
                page.log.append("√")
                page.cc_ticks.append((x + w * 0.1, y + f.size * 0.05, f.size * 1.05))
        else:
            w = f.getlength(text)
            if role == "v":
                page.log.append(text)
                ink.append((x, y, text, f))
            elif role in ("t", "l"):
                page.put(x, y, text, f)
        if ruled and role in ("v", "u"):
            uy = y + f.size * 1.3
            page.draw.line((x, uy, x + w, uy), fill="black", width=lw)
        x += w


def b_cc_flow(page: Any, segs: list[Seg], opts: dict[str, Any] | None = None) -> None:
    """A printed sentence with ruled blanks holding the carbon values."""
    opts = opts or {}
    scale = opts.get("scale", 1.0)
    lh = int(page.line_h * scale * opts.get("spacing", 1.12))
    width = page.x1 - page.x0 - opts.get("inset", 0)
    for runs in _lay(page, segs, width, opts.get("indent", 2), scale):
        lw = _run_w(page, runs, scale)
        x = {"left": page.x0 + opts.get("inset", 0), "right": page.x1 - lw, "center": (page.w - lw) / 2}[opts.get("align", "left")]
        _draw_runs(page, x, page.y, runs, opts.get("ruled", True), scale)
        page.y += lh


def b_cc_grid(page: Any, rows: list[list[tuple[Any, ...]]], opts: dict[str, Any] | None = None) -> None:
    """A ruled table with merged cells: a cell is ``(segs, frac[, {"rs": rows, "shade": bool,
    "min": lines, "align": "center"|"left"}])``; a cell spanning rows stands at the left."""
    opts = opts or {}
    scale = opts.get("scale", 1.0)
    lh = int(page.line_h * scale * 0.92)
    px = page.body_px * scale
    pad = int(px * 0.38)
    width = page.x1 - page.x0
    laid: list[list[Any]] = []  # rows of [x, w, lines, o, row_index]
    heights: list[float] = []
    spans: list[tuple[int, list[Any]]] = []
    reserved, left_rows = 0.0, 0
    for r, row in enumerate(rows):
        if left_rows <= 0:
            reserved = 0.0
        x = page.x0 + reserved
        cells, h = [], 0.0
        for cell in row:
            segs, frac = cell[0], cell[1]
            o = cell[2] if len(cell) > 2 else {}
            w = width * frac
            lines = _lay(page, segs, w - 2 * pad, 0, scale)
            item = [x, w, lines, o, r]
            if o.get("rs", 1) > 1:
                spans.append((r, item))
                reserved, left_rows = w, o["rs"]
            else:
                cells.append(item)
                h = max(h, max(len(lines), o.get("min", 1)) * lh + 2 * pad)
            x += w
        left_rows -= 1
        laid.append(cells)
        heights.append(h or lh + 2 * pad)
    for r, item in spans:
        n = min(item[3]["rs"], len(rows) - r)
        short = len(item[2]) * lh + 2 * pad - sum(heights[r:r + n])
        if short > 0:
            for k in range(r, r + n):
                heights[k] += short / n
    tops = [page.y + sum(heights[:k]) for k in range(len(rows) + 1)]
    lw = max(1, page.dpi // 150)
    shade = opts.get("shade", (214, 214, 214))
    boxes = [(it, tops[it[4]], tops[it[4] + 1]) for cells in laid for it in cells]
    boxes += [(it, tops[r], tops[min(len(rows), r + it[3]["rs"])]) for r, it in spans]
    for it, top, bot in boxes:
        x, w, lines, o, _ = it
        if o.get("shade"):
            page.draw.rectangle((x, top, x + w, bot), fill=shade)
        page.draw.rectangle((x, top, x + w, bot), outline="black", width=lw)
    for it, top, bot in boxes:
        x, w, lines, o, _ = it
        n = len(lines)
        center = o.get("align", "center" if o.get("shade") else "left") == "center"
        y = top + (bot - top - n * lh) / 2 if (center or o.get("middle")) else top + pad
        for i, runs in enumerate(lines):
            rx = x + (w - _run_w(page, runs, scale)) / 2 if center else x + pad
            _draw_runs(page, rx, y + i * lh + (lh - px) / 2, runs, False, scale)
    page.draw.rectangle((page.x0, tops[0], page.x1, tops[-1]), outline="black", width=lw * 2)
    page.y = int(tops[-1]) + int(page.line_h * 0.4)


def b_cc_sign(page: Any, lines: list[list[Seg]], seal: bool, seal_text: str = "") -> None:
    """The sign-off at the right: printed authority, date in printed 年 月 日 with carbon figures."""
    right = page.x1 - page.body_px
    widest = max(_run_w(page, _lay(page, segs, 10 ** 6)[0]) for segs in lines)
    top = page.y
    for segs in lines:
        runs = _lay(page, segs, 10 ** 6)[0]
        _draw_runs(page, right - (widest + _run_w(page, runs)) / 2, page.y, runs, False)
        page.y += page.line_h
    if seal:
        # stamped over the authority's name, clear of the written figures of the date
        cx = int(right - widest / 2 + page.rng.uniform(-0.2, 0.1) * widest)
        cy = int(top + page.line_h * (len(lines) - 1.5 - page.rng.uniform(0.0, 0.4)))
        page.seals.append((cx, cy, seal_text or page.seal_text or "公安局"))


def b_cc_copy(page: Any, text: str) -> None:
    """The copy's destination printed top to bottom in the right margin (第二联 附卷)."""
    f = R.font(page.style.label_font or page.style.font, int(page.body_px * 0.8))
    mm = page.dpi / 25.4
    x = page.w - max(8 * mm, (page.w - page.x1) * 0.45) - f.size / 2
    y = page.h * 0.3
    for ch in text:
        if ch != " ":
            page.put(x, y, ch, f)
        y += f.size * 1.15


def b_cc_sheet(page: Any, o: dict[str, Any]) -> None:
    """The copy itself: the carbon layer shifted, blurred and mottled over the crisp form;
    then the scanner's lower contrast, a dark border along one edge, punched-hole shadows."""
    _ink(page)
    mm = page.dpi / 25.4
    dx, dy = o["dx"] * mm, o["dy"] * mm
    layer = Image.new("L", page.img.size, 0)
    d = ImageDraw.Draw(layer)
    for x, y, text, f in page.cc_ink:
        d.text((x + dx, y + dy), text, font=f, fill=255)
    for x, y, size in page.cc_ticks:  # a pen tick: short stroke down, long stroke up
        x, y = x + dx, y + dy
        wd = max(2, int(size / 9))
        d.line((x, y + size * 0.55, x + size * 0.32, y + size * 0.88, x + size * 0.85, y + size * 0.05), fill=255, width=wd)
    layer = layer.filter(ImageFilter.GaussianBlur(o["blur"] * mm))
    rng = np.random.default_rng(o["seed"])
    mottle = rng.uniform(o["weak"], 1.0, (layer.height // 6 + 1, layer.width // 6 + 1)).astype(np.float32)
    mottle = np.kron(mottle, np.ones((6, 6), np.float32))[: layer.height, : layer.width]
    alpha = Image.fromarray(np.clip(np.asarray(layer, np.float32) * mottle * 1.25, 0, 255).astype(np.uint8))
    colour = Image.new("RGB", page.img.size, o["ink"])
    page.img.paste(ImageChops.multiply(page.img, colour), (0, 0), alpha)
    lo, hi = o["black"], o["white"]
    page.img = page.img.point(lambda v: int(lo + v * (hi - lo) / 255))
    page.draw = ImageDraw.Draw(page.img)
    if o["holes"]:
        cx, r = o["hole_x"] * mm, 3 * mm
        for cy in (page.h / 2 - 40 * mm, page.h / 2 + 40 * mm):
            page.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(58, 58, 58))
            page.draw.arc((cx - r, cy - r, cx + r, cy + r), 200, 340, fill=(25, 25, 25), width=max(2, int(0.4 * mm)))
    if o["border"]:
        side, wide = o["border"], o["border_mm"] * mm
        strip = {"left": (0, 0, wide, page.h), "right": (page.w - wide, 0, page.w, page.h),
                 "top": (0, 0, page.w, wide), "bottom": (0, page.h - wide, page.w, page.h)}[side]
        page.draw.rectangle(strip, fill=(40, 40, 40))


for _kind, _fn in (("cc_flow", b_cc_flow), ("cc_grid", b_cc_grid), ("cc_sign", b_cc_sign), ("cc_copy", b_cc_copy),
                   ("cc_sheet", b_cc_sheet)):
    if R.BLOCKS.get(_kind) is not _fn:
        R.register_block(_kind, _fn)


# -- wording helpers ---------------------------------------------------------------------

def t(text: str) -> Seg:
    return (text, "t")


def lb(text: str) -> Seg:
    return (text, "l")


def v(text: str) -> Seg:
    return (text, "v")


def u(chars: int) -> Seg:
    return ("\u3000" * chars, "u")


def blank(text: str, pad: int = 1) -> list[Seg]:
    """A value on a ruled blank a little wider than the writing."""
    return [("\u3000" * pad, "u"), v(text), ("\u3000" * pad, "u")]


def dsegs(d: dt.date, ruled: bool = True) -> list[Seg]:
    """A date written into printed 年 月 日 (figures by pen, the rest printed)."""
    sp = ("\u2002", "u") if ruled else ("\u2002", "t")
    return [sp, v(str(d.year)), sp, t("年"), sp, v(str(d.month)), sp, t("月"), sp, v(str(d.day)), sp, t("日")]


def dtsegs(ts: dt.datetime) -> list[Seg]:
    sp = ("\u2002", "t")
    return dsegs(ts.date(), False) + [sp, v(str(ts.hour)), sp, t("时"), sp, v(f"{ts.minute:02d}"), sp, t("分")]


def box(choices: list[str], chosen: str, sep: str = "\u3000\u3000", per_line: int = 0) -> list[Seg]:
    out: list[Seg] = []
    for i, c in enumerate(choices):
        if i:
            out.append(t("\n") if per_line and i % per_line == 0 else t(sep))
        out += [("1" if c == chosen else "0", "x"), t("\u2002" + c)]
    return out


_NO = re.compile(r"^(.*?)([〔\[【（(])([0-9０-９]{4})([〕\]】）)])(.*?)([0-9０-９]+)(号)$")


def docno(ctx: Ctx, normal: str | None = None) -> list[Seg]:
    """A document number: the bureau's prefix printed, the year and serial written in."""
    text = ctx.docno(normal or ctx.spec.doc_no)
    m = _NO.match(text)
    if not m:
        return [v(text)]
    a, b, year, c, mid, serial, hao = m.groups()
    return [t(a + b), v(year), t(c + mid), ("\u2002", "u"), v(serial), ("\u2002", "u"), t(hao)]


def cell(segs: list[Seg] | str, frac: float, **o: Any) -> tuple[Any, ...]:
    if isinstance(segs, str):
        segs = [v(segs)]
    return (segs, frac, o)


def lab(text: str, frac: float, **o: Any) -> tuple[Any, ...]:
    return ([lb(text)], frac, {"shade": True, **o})


def flow(*parts: Any, **o: Any) -> Block:
    segs: list[Seg] = []
    for p in parts:
        if isinstance(p, str):
            segs.append(t(p))
        elif isinstance(p, tuple):
            segs.append(p)
        else:
            segs += p
    return ("cc_flow", segs, o)


def header(ctx: Ctx, authority: str | None = None, no: bool = True) -> list[Block]:
    out: list[Block] = [("authority", authority or ctx.f["authority"]), ("title", ctx.spec.title)]
    if no and ctx.spec.doc_no:
        out.append(flow(docno(ctx), indent=0, align="right", ruled=False))
    return out


def sign(ctx: Ctx, d: dt.date, extra: tuple[str, ...] = (), authority: str | None = None) -> list[Block]:
    lines = [[t(e)] for e in extra] + [[t(authority or ctx.f["authority"])], dsegs(d, False)]
    return [("gap", 1.0 if extra else 1.8), ("cc_sign", lines, ctx.style.seal, authority or ctx.f["authority"])]


def _d(ctx: Ctx, key: str) -> dt.date:
    return ctx.iso(key)


# -- documents ---------------------------------------------------------------------------

def acceptance_form(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    r = facts.reporter
    received = dt.datetime.fromisoformat(f["received_at"])
    opinion_text = dict(OPINIONS)
    ops = [c for c, _ in OPINIONS]
    op_segs: list[Seg] = []
    for i, c in enumerate(ops):
        if i:
            op_segs.append(t("\n"))
        op_segs += [("1" if c == f["opinion"] else "0", "x"), t("\u2002" + opinion_text[c])]
    op_segs += [t("\n受案民警："), v(facts.officers[0] + "、" + facts.officers[1])]
    rows = [
        [lab("报案人\n姓名", 0.16), cell(f["reporter_name"], 0.19), lab("性别", 0.08), cell(r.gender, 0.08),
         lab("出生\n日期", 0.09), cell(dsegs(r.birth_date, False), 0.4)],
        [lab("身份证件\n种类及号码", 0.16), cell([t("居民身份证\u3000"), v(f["reporter_id_no"])], 0.84)],
        [lab("现住址", 0.16), cell(r.address, 0.84)],
        [lab("接\n报", 0.07, rs=3), lab("民警", 0.09), cell(f["receiving_officer"], 0.19), lab("时间", 0.08),
         cell(dtsegs(received), 0.57)],
        [lab("地点", 0.09), cell(facts.unit, 0.84)],
        [lab("方式", 0.09), cell(box(SOURCES, f["case_source"], sep="\u3000", per_line=4), 0.84)],
        [lab("简要\n案情", 0.16), cell(f["summary"], 0.84, min=4)],
        [lab("受案\n意见", 0.16), cell(op_segs, 0.84)],
        [lab("领导\n审批", 0.16), cell([t("受案部门负责人："), v(facts.checker), t("\n\u3000\u3000\u3000\u3000\u3000\u3000")]
                                      + dsegs(_d(ctx, "accepted_on"), False), 0.84)],
    ]
    blocks = header(ctx) + [("cc_grid", rows, {"scale": 0.9})]
    return [blocks]


def _phone(ctx: Ctx) -> str:
    r = _own(ctx, "phone")
    return f"0{r.randint(310, 898)}-{r.randint(60000000, 89999999)}"


def _to(name: str) -> Block:
    return flow(blank(name, 1), "：", indent=0)


def acceptance_receipt(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    self_ref = ctx.style.self_ref
    blocks = header(ctx) + [
        _to(f["addressee"]),
        flow("你（单位）于", dsegs(_d(ctx, "reported_on")), "报称的", blank(f["case_name"]), "一案，", self_ref,
             "已受理。案件进展情况可向承办民警询问或者登录公安机关互联网服务平台查询。"),
        flow("承办民警：", blank(facts.officers[0], 2), "\u3000联系电话：", blank(_phone(ctx)),
             indent=2),
        *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [blocks]


def filing_decision(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    blocks = header(ctx) + [
        flow("依照", LAW, article("filing", ctx.style), "之规定，决定对", blank(f["case_name"]), "立案侦查。"),
        ("gap", 2), *sign(ctx, _d(ctx, "decided_on")),
    ]
    return [blocks]


def filing_notice(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    blocks = header(ctx) + [
        _to(f["addressee"]),
        flow("你（单位）于", dsegs(_d(ctx, "reported_on")), "向", ctx.style.self_ref, "报称的", blank(f["case_name"]),
             "，经审查，认为有犯罪事实需要追究刑事责任，且属于本机关管辖，依照", LAW, article("filing", ctx.style),
             "之规定，已于", dsegs(_d(ctx, "issued_on")), "立案侦查。"),
        flow("特此告知。"), ("gap", 1), *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [blocks]


def no_filing_notice(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    blocks = header(ctx) + [
        _to(f["addressee"]),
        flow("你（单位）于", dsegs(facts.reported_at.date()), "报称的", blank(f["case_name"]), "，经审查，",
             ctx.style.self_ref, "认为", blank(f["reason"]), "，依照", LAW, article("filing", ctx.style), "之规定，决定不予立案。"),
        flow("如不服本决定，可在收到本通知书之日起七日内向", ctx.style.self_ref, "申请复议。"),
        ("gap", 1), *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [blocks]


def _announce(who: str) -> list[Block]:
    return [("gap", 0.8), flow("本证已于", u(3), "年", u(2), "月", u(2), "日", u(2), "时向我宣布。", indent=0),
            flow(who, "（签名、捺指印）：", u(6), indent=0)]


def detention_warrant(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    s = ctx.facts.suspects[0]
    blocks = header(ctx) + [
        flow("依照", LAW, article("detention", ctx.style), "之规定，兹决定对犯罪嫌疑人", blank(f["suspect_name"]), "（性别",
             blank(f["suspect_gender"]), "，出生日期", dsegs(_d(ctx, "suspect_birth_date")), "，住址", blank(s.address),
             "）执行拘留，送", blank(f["detention_center"]), "羁押。"),
        *sign(ctx, _d(ctx, "issued_on"), extra=("局长（签名）",)), *_announce("被拘留人"),
    ]
    return [blocks]


def bail_decision(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    kinds = {"guarantor": "提出保证人", "deposit": "交纳保证金"}
    blocks = header(ctx) + [
        flow(ctx.style.self_ref, "正在侦查", blank(f["case_name"]), "案，因犯罪嫌疑人", blank(f["suspect_name"]),
             "符合取保候审条件，依照", LAW, article("bail", ctx.style), "之规定，决定对其取保候审，期限自",
             dsegs(_d(ctx, "starts_on")), "起算。"),
        flow("保证方式：", box(list(kinds.values()), kinds[f["guarantee"]])),
    ]
    if f["guarantee"] == "guarantor":
        blocks.append(flow("犯罪嫌疑人应当接受保证人", blank(f["guarantor_name"]), "的监督。"))
    else:
        n = int(f["deposit_amount"])
        blocks.append(flow("犯罪嫌疑人应当交纳保证金人民币（大写）", blank(capital_amount(n) + "元整"), "（¥", blank(str(n), 0), "元）。"))
    blocks += [("gap", 1.5), *sign(ctx, _d(ctx, "issued_on"))]
    return [blocks]


def bail_release_decision(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    blocks = header(ctx) + [
        flow(ctx.style.self_ref, "于", dsegs(_d(ctx, "bail_started_on")), "决定对犯罪嫌疑人", blank(f["suspect_name"]),
             "取保候审，现因", blank(f["reason"]), "，依照", LAW, article("bail_release", ctx.style), "之规定，决定解除取保候审。"),
        ("gap", 1.5), *sign(ctx, _d(ctx, "released_on")),
    ]
    return [blocks]


def _suspect_rows(people: list[Any]) -> list[list[tuple[Any, ...]]]:
    rows: list[list[tuple[Any, ...]]] = []
    for p in people:
        rows += [
            [lab("犯罪\n嫌疑人", 0.12, rs=3), lab("姓名", 0.11), cell(p.name, 0.18), lab("性别", 0.08), cell(p.gender, 0.07),
             lab("出生\n日期", 0.09), cell(dsegs(p.birth_date, False), 0.35)],
            [lab("身份证\n号码", 0.11), cell(p.id_no, 0.77)],
            [lab("住址", 0.11), cell(p.address, 0.77)],
        ]
    return rows


def arrest_request(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    blocks = header(ctx) + [
        ("cc_grid", _suspect_rows([s]), {"scale": 0.9}),
        flow("犯罪嫌疑人", blank(f["suspect_name"]), "涉嫌", blank(f["case_name"]), "，", ctx.style.self_ref, "于",
             dsegs(facts.filed_on), "立案侦查，犯罪嫌疑人于", dsegs(facts.detained_on), "被刑事拘留。"),
        flow("经侦查查明：犯罪嫌疑人涉嫌", blank(facts.crime), "，事实清楚，证据确实、充分。依照", LAW,
             article("arrest_request", ctx.style), "之规定，特提请批准逮捕。"),
        flow("此致", indent=0), flow(blank(f["procuratorate"], 0), indent=0),
        *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [blocks]


def arrest_warrant(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    s = facts.suspects[0]
    blocks = header(ctx) + [
        flow("依照", LAW, article("arrest", ctx.style), "之规定，经", blank(f["procuratorate"]), "批准，兹由", ctx.style.self_ref,
             "对涉嫌", blank(facts.crime), "罪的", blank(f["suspect_name"]), "（性别", blank(s.gender), "，出生日期",
             dsegs(s.birth_date), "，住址", blank(s.address), "）执行逮捕，送", blank(facts.detention_center), "羁押。"),
        *sign(ctx, _d(ctx, "issued_on"), extra=("局长（签名）",)), *_announce("被逮捕人"),
    ]
    return [blocks]


def prosecution_opinion(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    names = "、".join(f["suspect_names"])
    page1 = header(ctx) + [
        ("cc_grid", _suspect_rows(facts.suspects), {"scale": 0.85}),
        flow(blank(f["case_name"]), "，由", ctx.style.self_ref, "于", dsegs(facts.filed_on), "立案侦查，现已侦查终结。"),
        flow("经依法侦查查明：", blank(facts.summary * 2)),
    ]
    page2 = [
        flow("认定上述事实的证据有：报案材料，被害人陈述，证人证言，犯罪嫌疑人供述和辩解，现场勘验笔录及照片等。"),
        flow("综上所述，犯罪嫌疑人", blank(names), "的行为已涉嫌", blank(facts.crime), "罪，依照", LAW,
             article("prosecution", ctx.style), "之规定，现将本案移送审查起诉。"),
        flow("此致", indent=0), flow(blank(f["procuratorate"], 0), indent=0),
        *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [page1, page2]


def admin_penalty_decision(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    rows = [
        [lab("被处罚人\n姓名", 0.16), cell(f["party_name"], 0.19), lab("性别", 0.08), cell(p.gender, 0.08),
         lab("出生\n日期", 0.09), cell(dsegs(p.birth_date, False), 0.4)],
        [lab("身份证件\n种类及号码", 0.16), cell([t("居民身份证\u3000"), v(f["party_id_no"])], 0.84)],
        [lab("现住址", 0.16), cell(p.address, 0.84)],
    ]
    blocks = header(ctx) + [
        ("cc_grid", rows, {"scale": 0.9}),
        flow("现查明：", blank(f["violation"]), "。"),
        flow("以上事实有被处罚人陈述和申辩、证人证言等证据证实。依照《中华人民共和国治安管理处罚法》有关规定，决定给予",
             blank(f["penalty"]), "的处罚。"),
        flow("被处罚人如不服本决定，可在收到本决定书之日起六十日内向", blank(facts.review_body), "申请行政复议，或者在六个月内依法向",
             blank(facts.court), "提起行政诉讼。"),
        *sign(ctx, _d(ctx, "issued_on")),
    ]
    return [blocks]


def reconsideration_decision(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    rows = [
        [lab("申请人", 0.14), cell(f["applicant"], 0.26), lab("性别", 0.1), cell(p.gender, 0.1), lab("住址", 0.1), cell(p.address, 0.3)],
        [lab("被申请人", 0.14), cell(f["respondent"], 0.86)],
    ]
    blocks = header(ctx, authority=f["authority"]) + [
        ("cc_grid", rows, {"scale": 0.9}),
        flow("申请人不服被申请人作出的", blank(ctx.docno(_doc_no(facts, "行罚决"))),
             "行政处罚决定，向本机关申请行政复议，本机关依法已予受理。经审查，本机关决定："),
        flow(blank(REVIEW_WORDS[f["decision"]])),
        flow("申请人如不服本决定，可以在收到本决定书之日起十五日内依法向人民法院提起行政诉讼。"),
        *sign(ctx, _d(ctx, "issued_on"), authority=f["authority"]),
    ]
    return [blocks]


def admin_judgment(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.party
    rows = [
        [lab("原告", 0.12), cell(f["plaintiff"], 0.25), lab("性别", 0.09), cell(p.gender, 0.09), lab("住址", 0.09), cell(p.address, 0.36)],
        [lab("被告", 0.12), cell(f["defendant"], 0.88)],
    ]
    page1 = header(ctx, authority=f["court"]) + [
        ("cc_grid", rows, {"scale": 0.9}),
        flow("原告", blank(f["plaintiff"]), "不服被告", blank(f["defendant"]), "行政处罚一案，本院受理后依法组成合议庭，公开开庭进行了审理。"),
        flow("经审理查明：", blank(facts.summary)),
    ]
    page2 = [
        flow("本院认为，依照《中华人民共和国行政诉讼法》之规定，判决如下："),
        flow(blank(JUDGMENT_WORDS[f["result"]].format(d=f["defendant"], p=f["plaintiff"]))),
        flow("如不服本判决，可以在判决书送达之日起十五日内向本院递交上诉状，上诉于上一级人民法院。"),
        ("gap", 0.6),
        ("cc_sign", [[t("审判长\u3000"), v(facts.clerk)], [t("审判员\u3000"), v(facts.checker)], dsegs(_d(ctx, "issued_on"), False)],
         ctx.style.seal, f["court"]),
    ]
    return [page1, page2]


# -- dossier pages -----------------------------------------------------------------------

def dossier_cover(ctx: Ctx) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    vol = [t("第"), ("\u2002", "t"), v(str(f["volume_no"])), ("\u2002", "t"), t("卷\u3000共"), ("\u2002", "t"),
           v(str(f["volume_count"])), ("\u2002", "t"), t("卷")]
    rows = [
        [lab("案件名称", 0.2), cell(f["case_name"], 0.8, min=2)],
        [lab("案件编号", 0.2), cell(f["case_no"], 0.8)],
        [lab("办案单位", 0.2), cell(facts.unit, 0.8)],
        [lab("起止日期", 0.2), cell([t("自")] + dsegs(_d(ctx, "opened_on"), False) + [t("\u3000至")] + dsegs(_d(ctx, "closed_on"), False), 0.8)],
        [lab("卷次", 0.2), cell(vol, 0.3), lab("本卷页数", 0.2), cell([v(str(f["page_count"])), ("\u3000", "t"), t("页")], 0.3)],
        [lab("保管期限", 0.2), cell(box(["永久", "长期", "短期"], f["retention"]), 0.8)],
        [lab("立卷人", 0.2), cell(facts.clerk, 0.3), lab("立卷单位", 0.2), cell([t(f["authority"])], 0.3)],
    ]
    blocks: list[Block] = [("gap", 1.5), ("authority", f["authority"]), ("gap", 0.6), ("title", ctx.spec.title), ("gap", 1.5),
                           ("cc_grid", rows, {"scale": 1.0})]
    return [blocks]


def catalog(ctx: Ctx) -> list[list[Block]]:
    rows = ctx.extra["rows"]
    cols = [("序号", 0.07), ("文号", 0.39), ("文件名称", 0.22), ("日期", 0.14), ("页次", 0.10), ("备注", 0.08)]
    per_page = _own(ctx, "rows").choice((12, 15))
    pages: list[list[Block]] = []
    for start in range(0, max(len(rows), 1), per_page):
        table: list[list[tuple[Any, ...]]] = [[lab(h, w) for h, w in cols]]
        chunk = rows[start:start + per_page]
        for r in chunk:
            d = r["_date"]
            span = str(r["first_page"]) if r["first_page"] == r["last_page"] else f"{r['first_page']}—{r['last_page']}"
            vals = [str(r["seq"]), ctx.docno(r["doc_no"]) if r["doc_no"] else "", r["title"], f"{d.year}.{d.month}.{d.day}", span, ""]
            table.append([cell([v(x)] if x else [t("")], w) for x, (_, w) in zip(vals, cols)])
        for _ in range(per_page - len(chunk)):  # the printed form's empty rows
            table.append([cell([t("")], w) for _, w in cols])
        blocks: list[Block] = [("title", "卷内文书目录")] if start == 0 else [("gap", 0.5)]
        blocks.append(("cc_grid", table, {"scale": min(0.85, 11 / ctx.style.body_pt)}))
        pages.append(blocks)
    return pages


def backup_sheet(ctx: Ctx) -> list[list[Block]]:
    f = ctx.f
    rows = [
        [cell([t("本卷情况说明\n\u3000\u3000本卷共有文书材料"), ("\u2002", "u"), v(str(f["page_count"])), ("\u2002", "u"),
               t("页（不含卷皮、目录、备考表）。")], 1.0, min=9)],
        [lab("立卷人", 0.16), cell(f["compiled_by"], 0.34), lab("检查人", 0.16), cell(f["checked_by"], 0.34)],
        [lab("立卷\n时间", 0.16), cell(dsegs(_d(ctx, "compiled_on"), False), 0.84)],
    ]
    return [[("title", "卷内备考表"), ("gap", 0.5), ("cc_grid", rows, {"scale": 1.0})]]


DRAW = {
    "acceptance_form": acceptance_form, "acceptance_receipt": acceptance_receipt, "filing_decision": filing_decision,
    "filing_notice": filing_notice, "no_filing_notice": no_filing_notice, "detention_warrant": detention_warrant,
    "bail_decision": bail_decision, "bail_release_decision": bail_release_decision, "arrest_request": arrest_request,
    "arrest_warrant": arrest_warrant, "prosecution_opinion": prosecution_opinion,
    "admin_penalty_decision": admin_penalty_decision, "reconsideration_decision": reconsideration_decision,
    "admin_judgment": admin_judgment, "dossier_cover": dossier_cover, "catalog": catalog, "backup_sheet": backup_sheet,
}
#: which copy of the set is scanned, by document: (copy, what the copy is for)
COPIES = {
    "acceptance_receipt": ("第二联", "附卷"), "filing_notice": ("第二联", "附卷"), "no_filing_notice": ("第二联", "附卷"),
    "detention_warrant": ("第三联", "附卷"), "arrest_warrant": ("第三联", "附卷"), "bail_decision": ("第二联", "附卷"),
    "bail_release_decision": ("第二联", "附卷"), "admin_penalty_decision": ("第三联", "附卷"),
    "acceptance_form": ("第二联", "存档"), "filing_decision": ("第二联", "附卷"),
}


def draw(dtype: str, ctx: Ctx) -> list[list[Block]]:
    pages = DRAW[dtype](ctx)
    rng = _own(ctx, "sheet")
    out = []
    border = rng.choice(("left", "right", "top", "bottom", None, None))
    for i, blocks in enumerate(pages):
        sheet = {
            "dx": rng.uniform(1.2, 3.0), "dy": rng.uniform(0.4, 1.3), "blur": rng.uniform(0.06, 0.12),
            "ink": rng.choice(((70, 60, 160), (95, 70, 170), (55, 75, 165), (110, 80, 150))),
            "weak": rng.uniform(0.55, 0.8), "seed": rng.getrandbits(32),
            "black": rng.randint(30, 55), "white": rng.randint(222, 240),
            "holes": rng.random() < 0.5, "hole_x": rng.uniform(9, 11),
            "border": border, "border_mm": rng.uniform(2.5, 6.0),
        }
        extra: list[Block] = []
        if dtype in COPIES:
            n, what = COPIES[dtype]
            extra.append(("cc_copy", f"{n} {what}"))
        out.append([*blocks, *extra, ("cc_sheet", sheet)])
    return out


def restyle(s: Style) -> Style:
    pick = int(sum(s.margin_mm) * 1000) % 3
    return dataclasses.replace(
        s, label_font="noto_sans", value_font=("ukai", "ukai", "wqy_zenhei")[pick], letter_spaced_title=True,
        margin_mm=(max(s.margin_mm[0], 22.0), s.margin_mm[1], max(s.margin_mm[2], 18.0), s.margin_mm[3]),
        body_pt=min(s.body_pt, 14),
    )


def scan(d: Damage) -> Damage:
    return dataclasses.replace(d, mode="L", tint=max(d.tint, 12), jpeg_quality=d.jpeg_quality or 85)


FAMILIES: list[Family] = [
    Family("carbon_copy", "tuned",
           "second/third copies of multi-part carbonless forms (复写联单): crisp printed ruled tables with merged cells and "
           "grey label cells (报案人/姓名 stacked), sentences with ruled blanks, printed 年 月 日 with written figures, "
           "capital amounts beside figures; values as faint blurred blue-violet carbon misregistered a few mm right/down; "
           "low-contrast grey scans with a dark scanner edge and punched-hole shadows",
           draw, restyle, scan),
]
