"""Lay blocks out on an A4 page image: titles, paragraphs, tables, signatures, seals.

A deliberately small layout engine: a cursor runs down the page, paragraphs wrap at any
character (as Chinese typesetting allows), tables size their rows to their wrapped cells.
The red round seal is drawn last, multiplied over the authority and the date as a real
stamp covers them.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import random
from typing import Any, Callable

from PIL import Image, ImageChops, ImageDraw, ImageFont

from .style import BOLD_FONTS, FONTS, Style

A4_MM = (210.0, 297.0)
SYMBOLS = "☑□■√☐☒"


@functools.lru_cache(maxsize=64)
def font(name: str, px: int) -> ImageFont.FreeTypeFont:
    if name == "symbols":
        return ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", px)
    path, index = FONTS.get(name) or BOLD_FONTS[name]
    return ImageFont.truetype(path, px, index=index)


#: block kinds a template family draws itself (``kind -> drawer(page, *args)``), beside the
#: ``b_*`` methods of :class:`Page`; see :func:`register_block`
BLOCKS: dict[str, Callable[..., None]] = {}


def register_block(kind: str, drawer: Callable[..., None]) -> None:
    """Let blocks ``(kind, *args)`` be drawn by ``drawer(page, *args)``: a family's own kinds
    (a pen value off the baseline, a boxed section) without changing :class:`Page`."""
    if kind in BLOCKS and BLOCKS[kind] is not drawer or hasattr(Page, "b_" + kind):
        raise ValueError(f"block kind {kind!r} is already drawn by another")
    BLOCKS[kind] = drawer


class Page:
    """One page being drawn at ``dpi``; units below are pixels."""

    def __init__(self, style: Style, dpi: int, rng: random.Random) -> None:
        self.style, self.dpi, self.rng = style, dpi, rng
        mm = dpi / 25.4
        self.w, self.h = int(A4_MM[0] * mm), int(A4_MM[1] * mm)
        self.img = Image.new("RGB", (self.w, self.h), "white")
        self.draw = ImageDraw.Draw(self.img)
        left, top, right, bottom = style.margin_mm
        self.x0, self.y, self.x1, self.y1 = int(left * mm), int(top * mm), self.w - int(right * mm), self.h - int(bottom * mm)
        self.body_px = int(style.body_pt * dpi / 72)
        self.body = font(style.font, self.body_px)
        self.line_h = int(self.body_px * style.line_spacing)
        self.seals: list[tuple[int, int, str]] = []
        self.log: list[str] = []  # every string drawn, in drawing order (tests read values off it)
        self.seal_text = ""

    # -- primitives ----------------------------------------------------------------
    def text_width(self, text: str, f: ImageFont.FreeTypeFont | None = None) -> float:
        return (f or self.body).getlength(text)

    def wrap(self, text: str, width: float, indent: int = 0, f: ImageFont.FreeTypeFont | None = None) -> list[str]:
        f = f or self.body
        lines: list[str] = []
        for para in text.split("\n"):
            cur = "\u3000" * indent
            for ch in para:
                if f.getlength(cur + ch) > width and cur.strip():
                    lines.append(cur)
                    cur = ""
                cur += ch
            lines.append(cur)
            indent = 0
        return lines

    def put(self, x: float, y: float, text: str, f: ImageFont.FreeTypeFont | None = None, fill: Any = "black") -> None:
        f = f or self.body
        self.log.append(text)
        if not any(c in SYMBOLS for c in text):
            self.draw.text((x, y), text, font=f, fill=fill)
            return
        sym = font("symbols", f.size)
        for c in text:  # CJK fonts lack some ballot boxes: draw those from DejaVu
            use = sym if c in SYMBOLS else f
            self.draw.text((x, y + (f.size * 0.1 if c in SYMBOLS else 0)), c, font=use, fill=fill)
            x += use.getlength(c)

    # -- blocks --------------------------------------------------------------------
    def block(self, b: tuple[Any, ...]) -> None:
        kind = b[0]
        drawer = BLOCKS.get(kind)
        if drawer is not None:
            drawer(self, *b[1:])
        else:
            getattr(self, "b_" + kind)(*b[1:])

    def b_authority(self, text: str) -> None:
        f = font(self.style.title_font, int(self.body_px * 1.25))
        self.seal_text = text
        self.put((self.w - self.text_width(text, f)) / 2, self.y, text, f)
        self.y += int(self.line_h * 1.3)

    def b_title(self, text: str) -> None:
        f = font(self.style.title_font, int(self.style.title_pt * self.dpi / 72))
        shown = " ".join(text) if self.style.letter_spaced_title else text
        if self.style.letter_spaced_title:
            gap = f.size * 0.6
            total = sum(f.getlength(c) for c in text) + gap * (len(text) - 1)
            x = (self.w - total) / 2
            for c in text:
                self.put(x, self.y, c, f)
                x += f.getlength(c) + gap
        else:
            self.put((self.w - self.text_width(shown, f)) / 2, self.y, shown, f)
        self.y += int(f.size * 1.8)

    def b_docno(self, text: str) -> None:
        x = self.x1 - self.text_width(text) if self.style.docno_align == "right" else (self.w - self.text_width(text)) / 2
        self.put(x, self.y, text)
        self.y += int(self.line_h * 1.5)

    def b_line(self, text: str, align: str = "left") -> None:
        for ln in self.wrap(text, self.x1 - self.x0):
            x = {"left": self.x0, "right": self.x1 - self.text_width(ln), "center": (self.w - self.text_width(ln)) / 2}[align]
            self.put(x, self.y, ln)
            self.y += self.line_h

    def b_para(self, text: str, indent: bool = True) -> None:
        for ln in self.wrap(text, self.x1 - self.x0, 2 if indent else 0):
            self.put(self.x0, self.y, ln)
            self.y += self.line_h

    def b_gap(self, n: float) -> None:
        self.y += int(self.line_h * n)

    def b_sign(self, lines: list[str], seal: bool) -> None:
        right = self.x1 - self.body_px * 2
        widest = max(self.text_width(t) for t in lines)
        top = self.y
        for t in lines:
            self.put(right - (widest + self.text_width(t)) / 2, self.y, t)
            self.y += self.line_h
        if seal:
            cx = int(right - widest / 2 + self.rng.uniform(-0.2, 0.2) * widest)
            cy = int((top + self.y) / 2 + self.rng.uniform(-0.3, 0.3) * self.line_h)
            self.seals.append((cx, cy, lines[-2] if len(lines) > 1 else lines[0]))

    def b_table(self, rows: list[list[tuple[str, float]]], scale: float = 1.0) -> None:
        saved = self.body, self.line_h, self.body_px
        self.body_px = int(self.body_px * scale)
        self.body, self.line_h = font(self.style.font, self.body_px), int(self.line_h * scale)
        width = self.x1 - self.x0
        pad = int(self.body_px * 0.35)
        for row in rows:
            cells, x = [], float(self.x0)
            for text, frac in row:
                w = width * frac
                cells.append((x, w, self.wrap(text, w - 2 * pad)))
                x += w
            h = max(len(c[2]) for c in cells) * self.line_h + 2 * pad
            for x, w, lines in cells:
                self.draw.rectangle((x, self.y, x + w, self.y + h), outline="black", width=max(1, self.dpi // 150))
                for i, ln in enumerate(lines):
                    self.put(x + pad, self.y + pad + i * self.line_h + (self.line_h - self.body_px) / 2, ln)
            self.y += h
        self.body, self.line_h, self.body_px = saved

    # -- families' blocks: labels and values in their own typefaces ----------------
    def role_font(self, role: str) -> ImageFont.FreeTypeFont:
        st = self.style
        name = (st.label_font if role == "l" else st.value_font if role in ("v", "vs") else None) or st.font
        return font(name, self.body_px)

    def lay_rich(self, segs: list[tuple[str, str]], width: float, indent: int = 0) -> list[list[tuple[str, str]]]:
        """Wrap (text, role) segments at any character; a line is a list of runs of one role."""
        lines: list[list[tuple[str, str]]] = []
        cur: list[tuple[str, str]] = [("\u3000" * indent, "t")] if indent else []
        w = self.role_font("t").getlength("\u3000" * indent) if indent else 0.0
        for text, role in segs:
            f = self.role_font(role)
            for ch in text:
                if ch == "\n":
                    lines.append(cur)
                    cur, w = [], 0.0
                    continue
                cw = f.getlength(ch)
                if w + cw > width and any(t.strip() for t, _ in cur):
                    lines.append(cur)
                    cur, w = [], 0.0
                if cur and cur[-1][1] == role:
                    cur[-1] = (cur[-1][0] + ch, role)
                else:
                    cur.append((ch, role))
                w += cw
        lines.append(cur)
        return lines

    def line_width(self, runs: list[tuple[str, str]]) -> float:
        return sum(self.role_font(r).getlength(t) for t, r in runs)

    def draw_runs(self, x: float, y: float, runs: list[tuple[str, str]], underline: bool) -> None:
        for text, role in runs:
            f = self.role_font(role)
            value = role in ("v", "vs")
            ink = self.style.value_ink if value and self.style.value_ink else "black"
            self.put(x, y, text, f, fill=ink)
            w = f.getlength(text)
            if value and underline:
                uy = y + self.body_px * 1.22
                self.draw.line((x, uy, x + w, uy), fill="black", width=max(1, self.dpi // 200))
            if role == "vs" and text.strip():
                self.seals.append((int(x + w / 2), int(y + self.body_px / 2), self.seal_text or "公安局"))
            x += w

    def b_rich(self, segs: list[tuple[str, str]], opts: dict[str, Any] | None = None) -> None:
        opts = opts or {}
        underline = opts.get("underline", self.style.value_underline)
        for runs in self.lay_rich(segs, self.x1 - self.x0, opts.get("indent", 0)):
            lw = self.line_width(runs)
            x = {"left": self.x0, "right": self.x1 - lw, "center": (self.w - lw) / 2}[opts.get("align", "left")]
            self.draw_runs(x, self.y, runs, underline)
            self.y += int(self.line_h * opts.get("spacing", 1.0))

    def b_grid(self, rows: list[list[tuple[Any, float]]], opts: dict[str, Any] | None = None) -> None:
        """A table whose cells hold (text, role) segments; rules "all" (ruled cells), "h" (rows only), "none"."""
        opts = opts or {}
        saved = self.body, self.line_h, self.body_px
        scale = opts.get("scale", 1.0)
        self.body_px = int(self.body_px * scale)
        self.body, self.line_h = font(self.style.font, self.body_px), int(self.line_h * scale)
        width = self.x1 - self.x0
        pad = int(self.body_px * opts.get("pad", 0.35))
        rules = opts.get("rules", "all")
        lw = max(1, self.dpi // 150)
        underline = opts.get("underline", False)
        if rules == "h":
            self.draw.line((self.x0, self.y, self.x1, self.y), fill="black", width=lw)
        laid: list[tuple[list[Any], float, list[Any] | None]] = []  # each row: cells, height, a cell spanning rows
        spans: list[tuple[int, list[Any]]] = []
        span_w = 0.0
        for r, row in enumerate(rows):
            if spans and r >= spans[-1][0] + spans[-1][1][3]:
                span_w = 0.0
            cells, x, starts = [], float(self.x0) + span_w, None
            for cell in row:
                segs, frac = cell[0], cell[1]
                if isinstance(segs, str):
                    segs = [(segs, "t")]
                w = width * frac
                lines = self.lay_rich(segs, w - 2 * pad)
                if len(cell) > 2 and cell[2].get("span", 1) > 1:
                    starts = [x, w, lines, cell[2]["span"], 0.0]
                    spans.append((r, starts))
                    span_w = w
                else:
                    cells.append((x, w, lines))
                x += w
            h = max(max(len(c[2]) for c in cells), opts.get("min_lines", 1)) * self.line_h + 2 * pad
            laid.append((cells, h, starts))
        for r, sp in spans:  # rows beside a spanning cell grow to hold it
            n = min(sp[3], len(laid) - r)
            short = len(sp[2]) * self.line_h + 2 * pad - sum(laid[k][1] for k in range(r, r + n))
            for k in range(r, r + n):
                laid[k] = (laid[k][0], laid[k][1] + max(0.0, short) / n, laid[k][2])
        open_span: list[Any] = []
        for cells, h, starts in laid:
            if starts:
                starts[4] = self.y
                open_span = starts
            for x, w, lines in cells:
                if rules == "all":
                    self.draw.rectangle((x, self.y, x + w, self.y + h), outline="black", width=lw)
                for i, runs in enumerate(lines):
                    self.draw_runs(x + pad, self.y + pad + i * self.line_h + (self.line_h - self.body_px) / 2, runs, underline)
            if rules == "h":
                self.draw.line((self.x0, self.y + h, self.x1, self.y + h), fill="black", width=lw)
            self.y += h
            if open_span:
                open_span[3] -= 1
                if not open_span[3]:
                    self._span_cell(open_span, rules == "all", lw, underline)
                    open_span = []
        if open_span:
            self._span_cell(open_span, rules == "all", lw, underline)
        self.body, self.line_h, self.body_px = saved

    def _span_cell(self, span: list[Any], ruled: bool, lw: int, underline: bool) -> None:
        """A cell spanning the rows drawn since its top, its lines centred in its height
        (a group label printed top to bottom beside the rows it names)."""
        x, w, lines, _, top = span
        if ruled:
            self.draw.rectangle((x, top, x + w, self.y), outline="black", width=lw)
        y = top + (self.y - top - len(lines) * self.line_h) / 2
        for i, runs in enumerate(lines):
            lx = x + (w - self.line_width(runs)) / 2
            self.draw_runs(lx, y + i * self.line_h + (self.line_h - self.body_px) / 2, runs, underline)

    def b_photo(self, caption: str) -> None:
        w, h = int((self.x1 - self.x0) * 0.8), int((self.y1 - self.y) * 0.55)
        x = self.x0 + ((self.x1 - self.x0) - w) // 2
        self.draw.rectangle((x, self.y, x + w, self.y + h), outline="black", width=3)
        inner = Image.effect_noise((w - 6, h - 6), 60).convert("RGB")
        tint = Image.new("RGB", inner.size, (120, 110, 95))
        self.img.paste(Image.blend(inner, tint, 0.5), (x + 3, self.y + 3))
        for _ in range(6):  # a few shapes so the photo is not just noise
            a, b = self.rng.randint(x, x + w - 50), self.rng.randint(self.y, self.y + h - 50)
            self.draw.ellipse((a, b, a + self.rng.randint(40, 300), b + self.rng.randint(40, 300)), fill=(60, 60, 60))
        self.y += h + self.line_h
        self.b_line(caption, "center")

    def page_number(self, n: int) -> None:
        text = str(n)
        mm = self.dpi / 25.4
        self.put(self.w - int(15 * mm) - self.text_width(text), int(10 * mm), text)

    # -- the seal ------------------------------------------------------------------
    def stamp(self) -> None:
        for cx, cy, text in self.seals:
            r = int(21 * self.dpi / 25.4)
            layer = seal_layer(text, r)
            c = r + 2
            layer = layer.rotate(self.rng.uniform(-20, 20), resample=Image.BICUBIC)
            strength = self.rng.uniform(0.5, 0.85)
            alpha = layer.point(lambda v: int(v * strength))
            red = Image.new("RGB", layer.size, (215 + self.rng.randint(0, 35), self.rng.randint(25, 70), self.rng.randint(30, 70)))
            box = (cx - c, cy - c)
            region = self.img.crop((box[0], box[1], box[0] + layer.width, box[1] + layer.height))
            multiplied = ImageChops.multiply(region, red)
            region.paste(multiplied, (0, 0), alpha)
            self.img.paste(region, box)
        self.seals.clear()


def seal_layer(text: str, r: int, size: float = 0.28, span: float = 220.0) -> Image.Image:
    """A round seal's ink as a mask (255 where it inks), unrotated: the ring of radius ``r``,
    the star, and ``text`` round the top over ``span`` degrees in letters ``size`` × ``r``
    high; the seal's centre is at (r + 2, r + 2)."""
    layer = Image.new("L", (2 * r + 4, 2 * r + 4), 0)
    d = ImageDraw.Draw(layer)
    c = r + 2
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=max(3, r // 14))
    pts = []
    for i in range(10):
        rr = r * (0.26 if i % 2 == 0 else 0.1)
        ang = math.radians(-90 + 36 * i)
        pts.append((c + rr * math.cos(ang), c + rr * math.sin(ang)))
    d.polygon(pts, fill=255)
    chars = text[:14]
    fsz = int(r * size)
    f = font("noto_sans", fsz)
    for i, ch in enumerate(chars):
        ang = -90 - span / 2 + span * (i + 0.5) / len(chars)
        rad = math.radians(ang)
        glyph = Image.new("L", (fsz * 2, fsz * 2), 0)
        ImageDraw.Draw(glyph).text((fsz / 2, fsz / 2), ch, font=f, fill=255)
        glyph = glyph.rotate(-(ang + 90), resample=Image.BICUBIC)
        gx, gy = c + (r * 0.72) * math.cos(rad) - fsz, c + (r * 0.72) * math.sin(rad) - fsz
        layer.paste(255, (int(gx), int(gy)), glyph)
    return layer


def render_pages(pages: list[list[tuple[Any, ...]]], style: Style, dpi: int, rng: random.Random,
                 first_number: int | None, logs: list[list[str]] | None = None) -> list[Image.Image]:
    """Render a document's pages; ``first_number`` is its first paper page number, or None.

    ``logs``, when given, receives each page's drawn strings (:attr:`Page.log`).
    """
    def draw(blocks: list[tuple[Any, ...]], style: Style) -> Page:
        page = Page(style, dpi, rng)
        for b in blocks:
            page.block(b)
        return page

    out = []
    for i, blocks in enumerate(pages):
        state = rng.getstate()
        page, fitted = draw(blocks, style), style
        # what ran off the sheet (a long form in a large body size) would be in the truth but
        # on no page: drawn again a point smaller until it fits, as a clerk would print it
        while page.y > page.h - dpi * 5 / 25.4 and fitted.body_pt > 9:
            rng.setstate(state)
            fitted = dataclasses.replace(fitted, body_pt=fitted.body_pt - 1)
            page = draw(blocks, fitted)
        if first_number is not None and style.number_pages:
            page.page_number(first_number + i)
        page.stamp()
        out.append(page.img)
        if logs is not None:
            logs.append(page.log)
    return out
