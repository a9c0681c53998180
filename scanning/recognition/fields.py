"""Field readers for the criminal documents of FORMS.md.

Each reader takes the document's pages (first page first) and the names already known in
the volume, and returns the fields it could read. Slots are found between the fixed words
of the form, which are matched fuzzily so that one misread character in an anchor does not
lose the value; values are validated (a date must parse, an ID number must have 18 digits)
and left out when they do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from scanning.types import Cell, FieldValue

from . import layout as L
from . import slots as S
from .normalize import clean_text, id_checksum_ok, parse_datetime
from .text import Flat, PageText, fold
from .values import as_name

Fields = dict[str, FieldValue]
Reader = Callable[[list[PageText], tuple[str, ...]], Fields]
SELF = ("我局", "本局", "我单位", "本单位", "我所", "本所", "我队")
SOURCES = ["110指令", "工作中发现", "扭送", "投案", "移送", "报案", "其他"]
OPINIONS = [("criminal", "属于本单位管辖的刑事案件"), ("administrative", "属于本单位管辖的行政案件"),
            ("transfer", "不属于本单位管辖"), ("not_police", "不属于公安机关职责范围"), ("other", "其他")]
EMPTY_BOX = set("口□0OoQ〇()（）[]DU")


def bracket_tick(text: str, at: int, lo: int = 0) -> bool | None:
    """Whether the option at ``at`` is ticked when it follows brackets (（√）同意 （　）不同意):
    a mark inside them ticks it, brackets with nothing inside leave it empty. None when no
    brackets precede it (its mark is a box or a tick, read the usual way)."""
    if at - 1 < lo or text[at - 1] not in ")）]】":
        return None
    for j in range(at - 2, max(lo, at - 4) - 1, -1):
        if text[j] in "(（[【":
            return bool(text[j + 1:at - 1].strip())
    return None


def unticked(text: str, at: int, lo: int = 0) -> bool:
    """Whether the option at ``at`` is printed after an empty box or empty brackets."""
    b = bracket_tick(text, at, lo)
    if b is not None:
        return not b
    return at - 1 >= lo and text[at - 1] in EMPTY_BOX


def common(pages: list[PageText], date_field: str | None, anchors: tuple[str, ...] = ()) -> Fields:
    out: Fields = {}
    first = pages[0]
    a = S.authority(first) or S.signer(pages)
    if a:
        out["authority"] = a
    n = S.doc_no(first)
    if n:
        out["doc_no"] = n
    if date_field:
        d = S.issue_date(pages, anchors)
        if d:
            out[date_field] = d
    return out


def put(out: Fields, name: str, fv: FieldValue | None | tuple[FieldValue, int]) -> None:
    if isinstance(fv, tuple):
        fv = fv[0]
    if fv is not None and fv.value not in ("", None):
        out[name] = fv


def _addressee(flat: Flat) -> FieldValue | None:
    """The name the notice is addressed to: a salutation row of its own above the sentence
    (秦军辉： over 我单位已受理你（单位）于…), else the name before ``：你（单位）`` on the
    sentence's row or alone on the row above."""
    a = flat.find("你（单位）") or flat.find("你单位") or flat.find("你于")
    if not a:
        return None
    before = [b for b in flat.breaks if b <= a[0]]
    row_start = before[-1] if before else 0
    # a salutation: a row that is a name and its colon, nothing after (the sentence opens below)
    for k in range(len(before) - 1, max(-1, len(before) - 5), -1):
        lo, hi = (before[k - 1] if k > 0 else 0), before[k]
        m = re.fullmatch(rf"\s*([{S.CJK}（）]{{2,20}})\s*[：:]\s*", flat.text[lo:hi])
        if m and not L.current().opens_with_label(m.group(1)):
            return flat.value(m.group(1), lo + m.start(1), lo + m.end(1))
    lo, hi = row_start, a[0]
    k = len(before) - 1
    while not flat.text[lo:hi].strip("：: .。，,") and k >= 0:  # rows above of marks alone (a colon read apart)
        hi = before[k]
        lo = before[k - 1] if k > 0 else 0
        k -= 1
        if len(before) - k > 4:
            break
    seg = flat.text[lo:hi].rstrip("：:，, .。·")  # the colon read as a full stop (李娜.)
    m = re.search(rf"([{S.CJK}（）]{{2,20}})$", seg)
    if not m or L.current().opens_with_label(m.group(1)) or any(w in m.group(1) for w in SELF):
        # nothing; a labelled row of a table above the sentence (案件名称 …); or the
        # sentence's own opening (我单位已受理你（单位）…): not the addressee
        return None
    return flat.value(m.group(1), lo + m.start(1), lo + m.end(1))


def _reported_case(flat: Flat, out: Fields, end_words: tuple[str, ...]) -> None:
    a = flat.find("你（单位）") or flat.find("你于") or (0, 0)
    d = S.date_after(flat, "于", start=a[0], window=3)
    put(out, "reported_on", d)
    for w in end_words:
        r = S.slot(flat, "报称的", w, start=a[0], maxlen=40, minlen=2)
        if r:
            # the comma after the case read as a full stop (汪龙故意伤害案.我局经审查): the name ends at its 案
            m = re.match(r"(.+?案)[.·:：;；，,。]", r[0].value)
            put(out, "case_name", S.with_value(r[0], m.group(1)) if m else r)
            return


def read_acceptance_form(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, None)
    flat = Flat(pages[0])
    t = flat.text
    g = L.Geometry(pages[0])
    put(out, "reporter_name", S.name_after(flat, "姓名", until="性别") or _name_before(flat, "性别", ("报案人", "姓名"))
        or g.labelled("acceptance_form", "reporter_name", L.as_name))
    id_re = re.compile(r"(?:证件号码|身份证号码|号码)：?([0-9Xx]{15,18})")
    m = id_re.search(t)
    fv = None
    if m and len(m.group(1)) == 18:
        fv = flat.value(m.group(1).upper(), m.start(1), m.end(1))
    else:  # the number wrapped in its cell (…166600 / 7): the cell's own reading holds it whole
        for cell in pages[0].cells:
            mc = id_re.search(re.sub(r"\s+", "", fold(cell.text)))
            if mc and len(mc.group(1)) == 18:
                fv = FieldValue(mc.group(1).upper(), pages[0].index, cell.box, round(max(cell.conf, 0.0), 3), cell.text)
                break
    if fv is not None:
        if not id_checksum_ok(fv.value):
            fv = type(fv)(fv.value, fv.page, fv.box, round(fv.conf * 0.5, 3), fv.raw)
        out["reporter_id_no"] = fv
    put(out, "received_at", S.datetime_after(flat, "接报时间"))
    b = flat.find("接报时间")
    if b:
        before = t[:b[0]]
        a = flat.find("接报民警", max(0, b[0] - 14), b[0])
        seg_start = a[1] if a else max(0, b[0] - 5)
        seg = before[seg_start:]
        if seg.endswith("接报时间"[0]):  # the next label's first character read twice (郑玉帅接接报时间)
            seg = seg[:-1]
        m2 = re.search(rf"([{S.CJK}]{{2,6}})[^{S.CJK}]{{0,2}}$", seg.rstrip(S.PUNCT))  # a mark after it (蔡萍_)
        if m2:
            name = _strip_label(m2.group(1), "接报民警")
            if 2 <= len(name) <= 4:
                s = seg_start + m2.end(1) - len(name)
                out["receiving_officer"] = flat.value(name, s, s + len(name))
    # ticked boxes: the mark printed before each option
    src_at = flat.find("110指令") or flat.find("工作中发现")
    # the first opinion option; "属于本单位管辖" alone also matches inside 不属于本单位管辖
    # (a later option) exactly when the first one's 属 was misread, so anchor on the options
    op_at = None
    for _, opt in OPINIONS[:2]:
        f = flat.find(opt)
        if f and (op_at is None or f[0] < op_at[0]):
            op_at = f
    op_at = op_at or flat.find("属于本单位管辖")
    if src_at:
        seg_end = op_at[0] if op_at else len(t)
        pick = _ticked(flat, max(0, src_at[0] - 2), seg_end, SOURCES, stop_after="其他")
        if pick:
            out["case_source"] = pick[0]
            src_end = pick[1]
        else:
            src_end = None
        # the summary sits between the source options and the opinion options
        # the summary's label: any of the vocabulary's printed whole (简要情况, 案情摘要), else
        # 简要案情 with one character lost
        s0 = next((f for lab in sorted(L.current().labels("acceptance_form", "summary"), key=len, reverse=True)
                   if (f := flat.find(lab, min_score=101))), None) or flat.find("简要案情", min_score=74)
        if s0 and not "\u4e00" <= t[s0[1] - 1] <= "\u9fff":
            s0 = (s0[0], s0[1] - 1)  # 简要案 + the value's first figure (情 wrapped below): the figure is the value's
        lo = s0[1] if s0 else src_end
        # options printed as a form prints them (more than the chosen one): the summary is the
        # cell between them; a running text naming the one source is read by the label below
        region = t[max(0, src_at[0] - 2):op_at[0] if op_at else len(t)]
        listed = sum(1 for o in SOURCES if re.search(rf"{o}(?!人)", region))  # 报案人 is a person's label
        if lo is not None and op_at and listed >= 2:
            hi = op_at[0] - 1
            h = flat.find("受案意见", lo, op_at[0])
            if h:
                hi = h[0]
            # the first option's row (its tick box first) is no part of the summary
            row_start = max((b for b in flat.breaks if b <= op_at[0]), default=None)
            if row_start is not None and lo < row_start < hi:
                hi = row_start
            # the value column starts right of the summary's own label, else where the options' column does
            column = bool(s0) and g._is_column(*flat.span(*s0))
            fv = _cell_value(g, flat, lo, hi, left_of=s0[1] - 1 if column else src_at[0] - 1, right_of_it=column)
            if fv is not None:
                text = _without_labels(fv.value)  # a label row above or below the summary (案情摘要 / 处理意见)
                if len(text) >= 4:
                    out["summary"] = S.with_value(fv, clean_text(text))
    if "summary" not in out:  # no options printed around it (a form in running text): by its label
        put(out, "summary", _summary_in_text(flat))
    if "case_source" not in out:  # the options elsewhere, or in another order: by the field's label
        put(out, "case_source", g.labelled("acceptance_form", "case_source", _ticked_choice(L.current().choices("case_source"))))
    if op_at:
        pick = _ticked(flat, max(0, op_at[0] - 3), len(t), [o[1] for o in OPINIONS], stop_after="其他")
        if pick:
            code = dict((v, k) for k, v in OPINIONS)[pick[0].value]
            out["opinion"] = S.with_value(pick[0], code)
        d = S.last_date(flat, op_at[0])
        put(out, "accepted_on", d)
    if "opinion" not in out:
        put(out, "opinion", _opinion_by_label(g))
    # a ruled form read cell by cell (scanning.tables): what the page's rows lost, from its cells
    for name, accept in (("received_at", parse_datetime), ("summary", _as_summary),
                         ("case_source", _ticked_choice(L.current().choices("case_source"))),
                         ("receiving_officer", as_name), ("reporter_name", as_name)):
        if name not in out:
            put(out, name, _from_cells(pages[0], L.current().labels("acceptance_form", name), accept))
    return out


def _as_summary(text: str) -> str | None:
    text = clean_text(text.strip(LEADERS))
    return text if len(text) >= 4 else None


def _from_cells(pt: PageText, labels: list[str], accept: Callable[[str], Any]) -> FieldValue | None:
    """A field of a ruled form from the cells its table was read in (``pt.cells``): the rest
    of the cell its label opens (接报时间2017年4月24日20时5分), else the cell right of the
    label's own cell. A label wrapped in its cell is read whole there, and a value wrapped in
    its cell too, where the page's rows cut both."""
    at = {(c.row, c.col): c for c in pt.cells}
    group = group_labels(pt.cells)
    for c in pt.cells:
        text = re.sub(r"\s+", "", fold(c.text))
        lab = next((lab for lab in labels if text.startswith(lab)), None)
        if lab is None and (c.row, c.col) in group:  # 民警 under 接报: 接报民警
            text = group[c.row, c.col] + text
            lab = next((lab for lab in labels if text.startswith(lab)), None)
        if lab is None:
            continue
        rest = text[len(lab):].lstrip(LEADERS)
        cell = c
        if not rest and (right := at.get((c.row, c.col + 1))) is not None:
            cell, rest = right, re.sub(r"\s+", "", fold(right.text))
        value = accept(rest) if rest else None
        if value not in (None, ""):
            return FieldValue(value, pt.index, cell.box, round(max(cell.conf, 0.0), 3), cell.text)
    return None


def group_labels(cells: list[Cell]) -> dict[tuple[int, int], str]:
    """The label a cell's own label is part of, by cell: a form that prints one label over
    several rows (接/报 in a cell spanning the rows 民警, 时间, 地点, 方式) makes 接报民警 of
    民警. Such a label is a narrow strip at the table's left edge: rows whose first cell
    starts right of the edge, at the strip's right side, beside strip cells of a character
    or a few (the spanning cell read in pieces, one per row, or not at all on some row)."""
    if not cells:
        return {}
    rows: dict[int, list[Cell]] = {}
    for c in cells:
        rows.setdefault(c.row, []).append(c)
    left = min(c.box[0] for c in cells)
    tol = max(8, int(0.01 * (max(c.box[2] for c in cells) - left)))
    strip: dict[int, tuple[int, str]] = {}  # row: (the strip's right edge, its text on that row)
    for r, cs in rows.items():
        cs.sort(key=lambda c: c.box[0])
        first = cs[0]
        text = re.sub(r"\s+", "", first.text)
        if abs(first.box[0] - left) > tol:
            strip[r] = (first.box[0], "")  # the spanning cell not read on this row
        elif len(cs) > 1 and 1 <= len(text) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", text):
            strip[r] = (first.box[2], text)
    out: dict[tuple[int, int], str] = {}
    run: list[int] = []
    for r in [*sorted(rows), None]:
        if r is not None and r in strip and (not run or (r == run[-1] + 1 and abs(strip[r][0] - strip[run[0]][0]) <= tol)):
            run.append(r)
            continue
        label = "".join(strip[k][1] for k in run)
        # one label in pieces: a character a row, or a row where the spanning cell was not
        # read at all (two rows of labels of their own, 姓名 over 性别, are no group)
        pieces = all(len(strip[k][1]) == 1 for k in run) or any(not strip[k][1] for k in run)
        if len(run) >= 2 and len(label) >= 2 and pieces:
            edge = strip[run[0]][0]
            for k in run:
                for c in rows[k]:
                    if abs(c.box[0] - edge) <= tol:
                        out[c.row, c.col] = label
        run = [r] if r is not None and r in strip else []
    return out


#: What may stand between a label and its value: a colon, a blank's underline, leader dots.
LEADERS = "：:_＿—－-.·…　 "


def _summary_in_text(flat: Flat) -> FieldValue | None:
    """The summary of a form printed as running text (…，简要案情2021年4月18日，报案人…请求公安机关
    处理。，受案意见属于…): what follows its label, over as many rows as it takes, up to the next
    label of the form. A reporter's label inside the summary (报案人贺明报称) ends nothing."""
    v = L.current()
    a = next((f for lab in v.labels("acceptance_form", "summary") if (f := flat.find(lab, min_score=101))), None)
    if not a:
        return None
    inside = set(v.labels("acceptance_form", "reporter_name")) | {"姓名"}
    stops = [f[0] for lab in v.all_labels() if lab not in inside and not lab.startswith(flat.text[a[0]:a[1]])
             if (f := flat.find(lab, a[1], min_score=101))]
    hi = min(stops, default=len(flat.text))
    raw = flat.text[a[1]:hi]
    value = raw.lstrip(LEADERS).rstrip("，,;；_＿ ")
    if len(value) < 4:
        return None
    start = a[1] + len(raw) - len(raw.lstrip(LEADERS))
    return flat.value(clean_text(value), start, start + len(value))


#: Words of an opinion option that say which it is, the most specific first.
OPINION_WORDS = (("not_police", ("不属于公安", "公安机关职责")), ("transfer", ("不属于本单位", "不属于我", "移送")),
                 ("criminal", ("刑事",)), ("administrative", ("行政",)), ("other", ("其他",)))


def _opinion_code(option: str) -> str | None:
    for code, words in OPINION_WORDS:
        if any(w in option for w in words):
            return code
    return None


def _opinion_by_label(g: L.Geometry) -> FieldValue | None:
    """The opinion from the cell of its label (受案意见, 处理意见), when the form's options were
    not found: the ticked option of those printed, or the only one printed, by its words."""
    for label in g.vocab.labels("acceptance_form", "opinion"):
        f = L.find_label(g.pt, label)
        if not f:
            continue
        idx = g.cell_right(*f)
        text = "".join(g.pt.text[i] for i in idx)
        # options, each opened by its box: split before every box mark or tick (brackets as boxes)
        text = re.sub(r"[（(][^（()）]{1,2}[）)]", "☑", re.sub(r"[（(]\s*[）)]", "□", text))
        parts = [p for p in re.split(r"(?=[□口☑☒■√✓✔])", text) if p]
        marked = [p for p in parts if p[0] in "□口☑☒■√✓✔"]
        if marked:
            ticked = [p for p in marked if p[0] not in EMPTY_BOX]
            if len(ticked) != 1:
                continue
            code = _opinion_code(ticked[0][1:])
        else:
            codes = {c for p in re.split(r"[，。；\n]", text) if (c := _opinion_code(p))}
            code = codes.pop() if len(codes) == 1 else None
        if code:
            fv = g._fv(idx)
            return S.with_value(fv, code)
    return None


def _ticked_choice(options: list[str]) -> Callable[[str], str | None]:
    """The one option of a label's value not preceded by an empty box (☑报案 □投案 …), or
    the only option printed."""
    def accept(text: str) -> str | None:
        found = sorted((text.find(o), o) for o in options if o in text)
        if len(found) == 1:
            return found[0][1]
        ticked = [o for i, o in found if i > 0 and not unticked(text, i)]
        return ticked[0] if len(ticked) == 1 else None
    return accept


def _name_before(flat: Flat, anchor: str, labels: tuple[str, ...]) -> FieldValue | None:
    """The name that opens the row of ``anchor`` when the row's label was not read
    (郭云飞 性别 女 …): the ideographs from the row start up to ``anchor``."""
    a = flat.find(anchor)
    if not a:
        return None
    row_start = max((b for b in flat.breaks if b <= a[0]), default=0)
    p = f"[{re.escape(S.PUNCT)}]*"
    heads = "".join(f"(?:{label})?{p}" for label in labels)  # the row's labels, where read
    m = re.fullmatch(rf"{p}{heads}([{S.CJK}]{{2,4}}){p}", flat.text[row_start:a[0]])
    if not m:
        return None
    return flat.value(m.group(1), row_start + m.start(1), row_start + m.end(1))


def _strip_label(value: str, label: str) -> str:
    """``value`` without a remnant of the printed ``label`` read into it (报民于东 → 于东):
    the longest prefix made only of the label's characters, if two characters remain."""
    k = 0
    while k < len(value) and value[k] in label:
        k += 1
    if not k and len(value) >= 4 and value[1] in label:  # one stray mark inside the label (接报民和警史秀)
        k = 2
        while k < len(value) and value[k] in label:
            k += 1
    return value[k:] if k and len(value) - k >= 2 else value


def _without_labels(text: str) -> str:
    """``text`` without the known labels it opens or ends with (a summary read between the
    option rows of a form that prints its labels on rows of their own)."""
    labels = sorted(L.current().all_labels(), key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for lab in labels:
            if text.startswith(lab) and len(text) > len(lab):
                text, changed = text[len(lab):].lstrip("：:"), True
            if text.endswith(lab) and len(text) > len(lab):
                text, changed = text[:-len(lab)], True
    # the next label's head after the closing full stop, the rest of it wrapped away (…处理。处理意)
    m = re.search(r"。([\u4e00-\u9fff]{2,5})$", text)
    if m and any(lab.startswith(m.group(1)) and len(lab) > len(m.group(1)) for lab in labels):
        text = text[:m.start(1)]
    return text


def _cell_value(g: L.Geometry, flat: Flat, lo: int, hi: int, left_of: int, right_of_it: bool = False) -> FieldValue | None:
    """Text of a table cell spanning rows: characters of the label column (left of the
    value column, whose left edge is the word at ``left_of``, or its right edge with
    ``right_of_it``: the label's last character) are dropped. ``g`` is the page's geometry."""
    pt = flat.pt
    at = flat.span(left_of, left_of + 1)[0] if 0 <= left_of < len(flat.back) else -1
    x_left = None
    if at >= 0 and pt.char_word[at] >= 0:
        box = g.boxes[at] if right_of_it else pt.words[pt.char_word[at]].box
        x_left = (box[2] - 1 if right_of_it else box[0]) if box else None
    # on a ruled form the label column's characters are left of a vertical rule; on an open
    # form a value's wrapped line starts under its label and is all the value's
    keep: list[int] = []
    for i in range(lo, hi):
        w = pt.char_word[flat.back[i]]
        if w < 0:
            continue
        box = pt.words[w].box
        if x_left is not None and box[2] < x_left and (
                not pt.rules or g._vrule_between(box[2] - 1, x_left + 0.5 * (box[3] - box[1]), (box[1] + box[3]) / 2)):
            continue
        keep.append(i)
    text = "".join(flat.text[i] for i in keep)
    val = text.strip(S.PUNCT.replace("。", "") + "_＿")  # and the blank's underline read as a mark
    if len(val) < 4:
        return None
    a = keep[text.find(val)]
    b = keep[text.find(val) + len(val) - 1] + 1
    return flat.value(val, a, b, raw=val)


#: marks that can only be a chosen box (a box read empty or lost is never one of them)
FILLED_MARKS = "■☑☒√✓✔●◼▇█"


def _ticked(flat: Flat, lo: int, hi: int, options: list[str], stop_after: str) -> tuple[FieldValue, int] | None:
    """The option whose box is ticked: the mark before each label, ☑ among □ however OCR read them."""
    t = flat.text
    found: list[tuple[int, int, str]] = []
    for opt in sorted(options, key=len, reverse=True):
        pos = lo
        while True:
            f = flat.find(opt, pos, hi, min_score=85 if len(opt) > 3 else 101)
            if not f:
                break
            if f[0] > 0 and t[f[0] - 1] == opt[0] != t[f[0]]:
                # a fuzzy alignment that starts one character late (a stray 和 inside the
                # label shifts it): the label's first character is no tick mark
                f = (f[0] - 1, f[1])
            if not any(s <= f[0] < e or f[0] <= s < f[1] for s, e, _ in found):
                found.append((f[0], f[1], opt))
                break
            pos = f[1]
    found.sort()
    # options after the first 其他 belong to the next question
    cut = next((i for i, f in enumerate(found) if f[2] == stop_after), None)
    if cut is not None:
        found = found[:cut + 1]
    if not found:
        return None
    ticked: list[tuple[int, int, str]] = []
    marked: list[tuple[int, int, str]] = []
    prev_end = lo
    for s, e, opt in found:
        bracket = bracket_tick(t, s, prev_end)
        if bracket is not None:  # （√）报案 among （　）投案
            if bracket:
                ticked.append((s, e, opt))
            prev_end = e
            continue
        mark = t[s - 1] if s - 1 >= prev_end and s > 0 else ""
        if mark not in EMPTY_BOX and s - 2 >= prev_end and t[s - 2] in EMPTY_BOX:
            mark = t[s - 2]  # a stray character between the box and its label (a label's wrapped end: 口源其他)
        if mark not in EMPTY_BOX:  # ☑ read as 回/团/四/M…, or lost so that a label character precedes
            ticked.append((s, e, opt))
            if mark and mark in FILLED_MARKS:
                marked.append((s, e, opt))
        prev_end = e
    if len(ticked) != 1 and len(marked) == 1:
        ticked = marked  # one box read filled (■扭送) among boxes lost in reading (报案 移送): that one
    if len(ticked) != 1:
        return None
    s, e, opt = ticked[0]
    return flat.value(opt, max(0, s - 1), e), found[-1][1]


def read_acceptance_receipt(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("已受理", "进展情况"))
    flat = Flat(pages[0])
    put(out, "addressee", _addressee(flat))
    _reported_case(flat, out, ("一案", "案件", "已受理"))
    return out


def read_filing_decision(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "decided_on", ("立案侦查",))
    flat = Flat(pages[0])
    put(out, "case_name", S.slot(flat, "决定对", "立案侦查", maxlen=40, minlen=2))
    return out


def read_filing_notice(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("已决定立案", "特此告知"))
    flat = Flat(pages[0])
    put(out, "addressee", _addressee(flat))
    _reported_case(flat, out, tuple(f"，{s}" for s in SELF) + ("，经审查", "经审查"))
    return out


def read_no_filing_notice(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("决定不予立案", "申请复议"))
    flat = Flat(pages[0])
    put(out, "addressee", _addressee(flat))
    _reported_case(flat, out, tuple(f"，{s}" for s in SELF) + ("，经审查", "经审查"))
    put(out, "reason", S.slot(flat, "审查认为", "，根据", maxlen=60, minlen=2) or S.slot(flat, "认为", "根据", maxlen=60, minlen=2))
    return out


def read_detention_warrant(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("执行拘留", "羁押"))
    flat = Flat(pages[0])
    put(out, "suspect_name", S.name_after(flat, "嫌疑人", known=known, until="性别"))
    g = re.search(r"性别：?([男女])", flat.text)
    if g:
        out["suspect_gender"] = flat.value(g.group(1), g.start(1), g.end(1))
    put(out, "suspect_birth_date", S.date_after(flat, "出生日期", window=3) or S.date_after(flat, "出生", window=3))
    at = (flat.find("执行拘留") or (0, 0))[0]
    m = re.compile(rf"送([{S.CJK}]{{2,20}}?(?:看守所|拘留所))").search(flat.text, at)
    if m:
        out["detention_center"] = flat.value(m.group(1), m.start(1), m.end(1))
    else:
        put(out, "detention_center", S.slot(flat, "送", "羁押", start=at, maxlen=20, minlen=3))
    return out


def read_bail_decision(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("起算", "的监督", "保证金"))
    flat = Flat(pages[0])
    put(out, "case_name", S.slot(flat, "正在侦查", "，因", maxlen=40, minlen=2) or S.slot(flat, "侦查", "因犯罪", maxlen=40, minlen=2))
    # exact first: a fuzzy 因犯罪嫌疑人 lands one character late on 犯罪嫌疑人田磊桂 (no 因 before it)
    a = flat.find("因犯罪嫌疑人", min_score=101) or flat.find("犯罪嫌疑人", min_score=101) or flat.find("嫌疑人")
    if a:
        put(out, "suspect_name", S.name_at(flat, a[1], known=known))
    put(out, "starts_on", S.date_after(flat, "期限从", window=3) or S.date_after(flat, "从", window=2))
    # both ways printed as options (■保证人保证 / □保证金保证): the ticked one
    way = _ticked(flat, 0, len(flat.text), ["保证人保证", "保证金保证"], stop_after="") \
        if flat.find("保证人", min_score=101) and flat.find("保证金", min_score=101) else None
    if way and way[0].value == "保证金保证":
        out["guarantee"] = S.with_value(way[0], "deposit")
        amounts = [fv for a in re.finditer("保证金", flat.text) if (fv := S.amount_after(flat, "保证金", start=a.start()))]
        put(out, "deposit_amount", amounts[0] if amounts else None)
    elif flat.find("保证人"):
        out["guarantee"] = S.with_value(flat.value("guarantor", *flat.find("保证人")), "guarantor")  # type: ignore[misc]
        put(out, "guarantor_name", S.name_after(flat, "保证人", until="的监督"))
    elif flat.find("保证金"):
        out["guarantee"] = S.with_value(flat.value("deposit", *flat.find("保证金")), "deposit")  # type: ignore[misc]
        put(out, "deposit_amount", S.amount_after(flat, "保证金"))
    return out


def read_bail_release_decision(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "released_on", ("予以解除", "决定解除"))
    flat = Flat(pages[0])
    # the bail's start is the date before 对{name}决定取保候审, never the date of issue below
    anchor = flat.find("决定取保候审") or flat.find("决定取保")
    first = S.dates(flat, 0, anchor[0]) if anchor else S.dates(flat)
    r = S.slot(flat, "对", "决定取保", start=0, maxlen=8, minlen=2)
    if first:
        out["bail_started_on"] = first[0]
        r = S.slot(flat, "对", "决定取保", start=flat.text.find(first[0].raw) if first[0].raw in flat.text else 0, maxlen=8, minlen=2)
    if r and re.fullmatch(rf"[{S.CJK}]{{2,4}}", r[0].value):
        out["suspect_name"] = r[0]
    put(out, "reason", S.slot(flat, "现因", "，根据", maxlen=40, minlen=2) or S.slot(flat, "因", "根据", maxlen=40, minlen=2))
    if "released_on" in out and first and out["released_on"] is first[0]:
        del out["released_on"]
    return out


def _case_by(flat: Flat) -> FieldValue | None:
    """``{case_name}，由我局于…立案侦查``: the clause before 由…立案."""
    for s in SELF:
        a = flat.find(f"由{s}")
        if a:
            break
    else:
        a = flat.find("立案侦查")
        if not a:
            return None
        b = flat.text.rfind("由", 0, a[0])
        if b < 0:
            return None
        a = (b, b + 1)
    head = flat.text[:a[0]].rstrip("，, ")
    cut = max(head.rfind(c) for c in "。\n；")
    lo = cut + 1
    val = S.clean_value(head[lo:])
    if not (2 <= len(val) <= 40):
        return None
    lo = lo + head[lo:].find(val)
    return flat.value(val, lo, lo + len(val))


def _procuratorate(flat: Flat) -> FieldValue | None:
    a = flat.find("此致")
    start = a[1] if a else 0
    m = re.search(rf"[{S.CJK}]{{2,20}}?人民检察院", flat.text[start:])
    if not m:
        return None
    s = start + m.start()
    # 此致 read as 此至/此到 on the addressee's row: the salutation is no part of the name
    if not a and re.match(r"此[致至到政效]", m.group(0)) and len(m.group(0)) >= 9:
        s += 2
    return flat.value(flat.text[s:start + m.end()], s, start + m.end())


PROCURATORATE = L.as_institution(("人民检察院", "检察院", "人民检.院", "人民.察院"))


def _by_vocab(out: Fields, pages: list[PageText], dtype: str, name: str, accept: Callable[[str], object], kind: str) -> None:
    """``name`` from the vocabulary's phrases of ``dtype`` when the reader's own words found nothing."""
    if name not in out:
        put(out, name, L.by_phrases(pages, dtype, name, accept, kind))


def _any_procuratorate(pages: list[PageText]) -> FieldValue | None:
    """The last procuratorate named on the pages (the addressee under 此致, wherever the form puts it)."""
    for p in reversed(pages):
        flat = Flat(p)
        found = list(re.finditer(rf"[{S.CJK}]{{2,20}}?人民(?:检察|检.|.察)院", flat.text))
        if found:
            m = found[-1]
            v = PROCURATORATE(m.group(0))
            if v:
                s = m.start() + m.group(0).find(v)
                return flat.value(v, s, s + len(v))
    return None


def read_arrest_request(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("此致", "提请批准逮捕"))
    flat = Flat(pages[0])
    a = flat.find("嫌疑人")
    if a:
        put(out, "suspect_name", S.name_at(flat, a[1], known=known))
    put(out, "case_name", L.by_phrases(pages, "arrest_request", "case_name", L.as_case_name, "case_name") or _case_by(flat))
    put(out, "procuratorate", _procuratorate(Flat(pages[-1])))
    _by_vocab(out, pages, "arrest_request", "procuratorate", PROCURATORATE, "institution")
    _by_vocab(out, pages, "arrest_request", "suspect_name", L.as_name, "name")
    if "procuratorate" not in out:
        put(out, "procuratorate", _any_procuratorate(pages))
    return out


def read_arrest_warrant(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("执行逮捕", "羁押"))
    flat = Flat(pages[0])
    put(out, "procuratorate", S.slot(flat, "经", "批准", maxlen=24, minlen=4))
    r = S.slot(flat, "罪的", "性别", maxlen=7, minlen=2)
    m = re.search(rf"的([{S.CJK}]{{2,4}})（?性别", flat.text)  # 罪 misread: the name before （性别
    if r and re.fullmatch(rf"[{S.CJK}]{{2,4}}", r[0].value):
        out["suspect_name"] = r[0]
    elif m:
        out["suspect_name"] = flat.value(m.group(1), m.start(1), m.end(1))
    else:
        a = flat.find("嫌疑人")
        if a:
            put(out, "suspect_name", S.name_at(flat, a[1], known=known))
    _by_vocab(out, pages, "arrest_warrant", "suspect_name", L.as_name, "name")
    if "suspect_name" in out:
        v = L.strip_name(out["suspect_name"].value)
        if v != out["suspect_name"].value:
            out["suspect_name"] = S.with_value(out["suspect_name"], v)
    if "procuratorate" in out and not PROCURATORATE(out["procuratorate"].value):
        del out["procuratorate"]
    _by_vocab(out, pages, "arrest_warrant", "procuratorate", PROCURATORATE, "institution")
    if "procuratorate" not in out:
        put(out, "procuratorate", _any_procuratorate(pages))
    return out


def _split_by(text: str, names: list[str]) -> list[str]:
    """``text`` cut into ``names`` when it is two or more of them run together (雷红吴宇: the
    、 between them lost), else ``text`` itself."""
    if text in names or not names:
        return [text]
    out: list[str] = []
    rest = text
    while rest:
        head = next((n for n in sorted(names, key=len, reverse=True) if rest.startswith(n)), None)
        if head is None:
            return [text]
        out.append(head)
        rest = rest[len(head):]
    return out


def read_prosecution_opinion(pages: list[PageText], known: tuple[str, ...]) -> Fields:
    out = common(pages, "issued_on", ("此致", "移送审查起诉"))
    flat = Flat(pages[0])
    names: list[FieldValue] = []
    # each suspect as the opinion introduces them (犯罪嫌疑人吴宇，男，…)
    listed = [mm.group(1) for mm in re.finditer(rf"嫌疑人([{S.CJK}]{{2,4}})，", flat.text)]
    # or as a form's block of each suspect lists them (犯罪嫌疑人一 / 姓名……武永涛  性别……男)
    listed += [mm.group(1) for mm in re.finditer(rf"姓名[{re.escape(LEADERS)}]*([{S.CJK}]{{2,4}}?)(?=性别|[，,\n]|$)", flat.text)]
    m = re.search(rf"嫌疑人([{S.CJK}、]{{2,40}}?)涉嫌", flat.text)
    if m:
        parts = [q for p in m.group(1).split("、") for q in _split_by(p, listed) if 2 <= len(q) <= 4]
        if parts:
            fv = flat.value(parts, m.start(1), m.end(1))
            out["suspect_names"] = fv
    if "suspect_names" not in out:
        for mm in re.finditer(rf"嫌疑人([{S.CJK}]{{2,4}})，", flat.text):
            names.append(flat.value(mm.group(1), mm.start(1), mm.end(1)))
        if names:
            out["suspect_names"] = S.with_value(names[0], [n.value for n in names])
    if "suspect_names" in out:
        names_v = [L.strip_name(n) for n in out["suspect_names"].value]
        out["suspect_names"] = S.with_value(out["suspect_names"], [n for n in names_v if 2 <= len(n) <= 4])
    _by_vocab(out, pages, "prosecution_opinion", "suspect_names", L.as_names, "names")
    put(out, "case_name", L.by_phrases(pages, "prosecution_opinion", "case_name", L.as_case_name, "case_name")
        or _case_by(flat))
    for p in reversed(pages):
        fv = _procuratorate(Flat(p))
        if fv:
            out["procuratorate"] = fv
            break
    _by_vocab(out, pages, "prosecution_opinion", "procuratorate", PROCURATORATE, "institution")
    if "procuratorate" not in out:
        put(out, "procuratorate", _any_procuratorate(pages))
    return out


READERS: dict[str, Reader] = {
    "acceptance_form": read_acceptance_form, "acceptance_receipt": read_acceptance_receipt,
    "filing_decision": read_filing_decision, "filing_notice": read_filing_notice,
    "no_filing_notice": read_no_filing_notice, "detention_warrant": read_detention_warrant,
    "bail_decision": read_bail_decision, "bail_release_decision": read_bail_release_decision,
    "arrest_request": read_arrest_request, "arrest_warrant": read_arrest_warrant,
    "prosecution_opinion": read_prosecution_opinion,
}
