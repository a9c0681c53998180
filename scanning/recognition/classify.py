"""Which document a page starts, if any: titles, key phrases and document-number kinds.

A page is judged on three independent kinds of evidence, each tolerant of OCR errors:
the title (fuzzy-matched against the rows near the top, letter-spacing removed), the fixed
phrases of the form anywhere on the page (fuzzy), and the kind in a document number
(立字, 拘字 …). A page that starts nothing continues the document before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from .normalize import doc_no_kind, normalize_doc_no
from .text import PageText

TITLES: dict[str, list[str]] = {
    "acceptance_form": ["受案登记表"],
    "acceptance_receipt": ["受案回执"],
    "filing_decision": ["立案决定书"],
    "filing_notice": ["立案告知书"],
    "no_filing_notice": ["不予立案通知书"],
    "detention_warrant": ["拘留证"],
    "bail_decision": ["取保候审决定书"],
    "bail_release_decision": ["解除取保候审决定书"],
    "arrest_request": ["提请批准逮捕书"],
    "arrest_warrant": ["逮捕证"],
    "prosecution_opinion": ["起诉意见书"],
    "admin_penalty_decision": ["行政处罚决定书"],
    "reconsideration_decision": ["行政复议决定书"],
    "admin_judgment": ["行政判决书"],
    "dossier_cover": ["刑事诉讼卷宗", "侦查工作卷", "行政案件卷宗", "行政复议卷宗", "行政诉讼卷宗", "卷宗封面", "诉讼文书卷", "证据材料卷"],
    "catalog": ["卷内文书目录", "卷内文件目录", "卷内目录"],
    "backup_sheet": ["卷内备考表"],
}
# Fixed phrases of each form (any two make a strong case even when the title was lost).
PHRASES: dict[str, list[str]] = {
    "acceptance_form": ["接报时间", "案件来源", "简要案情", "受案意见", "110指令", "工作中发现", "属于本单位管辖"],
    "acceptance_receipt": ["已受理", "报称的", "案件进展情况"],
    "filing_decision": ["立案侦查", "决定对"],
    "filing_notice": ["已决定立案", "特此告知", "需要追究刑事责任"],
    "no_filing_notice": ["决定不予立案", "申请复议"],
    "detention_warrant": ["执行拘留", "羁押", "向我宣布"],
    "bail_decision": ["决定对其取保候审", "起算", "保证人", "保证金"],
    "bail_release_decision": ["予以解除", "决定取保候审", "现因"],
    "arrest_request": ["提请批准逮捕", "此致"],
    "arrest_warrant": ["执行逮捕", "批准", "被逮捕人"],
    "prosecution_opinion": ["移送审查起诉", "侦查终结", "此致"],
    "admin_penalty_decision": ["违法行为人", "治安管理处罚法", "的处罚", "现查明"],
    "reconsideration_decision": ["被申请人", "申请行政复议", "行政复议法"],
    "admin_judgment": ["原告", "被告", "判决如下", "本院"],
    "dossier_cover": ["案件名称", "保管期限", "案件编号", "立卷人"],
    "catalog": ["序号", "文书名称", "页号", "文号"],
    "backup_sheet": ["本卷共有", "立卷人", "检查人", "立卷时间"],
}
KINDS: dict[str, list[str]] = {
    "acceptance_form": ["受案"], "acceptance_receipt": ["受案"], "filing_decision": ["立"], "filing_notice": ["立告"],
    "no_filing_notice": ["不立"], "detention_warrant": ["拘"], "bail_decision": ["取保"], "bail_release_decision": ["解保"],
    "arrest_request": ["提捕"], "arrest_warrant": ["捕"], "prosecution_opinion": ["诉", "起诉"],
    "admin_penalty_decision": ["行罚决", "罚决", "决"], "reconsideration_decision": ["复决"],
}
TITLE_TEXT = {t: names[0] for t, names in TITLES.items()}


@dataclass
class PageVerdict:
    type: str | None  # the type this page starts, or None (continuation / other)
    score: float
    title: str
    title_score: float
    header_only: bool = False  # a catalog page showing only the table header


def _clean(s: str) -> str:
    return re.sub(r"[\s·•.,，、:：;；|_\-—'\"“”‘’`~()（）]", "", s)


def title_scores(pt: PageText) -> dict[str, tuple[float, str]]:
    """For each type, the best fuzzy similarity (0..1) of a top-of-page row to its title."""
    top_rows = [i for i, r in enumerate(pt.rows) if r.box[1] < pt.height * 0.45][:8]
    cands: list[str] = []
    for i in top_rows:
        t = _clean(pt.row_text(i))
        if t:
            cands.append(t)
    out: dict[str, tuple[float, str]] = {}
    for dtype, names in TITLES.items():
        best, best_row = 0.0, ""
        for name in names:
            for row in cands:
                if len(row) <= len(name) + 2:
                    s = fuzz.ratio(name, row) / 100
                else:  # the authority and the title printed on one row, or a long sentence
                    al = fuzz.partial_ratio_alignment(name, row)
                    at_edge = al is not None and (al.dest_start <= 2 or al.dest_end >= len(row) - 2)
                    s = (al.score if al else 0.0) / 100 * (0.92 if len(row) <= len(name) + 14 and at_edge else 0.6)
                if s > best:
                    best, best_row = s, row
        out[dtype] = (best, best_row)
    return out


def phrase_score(pt: PageText, dtype: str) -> float:
    flat = pt.text.replace("\n", "")
    hits = 0.0
    for p in PHRASES[dtype]:
        if p in flat:
            hits += 1
        elif len(p) >= 4 and fuzz.partial_ratio(p, flat) >= 74:
            hits += 0.7
    return min(hits / 2.0, 1.0)


def page_doc_kind(pt: PageText) -> str | None:
    """The kind of the first document number printed in the top part of the page."""
    top = "".join(pt.row_text(i) for i, r in enumerate(pt.rows) if r.box[1] < pt.height * 0.4)
    n = normalize_doc_no(top)
    return doc_no_kind(n) if n else None


def looks_like_catalog(pt: PageText) -> bool:
    """Rows that each name a document title beside numbers: a catalog page without header."""
    names = [TITLE_TEXT[t] for t in TITLES if t not in ("dossier_cover", "catalog")] + ["询问笔录", "讯问笔录", "现场照片"]
    hits = 0
    for i in range(len(pt.rows)):
        row = _clean(pt.row_text(i))
        if len(row) < 8 or not re.search(r"\d", row):
            continue
        if any(fuzz.partial_ratio(n, row) >= 90 for n in names):
            hits += 1
    return hits >= 3


def _title_strength(dtype: str, ts: dict[str, tuple[float, str]]) -> float:
    """Similarity of the title, discounted when a longer title contains it (取保 in 解除取保)."""
    s, row = ts[dtype]
    for other, (o, orow) in ts.items():
        if other != dtype and o >= s and len(TITLE_TEXT[other]) > len(TITLE_TEXT[dtype]) and orow == row:
            return s * 0.85
    return s


def classify_page(pt: PageText, previous: str | None) -> PageVerdict:
    """Decide whether ``pt`` starts a document, and of which type; ``previous`` is the open document type."""
    if not pt.words:
        return PageVerdict(None, 0.0, "", 0.0)
    ts = title_scores(pt)
    if (phrase_score(pt, "catalog") >= 1.0 or looks_like_catalog(pt)) and ts["catalog"][0] < 0.72:
        # a catalog page without its title (a continuation): its rows name other titles
        strong = [t for t, (v, row) in ts.items() if t != "catalog" and v >= 0.9 and len(row) <= len(TITLE_TEXT[t]) + 2]
        if not strong:
            kind_ = None if previous == "catalog" else "catalog"
            return PageVerdict(kind_, 0.8, TITLE_TEXT["catalog"], ts["catalog"][0], header_only=True)
    kind = page_doc_kind(pt)
    best: tuple[float, str] = (0.0, "")
    for dtype in TITLES:
        t = _title_strength(dtype, ts)
        p = phrase_score(pt, dtype)
        k = 1.0 if kind and kind in KINDS.get(dtype, []) else 0.0
        score = 0.6 * t + 0.25 * p + 0.15 * k
        if t >= 0.75:
            score = max(score, 0.55 + 0.45 * t * (0.7 + 0.3 * max(p, k)))
        if score > best[0]:
            best = (score, dtype)
    score, dtype = best
    t = _title_strength(dtype, ts) if dtype else 0.0
    p = phrase_score(pt, dtype) if dtype else 0.0
    starts = t >= 0.72 or (t >= 0.55 and p >= 0.5) or (kind is not None and kind in KINDS.get(dtype, []) and p >= 0.5)
    if not starts and p >= 1.0 and previous != dtype:
        starts = True  # title and number unreadable, but the form's fixed wording is there
    if dtype == "catalog" and not starts and phrase_score(pt, "catalog") >= 1.0:
        return PageVerdict(None if previous == "catalog" else "catalog", score, TITLE_TEXT["catalog"], t, header_only=True)
    if dtype == "catalog" and starts and previous == "catalog":
        starts = False  # a volume has one catalog: a page titled again (卷内文件目录（续）) goes on with it
    if not starts:
        return PageVerdict(None, score, "", t)
    title = TITLE_TEXT[dtype]
    if dtype == "dossier_cover":  # the volume title printed, in its standard wording
        row = ts[dtype][1]
        title = max(TITLES[dtype], key=lambda n: fuzz.partial_ratio(n, row)) if row else title
    return PageVerdict(dtype, min(score, 1.0), title, t)
