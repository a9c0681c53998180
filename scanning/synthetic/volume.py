"""Bind documents into a scanned volume, damage the pages, and write the scan to disk.

A volume is bound as DOSSIERS.md says: cover, catalog (one or more pages), the documents
with continuation pages (statements, evidence photos), the backup sheet. Paper page numbers
run over the documents only; blank backs are scanned but not numbered. The truth returned
beside the images is exactly the JSON ``ecase extract`` should print for the scan.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from . import documents as D
from . import families as F
from .facts import CaseFacts
from .render import render_pages
from .style import Damage, Style, digits, fmt_date, make_damage, make_style

VOLUME_TITLES = {
    "criminal_main": "刑事诉讼卷宗", "criminal_secondary": "侦查工作卷（副卷）", "administrative": "行政案件卷宗",
    "reconsideration": "行政复议卷宗", "litigation": "行政诉讼卷宗",
}
RETENTIONS = ("永久", "长期", "短期")


@dataclass
class SyntheticScan:
    """Page images in scan order and the extraction a perfect reader would produce."""

    images: list[Image.Image]
    truth: dict[str, Any]
    facts: CaseFacts
    dpi: int
    meta: dict[str, Any] = field(default_factory=dict)


def _contents(facts: CaseFacts, kind: str, style: Style, rng: random.Random, family: F.Family | None = None) -> list[D.DocSpec]:
    """The documents of a volume of ``kind``, in binding order, with continuation pages."""
    fam = family or F.get(None)

    def b(name: str, **kw: Any) -> D.DocSpec:
        return F.redraw(fam, D.BUILDERS[name](facts, style, rng, **kw), facts, style, rng)

    extras = lambda: [D.statement(facts, style, rng)] if rng.random() < 0.5 else [D.photo_page(facts, style, rng)]  # noqa: E731
    seq: list[D.DocSpec]
    if kind == "criminal_main":
        seq = [b("acceptance_form"), b("acceptance_receipt"), *extras(), b("filing_decision"), b("filing_notice"),
               b("detention_warrant"), *extras(), b("arrest_request"), b("arrest_warrant")]
        if rng.random() < 0.5:
            seq += [b("bail_decision"), b("bail_release_decision")]
        seq += [b("prosecution_opinion")]
    elif kind == "criminal_secondary":
        seq = [b("acceptance_form"), *extras(), b("no_filing_notice"), b("bail_decision"), b("bail_release_decision"), *extras()]
    elif kind == "administrative":
        seq = [b("admin_penalty_decision"), b("acceptance_form", opinion="administrative"), b("acceptance_receipt"), *extras(), *extras()]
    elif kind == "reconsideration":
        seq = [b("reconsideration_decision"), b("admin_penalty_decision"), *extras()]
    elif kind == "litigation":
        seq = [b("admin_judgment"), b("reconsideration_decision"), b("admin_penalty_decision"), *extras()]
    else:
        raise ValueError(f"unknown volume kind {kind!r}")
    if rng.random() < 0.3:
        seq.insert(rng.randint(1, len(seq)), b(rng.choice(["filing_decision", "acceptance_receipt", "bail_decision"])))
    return seq


def _cover(facts: CaseFacts, kind: str, style: Style, page_count: int, retention: str) -> D.DocSpec:
    title = VOLUME_TITLES[kind]
    opened, closed = facts.accepted_on, facts.closed_on
    lines = [
        f"案件名称：{facts.case_name}", f"案件编号：{facts.case_no}", f"办案单位：{facts.unit}",
        f"起止日期：自{fmt_date(opened, style)}至{fmt_date(closed, style)}",
        digits(f"本卷共{page_count}页", style), digits("第1卷  共1卷", style), f"保管期限：{retention}",
        f"立卷人：{facts.clerk}",
    ]
    blocks: list[D.Block] = [("gap", 2), ("authority", facts.authority), ("gap", 1), ("title", title), ("gap", 3)]
    blocks += [("line", t, "left") for t in lines]
    fields = {"authority": facts.authority, "volume_kind": kind, "case_name": facts.case_name, "case_no": facts.case_no,
              "volume_no": 1, "volume_count": 1, "opened_on": opened.isoformat(), "closed_on": closed.isoformat(),
              "retention": retention, "page_count": page_count}
    return D.DocSpec("dossier_cover", title, [blocks], fields, None, None, numbered=False)


def _catalog(rows: list[dict[str, Any]], style: Style, rng: random.Random) -> D.DocSpec:
    per_page = rng.choice((8, 10, 14, 20))
    header = [("序号", 0.07), ("文号", 0.37), ("文书名称", 0.26), ("日期", 0.16), ("页号", 0.08), ("备注", 0.06)]
    pages: list[list[D.Block]] = []
    date_how = rng.choice(("arabic", "dot", "compact"))
    for start in range(0, max(len(rows), 1), per_page):
        table = [header]
        for r in rows[start:start + per_page]:
            d = r["_date"]
            shown = {"compact": f"{d:%Y%m%d}", "dot": f"{d.year}.{d.month:02d}.{d.day:02d}"}.get(date_how) or fmt_date(d, style, "arabic")
            span = str(r["first_page"]) if r["first_page"] == r["last_page"] else f"{r['first_page']}-{r['last_page']}"
            table.append([(digits(str(r["seq"]), style), 0.07), (D.fmt_doc_no(r["doc_no"], style) if r["doc_no"] else "", 0.37),
                          (r["title"], 0.26), (digits(shown, style), 0.16), (digits(span, style), 0.08), ("", 0.06)])
        blocks: list[D.Block] = [("title", "卷内文书目录")] if start == 0 else []
        blocks.append(("table", table, min(1.0, 12 / style.body_pt)))
        pages.append(blocks)
    entries = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    for e in entries:
        if not e["doc_no"]:
            del e["doc_no"]
    return D.DocSpec("catalog", "卷内文书目录", pages, {"entries": entries}, None, None, numbered=False)


def _backup(facts: CaseFacts, style: Style, page_count: int) -> D.DocSpec:
    blocks: list[D.Block] = [("title", "卷内备考表"), ("gap", 1),
                             ("para", digits(f"本卷共有文书材料{page_count}页。", style)), ("para", "说明："), ("gap", 6),
                             ("line", f"立卷人：{facts.clerk}", "right"), ("line", f"检查人：{facts.checker}", "right"),
                             ("line", f"立卷时间：{fmt_date(facts.closed_on, style)}", "right")]
    fields = {"page_count": page_count, "compiled_by": facts.clerk, "checked_by": facts.checker,
              "compiled_on": facts.closed_on.isoformat()}
    return D.DocSpec("backup_sheet", "卷内备考表", [blocks], fields, None, None, numbered=False)


def damage_page(img: Image.Image, dmg: Damage, rng: random.Random, blank: bool = False) -> tuple[Image.Image, int, float]:
    """Scanner damage; returns the image, the clockwise turn that makes it upright, and the skew fix."""
    if dmg.tint:
        img = Image.eval(img, lambda v: max(0, v - dmg.tint))
    skew = rng.uniform(-dmg.skew_deg, dmg.skew_deg) if dmg.skew_deg else 0.0
    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=(255 - dmg.tint,) * 3)
    rotation = rng.choice((90, 180, 270)) if rng.random() < dmg.rotate_p else 0
    if blank:  # a blank page has no up: its truth rotation is 0
        rotation = 0
    if rotation:
        img = img.rotate(rotation, expand=True)  # counter-clockwise, so turning it clockwise fixes it
    if dmg.blur:
        img = img.filter(ImageFilter.GaussianBlur(dmg.blur))
    arr = np.asarray(img).astype(np.float32)
    if dmg.noise:
        nrng = np.random.default_rng(rng.getrandbits(32))
        arr += nrng.normal(0, dmg.noise, arr.shape[:2])[..., None] if arr.ndim == 3 else nrng.normal(0, dmg.noise, arr.shape)
        if dmg.speckle:
            mask = nrng.random(arr.shape[:2]) < dmg.speckle
            arr[mask] = 30
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if dmg.mode == "L":
        img = img.convert("L")
    elif dmg.mode == "1":
        img = img.convert("L").point(lambda v: 255 if v > 150 else 0).convert("1")
    if dmg.jpeg_quality and dmg.mode != "1":
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=dmg.jpeg_quality)
        img = Image.open(io.BytesIO(buf.getvalue()))
        img.load()
    img.info["dpi"] = (dmg.dpi, dmg.dpi)
    return img, rotation, round(-skew, 2)


def _bind(specs: list[D.DocSpec], style: Style, dmg: Damage, rng: random.Random, first_number: int = 1,
          blank_after: float | None = None) -> SyntheticScan:
    """Render, number, add blank backs and damage; build the truth."""
    blank_p = (0.5 if style.double_sided else 0.0) if blank_after is None else blank_after
    images: list[Image.Image] = []
    text: list[list[str]] = []  # the strings drawn on each page (none on blank backs)
    pages: list[dict[str, Any]] = []
    docs: list[dict[str, Any]] = []
    number = first_number
    blank_size: tuple[int, int] | None = None
    for spec in specs:
        logs: list[list[str]] = []
        rendered = render_pages(spec.pages, style, dmg.dpi, rng, number if spec.numbered else None, logs)
        if spec.numbered:
            number += len(rendered)
        start = len(images) + 1
        for i, img in enumerate(rendered):
            blank_size = img.size
            img, rot, skew = damage_page(img, dmg, rng)
            images.append(img)
            text.append(logs[i])
            pages.append({"index": len(images), "rotation": rot, "skew_deg": skew, "blank": False})
            last = len(images)
            if rng.random() < blank_p and not (spec.type == "catalog" and i < len(rendered) - 1):
                white = Image.new("RGB", blank_size, "white")
                img, rot, skew = damage_page(white, dmg, rng, blank=True)
                images.append(img)
                text.append([])
                pages.append({"index": len(images), "rotation": 0, "skew_deg": 0.0, "blank": True})
        if spec.type in ("statement", "photo") and docs:
            docs[-1]["last_page"] = last
        elif spec.type in ("statement", "photo"):
            docs.append({"type": "other", "title": spec.title, "first_page": start, "last_page": last, "fields": {}})
        else:
            docs.append({"type": spec.type, "title": spec.title, "first_page": start, "last_page": last, "fields": dict(spec.fields)})
    truth = {"pages": pages, "documents": docs}
    return SyntheticScan(images, truth, facts=None, dpi=dmg.dpi, meta={"text": text})  # type: ignore[arg-type]


def render_volume(facts: CaseFacts, kind: str, style: Style | None = None, damage: Damage | None = None,
                  *, seed: int | None = None, family: str | None = None) -> SyntheticScan:
    """Render a whole bound volume of ``kind`` (a volume kind of DOSSIERS.md) or a single document.

    ``kind`` may also be a FORMS.md document type: then the scan holds that one document
    (a late paper added to a volume), sometimes with a continuation page and a blank back.
    ``family`` is the template family every page is drawn in (:mod:`.families`; default
    ``classic``, the original drawing); it is recorded as ``truth["family"]``. The strings
    drawn on each page are in ``scan.meta["text"]``.
    """
    seed = facts.seed if seed is None else seed
    style = style or make_style(seed)
    damage = damage or make_damage(seed)
    fam = F.get(family)
    style, damage = fam.restyle(style), fam.scan(damage)
    meta = {"kind": kind, "style": style, "damage": damage, "family": fam.name, "split": fam.split}
    rng = random.Random(seed * 31 + len(kind))
    if kind in D.BUILDERS:
        spec = F.redraw(fam, D.BUILDERS[kind](facts, style, rng), facts, style, rng)
        specs = [spec] + ([D.statement(facts, style, rng)] if rng.random() < 0.2 else [])
        scan = _bind(specs, style, damage, rng, first_number=rng.randint(1, 60))
        scan.facts, scan.meta = facts, {**meta, **scan.meta}
        scan.truth["family"] = fam.name
        return scan
    body = _contents(facts, kind, style, rng, fam)
    rows, paper = [], 1
    for i, spec in enumerate(body, 1):
        n = len(spec.pages)
        d = spec.date or facts.filed_on
        rows.append({"seq": i, "doc_no": spec.doc_no, "title": spec.title, "date": d.isoformat(), "_date": d,
                     "first_page": paper, "last_page": paper + n - 1})
        paper += n
    page_count = paper - 1
    retention = rng.choice(RETENTIONS)
    specs = [F.redraw(fam, _cover(facts, kind, style, page_count, retention), facts, style, rng),
             F.redraw(fam, _catalog(rows, style, rng), facts, style, rng, rows=rows), *body,
             F.redraw(fam, _backup(facts, style, page_count), facts, style, rng)]
    scan = _bind(specs, style, damage, rng)
    scan.facts, scan.meta = facts, {**meta, **scan.meta}
    scan.truth["family"] = fam.name
    return scan


def write_scan(scan: SyntheticScan, path: Path | str, format: str = "pdf") -> Path:
    """Write the page images as a multi-page PDF or TIFF, or as a folder of numbered JPEGs."""
    path = Path(path)
    imgs = scan.images
    if format == "pdf":
        first = imgs[0] if imgs[0].mode != "1" else imgs[0]
        first.save(path, "PDF", save_all=True, append_images=imgs[1:], resolution=float(scan.dpi))
    elif format == "tiff":
        comp = "group4" if all(i.mode == "1" for i in imgs) else "tiff_lzw"
        imgs[0].save(path, "TIFF", save_all=True, append_images=imgs[1:], dpi=(scan.dpi, scan.dpi), compression=comp)
    elif format == "jpegs":
        path.mkdir(parents=True, exist_ok=True)
        for i, img in enumerate(imgs, 1):
            img.convert("L" if img.mode == "1" else img.mode).save(path / f"page-{i:03d}.jpg", "JPEG", quality=92, dpi=(scan.dpi, scan.dpi))
    else:
        raise ValueError(f"unknown scan format {format!r}")
    return path


def default_scan(seed: int, kind: str = "criminal_main", level: str = "normal", family: str | None = None) -> SyntheticScan:
    """One call for tests and demos: facts, style and damage all from ``seed`` (classic family by default)."""
    from .facts import make_case

    return render_volume(make_case(seed), kind, make_style(seed), make_damage(seed, level), seed=seed, family=family)
