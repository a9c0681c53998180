"""Field readers for administrative, review and litigation documents and the dossier pages.

The catalog's rows are read in :mod:`.catalog`; the cover and the backup sheet are read
line by line (``label：value``), since their layout varies more than their labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from scanning.types import FieldValue

from . import layout as L
from . import slots as S
from .classify import TITLES
from .fields import LEADERS, Fields, common, put, unticked
from .normalize import clean_text, find_dates, id_checksum_ok, normalize_case_no
from .text import Flat, PageText

REVIEW = [("declared_unlawful", "违法"), ("dismissed", "驳回"), ("revoked", "撤销"), ("altered", "变更"), ("upheld", "维持"),
          ("declared_unlawful", "确认")]  # 确认…违法 with 违法 misread (递法): no other decision confirms
JUDGMENT = [("dismissed", "驳回"), ("revoked", "撤销"), ("upheld", "维持")]
VOLUME_KINDS = [("criminal_secondary", "侦查工作卷"), ("criminal_secondary", "副卷"), ("criminal_main", "刑事诉讼卷"),
                ("administrative", "行政案件卷"), ("reconsideration", "行政复议卷"), ("litigation", "行政诉讼卷"),
                ("criminal_main", "诉讼文书卷"), ("criminal_main", "证据材料卷")]


def read_admin_penalty_decision(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("的处罚", "行政诉讼", "申请行政复议"))
    flat = Flat(pages[0])
    put(out, "party_name", S.name_after(flat, "违法行为人", maxlen=4, until="，"))
    m = re.search(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])", flat.text)
    if m:
        v = m.group(1).upper()
        fv = flat.value(v, m.start(1), m.end(1))
        out["party_id_no"] = fv if id_checksum_ok(v) else FieldValue(v, fv.page, fv.box, fv.conf * 0.5, fv.raw)
    a = flat.find("现查明") or flat.find("查明")
    if not a:
        m = re.search("现.明", flat.text)  # one character of the phrase misread
        a = (m.start(), m.end()) if m else None
    if a:
        # the facts end at their full stop, or where the form's next sentence opens
        # (以上事实有…证据证实) when the full stop was misread (扰乱公共秩序0以上事实)
        ends = [e for e in (flat.text.find("。", a[1]), flat.text.find("以上事实", a[1])) if e > a[1]]
        end = min(ends, default=-1)
        if 0 < end - a[1] <= 120:
            raw = flat.text[a[1]:end]
            v = S.clean_value(raw)
            if len(v) > 1 and v[-1] in "0oO°" and "\u4e00" <= v[-2] <= "\u9fff":
                v = v[:-1]  # the full stop read as 0 before 以上事实
            lead = raw.find(v[:1]) if v else 0
            if v:
                out["violation"] = flat.value(clean_text(v), a[1] + lead, a[1] + lead + len(v), raw=v)
    pen = S.slot(flat, "决定给予", "的处罚", maxlen=40, minlen=2)
    if not pen:  # the closing 的处罚 misread (的处昼): up to 的处 and one character, never into 并处罚款
        m = re.search(r"给予(.{2,40}?)的处.(?:[。，,]|$)", flat.text)
        if m:
            pen = (flat.value(m.group(1), m.start(1), m.end(1)), m.end())
    if not pen:
        pen = S.slot(flat, "给予", "处罚", maxlen=40, minlen=2)
    if pen:
        fv = pen[0]
        fixed = re.sub(r"(拘留[一二三四五六七八九十]{1,3})[目曰]", r"\1日", fv.value)  # 拘留十目: 日 misread
        # 罚款 before an amount, its 款 misread (罚秋一千元): a fine is the only 罚… an amount follows
        fixed = re.sub(r"罚[^款金](?=[一二三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟\d])", "罚款", fixed)
        # the comma before 并处 read as a mark (行政拘留十日.并处罚款五百元)
        fixed = re.sub(r"(?<=[\u4e00-\u9fff])[.·,:：;；、](?=并处)", "，", fixed)
        put(out, "penalty", S.with_value(fv, fixed))
    return out


def _party(flat: Flat, label: str, start: int = 0) -> FieldValue | None:
    """The party after ``label：`` (without the colon, only a short name: 原告石春龙不服… is a sentence)."""
    m = re.compile(rf"(?<!被)(?:{label})(?:：[A-Za-z_]?([{S.CJK}（）]{{2,24}}?)|([{S.CJK}]{{2,4}}))[，。；\n]").search(flat.text, start)
    if not m:
        return None
    g = 1 if m.group(1) else 2
    return flat.value(m.group(g), m.start(g), m.end(g))


def _decision(flats: list[Flat], after: str, table: list[tuple[str, str]]) -> FieldValue | None:
    """The decision of the first sentence after ``after`` that names one (驳回, 撤销 …): a
    decision named earlier only as a document (作出的…处罚决定书》不服) names none, so the
    next ``after`` is tried (本机关决定如下：驳回申请人的…)."""
    for flat in flats:
        start = 0
        while a := flat.find(after, start):
            start = a[1]
            seg = flat.text[a[1]:a[1] + 40]
            first = flat.text[a[1]:a[1] + (seg.find("。") + 1 if "。" in seg else 40)]
            for code, word in table:
                i = first.find(word)
                if i >= 0:
                    return flat.value(code, a[1], a[1] + len(first), raw=first)
    return None


def read_reconsideration_decision(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("本机关决定", "行政复议申请", "处罚决定违法", "处罚决定为", "处罚决定。"))
    flats = [Flat(p) for p in pages]
    flat = flats[0]
    put(out, "applicant", _party(flat, "申请人"))
    # the respondent is the body whose act is reviewed (申 misread 中 or 甲: 被中请人…分局);
    # 被申请人作出的…决定 in the text names no one
    for m in re.finditer(rf"被[申中甲由]请人[{re.escape(LEADERS)}]*", flat.text):
        am = S.AUTHORITY_RE.match(flat.text, m.end())
        if am:
            out["respondent"] = flat.value(am.group(0), am.start(), am.end())
            break
    dec = _decision(flats, "决定：", REVIEW) or _decision(flats, "决定", REVIEW)
    if dec:
        out["decision"] = dec
    return out


def read_admin_judgment(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("审判员", "审判长", "书记员", "提起上诉"))
    flats = [Flat(p) for p in pages]
    flat = flats[0]
    if "authority" in out and out["authority"].value.endswith("法院"):
        out["court"] = out["authority"]
    put(out, "plaintiff", _party(flat, "原告"))
    m = re.search(rf"被告：([{S.CJK}（）]{{2,30}}?)[，。；\n]", flat.text) or re.search(
        rf"被告({S.AUTHORITY_RE.pattern})[，。；\n]", flat.text)  # the colon lost: an institution's name only
    if m:
        out["defendant"] = flat.value(m.group(1), m.start(1), m.end(1))
    if "plaintiff" not in out or "defendant" not in out:
        for name, fv in _parties_by_place(pages[0]).items():
            out.setdefault(name, fv)
    res = _decision(flats, "判决如下", JUDGMENT)
    if res:
        out["result"] = res
    elif any(f.find("判决如下") for f in flats):
        f = next(f for f in flats if f.find("判决如下"))
        a = f.find("判决如下")
        assert a
        out["result"] = f.value("other", a[0], a[1])
    return out


_PARTY_ROW = re.compile(rf"^([{S.CJK}]{{2}})[：:]([{S.CJK}（）]{{2,30}}?)(?:[，。；,;]|$)")
_AGENTS = ("委托代理人", "法定代表人", "负责人", "代理人")


def _parties_by_place(pt: PageText) -> Fields:
    """The parties of a judgment whose labels were misread (原生：…, 包生：…): the first
    row under the case number of the form ``label：name，`` with a label one character from
    原告 is the plaintiff, and the next such row not naming an agent the defendant."""
    out: Fields = {}
    rows = [pt.row_text(i) for i in range(len(pt.rows))]
    start = next((i + 1 for i, r in enumerate(rows[:8]) if re.search(r"[（(]\d{4}[）)].*号", r)), None)
    if start is None:
        return out
    found = []
    for i in range(start, min(start + 6, len(rows))):
        if any(rows[i].startswith(a) for a in _AGENTS):
            continue
        m = _PARTY_ROW.match(rows[i])
        if m:
            found.append((i, m.group(1), m.group(2)))
    if len(found) < 2 or sum(a != b for a, b in zip(found[0][1], "原告")) > 1:
        return out
    for name, (i, label, value) in zip(("plaintiff", "defendant"), found[:2]):
        s = pt.row_start[i] + len(label) + 1
        out[name] = pt.value(value, s, s + len(value))
    return out


def _line_value(pt: PageText, labels: tuple[str, ...]) -> FieldValue | None:
    """The rest of the row after ``label：``."""
    for i in range(len(pt.rows)):
        row = pt.row_text(i)
        for label in labels:
            j = row.find(label)
            if j >= 0:
                s = j + len(label)
                raw = row[s:]
                v = S.clean_value(raw)
                if v:
                    off = pt.row_start[i] + s + raw.find(v)
                    return pt.value(v, off, off + len(v))
    return None


_DIGIT = r"[0-9Il|\]!Oo]"
_DIGIT_FOLD = str.maketrans("Il|]!Oo", "1111100")


def _digits(text: str) -> int:
    """A number printed alone in a blank, with the usual OCR slips for 1 and 0 folded.

    Beside a digit read as a digit, a bracket or ! is a mark on the paper (共]1卷 is 1, not
    11), while l, I and | stay the 1 they nearly always are (共l3卷 is 13)."""
    if re.search(r"\d", text):
        text = re.sub(r"[\]!]", "", text)
    return int(text.translate(_DIGIT_FOLD))


COVER_TITLES = [("criminal_main", "刑事诉讼卷宗"), ("criminal_secondary", "侦查工作卷"), ("administrative", "行政案件卷宗"),
                ("reconsideration", "行政复议卷宗"), ("litigation", "行政诉讼卷宗")]


def _garbled_kind(pt: PageText) -> FieldValue | None:
    """The volume kind from a cover title too garbled to match (行政复以管示): the title row
    (a short row in the top third) nearest one kind's title, clearly nearer than any other kind."""
    for i, row in enumerate(pt.rows):
        if row.box[1] > pt.height * 0.33:
            break
        text = re.sub(rf"[^{S.CJK}]", "", pt.row_text(i))
        if not 4 <= len(text) <= 8 or S.AUTHORITY_RE.search(text):
            continue
        scores = sorted(((fuzz.ratio(text, title), code) for code, title in COVER_TITLES), reverse=True)
        (best, code), (second, _) = scores[0], scores[1]
        if best >= 50 and best - second >= 15:
            s = pt.row_start[i]
            return S.with_value(pt.value(code, s, s + len(pt.row_text(i))), code)
    return None


def read_dossier_cover(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    pt = pages[0]
    out: Fields = {}
    flat = Flat(pt)
    g = L.Geometry(pt)
    put(out, "authority", S.authority(pt) or _first_authority(flat))
    for code, word in VOLUME_KINDS:
        a = flat.find(word, min_score=85)
        if a:
            out["volume_kind"] = flat.value(code, *a)
            break
    else:
        put(out, "volume_kind", _garbled_kind(pt))
    # by label first (案件编号：… on a line, an underline or in a cell), then by what the value looks like
    put(out, "case_name", g.labelled("dossier_cover", "case_name", _cover_text))
    if "case_name" not in out:
        fv = _line_value(pt, ("案件名称：", "案件名称", "案由：", "案由"))
        put(out, "case_name", fv if fv and _cover_text(fv.value) else None)
    put(out, "case_no", g.labelled("dossier_cover", "case_no", L.as_case_no))
    if "case_no" not in out:
        m = re.search(r"[AJ][0-9OoIl]{22}(?![0-9])", flat.text)
        v = normalize_case_no(m.group(0)) if m else None
        if m and v:
            out["case_no"] = flat.value(v, m.start(), m.end())
    _cover_volume(out, g, flat)
    _cover_dates(out, g, flat)
    put(out, "retention", g.labelled("dossier_cover", "retention", _retention()))
    if "retention" not in out:  # the label misread: the options printed together, one ticked
        options = L.current().choices("retention")
        m = re.search("(?:" + "|".join(options) + r").{0,3}(?:" + "|".join(options) + ")", flat.text)
        picked = _ticked_text(flat.text[max(0, m.start() - 2):m.end() + 12], options) if m else None
        if m and picked:
            i = flat.text.find(picked, max(0, m.start() - 2))
            out["retention"] = flat.value(picked, i, i + len(picked))
    if "retention" not in out:  # the chosen word printed alone; among printed options none is ticked visibly
        m = re.search(r"(永久|长期|短期)", flat.text)
        if m and len(set(re.findall(r"永久|长期|短期", flat.text))) == 1:
            out["retention"] = flat.value(m.group(1), m.start(1), m.end(1))
    pc = L.by_phrases([pt], "dossier_cover", "page_count", _count, "int")
    put(out, "page_count", pc or g.labelled("dossier_cover", "page_count", _count))
    if "page_count" not in out:
        m = re.search(r"(?:本卷)?共([0-9]{1,4})页", flat.text)
        if m:
            out["page_count"] = flat.value(int(m.group(1)), m.start(1), m.end(1))
    return out


def _cover_text(text: str) -> str | None:
    v = S.clean_value(text)
    return v if len(v) >= 2 and not L.current().opens_with_label(v) else None


def _count(text: str) -> int | None:
    """A count printed alone or as 12页 / 共12页 (never the year of a date)."""
    m = re.fullmatch(r"共?(\S{1,4}?)[页张]?", S.clean_value(text))
    return L.as_int(m.group(1)) if m else None


def _retention() -> Callable[[str], str | None]:
    """The ticked option (☑长期 □永久 □短期) or the one word printed."""
    options = L.current().choices("retention")
    plain = L.as_choice(options)

    def accept(text: str) -> str | None:
        if sum(o in text for o in options) > 1:
            return _ticked_text(text, options)
        return plain(text)
    return accept


def _ticked_text(text: str, options: list[str]) -> str | None:
    """The one option of ``text`` whose box is not an empty box (□ however OCR read it)."""
    found = sorted((text.find(o), o) for o in options if o in text)
    ticked = [o for i, o in found if i == 0 or not unticked(text, i)]
    return ticked[0] if len(ticked) == 1 else None


def _cover_volume(out: Fields, g: L.Geometry, flat: Flat) -> None:
    """第1卷 共1卷 / 本案共2卷 本卷为第1卷 / 卷次：1: phrases first, then the label's value."""
    for name in ("volume_no", "volume_count"):
        fv = (L.by_phrases([g.pt], "dossier_cover", name, _count, "int")
              or g.labelled_phrases("dossier_cover", name, _count) or g.labelled("dossier_cover", name, _count))
        put(out, name, fv)
    if "volume_no" not in out or "volume_count" not in out:
        # 第1卷共1卷: the closing 卷 is often misread and a lone 1 read as ] or l
        m = re.search(rf"第({_DIGIT}{{1,3}})\S?卷.{{0,3}}?共({_DIGIT}{{1,3}})(?![0-9])(?!\S?页)", flat.text)
        if m:
            no, count = _digits(m.group(1)), _digits(m.group(2))
            if 0 < no <= count:
                out["volume_no"] = flat.value(no, m.start(1), m.end(1))
                out["volume_count"] = flat.value(count, m.start(2), m.end(2))
    if "volume_no" in out and "volume_count" in out and not 0 < out["volume_no"].value <= out["volume_count"].value:
        del out["volume_no"], out["volume_count"]


def _cover_dates(out: Fields, g: L.Geometry, flat: Flat) -> None:
    """起止日期：自…至… (the phrase in the label's value: the date after 至 is the closing one,
    even when the first is unreadable), or two labels of their own (立卷日期, 结卷日期)."""
    years = g.pt.years

    def as_date(text: str) -> str | None:
        return L.as_date(text, years)
    for name in ("opened_on", "closed_on"):
        put(out, name, g.labelled_phrases("dossier_cover", name, as_date))
    if "opened_on" not in out and "closed_on" not in out:
        for lab in g.vocab.labels("dossier_cover", "opened_on"):
            f = L.find_label(g.pt, lab)
            idx = (g.right_of(*f, own=lab) or g.below(*f, own=lab)) if f else []
            found = find_dates("".join(g.pt.text[i] for i in idx), years=years)
            if found:
                fv = g._fv(idx)
                out["opened_on"] = S.with_value(fv, found[0][2])
                if len(found) > 1:
                    out["closed_on"] = S.with_value(fv, found[1][2])
                break
        for name in ("opened_on", "closed_on"):  # two labels of their own
            if name not in out:
                put(out, name, g.labelled("dossier_cover", name, as_date))
    if "opened_on" in out or "closed_on" in out:
        return
    a = flat.find("起止日期") or flat.find("起止") or flat.find("自")
    found_fv = S.dates(flat, a[0]) if a else []
    if len(found_fv) < 2:  # the label misread: the row holding two dates joined by 至
        m = re.search(r"\d{4}[年.]\S{2,8}?至", flat.text)
        found_fv = S.dates(flat, m.start()) if m else found_fv
    if found_fv:
        out["opened_on"] = found_fv[0]
        if len(found_fv) > 1:
            out.setdefault("closed_on", found_fv[1])


def _first_authority(flat: Flat) -> FieldValue | None:
    m = S.AUTHORITY_RE.search(flat.text)
    return flat.value(m.group(0), m.start(), m.end()) if m else None


def read_backup_sheet(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    pt = pages[0]
    flat = Flat(pt)
    g = L.Geometry(pt)
    out: Fields = {}
    m = re.search(r"共有?(?:文书材料)?([0-9]{1,4})页", flat.text)
    if m:
        out["page_count"] = flat.value(int(m.group(1)), m.start(1), m.end(1))
    else:  # the vocabulary's phrases and labels (本卷页数：12, 卷内页数 in a cell)
        put(out, "page_count", L.by_phrases([pt], "backup_sheet", "page_count", _count, "int")
            or g.labelled("backup_sheet", "page_count", _count))
    put(out, "compiled_by", S.name_after(flat, "立卷人") or labelled_name(pt, "立卷人", "检查人")
        or g.labelled("backup_sheet", "compiled_by", L.as_name))
    put(out, "checked_by", S.name_after(flat, "检查人") or labelled_name(pt, "检查人", "立卷人")
        or g.labelled("backup_sheet", "checked_by", L.as_name))
    put(out, "compiled_on", S.date_after(flat, "立卷时间", window=3) or S.date_after(flat, "立卷日期", window=3)
        or g.labelled("backup_sheet", "compiled_on", lambda t: L.as_date(t, pt.years)) or S.last_date(flat))
    return out


def labelled_name(pt: PageText, label: str, other: str) -> FieldValue | None:
    """The name after ``label：`` on a row whose label was misread (立眷人, 多查人): the row's
    label, up to the colon, is one character off ``label`` and further from ``other``."""
    for i in range(len(pt.rows)):
        row = pt.row_text(i)
        m = re.match(rf"(\S{{2,4}}?)：([{S.CJK}]{{2,4}})", row)
        if not m:
            continue
        head = m.group(1)[-len(label):]
        d_own, d_other = Levenshtein.distance(head, label), Levenshtein.distance(head, other)
        if d_own <= 1 and d_own < d_other:
            off = pt.row_start[i] + m.start(2)
            return pt.value(m.group(2), off, off + len(m.group(2)))
    return None


READERS = {
    "admin_penalty_decision": read_admin_penalty_decision,
    "reconsideration_decision": read_reconsideration_decision,
    "admin_judgment": read_admin_judgment,
    "dossier_cover": read_dossier_cover,
    "backup_sheet": read_backup_sheet,
}
assert set(READERS) <= set(TITLES)
