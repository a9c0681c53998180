"""The county family ``boxed_pen_pairs``: a county bureau's own print templates.

A county public-security bureau (县公安局) that made its forms itself in a word processor
and fills them in by hand:

- two label/value pairs per line (姓名……王伟　　性别……男), each label followed by a
  tab leader (dots ``....``, ellipses ``……``, middle dots or dashes ``- - -``) up to a tab
  stop shared by its column, then a ruled blank;
- the values written by pen: a handwriting typeface (楷体) a little larger than the printed
  labels, each value slightly above or below the line, a little slanted, its characters
  unevenly placed, often running past the end of its blank;
- sections framed by drawn boxes (a caption on the top border, a heading band, or the
  section's name printed top to bottom in a side column);
- options printed as ■ (chosen) / □, or the chosen word circled by pen (保管期限 永久 长期
  短期 with 长期 ringed);
- notices and decisions as printed sentences with ruled blanks filled in by pen, dates as
  pen figures between printed 年 月 日;
- a cover whose fields stand in a double-bordered box (label column | value column), a
  pre-printed catalog sheet filled in by hand (序号 | 文件材料题名 | 责任者 | 文号 | 日期 |
  页号 | 备注, dates 2021.03.05 or 20210305, pages 5-7 or 第5至7页, every sheet titled and
  numbered 第1张 共2张), a backup sheet (备考表) whose counts are written in by hand;
- a round seal stamped off-centre so its ring runs over the sign-off date;
- paper damage: show-through of the back (mirrored ghost text) or a fold crease across the
  page; scanned 1-bit (black and white).

The renderer (:mod:`..render`) has no block for pen values off the baseline, tab leaders,
boxes, circled words or paper wear, so this module registers its own block kinds
(``cty_*``, :func:`~scanning.synthetic.render.register_block`; it changes none of the existing ones).
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from .. import render as R
from ..documents import JUDGMENT_WORDS, LAW, REVIEW_WORDS, SOURCES, Block
from ..style import Damage, Style, article, fmt_amount
from .common import Ctx, Family

PEN_INK = (28, 36, 98)  # blue-black ballpoint
PEN = 1.12  # pen values' size against the printed labels
TRACK = 1.04  # handwriting is spaced a little looser than print
ROW = 2.15  # height of a pair line, in body sizes
FLOW = 2.0  # height of a line of a printed sentence with pen blanks
SEAL_R_MM = 21.0  # the renderer's seal radius
ASCII = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)})


# =====================================================================================
# drawing engine: block kinds added to the renderer's Page
# =====================================================================================

def _lf(page: Any, scale: float = 1.0) -> Any:
    return R.font(page.style.label_font or page.style.font, max(8, int(page.body_px * scale)))


def _pf(page: Any, scale: float = PEN) -> Any:
    return R.font(page.style.value_font or "ukai", max(8, int(page.body_px * scale)))


def _plen(text: str, f: Any) -> float:
    """Printed width as :meth:`Page.put` draws it (ballot boxes from the symbol font)."""
    sym = None
    w = 0.0
    for c in text:
        if c in R.SYMBOLS:
            sym = sym or R.font("symbols", f.size)
            w += sym.getlength(c)
        else:
            w += f.getlength(c)
    return w


def _pen_draw(page: Any, x: float, base: float, text: str, pf: Any, angle: float) -> None:
    """Pen writing: characters a little off their places, the line slightly slanted."""
    if not text.strip():
        return
    page.log.append(text)
    size = pf.size
    asc, desc = pf.getmetrics()
    width = sum(pf.getlength(c) * TRACK for c in text)
    ox, oy = int(size * 0.4), int(size * 0.4)
    W, H = int(width + 2 * ox), int(asc + desc + 2 * oy)
    mask = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(mask)
    cx = 0.0
    for c in text:
        jx, jy = page.rng.uniform(-0.03, 0.03) * size, page.rng.uniform(-0.06, 0.06) * size
        d.text((ox + cx + jx, oy + asc + jy), c, font=pf, fill=255, anchor="ls")
        cx += pf.getlength(c) * TRACK
    rot = mask.rotate(angle, resample=Image.BICUBIC, expand=True) if angle else mask
    px = int(x - ox - (rot.width - W) / 2)
    py = int(base - oy - asc - (rot.height - H) / 2)
    ink = Image.new("RGB", rot.size, page.style.value_ink or PEN_INK)
    page.img.paste(ink, (px, py), rot)


def _pen_circle(page: Any, box: tuple[float, float, float, float]) -> None:
    """A word ringed by pen: an ellipse drawn in one stroke whose ends overlap."""
    x0, y0, x1, y1 = box
    w = max(2, page.dpi // 110)
    start = page.rng.uniform(0, 360)
    ink = page.style.value_ink or PEN_INK
    page.draw.arc((x0, y0, x1, y1), start, start + 360, fill=ink, width=w)
    dx, dy = page.rng.uniform(-0.06, 0.06) * (x1 - x0), page.rng.uniform(-0.1, 0.1) * (y1 - y0)
    page.draw.arc((x0 + dx, y0 + dy, x1 + dx, y1 + dy), start - 10, start + 50, fill=ink, width=w)


# -- runs of text: printed ("p"), pen on a blank ("v"), pen ("w"), empty blank ("gap"),
#    options ("on" ■ / "off" □, "circ" ringed / "opt" plain), a space ("sp"), a break ("br")

@dataclass
class _U:
    kind: str
    text: str
    w: float
    vid: int = -1  # the value a pen unit belongs to (one slant and offset per value)


def _units(page: Any, segs: list[tuple[str, str]], pen_scale: float = PEN, lab_scale: float = 1.0) -> list[_U]:
    lf, pf, em = _lf(page, lab_scale), _pf(page, pen_scale), page.body_px
    out: list[_U] = []
    for i, (text, role) in enumerate(segs):
        if role == "p":
            out += [_U("p", c, _plen(c, lf)) for c in text]
        elif role in ("v", "w"):
            if role == "v":
                out.append(_U("vpad", "", em * 0.45, i))
            out += [_U(role, c, pf.getlength(c) * TRACK, i) for c in text]
            if role == "v":
                out.append(_U("vpad", "", em * 0.45, i))
        elif role == "gap":
            out.append(_U("gap", "", float(text) * em))
        elif role == "sp":
            out.append(_U("sp", "", float(text) * em))
        elif role == "br":
            out.append(_U("br", "", 0.0))
        elif role in ("on", "off"):
            out.append(_U(role, ("■" if role == "on" else "□") + text, _plen(("■" if role == "on" else "□") + text, lf)))
        elif role in ("circ", "opt"):
            out.append(_U(role, text, _plen(text, lf) + em * 0.5))
        else:
            raise ValueError(role)
    return out


def _break(units: list[_U], first: float, rest: float) -> list[list[_U]]:
    """Greedy line breaking: ``first`` is the first line's width, ``rest`` the others'."""
    lines: list[list[_U]] = [[]]
    x, limit = 0.0, first
    for u in units:
        if u.kind == "br":
            lines.append([])
            x, limit = 0.0, rest
            continue
        if not lines[-1] and u.kind == "sp":
            continue
        hang = u.kind in ("p", "v", "w") and u.text in CLOSING and x + u.w <= limit + u.w * 1.01
        if x + u.w > limit and not hang and any(v.kind not in ("sp", "vpad") for v in lines[-1]):
            carry: list[_U] = []
            if _word(u):  # figures and letters are not split: the run so far moves down with them
                cur = lines[-1]
                k = len(cur)
                while k and _word(cur[k - 1]) and cur[k - 1].vid == u.vid:
                    k -= 1
                if k and any(v.kind not in ("sp", "vpad") for v in cur[:k]) and _width(cur[k:]) + u.w <= rest:
                    carry = cur[k:]
                    del cur[k:]
            cur = lines[-1]
            if len(cur) > 1 and cur[-1].text in OPENING:  # an opening bracket goes down with what it opens
                carry = [cur.pop(), *carry]
            lines.append(carry)
            x, limit = _width(carry), rest
            if u.kind == "sp":
                continue
        lines[-1].append(u)
        x += u.w
    return lines


CLOSING = "，。、；：！？）》」』〕】,.;:)"
OPENING = "（《「『〔【[("


def _word(u: _U) -> bool:
    return u.kind in ("p", "v", "w") and len(u.text) == 1 and (u.text.isascii() and u.text.isalnum() or u.text in "-.:")


def _width(line: list[_U]) -> float:
    return sum(u.w for u in line)


def _draw_line(page: Any, x: float, base: float, line: list[_U], pens: dict[int, tuple[float, float]],
               pen_scale: float = PEN, lab_scale: float = 1.0) -> float:
    """Draw one laid line with its baseline at ``base``; returns its right end."""
    lf, pf, em = _lf(page, lab_scale), _pf(page, pen_scale), page.body_px
    lw = max(1, page.dpi // 200)
    asc = lf.getmetrics()[0]
    i = 0
    while i < len(line):
        u = line[i]
        j = i + 1
        if u.kind in ("p", "w"):
            while j < len(line) and line[j].kind == u.kind and line[j].vid == u.vid:
                j += 1
        elif u.kind in ("v", "vpad"):
            while j < len(line) and line[j].kind in ("v", "vpad") and line[j].vid == u.vid:
                j += 1
        run = line[i:j]
        w = _width(run)
        if u.kind == "p":
            page.put(x, base - asc, "".join(r.text for r in run), lf)
        elif u.kind == "w" or (u.kind in ("v", "vpad") and any(r.kind == "v" for r in run)):
            off, ang = pens.setdefault(u.vid, (page.rng.uniform(-0.28, 0.1) * em, page.rng.uniform(-1.3, 1.3)))
            if u.kind != "w":
                page.draw.line((x, base + em * 0.16, x + w, base + em * 0.16), fill="black", width=lw)
            lead = run[0].w if run[0].kind == "vpad" else 0.0
            text = "".join(r.text for r in run)
            _pen_draw(page, x + lead, base + off, text, pf, ang)
        elif u.kind in ("vpad", "gap"):
            page.draw.line((x, base + em * 0.16, x + w, base + em * 0.16), fill="black", width=lw)
        elif u.kind in ("on", "off"):
            page.put(x, base - asc, u.text, lf)
        elif u.kind in ("circ", "opt"):
            page.put(x + em * 0.25, base - asc, u.text, lf)
            if u.kind == "circ":
                _pen_circle(page, (x - em * 0.1, base - em * 1.15, x + w + em * 0.1, base + em * 0.4))
        x += w
        i = j
    return x


def b_cty_flow(page: Any, segs: list[tuple[str, str]], opts: dict[str, Any] | None = None) -> None:
    """A printed sentence with blanks filled in by pen, wrapped over the text width."""
    o = opts or {}
    em = page.body_px
    x0, x1 = page.x0 + o.get("left", 0) * em, page.x1
    indent = o.get("indent", 2) * em
    units = _units(page, segs)
    lines = _break(units, x1 - x0 - indent, x1 - x0)
    rh = em * o.get("row", FLOW)
    pens: dict[int, tuple[float, float]] = {}
    for k, line in enumerate(lines):
        base = page.y + rh * 0.7
        x = x0 + (indent if k == 0 else 0)
        align = o.get("align", "left")
        if align == "right":
            x = x1 - o.get("right", 0) * em - _width(line)
        elif align == "center":
            x = (page.w - _width(line)) / 2
        _draw_line(page, x, base, line, pens)
        page.y += rh


def b_cty_docno(page: Any, segs: list[tuple[str, str]], align: str = "right") -> None:
    b_cty_flow(page, segs, {"align": align, "indent": 0, "row": 1.9})


LEADERS = {"dot": ".", "ell": "…", "mid": "·", "dash": "- "}


def b_cty_pairs(page: Any, rows: list[list[tuple[Any, ...]]], opts: dict[str, Any] | None = None) -> None:
    """Lines of label/value pairs, two to a line where they fit.

    A pair is ``(label, value, blank_em[, options])``: the label, a tab leader to the
    column's tab stop, a ruled blank ``blank_em`` long (None: to the column's end), the
    value written by pen on it (running past its end when longer). A value given as
    segments is laid as a sentence from the tab stop (options, dates between printed 年 月 日).
    Options: ``cont`` "x0" (continuation lines from the left edge), ``lines`` (at least so
    many ruled lines).
    """
    o = opts or {}
    em, lf = page.body_px, _lf(page)
    lw = max(1, page.dpi // 200)
    leader = o.get("leader", "dot")
    colon = "：" if o.get("colon") else ""
    x0, x1 = float(page.x0), float(page.x1)
    W = x1 - x0
    spill = min(page.w - x1 - 5 * page.dpi / 25.4, 7 * page.dpi / 25.4)
    if page.__dict__.get("_cty_boxes"):  # in a box: up to its border
        spill = em * 0.3
    rh = em * ROW
    lmin = em * 1.7

    def lab_w(t: str) -> float:
        return _plen(t + colon, lf)

    def value_w(v: Any) -> float:
        return _width(_units(page, v)) if isinstance(v, list) else sum(_pf(page).getlength(c) * TRACK for c in v)

    cap = em * 6.2
    firsts = [r[0][0] for r in rows]
    tab0 = x0 + min(cap, max(lab_w(t) for t in firsts)) + lmin
    pairs2 = [r for r in rows if len(r) == 2]
    need_left = max([tab0 + em * 0.4 + value_w(r[0][1]) + em * 0.8 for r in pairs2 if lab_w(r[0][0]) <= cap] or [x0 + W / 2])
    xm = min(max(x0 + W / 2, need_left), x0 + W * 0.62)
    tab1 = xm + min(cap, max([lab_w(r[1][0]) for r in pairs2] or [0])) + lmin
    laid: list[list[tuple[Any, ...]]] = []
    for r in rows:
        if len(r) == 2:
            a, b = r
            fit_a = max(tab0, x0 + lab_w(a[0]) + lmin) + em * 0.5 + value_w(a[1]) <= xm - em * 0.7
            fit_b = max(tab1, xm + lab_w(b[0]) + lmin) + em * 0.5 + value_w(b[1]) <= x1 + (spill if isinstance(b[1], str) else 0)
            if fit_a and fit_b:
                laid.append([(a, x0, tab0, xm - em * 0.7), (b, xm, tab1, x1)])
                continue
        laid += [[(p, x0, tab0, x1)] for p in r]
    for row in laid:
        height = 1
        for pair, cx, tab, end in row:
            label, value, blank = pair[0], pair[1], pair[2]
            popts = pair[3] if len(pair) > 3 else {}
            base = page.y + rh * 0.7
            tab = max(tab, cx + lab_w(label) + lmin)
            page.put(cx, base - lf.getmetrics()[0], label, lf)
            lx = cx + _plen(label, lf) + em * 0.15
            if leader != "none":
                ch = LEADERS[leader]
                n = int((tab - em * 0.15 - _plen(colon, lf) - lx) // max(1.0, _plen(ch, lf)))
                if n > 0:
                    page.put(lx, base - lf.getmetrics()[0], (ch * n).rstrip(), lf)
            if colon:
                page.put(tab - _plen(colon, lf) - em * 0.1, base - lf.getmetrics()[0], colon, lf)
            cont_x = x0 if popts.get("cont") == "x0" else tab
            start = tab + em * (0.3 + page.rng.uniform(0, 0.5))
            pens: dict[int, tuple[float, float]] = {}
            if isinstance(value, list):
                lines = _break(_units(page, value), end - tab - em * 0.3, end - cont_x)
                for k, line in enumerate(lines):
                    _draw_line(page, tab + em * 0.3 if k == 0 else cont_x, base + k * rh, line, pens)
                height = max(height, len(lines))
                continue
            units = _units(page, [(value, "w")])
            limit = end + (spill if end == x1 else 0)
            if _width(units) <= limit - tab - em * 0.3:  # fits on its line: a pen starts where it leaves room
                start = min(start, limit - _width(units))
            room = limit - start
            if _width(units) > room:  # long: wrapped over ruled lines
                room = end - start
            lines = _break(units, room, end - cont_x - em * 0.5)
            n = max(len(lines), popts.get("lines", 1))
            stop = end if blank is None else min(end, tab + blank * em)
            page.draw.line((tab, base + em * 0.16, stop, base + em * 0.16), fill="black", width=lw)
            for k in range(1, n):
                y = base + k * rh + em * 0.16
                page.draw.line((cont_x, y, end, y), fill="black", width=lw)
            for k, line in enumerate(lines):
                _draw_line(page, start if k == 0 else cont_x + em * page.rng.uniform(0.1, 0.6), base + k * rh, line, pens)
            height = max(height, n)
        page.y += rh * height
    page.y += em * 0.2


def b_cty_box(page: Any, what: str, legend: str = "", style: str = "tab") -> None:
    """Open (``what="open"``) or close a drawn box around a section of the form."""
    em = page.body_px
    lw = max(2, page.dpi // 130)
    stack = page.__dict__.setdefault("_cty_boxes", [])
    pad = em * 0.6
    if what == "open":
        stack.append((page.y, page.x0, page.x1, legend, style))
        lf = _lf(page)
        if style == "side":
            page.x0 += int(em * 2.2 + pad)
            page.y += int(pad * 0.5)
        elif style == "head":
            page.y += int(em * 1.9)
        else:
            page.y += int(em * 0.9)
        page.x0 += int(pad)
        page.x1 -= int(pad)
        return
    top, ox0, ox1, legend, style = stack.pop()
    page.y += int(pad * 0.5)
    page.x0, page.x1 = ox0, ox1
    if style == "side" and legend:  # room for the name printed top to bottom
        page.y = max(page.y, int(top + em * (1.15 * len(legend) + 0.8)))
    bottom = page.y
    page.draw.rectangle((ox0, top, ox1, bottom), outline="black", width=lw)
    lf = R.font(page.style.title_font, int(em * 1.0))
    if not legend:
        pass
    elif style == "side":
        sx = ox0 + em * 2.2
        page.draw.line((sx, top, sx, bottom), fill="black", width=lw)
        n = len(legend)
        step = min(em * 1.5, (bottom - top - em * 0.6) / max(1, n))
        y = top + (bottom - top - step * n) / 2 + (step - em) / 2
        for c in legend:
            page.put(ox0 + (em * 2.2 - lf.getlength(c)) / 2, y, c, lf)
            y += step
    elif style == "head":
        page.draw.line((ox0, top + em * 1.6, ox1, top + em * 1.6), fill="black", width=max(1, lw // 2))
        page.put(ox0 + em * 0.6, top + em * 0.25, legend, lf)
    else:
        tw = lf.getlength(legend)
        lx = ox0 + em * 1.2
        page.draw.rectangle((lx - em * 0.3, top - em * 0.5, lx + tw + em * 0.3, top + em * 0.5), fill="white")
        page.put(lx, top - em * 0.62, legend, lf)
    page.y += int(em * 0.5)


def b_cty_grid(page: Any, rows: list[list[tuple[Any, ...]]], opts: dict[str, Any] | None = None) -> None:
    """A ruled table filled in by pen: cells ``(segments, fraction[, align])``; every row at
    least ``min_lines`` lines high (a pre-printed form's rows are all of one height)."""
    o = opts or {}
    em = page.body_px
    ps, ls = o.get("pen", 1.0), o.get("lab", 1.0)
    lw = max(1, page.dpi // 150)
    width = (page.x1 - page.x0) * o.get("width", 1.0)
    left = page.x1 - width if o.get("align") == "right" else page.x0
    pad = em * 0.3
    lh = em * o.get("line", 1.45) * max(ps, ls)
    laid = []
    for row in rows:
        cells, x = [], left
        for cell in row:
            segs, frac = cell[0], cell[1]
            align = cell[2] if len(cell) > 2 else "left"
            w = width * frac
            lines = _break(_units(page, segs, ps, ls), w - 2 * pad, w - 2 * pad) if segs else [[]]
            cells.append((x, w, lines, align))
            x += w
        laid.append(cells)
    fixed = max(o.get("min_lines", 1), max(len(c[2]) for cells in laid[o.get("head", 1):] for c in cells) if len(laid) > o.get("head", 1) else 1)
    top = page.y
    for r, cells in enumerate(laid):
        n = max(len(c[2]) for c in cells)
        n = n if r < o.get("head", 1) else max(n, fixed if o.get("uniform", True) else o.get("min_lines", 1))
        h = n * lh + 2 * pad
        for x, w, lines, align in cells:
            page.draw.rectangle((x, page.y, x + w, page.y + h), outline="black", width=lw)
            y0 = page.y + (h - len(lines) * lh) / 2
            pens: dict[int, tuple[float, float]] = {}
            for k, line in enumerate(lines):
                lx = x + pad if align == "left" else x + (w - _width(line)) / 2
                _draw_line(page, lx, y0 + k * lh + lh * 0.72, line, pens, ps, ls)
        page.y += h
    if o.get("double"):
        g = em * 0.25
        page.draw.rectangle((left - g, top - g, left + width + g, page.y + g), outline="black", width=lw * 2)
        page.y += int(g)
    page.y += int(em * 0.3)


def b_cty_rules(page: Any, n: int) -> None:
    """``n`` empty ruled lines (room for notes)."""
    em = page.body_px
    for _ in range(n):
        y = page.y + em * ROW * 0.7 + em * 0.16
        page.draw.line((page.x0, y, page.x1, y), fill="black", width=max(1, page.dpi // 200))
        page.y += em * ROW


def b_cty_sign(page: Any, lines: list[list[tuple[str, str]]], seal: bool, authority: str) -> None:
    """The sign-off: its lines centred on one another at the right, the last one the date;
    the seal stamped off-centre so its ring runs over the date."""
    em = page.body_px
    laid = [_break(_units(page, segs), 1e9, 1e9)[0] for segs in lines]
    widest = max(_width(ln) for ln in laid)
    right = page.x1 - em * 1.5
    rh = em * 1.9
    page.y += int(em * 0.4)
    pens: dict[int, tuple[float, float]] = {}
    xs: list[float] = []
    for ln in laid:
        x = right - (widest + _width(ln)) / 2
        xs.append(x)
        _draw_line(page, x, page.y + rh * 0.7, ln, pens)
        page.y += rh
    if seal:
        spot = _seal_spot(page, laid[-1], xs[-1], page.y - rh * 0.3 - em * 0.4)
        if spot:
            _stamp(page, spot[0], spot[1], authority)


def _stamp(page: Any, cx: float, cy: float, text: str) -> None:
    """A round red seal (star, the authority round the top), stamped nearly upright: its
    lettering stays above the date its lower ring runs over."""
    r = int(SEAL_R_MM * page.dpi / 25.4)
    c = r + 2
    layer = R.seal_layer(text, r, size=0.27, span=200.0)
    layer = layer.rotate(page.rng.uniform(-8, 8), resample=Image.BICUBIC)
    strength = page.rng.uniform(0.5, 0.75)  # on a 1-bit scan: from speckled to solid
    alpha = layer.point(lambda v: int(v * strength))
    red = Image.new("RGB", layer.size, (205 + page.rng.randint(0, 40), page.rng.randint(25, 60), page.rng.randint(30, 60)))
    box = (int(cx - c), int(cy - c))
    region = page.img.crop((box[0], box[1], box[0] + layer.width, box[1] + layer.height))
    region.paste(ImageChops.multiply(region, red), (0, 0), alpha)
    page.img.paste(region, box)


def _seal_spot(page: Any, date: list[_U], x: float, mid: float) -> tuple[float, float] | None:
    """Where to stamp so the seal's ring runs over the date, crossing it only on its printed
    年 月 日 (never on a figure, which a ring stroke could make unreadable) or beyond its ends."""
    r = SEAL_R_MM * page.dpi / 25.4
    em = page.body_px
    safe, left = [], x
    for u in date:
        if u.kind == "p" and u.text in "年月日":
            safe.append(left + u.w / 2)
        left += u.w
    lo, hi = x - em * 0.4, left + em * 0.4
    room = page.w - 4 * page.dpi / 25.4 - r
    spots = []
    for k in range(7):  # the ring steep where it crosses: it covers little more than one character
        dy = r * (0.5 + 0.02 * k)
        c = math.sqrt(r * r - dy * dy)
        for s in safe:
            for cx in (s + c, s - c):
                other = cx - c if cx > s else cx + c
                ok = other < lo or other > hi or any(abs(other - t) < em * 0.22 for t in safe)
                if ok and r < cx < room:
                    spots.append((cx, mid - dy))
    return page.rng.choice(spots) if spots else None


GHOST = ("公安机关询问笔录问答经审查认为事实清楚证据确实充分依照规定决定如下本人已阅读以上内容属实"
         "案件办理情况说明当事人签名捺指印年月日时分地点工作单位身份证件种类号码现住址联系方式")


def b_cty_wear(page: Any, kinds: tuple[str, ...] | None = None) -> None:
    """Paper damage: ``show`` (the back's print showing through, mirrored) and ``fold``
    (a crease across the sheet, dark or worn white); None: as this sheet happens to be."""
    rng = page.rng
    if kinds is None:
        u = rng.random()
        kinds = ("show",) if u < 0.35 else ("fold",) if u < 0.65 else ("show", "fold") if u < 0.75 else ()
    w, h = page.w, page.h
    if "show" in kinds:
        ghost = Image.new("L", (w, h), 0)
        d = ImageDraw.Draw(ghost)
        f = R.font("noto_serif", page.body_px)
        lh = page.body_px * rng.uniform(1.6, 2.1)
        left, top = page.x0 + rng.uniform(-20, 20), page.y1 * 0 + page.dpi * rng.uniform(0.8, 1.2)
        y = top
        while y < h - page.dpi * 0.9:
            n = int((page.x1 - page.x0) / page.body_px * rng.uniform(0.3, 1.0))
            k = rng.randrange(len(GHOST))
            d.text((left, y), (GHOST * 2)[k:k + n], font=f, fill=255)
            y += lh
        ghost = ImageOps.mirror(ghost).filter(ImageFilter.GaussianBlur(page.dpi / 250))
        g = np.asarray(ghost, dtype=np.float32) / 255.0
        nrng = np.random.default_rng(rng.getrandbits(32))
        level = rng.uniform(35, 60)
        layer = 255.0 - g * level
        speck = nrng.random(g.shape) < g * rng.uniform(0.03, 0.08)
        layer[speck] = 115
        img = Image.fromarray(layer.clip(0, 255).astype(np.uint8)).convert("RGB")
        page.img.paste(ImageChops.darker(page.img, img))
    if "fold" in kinds:
        y0 = h * rng.choice((rng.uniform(0.3, 0.37), rng.uniform(0.46, 0.54), rng.uniform(0.63, 0.7)))
        slope = math.tan(math.radians(rng.uniform(-0.4, 0.4)))
        worn = rng.random() < 0.4
        shade = Image.new("L", (w, h), 255)
        ImageDraw.Draw(shade).rectangle((0, y0 - page.dpi * 0.03, w, y0 + page.dpi * 0.03), fill=228)
        page.img.paste(ImageChops.darker(page.img, shade.rotate(-math.degrees(math.atan(slope)), fillcolor=255).convert("RGB")))
        x = 0.0
        lw = max(1, page.dpi // 220)
        while x < w:
            seg = rng.uniform(0.2, 1.2) * page.dpi
            if rng.random() < 0.8:
                a, b = (x, y0 + slope * (x - w / 2)), (x + seg, y0 + slope * (x + seg - w / 2))
                page.draw.line((*a, *b), fill=(238, 238, 238) if worn else (105, 105, 105), width=lw + (1 if worn else 0))
            x += seg + rng.uniform(0.02, 0.3) * page.dpi


for _kind, _fn in {"cty_flow": b_cty_flow, "cty_docno": b_cty_docno, "cty_pairs": b_cty_pairs,
                   "cty_box": b_cty_box, "cty_grid": b_cty_grid, "cty_rules": b_cty_rules,
                   "cty_sign": b_cty_sign, "cty_wear": b_cty_wear}.items():
    R.register_block(_kind, _fn)


# =====================================================================================
# the templates
# =====================================================================================

def P(t: str) -> tuple[str, str]:
    return (t, "p")


def Vb(t: str) -> tuple[str, str]:
    return (t, "v")


def Pw(t: str) -> tuple[str, str]:
    return (t, "w")


@dataclass(frozen=True)
class Look:
    """What differs between the bureau's templates (each made by another clerk)."""

    leader: str
    colon: bool
    box: str
    pdate: str  # pen dates: ymd (2021年3月5日) | dot (2021.3.5) | blanks (figures between printed 年 月 日)
    sdate: str  # the sign-off date: typed (the style's) | blanks
    opt: str  # options: box (■/□) | circ (the chosen word ringed)
    rng: random.Random = dataclasses.field(compare=False, repr=False, default_factory=random.Random)


def _look(ctx: Ctx) -> Look:
    """The template a document is drawn in, from its own seed: the volume's random stream
    (which decides what the volume holds) is not touched, so every family binds the same volume."""
    key = f"{ctx.facts.seed}|{ctx.spec.type}|{ctx.spec.doc_no}|{ctx.spec.title}|{len(ctx.extra.get('rows', ()))}"
    r = random.Random(zlib.crc32(key.encode()))
    return Look(leader=r.choice(("dot", "dot", "ell", "mid", "dash")), colon=r.random() < 0.35,
                box=r.choice(("tab", "tab", "head", "side")), pdate=r.choice(("ymd", "dot", "blanks")),
                sdate=r.choice(("typed", "blanks")), opt=r.choice(("box", "box", "circ")), rng=r)


def _ascii(text: str) -> str:
    return text.translate(ASCII)


def pdate(lk: Look, d: Any, how: str | None = None) -> Any:
    """A date written by pen: a string, or segments (figures on blanks between printed 年 月 日)."""
    how = how or lk.pdate
    if how == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if how == "blanks":
        return [Vb(str(d.year)), P("年"), Vb(str(d.month)), P("月"), Vb(str(d.day)), P("日")]
    return f"{d.year}年{d.month}月{d.day}日"


def pdt(lk: Look, t: Any) -> Any:
    if lk.pdate == "dot":
        return f"{t.year}.{t.month}.{t.day} {t.hour}:{t.minute:02d}"
    if lk.pdate == "blanks":
        return [Vb(str(t.year)), P("年"), Vb(str(t.month)), P("月"), Vb(str(t.day)), P("日"), Vb(str(t.hour)), P("时"),
                Vb(f"{t.minute:02d}"), P("分")]
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"


def inline_date(lk: Look, d: Any) -> list[tuple[str, str]]:
    """A pen date inside a sentence."""
    v = pdate(lk, d, "blanks" if lk.pdate == "blanks" else "ymd")
    return v if isinstance(v, list) else [Vb(v)]


def head(ctx: Ctx, pen_no: bool = False, authority: str | None = None) -> list[Block]:
    out: list[Block] = [("authority", authority or ctx.f["authority"]), ("title", ctx.spec.title)]
    if ctx.spec.doc_no:
        out.append(("cty_docno", docno_segs(ctx, pen_no), ctx.style.docno_align))
    return out


def docno_segs(ctx: Ctx, pen: bool) -> list[tuple[str, str]]:
    """The document number; on pre-numbered forms the year and serial written in by pen."""
    text = ctx.docno(ctx.spec.doc_no)
    m = re.match(r"^(.*?[〔\[【(（])([0-9０-９]{4})([〕\]】)）])([0-9０-９]+)(号)$", text)
    if not pen or not m:
        return [P(text)]
    a, year, b, serial, c = m.groups()
    return [P(a), Vb(_ascii(year)), P(b), Vb(_ascii(serial)), P(c)]


def pairs(lk: Look, rows: list[list[tuple[Any, ...]]]) -> Block:
    return ("cty_pairs", rows, {"leader": lk.leader, "colon": lk.colon})


def boxed(lk: Look, legend: str, inner: list[Block], style: str | None = None) -> list[Block]:
    return [("cty_box", "open", legend, style or lk.box), *inner, ("cty_box", "close")]


def flow(*segs: Any, indent: int = 2, align: str = "left") -> Block:
    return ("cty_flow", flat(*segs), {"indent": indent, "align": align})


def flat(*parts: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for p in parts:
        if isinstance(p, str):
            out.append(P(p))
        elif isinstance(p, list):
            out += p
        else:
            out.append(p)
    return out


def sign(ctx: Ctx, lk: Look, d: Any, extra: tuple[str, ...] = (), authority: str | None = None) -> list[Block]:
    auth = authority or ctx.f["authority"]
    date = pdate(lk, d, "blanks") if lk.sdate == "blanks" else [P(ctx.d(d, ctx.style.sign_date_style))]
    lines = [[P(e)] for e in extra] + [[P(auth)], date]
    return [("gap", 0.6), ("cty_sign", lines, ctx.style.seal, auth)]


def options(lk: Look, choices: list[str], chosen: str, how: str | None = None, br: bool = False) -> list[tuple[str, str]]:
    how = how or lk.opt
    out: list[tuple[str, str]] = []
    for i, c in enumerate(choices):
        if i:
            out.append(("", "br") if br else ("1.2", "sp"))
        if how == "circ":
            out.append((c, "circ" if c == chosen else "opt"))
        elif br:  # one option a line: its words may run on to the next
            out += [("", "on" if c == chosen else "off"), (c, "p")]
        else:
            out.append((c, "on" if c == chosen else "off"))
    return out


def person_rows(lk: Look, p: Any, name_label: str = "姓名", id_no: bool = True, addr: str = "现住址") -> list[list[tuple[Any, ...]]]:
    rows: list[list[tuple[Any, ...]]] = [[(name_label, p.name, 5), ("性别", p.gender, 3)]]
    if id_no:
        rows += [[("出生日期", pdate(lk, p.birth_date), 6), ("身份证件种类", "居民身份证", 5)], [("证件号码", p.id_no, 12)]]
    else:
        rows += [[("出生日期", pdate(lk, p.birth_date), 6)]]
    rows.append([(addr, p.address, 14)])
    return rows


# -- criminal documents ----------------------------------------------------------------

OPINION_ORDER = [
    ("administrative", "属于本单位管辖的行政案件，建议及时调查处理"),
    ("criminal", "属于本单位管辖的刑事案件，建议及时立案侦查"),
    ("transfer", "不属于本单位管辖，建议移送有关单位处理"),
    ("not_police", "不属于公安机关职责范围，不予调查处理并当场书面告知当事人"),
    ("other", "其他"),
]


def acceptance_form(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    r, o1, o2 = facts.reporter, facts.officers[0], facts.officers[1]
    blocks = head(ctx, pen_no=True)
    blocks += boxed(lk, "报案人", [pairs(lk, person_rows(lk, r))])
    src = options(lk, SOURCES, f["case_source"])
    blocks += boxed(lk, "接报情况", [pairs(lk, [[("接报民警", o1, 5), ("接报时间", pdt(lk, facts.reported_at), 9)],
                                             [("接报地点", facts.unit, 8)], [("案件来源", src, None)]])])
    blocks += boxed(lk, "简要案情", [pairs(lk, [[("发案经过", f["summary"], None, {"cont": "x0", "lines": 3})]])])
    ops = options(lk, [t for _, t in OPINION_ORDER], dict(OPINION_ORDER)[f["opinion"]], "box", br=True)
    blocks += boxed(lk, "受案意见", [("cty_flow", ops, {"indent": 0, "row": 1.7}),
                                     pairs(lk, [[("受案民警", f"{o1}  {o2}", 8)]])])
    d = ctx.iso("accepted_on")
    blocks += boxed(lk, "受案审批", [pairs(lk, [[("受案部门负责人", facts.checker, 5)]]),
                                     ("cty_flow", flat(inline_date(lk, d) if lk.pdate == "blanks" else [Vb(pdate(lk, d))]),
                                      {"align": "right", "indent": 0, "right": 2})])
    return [blocks]


def _to(ctx: Ctx, lk: Look) -> Block:
    return ("cty_flow", [Vb(ctx.f["addressee"]), P("：")], {"indent": 0})


def acceptance_receipt(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.style
    body = flow("你（单位）于", inline_date(lk, ctx.iso("reported_on")), "报称的", Vb(f["case_name"]), f"一案，{s.self_ref}已受理。")
    more = flow("你（单位）可通过拨打电话或者登录互联网公安服务平台查询案件进展情况。")
    contact = ("cty_flow", [P("联系人："), Vb(ctx.facts.officers[0])], {"indent": 2})
    return [head(ctx, pen_no=True) + [_to(ctx, lk), body, more, contact] + sign(ctx, lk, ctx.iso("issued_on"))]


def filing_decision(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f = ctx.f
    body = flow(f"根据{LAW}{article('filing', ctx.style)}之规定，决定对", Vb(f["case_name"]), "立案侦查。")
    return [head(ctx) + [("gap", 0.5), body, ("gap", 1.5)] + sign(ctx, lk, ctx.iso("decided_on"))]


def filing_notice(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.style
    body = flow("你（单位）于", inline_date(lk, ctx.iso("reported_on")), "报称的", Vb(f["case_name"]),
                f"，{s.self_ref}经审查，认为有犯罪事实需要追究刑事责任，且属于管辖范围，根据{LAW}{article('filing', s)}之规定，已决定立案。")
    return [head(ctx, pen_no=True) + [_to(ctx, lk), body, flow("特此告知。"), ("gap", 1)] + sign(ctx, lk, ctx.iso("issued_on"))]


def no_filing_notice(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.style
    body = flow("你（单位）于", inline_date(lk, ctx.facts.reported_at.date()), "报称的", Vb(f["case_name"]),
                f"，{s.self_ref}经审查认为", Vb(f["reason"]), f"，根据{LAW}{article('filing', s)}之规定，决定不予立案。")
    tail = flow(f"如不服本决定，可以在收到本通知书之日起七日以内向{s.self_ref}申请复议。")
    return [head(ctx, pen_no=True) + [_to(ctx, lk), body, tail, ("gap", 1)] + sign(ctx, lk, ctx.iso("issued_on"))]


def _announce(who: str) -> list[Block]:
    return [("gap", 0.6), ("cty_flow", [P("本证已于"), ("2.5", "gap"), P("年"), ("1.5", "gap"), P("月"), ("1.5", "gap"), P("日"),
                                        ("1.5", "gap"), P("时向我宣布。")], {"indent": 0}),
            ("cty_flow", [P(f"{who}（签名、捺指印）："), ("6", "gap")], {"indent": 0})]


def detention_warrant(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.facts.suspects[0]
    rows = [[("姓名", s.name, 5), ("性别", s.gender, 3)], [("出生日期", pdate(lk, s.birth_date), 6)], [("住址", s.address, 14)]]
    blocks = head(ctx, pen_no=True) + [flow(f"根据{LAW}{article('detention', ctx.style)}之规定，兹决定对下列犯罪嫌疑人执行拘留：")]
    blocks += boxed(lk, "被拘留人", [pairs(lk, rows)])
    blocks += [flow("送", Vb(f["detention_center"]), "羁押。")]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on")) + _announce("被拘留人")]


def bail_decision(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.style
    susp = next((p for p in ctx.facts.suspects if p.name == f["suspect_name"]), ctx.facts.suspects[-1])
    blocks = head(ctx, pen_no=True)
    blocks += boxed(lk, "被取保候审人", [pairs(lk, [[("姓名", f["suspect_name"], 5), ("性别", susp.gender, 3)],
                                                   [("住址", susp.address, 14)]])])
    blocks += [flow(f"{s.self_ref}正在侦查", Vb(f["case_name"]), f"，因上列犯罪嫌疑人可能判处管制、拘役或者独立适用附加刑，根据{LAW}"
                    f"{article('bail', s)}之规定，决定对其取保候审，期限从", inline_date(lk, ctx.iso("starts_on")), "起算。")]
    by_guarantor = f["guarantee"] == "guarantor"
    g1 = [("", "on" if by_guarantor else "off"), P("被取保候审人应当接受保证人"),
          Vb(f["guarantor_name"]) if by_guarantor else ("4", "gap"), P("的监督。")]
    amount = fmt_amount(f["deposit_amount"], s).translate(ASCII) if not by_guarantor else ""
    g2 = [("", "off" if by_guarantor else "on"), P("被取保候审人应当交纳保证金"),
          Vb(amount) if amount else ("4", "gap"), P("元。")]
    blocks += [("cty_flow", g1, {"indent": 2}), ("cty_flow", g2, {"indent": 2})]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on"))]


def bail_release_decision(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, s = ctx.f, ctx.style
    susp = next((p for p in ctx.facts.suspects if p.name == f["suspect_name"]), ctx.facts.suspects[-1])
    blocks = head(ctx, pen_no=True)
    blocks += boxed(lk, "被取保候审人", [pairs(lk, [[("姓名", f["suspect_name"], 5), ("性别", susp.gender, 3)],
                                                   [("取保候审起始日期", pdate(lk, ctx.iso("bail_started_on")), 7)],
                                                   [("解除原因", f["reason"], 12)]])])
    blocks += [flow(f"对上列被取保候审人的取保候审，{s.self_ref}根据{LAW}{article('bail_release', s)}之规定，决定予以解除。")]
    return [blocks + sign(ctx, lk, ctx.iso("released_on"))]


def _suspects_box(ctx: Ctx, lk: Look, people: list[Any]) -> list[Block]:
    """One box per suspect (犯罪嫌疑人一, 二 … when there are several)."""
    out: list[Block] = []
    for i, p in enumerate(people):
        rows: list[list[tuple[Any, ...]]] = [[("姓名", p.name, 5), ("性别", p.gender, 3)],
                                             [("出生日期", pdate(lk, p.birth_date), 6), ("身份证号码", p.id_no, 11)],
                                             [("住址", p.address, 14)]]
        legend = "犯罪嫌疑人" + ("一二三四五六"[i] if len(people) > 1 else "")
        out += boxed(lk, legend, [pairs(lk, rows)])
    return out


def arrest_request(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts, s = ctx.f, ctx.facts, ctx.style
    p = facts.suspects[0]
    blocks = head(ctx) + _suspects_box(ctx, lk, [p])
    blocks += [flow(Vb(f["case_name"]), f"，由{s.self_ref}于{ctx.d(facts.filed_on)}立案侦查。犯罪嫌疑人{p.name}于{ctx.d(facts.detained_on)}被刑事拘留。"),
               flow(f"经依法侦查查明：犯罪嫌疑人{p.name}涉嫌{facts.crime}，事实清楚，证据确实、充分。"),
               flow(f"综上所述，犯罪嫌疑人{p.name}的行为已涉嫌{facts.crime}罪，根据{LAW}{article('arrest_request', s)}之规定，特提请批准逮捕。"),
               flow("此致", indent=0), ("cty_flow", [Vb(f["procuratorate"])], {"indent": 0})]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on"))]


def arrest_warrant(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    p = facts.suspects[0]
    rows = [[("姓名", p.name, 5), ("性别", p.gender, 3)], [("出生日期", pdate(lk, p.birth_date), 6)], [("住址", p.address, 14)]]
    blocks = head(ctx, pen_no=True)
    blocks += [flow(f"根据{LAW}{article('arrest', ctx.style)}之规定，经", Vb(f["procuratorate"]),
                    f"批准，兹由{ctx.style.self_ref}对涉嫌", Vb(facts.crime), "罪的下列犯罪嫌疑人执行逮捕：")]
    blocks += boxed(lk, "被逮捕人", [pairs(lk, rows)])
    blocks += [flow("送", Vb(facts.detention_center), "羁押。")]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on")) + _announce("被逮捕人")]


def prosecution_opinion(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts, s = ctx.f, ctx.facts, ctx.style
    names = "、".join(f["suspect_names"])
    page1 = head(ctx) + _suspects_box(ctx, lk, facts.suspects)
    page1 += [flow(Vb(f["case_name"]), f"，由{s.self_ref}于{ctx.d(facts.filed_on)}立案侦查。"),
              flow("犯罪嫌疑人", Vb(names), f"涉嫌{facts.crime}一案，现已侦查终结。")]
    page2: list[Block] = [
        flow("经依法侦查查明：" + facts.summary * 2),
        flow("认定上述犯罪事实的证据如下：1.报案材料；2.被害人陈述；3.证人证言；4.犯罪嫌疑人供述和辩解；5.现场勘验笔录。"),
        flow(f"综上所述，犯罪嫌疑人{names}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{facts.crime}罪。"
             f"依照{LAW}{article('prosecution', s)}之规定，现将此案移送审查起诉。"),
        flow("此致", indent=0), ("cty_flow", [Vb(f["procuratorate"])], {"indent": 0}), *sign(ctx, lk, ctx.iso("issued_on"))]
    return [page1, page2]


# -- administrative, review, litigation ------------------------------------------------

def admin_penalty_decision(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    pty = facts.party
    assert pty is not None
    blocks = head(ctx, pen_no=True) + boxed(lk, "违法行为人", [pairs(lk, person_rows(lk, pty))])
    blocks += boxed(lk, "违法事实", [pairs(lk, [[("现查明", f["violation"], None, {"cont": "x0", "lines": 2})]])])
    art = lk.rng.choice(("二十三", "二十六", "四十三", "四十九", "七十"))
    blocks += [flow("以上事实有违法行为人陈述和申辩、证人证言等证据证实。"),
               flow("根据《中华人民共和国治安管理处罚法》第", Vb(art), "条之规定，决定给予", Vb(f["penalty"]), "的处罚。"),
               flow(f"如不服本决定，可以在收到本决定书之日起六十日内向{facts.review_body}申请行政复议或者在六个月内依法向{facts.court}提起行政诉讼。")]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on"))]


def reconsideration_decision(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    pty = facts.party
    assert pty is not None
    rows = [[("申请人", f["applicant"], 5), ("性别", pty.gender, 3)], [("住址", pty.address, 14)],
            [("被申请人", f["respondent"], 12)]]
    blocks = head(ctx, authority=f["authority"]) + boxed(lk, "当事人", [pairs(lk, rows)])
    blocks += [flow("申请人不服被申请人作出的行政处罚决定，向本机关申请行政复议，本机关依法予以受理。"),
               flow("本机关认为：被申请人作出的行政处罚决定认定事实清楚，程序合法。根据《中华人民共和国行政复议法》之规定，本机关决定："),
               flow(REVIEW_WORDS[f["decision"]])]
    return [blocks + sign(ctx, lk, ctx.iso("issued_on"), authority=f["authority"])]


def admin_judgment(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f = ctx.f
    pty = ctx.facts.party
    assert pty is not None
    rows = [[("原告", f["plaintiff"], 5), ("性别", pty.gender, 3)], [("住址", pty.address, 14)], [("被告", f["defendant"], 12)]]
    page1 = head(ctx, authority=f["authority"]) + boxed(lk, "当事人", [pairs(lk, rows)])
    page1 += [flow(f"原告{f['plaintiff']}不服被告{f['defendant']}行政处罚一案，本院依法组成合议庭，公开开庭审理了本案。"),
              flow("经审理查明：" + ctx.facts.summary)]
    d = ctx.iso("issued_on")
    date = [P(ctx.d(d, ctx.style.sign_date_style))]
    page2: list[Block] = [
        flow("本院认为，被告作出的行政处罚决定认定事实清楚，证据充分。依照《中华人民共和国行政诉讼法》之规定，判决如下："),
        flow(JUDGMENT_WORDS[f["result"]].format(d=f["defendant"], p=f["plaintiff"])),
        flow("如不服本判决，可以在判决书送达之日起十五日内提起上诉。"), ("gap", 0.6),
        ("cty_sign", [[P("审判长　" + ctx.facts.clerk)], [P("审判员　" + ctx.facts.checker)], date], ctx.style.seal, f["authority"])]
    return [page1, page2]


# -- dossier pages ---------------------------------------------------------------------

def _spaced(label: str, width: int = 4) -> str:
    if len(label) >= width:
        return label
    return ("\u3000" if len(label) == 2 else "\u2002").join(label) if len(label) > 1 else label


def dossier_cover(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f, facts = ctx.f, ctx.facts
    opened, closed = ctx.iso("opened_on"), ctx.iso("closed_on")
    how = "dot" if lk.pdate == "dot" else "ymd"
    lab = 0.22
    rows = [
        ("案件名称", [Pw(f["case_name"])]), ("案件编号", [Pw(f["case_no"])]), ("办案单位", [Pw(facts.unit)]),
        ("起止日期", [P("自"), ("0.5", "sp"), Pw(pdate(lk, opened, how)), ("0.5", "sp"), P("至"), ("0.5", "sp"), Pw(pdate(lk, closed, how))]),
        ("卷次", [P("本案共"), ("0.4", "sp"), Pw(str(f["volume_count"])), ("0.4", "sp"), P("卷"), ("1.5", "sp"), P("本卷为第"),
                ("0.4", "sp"), Pw(str(f["volume_no"])), ("0.4", "sp"), P("卷")]),
        ("本卷页数", [P("共"), ("0.4", "sp"), Pw(str(f["page_count"])), ("0.4", "sp"), P("页")]),
        ("保管期限", options(lk, ["永久", "长期", "短期"], f["retention"], "circ" if lk.opt == "circ" or lk.rng.random() < 0.5 else "box")),
    ]
    grid = [[([P(_spaced(a))], lab, "center"), (b, 1 - lab)] for a, b in rows]
    grid.append([([P(_spaced("立卷人"))], lab, "center"), ([Pw(facts.clerk)], 0.5 - lab),
                 ([P(_spaced("检查人"))], lab, "center"), ([Pw(facts.checker)], 0.5 - lab)])
    marks = [[([P(t)], 0.2, "center") for t in ("全宗号", "目录号", "案卷号")], [([], 0.2), ([], 0.2), ([], 0.2)]]
    blocks: list[Block] = [("cty_grid", marks, {"width": 0.5, "align": "right", "lab": 0.75, "head": 2, "uniform": False}),
                           ("gap", 1.5), ("authority", f["authority"]), ("gap", 1), ("title", ctx.spec.title), ("gap", 1.5),
                           ("cty_grid", grid, {"min_lines": 2, "double": True, "head": 0, "uniform": False, "pen": PEN})]
    return [blocks]


def _author(ctx: Ctx, row: dict[str, Any]) -> str:
    facts = ctx.facts
    if row["title"] == "行政复议决定书":
        return f"{facts.district}区政府"
    if row["title"] == "行政判决书":
        return f"{facts.district}区法院"
    if not row["doc_no"]:
        return f"{facts.officers[0]}、{facts.officers[1]}"
    return f"{facts.district}分局"


def catalog(ctx: Ctx, lk: Look) -> list[list[Block]]:
    rows = ctx.extra["rows"]
    date_how = lk.rng.choice(("dot0", "compact"))
    span_how = lk.rng.choice(("dash", "zhi"))
    per = lk.rng.choice((12, 14, 15))
    cols = [("序号", 0.06), ("文件材料题名", 0.18), ("责任者", 0.14), ("文号", 0.24), ("日期", 0.17), ("页号", 0.15), ("备注", 0.06)]
    sheets = max(1, math.ceil(len(rows) / per))
    pages: list[list[Block]] = []
    for k in range(sheets):
        part = rows[k * per:(k + 1) * per]
        table = [[([P(h)], w, "center") for h, w in cols]]
        for r in part:
            d = r["_date"]
            date = f"{d.year}.{d.month:02d}.{d.day:02d}" if date_how == "dot0" else f"{d:%Y%m%d}"
            a, b = r["first_page"], r["last_page"]
            if span_how == "dash":
                span = str(a) if a == b else f"{a}-{b}"
            else:
                span = f"第{a}页" if a == b else f"第{a}至{b}页"
            cells = [str(r["seq"]), r["title"], _author(ctx, r), _ascii(ctx.docno(r["doc_no"])) if r["doc_no"] else "", date, span, ""]
            table.append([([Pw(c)] if c else [], w, "center" if key in ("序号", "日期", "页号") else "left")
                          for c, (key, w) in zip(cells, cols)])
        table += [[([], w) for _, w in cols] for _ in range(per - len(part))]
        blocks: list[Block] = [("title", "卷内文书目录"),
                               ("cty_flow", [P("第"), Vb(str(k + 1)), P("张"), ("1", "sp"), P("共"), Vb(str(sheets)), P("张")],
                                {"align": "right", "indent": 0, "row": 1.6}),
                               ("cty_grid", table, {"pen": 0.8, "lab": 0.82, "line": 1.4, "min_lines": 1})]
        pages.append(blocks)
    return pages


def backup_sheet(ctx: Ctx, lk: Look) -> list[list[Block]]:
    f = ctx.f
    d = ctx.iso("compiled_on")
    count = [P("本卷共有文件材料"), ("2.5", "gap"), P("件，共"), Vb(str(f["page_count"])), P("页。其中：文字材料"), ("2", "gap"),
             P("页，照片"), ("2", "gap"), P("张，其他"), ("2", "gap"), P("件。")]
    blocks: list[Block] = [("title", "卷内备考表"), ("gap", 0.5)]
    blocks += boxed(lk, "本卷情况说明", [("cty_flow", count, {"indent": 2}), ("cty_rules", 5)], "head")
    blocks += [("gap", 0.5), pairs(lk, [[("立卷人", f["compiled_by"], 5), ("检查人", f["checked_by"], 5)],
                                        [("立卷时间", pdate(lk, d), 7)]])]
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
    """The pages of one document, each ending with its paper's wear (drawn when rendered)."""
    return [[*blocks, ("cty_wear", None)] for blocks in DRAW[dtype](ctx, _look(ctx))]


def restyle(s: Style) -> Style:
    """Word-processor defaults (宋体 print, margins 3.17/2.54 cm), values in pen (楷体)."""
    return dataclasses.replace(s, font="noto_serif", label_font="noto_serif", value_font="ukai", value_ink=PEN_INK,
                               value_underline=False, body_pt=min(s.body_pt, 14), margin_mm=(31.7, 25.4, 31.7, 25.4),
                               line_spacing=1.5)


def scan(d: Damage) -> Damage:
    """Scanned black and white (1-bit), as the county's copier-scanner does by default."""
    return dataclasses.replace(d, mode="1", tint=min(d.tint, 8), jpeg_quality=None)


FAMILIES: list[Family] = [
    Family("boxed_pen_pairs", "tuned",
           "a county's word-processor templates filled in by pen: two label/value pairs a line with dotted or dashed "
           "leaders, sections in drawn boxes, pen values larger than the labels and off the baseline (spilling past "
           "their blanks), ■/□ or circled options, cover in a double-bordered label|value box, hand-filled catalog "
           "with a 责任者 column, seals over the date, show-through or fold creases, 1-bit scans",
           draw, restyle, scan),
]
