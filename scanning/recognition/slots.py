"""Reading values out of the fixed sentences: anchors, slots, dates, names, numbers.

The helpers all work on :class:`~.text.Flat` page text and return FieldValues with
provenance, or None. Anchors are the fixed words of the form and are found fuzzily;
slot values are cut between two anchors, trimmed of punctuation, and length-checked.
"""

from __future__ import annotations

import re
from typing import Any

from scanning.types import FieldValue

from .labels import current
from .normalize import find_datetimes, find_dates, normalize_doc_no, parse_amount
from .values import NAME_LEADS, NOT_A_NAME, strip_name
from .text import Flat, PageText

CJK = r"\u4e00-\u9fff"
PUNCT = "：:，,。；;、 \n|“”\"'‘’·.（）()《》〈〉"
AUTHORITY_RE = re.compile(rf"[{CJK}]{{2,16}}?(?:公安局[{CJK}]{{1,8}}?分局|公安局|公安分局|人民政府|人民法院|人民检察院)")
# Words that begin the clause after a name in a sentence (因犯罪嫌疑人{name}可能判处…)
NAME_STOPS = ("可能", "涉嫌", "系", "因", "患有", "正在", "怀孕", "符合", "已", "于", "的", "等", "在", "不",
              "性别", "出生")  # the form's next cells when a label between was lost


#: Words that open a clause and never a name (NAME_STOPS of two characters and more, and a
#: few more a sentence goes on with after a role: 被取保候审人应当接受…, 上列犯罪嫌疑人…)
CLAUSE_OPENERS = tuple(w for w in NAME_STOPS if len(w) >= 2) + ("应当", "上列", "上述", "依法", "已经", "经过", "对其")


def clean_value(text: str) -> str:
    return text.strip(PUNCT)


def slot(flat: Flat, before: str, after: str, *, start: int = 0, maxlen: int = 60, minlen: int = 1,
         min_score: float = 74.0) -> tuple[FieldValue, int] | None:
    """The text between the anchors ``before`` and ``after`` (the next ``after`` within ``maxlen``)."""
    a = flat.find(before, start, min_score=min_score) if before else (start, start)
    if not a:
        return None
    b = flat.find(after, a[1], min(len(flat.text), a[1] + maxlen + len(after) + 2), min_score=min_score)
    if not b:
        return None
    s, e = a[1], b[0]
    raw = flat.text[s:e]
    lead = len(raw) - len(raw.lstrip(PUNCT))
    value = clean_value(raw)
    if len(value) < minlen:
        return None
    return flat.value(value, s + lead, s + lead + len(value)), b[1]


def name_at(flat: Flat, pos: int, *, known: tuple[str, ...] = (), maxlen: int = 4) -> FieldValue | None:
    """A person's name starting at ``pos``: a run of 2–4 ideographs, cut where the sentence goes on."""
    text = flat.text
    while pos < len(text) and text[pos] in PUNCT:
        pos += 1
    for k in sorted(known, key=len, reverse=True):
        if k and text.startswith(k, pos):
            return flat.value(k, pos, pos + len(k))
    if any(text.startswith(lab, pos) for lab in current().all_labels()):
        return None  # the next label (检查人 ending its row, 立卷日期 opening the next): no name here
    for lead in NAME_LEADS:  # a fixed word read before the name (涉嫌方晨)
        if text.startswith(lead, pos) and re.match(rf"[{CJK}]{{2}}", text[pos + len(lead):]):
            pos += len(lead)
            break
    # look two characters past the longest name, so that a stop word right after a
    # full-length name (钱玉凯可能…) is seen and not read as part of it
    m = re.match(rf"[{CJK}]{{2,{maxlen + 2}}}", text[pos:flat.row_end(pos)])
    if not m:
        return None
    name = m.group(0)
    if name.startswith(CLAUSE_OPENERS):  # 因上列犯罪嫌疑人可能判处…: the sentence goes on, the name is elsewhere
        return None
    for stop in NAME_STOPS:
        i = name.find(stop, 2)
        if i >= 2:
            name = name[:i]
    name = strip_name(name)[:maxlen]  # a known label after it (赖秀身份证…)
    if len(name) < 2 or any(w in name for w in NOT_A_NAME) or name in current().fixed_words():
        return None  # 对上述犯罪嫌疑人取保候审, 符合取保候审条件: the sentence's words, the name is elsewhere
    return flat.value(name, pos, pos + len(name))


def name_after(flat: Flat, anchor: str, *, start: int = 0, known: tuple[str, ...] = (), maxlen: int = 4,
               until: str | None = None) -> FieldValue | None:
    a = flat.find(anchor, start)
    if not a:
        return None
    if until:
        b = flat.find(until, a[1], a[1] + maxlen + 3)
        if b and 2 <= len(clean_value(flat.text[a[1]:b[0]])) <= maxlen:
            raw = flat.text[a[1]:b[0]]
            lead = len(raw) - len(raw.lstrip(PUNCT))
            v = strip_name(clean_value(raw))
            if re.fullmatch(rf"[{CJK}]{{2,}}", v):
                return flat.value(v, a[1] + lead, a[1] + lead + len(v))
    return name_at(flat, a[1], known=known, maxlen=maxlen)


def date_after(flat: Flat, anchor: str | None, *, start: int = 0, window: int = 6) -> FieldValue | None:
    """The date printed right after ``anchor`` (within ``window`` characters)."""
    if anchor:
        a = flat.find(anchor, start)
        if not a:
            return None
        pos = a[1]
    else:
        pos = start
    for s, e, iso in find_dates(flat.text[pos:pos + window + 24], years=flat.pt.years):
        if s <= window:
            return flat.value(iso, pos + s, pos + e)
    return None


def dates(flat: Flat, start: int = 0, end: int | None = None) -> list[FieldValue]:
    end = len(flat.text) if end is None else end
    return [flat.value(iso, start + s, start + e) for s, e, iso in find_dates(flat.text[start:end], years=flat.pt.years)]


def last_date(flat: Flat, start: int = 0) -> FieldValue | None:
    """The date of issue: the last complete date on the page (beside the seal)."""
    found = dates(flat, start)
    return found[-1] if found else None


def issue_date(pages: list[PageText], anchors: tuple[str, ...]) -> FieldValue | None:
    """The date of issue: the last date after the last sentence of the form (``anchors``).

    Searched on the page holding the closing words; without them, only the lower part of
    the first page is trusted, so a date inside the text (a birth date) is never taken.
    """
    for pt in pages:
        flat = Flat(pt)
        at = None
        for a in anchors:
            f = flat.find(a, min_score=75)
            if f and (at is None or f[1] > at):
                at = f[1]
        if at is not None:
            return last_date(flat, at)
    pt = pages[0]
    flat = Flat(pt)
    found = [fv for fv in dates(flat) if fv.box and fv.box[1] > pt.height * 0.45]
    return found[-1] if found else sign_off_date(pt)


def sign_off_date(pt: PageText) -> FieldValue | None:
    """The date on the row under the issuing body's name below the heading: the sign-off,
    wherever a short document puts it on the page (its closing words may be lost)."""
    out, heading = None, True
    for i in range(len(pt.rows) - 1):
        if not AUTHORITY_RE.search(pt.row_text(i)):
            continue
        if heading and i <= 2 and pt.rows[i].box[1] <= pt.height * 0.35:  # the name above the title (a copy line may precede it)
            heading = False
            continue
        nxt = pt.row_text(i + 1)
        found = find_dates(nxt, years=pt.years)
        if found:
            s, e, iso = found[-1]
            at = pt.row_start[i + 1]
            out = pt.value(iso, at + s, at + e, nxt[s:e])
    return out


def datetime_after(flat: Flat, anchor: str, window: int = 6) -> FieldValue | None:
    a = flat.find(anchor)
    pos = a[1] if a else 0
    for s, e, iso in find_datetimes(flat.text[pos:]):
        if not a or s <= window:
            return flat.value(iso, pos + s, pos + e)
    return None


def authority(pt: PageText) -> FieldValue | None:
    """The issuing body printed above the title."""
    for i, row in enumerate(pt.rows):
        if row.box[1] > pt.height * 0.35:
            break
        text = pt.row_text(i)
        m = AUTHORITY_RE.search(text)
        if m:
            s = pt.row_start[i] + m.start()
            return pt.value(m.group(0), s, s + len(m.group(0)))
        if i + 1 < len(pt.rows):
            fv = _split_heading(pt, i)
            if fv:
                return fv
    return None


def signer(pages: list[PageText]) -> FieldValue | None:
    """The issuing body named only in the sign-off, where a template prints no heading above
    the title (a notice whose authority is the seal line at the foot): the lowest row of the
    document's last page that has one (below its head) that is an institution's name and
    nothing more (its seal note （印） or （公章） aside)."""
    for pt in reversed(pages):  # a blank back, or a statement bound after it, has none
        for i in range(len(pt.rows) - 1, -1, -1):
            if pt.rows[i].box[1] < pt.height * 0.15:  # a short form's sign-off may stand high
                break
            text = pt.row_text(i)
            m = AUTHORITY_RE.search(text)
            if m and len(re.sub(r"[（(][印公章]{1,2}[)）]|\s", "", text)) - len(m.group(0)) <= 1:
                s = pt.row_start[i] + m.start()
                return pt.value(m.group(0), s, s + len(m.group(0)))
    return None


def _split_heading(pt: PageText, i: int) -> FieldValue | None:
    """A letter-spaced heading Tesseract cut into two rows at the same height (云台公安东河区分局
    and 市局): its words, side by side, put back in reading order."""
    a, b = pt.rows[i], pt.rows[i + 1]
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    if overlap < 0.5 * min(a.box[3] - a.box[1], b.box[3] - b.box[1]):
        return None
    ws = sorted(a.words + b.words, key=lambda w: w.box[0])
    text = "".join(re.sub(r"\s+", "", w.text) for w in ws)
    m = AUTHORITY_RE.fullmatch(text) or AUTHORITY_RE.search(text)
    if not m:
        return None
    box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws), max(w.box[3] for w in ws))
    confs = [w.conf for w in ws if w.conf >= 0]
    conf = sum(confs) / len(confs) if confs else 0.5
    return FieldValue(m.group(0), pt.index, box, round(min(max(conf, 0.0), 1.0), 3), text)


def doc_no(pt: PageText, region: float = 0.4) -> FieldValue | None:
    """The document number printed under the title (or any number near the top), read row by row.

    A number wrapped over two rows is tried as the two rows joined.
    """
    rows = [i for i, r in enumerate(pt.rows) if r.box[1] <= pt.height * region]
    for k, i in enumerate(rows):
        text = pt.row_text(i)
        if "号" not in text:
            continue
        for joined, start in ((text, pt.row_start[i]),):
            n = normalize_doc_no(joined)
            if n:
                j = joined.find("字") if "字" in joined else 0
                head = _head_start(joined, j)
                return pt.value(n, start + head, start + len(joined), raw=joined[head:])
        if k > 0:
            prev = pt.row_text(rows[k - 1])
            n = normalize_doc_no(prev + text)
            if n and "字" in prev[-6:] + text:
                return pt.value(n, pt.row_start[rows[k - 1]], start + len(text), raw=prev + text)
    return None


def _head_start(text: str, zi: int) -> int:
    """Where the number's head begins: after any title or authority read on the same row."""
    for marker in ("书", "证", "表", "执", "局"):
        k = text.rfind(marker, 0, max(zi - 3, 0))
        if k >= 0:
            return k + 1
    return 0


def amount_after(flat: Flat, anchor: str, unit: str = "元", start: int = 0) -> FieldValue | None:
    r = slot(flat, anchor, unit, start=start, maxlen=16)
    if not r:
        return None
    fv = r[0]
    v = parse_amount(fv.raw.replace("人民币", ""))
    if v is None:
        return None
    return FieldValue(v, fv.page, fv.box, fv.conf, fv.raw)


def with_value(fv: FieldValue, value: Any) -> FieldValue:
    return FieldValue(value, fv.page, fv.box, fv.conf, fv.raw)
