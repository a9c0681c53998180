"""Values checked by what the field holds: a name is two to four ideographs (cut at the
fixed words before it and any known label after it), a case name ends with 案, a
procuratorate with 检察院, a date parses, a count is a number alone in its blank.

Each ``as_*`` takes the text found for a field and returns its value, or None when the
text is not such a value (the reader then tries its next place). :func:`accept_for` says
which check a field gets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz

from .charges import one_an
from .labels import Vocabulary, current
from .normalize import clean_text, cn_small_number, find_dates, find_datetimes, id_checksum_ok, normalize_case_no, parse_amount


CJK = r"\u4e00-\u9fff"
SEP = "：:_＿—－-.·…|，,;；「」“”\" "
NAME_LEADS = ("犯罪嫌疑人", "嫌疑人", "涉嫌", "被告人", "对", "将")

_DIGIT_FOLD = str.maketrans("Il|]!Oo", "1111100")


def as_int(text: str) -> int | None:
    """A count printed alone in its blank (OCR's usual slips for 1 and 0 folded), or in
    Chinese numerals up to 99 (十二)."""
    text = re.sub(r"\s+", "", text)
    if re.fullmatch(r"[一二三四五六七八九十]{1,3}", text):
        return cn_small_number(text)
    m = re.fullmatch(r"[0-9Il|\]!Oo]{1,4}", text)
    if not m or not re.search(r"\d", m.group(0)):
        return None
    # beside a digit read as a digit, ] or ! is a mark on the paper (共]1卷 is 1, not 11)
    v = int(re.sub(r"[\]!]", "", m.group(0)).translate(_DIGIT_FOLD))
    return v if v > 0 else None


def strip_name(text: str, vocab: Vocabulary | None = None) -> str:
    """A person's name out of ``text``: fixed words before it (涉嫌方晨) and any known label
    after it (赖秀身份, 武国菊身份证号码) cut off."""
    vocab = vocab or current()
    for lead in NAME_LEADS:
        if text.startswith(lead) and len(text) - len(lead) >= 2:
            text = text[len(lead):]
            break
    for lab in vocab.all_labels():
        k = text.find(lab[:2], 2)  # a label's first two characters after the name
        if k >= 2 and lab.startswith(text[k:k + len(lab)]):
            text = text[:k]
    return text


#: Words of the forms' sentences that no person's name holds (执行拘留 after 对下列犯罪嫌疑人).
NOT_A_NAME = ("执行", "拘留", "逮捕", "羁押", "决定", "批准", "下列", "上述", "取保", "候审", "立案", "侦查", "犯罪", "嫌疑",
              "案件", "检察", "公安", "单位", "陈述", "申辩", "证言", "证据", "保证")


def as_name(text: str) -> str | None:
    # a stray mark read before it (the blank's underline as d or _) is no part of a name
    m = re.match(rf"[A-Za-z_]?([{CJK}]{{2,6}})", text)
    if not m:
        return None
    name = strip_name(m.group(1))
    if not 2 <= len(name) <= 4 or any(w in name for w in NOT_A_NAME) or name in current().fixed_words():
        return None  # a sentence's words (符合, 的监督), or the next cell's label (性别), are no name
    return name


def as_date(text: str, years: tuple[int, ...] = ()) -> str | None:
    found = find_dates(text, years=years)
    return found[0][2] if found else None


def as_case_no(text: str) -> str | None:
    return normalize_case_no(text)


def as_case_name(text: str) -> str | None:
    v = text.strip(SEP + "。")
    if v.endswith("案一案"):  # …的梁艳健寻衅滋事案一案: a sentence's 一案 after the name
        v = v[:-2]
    v = one_an(v)  # 光明路被盗案案 (正在侦查{案件名称}案)
    # 、 between charges of one case (肖庆英掩饰、隐瞒犯罪所得案), never first
    return v if 3 <= len(v) <= 40 and v.endswith("案") and re.fullmatch(rf"[{CJK}0-9A-Za-z（）()·][{CJK}0-9A-Za-z（）()·、]*", v) else None


def as_institution(suffixes: tuple[str, ...]) -> Callable[[str], str | None]:
    pat = re.compile(rf"[{CJK}]{{2,22}}?(?:{'|'.join(suffixes)})")

    def accept(text: str) -> str | None:
        m = pat.search(text)
        if not m:
            return None
        v = m.group(0)
        for lead in ("此致", "经", "报请", "送"):
            if v.startswith(lead) and len(v) - len(lead) >= 5:
                v = v[len(lead):]
        if v.startswith(BACK_REFERENCES + ("下列", "该")):
            return None  # 经下列检察院批准: the institution is named elsewhere (a cell below)
        return v
    return accept


def as_party(text: str) -> str | None:
    """A person's name, or a unit's (2 to 24 ideographs, brackets allowed)."""
    m = re.match(rf"[A-Za-z_]?([{CJK}（）]{{2,24}})", text)  # a stray mark before it, as for a name
    if not m:
        return None
    v = strip_name(m.group(1))
    return v if len(v) >= 2 and v not in current().all_labels() else None


def as_names(text: str) -> list[str] | None:
    parts = [strip_name(p) for p in re.split(r"[、，,]", text) if p]
    return parts if parts and all(2 <= len(p) <= 4 and re.fullmatch(rf"[{CJK}]+", p) for p in parts) else None


def as_choice(options: list[str]) -> Callable[[str], str | None]:
    """The one option printed in ``text`` (or one character off it, for two-character options)."""
    def accept(text: str) -> str | None:
        hits = [o for o in options if o in text]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            near = [o for o in options if len(text) >= len(o) and fuzz.partial_ratio(o, text) >= 50 and len(o) == 2
                    and any(text[k:k + 2] != o and sum(a == b for a, b in zip(text[k:k + 2], o)) == 1
                            for k in range(len(text) - 1))]
            return near[0] if len(near) == 1 and len(text) <= 3 else None
        return None
    return accept


KIND_MAX = {"name": 8, "names": 40, "case_name": 40, "institution": 26, "date": 18, "int": 6, "number": 40, "text": 60}


def as_datetime(text: str) -> str | None:
    found = find_datetimes(text)
    return found[0][2] if found else None


_DIGIT_LIKE = str.maketrans("lIi|丨Oo", "1111100")


def as_id_no(text: str) -> str | None:
    text = text.replace(" ", "")
    m = re.search(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])", text)
    if m:
        return m.group(1).upper()
    # a digit read as a letter (i for 1, O for 0): taken back only when the number's check
    # digit then agrees, so a misreading is never made into another valid number by chance
    # or a stroke before or after it read as one more digit (an underline's end as 1)
    for m in re.finditer(r"(?<![0-9A-Za-z])([0-9lIi|丨Oo]{17,18}[0-9XxlIi|丨Oo])(?![0-9A-Za-z])", text):
        run = m.group(1)
        found = set()
        for raw in {run[k:k + 18] for k in range(len(run) - 17)}:
            fixed = raw[:17].translate(_DIGIT_LIKE) + (raw[17].upper() if raw[17] in "Xx" else raw[17].translate(_DIGIT_LIKE))
            if sum(c.isdigit() for c in raw) >= 15 and id_checksum_ok(fixed):
                found.add(fixed)
        if len(found) == 1:
            return found.pop()
    return None


def as_text(text: str) -> str | None:
    v = clean_text(text.strip(SEP))  # a summary keeps its closing full stop
    return v if len(v) >= 2 else None


def as_amount(text: str) -> float | int | None:
    return parse_amount(text.replace("人民币", "").rstrip("元"))


def accept_for(name: str, vocab: Vocabulary, years: tuple[int, ...] = ()) -> tuple[Callable[[str], Any], str] | None:
    """How a value of field ``name`` is checked, and its kind (for the length of its slot)."""
    if name in vocab.options:
        return as_choice(vocab.choices(name)), "text"
    if name.endswith("_gender"):
        return as_choice(["男", "女"]), "text"
    if name.endswith("_on") or name.endswith("_date"):
        return (lambda t: as_date(t, years)), "date"
    table: dict[str, tuple[Callable[[str], Any], str]] = {
        "received_at": (as_datetime, "date"), "case_name": (as_case_name, "case_name"), "case_no": (as_case_no, "number"),
        "procuratorate": (as_institution(("人民检察院", "检察院")), "institution"),
        "detention_center": (as_institution(("看守所", "拘留所")), "institution"),
        "court": (as_institution(("人民法院", "法院")), "institution"),
        "suspect_names": (as_names, "names"), "reporter_id_no": (as_id_no, "number"), "party_id_no": (as_id_no, "number"),
        "page_count": (as_int, "int"), "volume_no": (as_int, "int"), "volume_count": (as_int, "int"),
        "deposit_amount": (as_amount, "number"), "summary": (as_text, "text"), "reason": (as_text, "text"),
        "violation": (as_text, "text"), "penalty": (as_text, "text"),
    }
    if name in table:
        return table[name]
    if name in ("addressee", "applicant", "respondent", "defendant"):
        return as_party, "institution"
    if name.endswith("_name") or name in ("receiving_officer", "compiled_by", "checked_by", "applicant", "plaintiff"):
        return as_name, "name"
    return None

#: Words that point at a value printed elsewhere on the form, never a value themselves.
BACK_REFERENCES = ("上述", "该案", "本案", "此案")


def as_labelled_case_name(text: str) -> str | None:
    """A case name in its labelled cell: as :func:`as_case_name`, or (its closing 案 misread)
    any run of three or more ideographs that is neither a label nor a back-reference."""
    v = as_case_name(text)
    if v:
        return v
    m = re.match(rf"[{CJK}]{{3,40}}", text.strip(SEP))
    if not m or m.group(0).startswith(BACK_REFERENCES) or current().opens_with_label(m.group(0)):
        return None
    return m.group(0)


#: How a value printed under its label is checked, where that differs from a slot's check.
LABELLED: dict[str, Callable[[str], Any]] = {"case_name": as_labelled_case_name}
