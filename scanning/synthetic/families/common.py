"""What every template family shares: the :class:`Family` record, the drawing context and
layout helpers (forms as ruled grids, underlined lines, running text; option boxes; catalog
tables). No family's wording lives here: labels, order and sentences are each family's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Callable

from ..documents import TITLES, Block, DocSpec
from ..facts import CaseFacts
from ..style import Damage, Style, digits, fmt_date, fmt_datetime, fmt_doc_no

Seg = tuple[str, str]  # (text, role): "l" label, "v" value, "vs" value with a seal over it, "t" printed text
Value = str | list[Seg]
#: every page type a family draws: the 14 documents of FORMS.md and the three dossier pages
ALL_TYPES = frozenset(TITLES)


def L(text: str) -> Seg:
    return (text, "l")


def V(text: str) -> Seg:
    return (text, "v")


def T(text: str) -> Seg:
    return (text, "t")


def _same(x: Any) -> Any:
    return x


@dataclass(frozen=True)
class Family:
    """One coherent way a provincial template prints every form.

    ``draw(doc_type, ctx)`` returns the pages (lists of blocks) of one document, drawn from
    the classic builder's truth in ``ctx.spec``; ``None`` keeps the classic drawing.
    ``restyle`` and ``scan`` adjust the bureau's style (typefaces, date styles) and the
    scanner (1-bit, grey) the way this template's users print and scan.
    """

    name: str
    split: str  # "tuned" | "held"
    summary: str
    draw: Callable[[str, "Ctx"], list[list[Block]]] | None = None
    restyle: Callable[[Style], Style] = _same
    scan: Callable[[Damage], Damage] = _same
    covers: frozenset[str] = ALL_TYPES


@dataclass
class Ctx:
    """What a family draws one document from: the facts, the style, the classic spec (truth)."""

    facts: CaseFacts
    style: Style
    spec: DocSpec
    rng: random.Random
    extra: dict[str, Any] = field(default_factory=dict)  # dossier pages: kind, page_count, retention, rows

    @property
    def f(self) -> dict[str, Any]:
        return self.spec.fields

    def d(self, d: dt.date, how: str | None = None) -> str:
        return fmt_date(d, self.style, how)

    def iso(self, name: str) -> dt.date:
        return dt.date.fromisoformat(self.f[name])

    def dtime(self, t: dt.datetime) -> str:
        return fmt_datetime(t, self.style)

    def n(self, text: str) -> str:
        return digits(text, self.style)

    def docno(self, normal: str) -> str:
        return fmt_doc_no(normal, self.style)


def restyler(**changes: Any) -> Callable[[Style], Style]:
    return lambda s: dataclasses.replace(s, **changes)


def head(ctx: Ctx, *, docno: bool = True, authority: bool = True) -> list[Block]:
    out: list[Block] = [("authority", ctx.f["authority"])] if authority else []
    out.append(("title", ctx.spec.title))
    if docno and ctx.spec.doc_no:
        out.append(("docno", ctx.docno(ctx.spec.doc_no)))
    return out


def sign(ctx: Ctx, d: dt.date, extra: tuple[str, ...] = (), authority: str | None = None) -> Block:
    s = ctx.style
    return ("sign", [*extra, authority or ctx.f["authority"], fmt_date(d, s, s.sign_date_style)], s.seal)


def vsegs(v: Value) -> list[Seg]:
    return [V(v)] if isinstance(v, str) else list(v)


def options(choices: list[str], chosen: str, how: str, tick: str = "☑", box: str = "□", sep: str = "  ") -> list[Seg]:
    """Printed options with one ticked (``boxes``) or only the chosen word (``word``)."""
    if how == "word":
        return [V(chosen)]
    out: list[Seg] = []
    for i, c in enumerate(choices):
        out += [T((sep if i else "") + (tick if c == chosen else box)), T(c)]
    return out


def text_width(v: Value) -> float:
    """Printed width of a label or value in body characters (ASCII half), its longest line."""
    text = "".join(t for t, _ in vsegs(v))
    return max(sum(0.55 if ord(c) < 128 else 1.0 for c in ln) for ln in text.split("\n"))


def header_fracs(row: list[tuple[str, Value]], chars: float = 26) -> list[float]:
    """Column widths of a header row: each label whole (a line holds about ``chars``
    characters), the rest shared by how wide the values print."""
    need = [(text_width(lab) + 1) / chars for lab, _ in row]
    want = [max(n, (min(text_width(v), 22.0) + 1) / chars) for n, (_, v) in zip(need, row)]
    if sum(want) <= 1:
        return [w / sum(want) for w in want]
    spare, extra = max(0.0, 1 - sum(need)), [w - n for w, n in zip(want, need)]
    if sum(need) >= 1 or not sum(extra):
        return [n / sum(need) for n in need]
    return [n + spare * e / sum(extra) for n, e in zip(need, extra)]


def label_frac(label: str) -> float:
    """A label cell's width: its longest line (a label printed top to bottom is one character wide)."""
    return min(0.3, (max(len(ln) for ln in label.split("\n")) + 1.6) / 30)


def form(rows: list[list[tuple[str, Value]]], layout: str, *, colon: str = "：", pad: str = "\u3000",
         scale: float = 1.0, min_lines: int = 1) -> list[Block]:
    """Label/value pairs as printed by a layout.

    grid: ruled cells, label left of value; stacked: ruled cells, label above value;
    header: ruled table, each row of pairs printed as a header row of label cells over a
    row of value cells in the same columns; hrule: rows between horizontal rules only,
    ``label：value`` in a cell; lines: one underlined line per row (labels and values on
    it); running: one running paragraph.
    """
    if layout == "header":
        table: list[list[tuple[Any, float]]] = []
        for row in rows:
            fracs = header_fracs(row)
            table.append([([L(lab)], w) for (lab, _), w in zip(row, fracs)])
            table.append([(vsegs(v), w) for (_, v), w in zip(row, fracs)])
        return [("grid", table, {"rules": "all", "scale": scale, "min_lines": min_lines, "pad": 0.35}), ("gap", 0.3)]
    if layout in ("grid", "stacked", "hrule"):
        grid = []
        for row in rows:
            cells: list[tuple[Any, float]] = []
            if layout == "grid":
                fixed = sum(label_frac(lab) for lab, _ in row)
                for lab, v in row:
                    cells += [([L(lab)], label_frac(lab)), (vsegs(v), (1 - fixed) / len(row))]
            elif layout == "stacked":
                cells = [([L(lab), T("\n"), *vsegs(v)], 1 / len(row)) for lab, v in row]
            else:
                cells = [([L(lab + colon), *vsegs(v)], 1 / len(row)) for lab, v in row]
            grid.append(cells)
        rules = {"grid": "all", "stacked": "all", "hrule": "h"}[layout]
        return [("grid", grid, {"rules": rules, "scale": scale, "min_lines": min_lines, "pad": 0.5 if layout == "hrule" else 0.35})]
    if layout == "lines":
        out: list[Block] = []
        for row in rows:
            segs: list[Seg] = []
            for i, (lab, v) in enumerate(row):
                if i:
                    segs.append(T("  "))
                vs = vsegs(v)
                if isinstance(v, str):
                    vs = [V(pad + v + pad)]
                segs += [L(lab + colon), *vs]
            out.append(("rich", segs, {"spacing": 1.25}))
        return out
    if layout == "running":
        segs = []
        flat = [pair for row in rows for pair in row]
        for i, (lab, v) in enumerate(flat):
            segs += [L(lab), *vsegs(v), T("。" if i == len(flat) - 1 else "，")]
        return [("rich", segs, {"indent": 2})]
    raise ValueError(f"unknown form layout {layout!r}")


def para(*segs: Seg | str, indent: int = 2) -> Block:
    return ("rich", [T(s) if isinstance(s, str) else s for s in segs], {"indent": indent})


def line(*segs: Seg | str, align: str = "left") -> Block:
    return ("rich", [T(s) if isinstance(s, str) else s for s in segs], {"align": align})


# -- dossier pages ---------------------------------------------------------------------

def date_text(d: dt.date, how: str, style: Style) -> str:
    text = {
        "compact": f"{d:%Y%m%d}", "dot0": f"{d.year}.{d.month:02d}.{d.day:02d}", "dot": f"{d.year}.{d.month}.{d.day}",
        "slash": f"{d.year}/{d.month}/{d.day}", "dash": f"{d:%Y-%m-%d}",
    }.get(how)
    return digits(text, style) if text else fmt_date(d, style, how)


def span_text(first: int, last: int, how: str) -> str:
    if how == "first" or first == last:
        return str(first)
    sep = {"dash": "-", "tilde": "～", "emdash": "—", "zhi": "至"}[how]
    return f"{first}{sep}{last}"


def catalog_pages(ctx: Ctx, columns: list[tuple[str, str, float]], *, date_how: str, span_how: str, per_page: int,
                  rules: str = "all", title: str = "卷内文书目录", value_role: str = "t") -> list[list[Block]]:
    """Catalog pages: ``columns`` are (key, header, width) with keys seq, doc_no, title, date, pages, author, note."""
    rows = ctx.extra["rows"]
    authority = ctx.facts.authority
    pages: list[list[Block]] = []
    scale = min(1.0, 12 / ctx.style.body_pt)
    for start in range(0, max(len(rows), 1), per_page):
        table: list[list[tuple[Any, float]]] = [[([L(h)], w) for _, h, w in columns]]
        for r in rows[start:start + per_page]:
            cell = {
                "seq": str(r["seq"]), "doc_no": ctx.docno(r["doc_no"]) if r["doc_no"] else "", "title": r["title"],
                "date": date_text(r["_date"], date_how, ctx.style), "pages": span_text(r["first_page"], r["last_page"], span_how),
                "author": authority if r["doc_no"] else "", "note": "",
            }
            table.append([([(ctx.n(cell[k]) if k in ("seq", "pages") else cell[k], value_role)], w) for k, _, w in columns])
        blocks: list[Block] = [("title", title)] if start == 0 else []
        blocks.append(("grid", table, {"rules": rules, "scale": scale}))
        pages.append(blocks)
    return pages
