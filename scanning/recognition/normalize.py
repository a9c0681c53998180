"""Normalise values as FORMS.md prescribes: dates, date-times, amounts, document numbers.

Every parser here takes text as printed *and as OCR reads it*: full-width digits, stray
spaces, Chinese numerals with 〇/○/零 (and the O or 0 OCR puts for them), Chinese capital
amounts (叁仟元), and every bracket style of document numbers. Each returns ``None`` when the
text holds no valid value: a field not found is left out, never guessed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Collection

FULL_TO_HALF = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
CN_DIGIT = {"〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "0": 0, "Q": 0, "口": 0, "一": 1, "二": 2, "三": 3, "四": 4,
            "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_DIGIT_CHARS = "".join(CN_DIGIT)
CAPITAL_DIGIT = {"零": 0, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "参": 3, "肆": 4, "伍": 5, "陆": 6, "陸": 6, "柒": 7, "捌": 8,
                 "玖": 9, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CAPITAL_UNIT = {"拾": 10, "十": 10, "佰": 100, "百": 100, "仟": 1000, "千": 1000,
                "什": 1000}  # 什 is 仟 with a stroke lost (no amount is written with 什)

ROUND_OPEN, ROUND_CLOSE = "（(", "）)"
SQUARE_OPEN, SQUARE_CLOSE = "〔[【［", "〕]】］"

_ARABIC_DATE = re.compile(r"((?:19|20)\d\d)[\s_＿]*[年.\-/][\s_＿]*(\d{1,2})[\s_＿]*[月.\-/][\s_＿]*(\d{1,2})[\s_＿]*日?")  # _ : a blank's underline
_DOTTED_COMMA_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[，,](\d\d)\.(\d\d)")
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_CN_DATE = re.compile(rf"([{CN_DIGIT_CHARS}]{{4}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*([一二三四五六七八九十]{{1,3}})\s*日")
# the same with OCR noise inside the year (二人〇一九, 二GO一九, 二C〇一六): up to two stray
# characters among the four numerals, beside the seal where such slips are common
# a year with its 〇s lost (二一六年, 二二年 of 二〇二〇): read only as a year the text is known to concern;
# its 日 may be read 曰, 目 or 旦
_CN_DATE_SHORT = re.compile(rf"(?<![{CN_DIGIT_CHARS}])([{CN_DIGIT_CHARS}]{{2,3}})\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*"
                            rf"([一二三四五六七八九十]{{1,3}})\s*[日曰目旦]")
_CN_DATE_NOISY = re.compile(rf"([{CN_DIGIT_CHARS}][^年月日\d\s，。]{{3,6}}?)\s*年\s*([一二三四五六七八九十]{{1,3}})\s*月\s*"
                            rf"([一二三四五六七八九十]{{1,3}})\s*日")
# Arabic digits misread as look-alikes (2018年了月11日): only inside the full 年…月…日 frame
LOOKALIKE_DIGIT = {"了": "7", "l": "1", "I": "1", "|": "1", "]": "1", "O": "0", "o": "0", "Z": "2", "z": "2",
                   "S": "5", "s": "5", "B": "8", "q": "9", "g": "9"}
_LOOKALIKES = re.escape("".join(LOOKALIKE_DIGIT))
# and a speck read between the two digits of a day or month (2018年4月2:8日)
SPECKS = ":：.·'’`,"
_SPECK = f"[{re.escape(SPECKS)}]"
_ARABIC_DATE_NOISY = re.compile(rf"((?:19|20)\d\d)\s*年\s*([\d{_LOOKALIKES}](?:{_SPECK}?[\d{_LOOKALIKES}])?)\s*月\s*"
                                rf"([\d{_LOOKALIKES}](?:{_SPECK}?[\d{_LOOKALIKES}])?)\s*日")
# a year read with a stray digit (20195年2月1日): taken only as a year the text is known to concern
_ARABIC_DATE_LONG_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# and one with a digit lost under a seal ((印)018年8月20日): likewise
_ARABIC_DATE_SHORT_YEAR = re.compile(r"(?<!\d)(\d{3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATETIME = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(\d{1,2})\s*[时:：点]\s*(\d{1,2})\s*分?")
#: a date in figures and a clock time, as a form's table prints them: 2021.2.17 21:30, 2021-02-17 21:30;
#: the day and the hour are read apart where the space between them was lost (2021.1.117:05)
_DATETIME_FIGURES = re.compile(r"((?:19|20)\d\d)\s*([./\-])\s*(\d{1,2})\s*\2\s*(\d{1,2}\s+\d{1,2}|\d{2,4})\s*[:：]\s*(\d{2})(?!\d)")


def half_width(text: str) -> str:
    """Fold full-width ASCII (digits, letters, brackets) to half-width; drop ideographic spaces."""
    return text.translate(FULL_TO_HALF).replace("\u3000", " ")


def cn_small_number(text: str) -> int | None:
    """十七 -> 17, 二十 -> 20, 十 -> 10, 三十一 -> 31, 七 -> 7."""
    if not text:
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = CN_DIGIT.get(tens, None) if tens else 1
        o = CN_DIGIT.get(ones, None) if ones else 0
        if t is None or o is None or len(tens) > 1 or len(ones) > 1:
            return None
        return t * 10 + o
    if len(text) == 1 and text in CN_DIGIT:
        return CN_DIGIT[text]
    return None


def make_date(y: int, m: int, d: int) -> str | None:
    """``YYYY-MM-DD`` of a real date, else None."""
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def _taken(out: list[tuple[int, int, str]], m: re.Match[str]) -> bool:
    """Whether the match ``m`` overlaps a date already found."""
    return any(s < m.end() and m.start() < e for s, e, _ in out)


def _hinted_year(digits: list[str], years: Collection[int]) -> int | None:
    """The one year of ``years`` whose numerals (Chinese or Arabic) are read, in order, among
    ``digits`` with stray ones between (二OO一六 holds 2016, 2006 and 2001; told 2016, it is 2016)."""
    values = [int(c) if c.isdigit() else CN_DIGIT[c] for c in digits]

    def inside(year: int) -> bool:
        it = iter(values)
        return all(int(d) in it for d in str(year))

    def lost(year: int) -> bool:  # 二一六: one numeral of 2016 lost; 二二: both 〇s of 2020; 一七: 2017's last two
        want = [int(d) for d in str(year)]
        if len(values) == 3:
            return values[0] == want[0] and any(want[:k] + want[k + 1:] == values for k in range(1, 4))
        if len(values) != 2:
            return False
        if values == want[2:]:  # 一七: the 二〇 of 二〇一七 lost under a seal
            return True
        zeros = [i for i in range(1, len(want)) if want[i] == 0]
        return any(values == [d for i, d in enumerate(want) if i not in pair] for pair in itertools.combinations(zeros, 2))

    found = {y for y in years if inside(y) or lost(y)}
    return found.pop() if len(found) == 1 else None


def _lost_digit_year(digits: str, years: Collection[int]) -> int | None:
    """The one year of ``years`` that ``digits`` (three) is with one digit lost (018 of 2018)."""
    found = {y for y in years if any(str(y)[:k] + str(y)[k + 1:] == digits for k in range(4))}
    return found.pop() if len(found) == 1 else None


def find_dates(text: str, compact: bool = False, years: Collection[int] = ()) -> list[tuple[int, int, str]]:
    """All dates in ``text`` as (start, end, ISO date), in Arabic or Chinese numerals.

    ``years``: the years the text is known to concern (its document number's). A year in
    Chinese numerals read with one or two stray numerals in it (二OO一六, 二O〇二@〇) is
    taken when exactly one of them is read in it, in order; without them it is left out.
    """
    text = half_width(text)
    out: list[tuple[int, int, str]] = []
    for m in _ARABIC_DATE.finditer(text):
        if ("年" in m.group(0) and len(m.group(3)) == 1 and not m.group(0).endswith("日")
                and re.match(r"[^\d\s年月日][日目曰]", text[m.end():m.end() + 2])):
            continue  # 2018年3月3:日: the day's second digit misread, the day unknown (31? 3?)
        iso = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            out.append((m.start(), m.end(), iso))
    for m in _ARABIC_DATE_NOISY.finditer(text):
        # a clean reading that stopped short of 日 (2018年4月2 of 2018年4月2:8日) gives way
        out = [o for o in out if not (o[0] == m.start() and o[1] < m.end() and not text[o[0]:o[1]].endswith("日"))]
        if _taken(out, m):
            continue
        mo, d = (int("".join(LOOKALIKE_DIGIT.get(c, c) for c in g if c not in SPECKS)) for g in (m.group(2), m.group(3)))
        iso = make_date(int(m.group(1)), mo, d)
        if iso:
            out.append((m.start(), m.end(), iso))
    if years:
        for m in [*_ARABIC_DATE_LONG_YEAR.finditer(text), *_ARABIC_DATE_SHORT_YEAR.finditer(text)]:
            if _taken(out, m):
                continue
            year = _hinted_year(list(m.group(1)), years) if len(m.group(1)) > 4 else _lost_digit_year(m.group(1), years)
            iso = make_date(year, int(m.group(2)), int(m.group(3))) if year else None
            if iso:
                out.append((m.start(), m.end(), iso))
    for m in _CN_DATE.finditer(text):
        year = "".join(str(CN_DIGIT[c]) for c in m.group(1))
        mo, d = cn_small_number(m.group(2)), cn_small_number(m.group(3))
        if mo and d and 1950 <= int(year) <= 2099:  # 三〇一九 is 二〇一九 misread, not a year
            iso = make_date(int(year), mo, d)
            if iso:
                out.append((m.start(), m.end(), iso))
    for m in _CN_DATE_SHORT.finditer(text):
        raw = m.group(1)
        if len(raw) == 3 and raw[0] == "二" and raw[1] in "一二三四五六七八九":
            year = 2000 + 10 * CN_DIGIT[raw[1]] + CN_DIGIT[raw[2]]  # 二一六: the 〇 of 二〇一六 lost (see _ZERO_LOST_YEAR)
        else:
            year = _hinted_year(list(raw), years) if years else None
        mo, d = cn_small_number(m.group(2)), cn_small_number(m.group(3))
        iso = make_date(year, mo, d) if year and mo and d else None
        if iso and not _taken(out, m):
            out.append((m.start(), m.end(), iso))
    for m in _CN_DATE_NOISY.finditer(text):
        if _taken(out, m):
            continue
        raw = m.group(1)
        digits = [c for c in raw if c in CN_DIGIT]
        if len(raw) == 4 and raw[0] == "二" and raw[1] not in CN_DIGIT and all(c in CN_DIGIT for c in raw[2:]):
            digits = ["二", "〇", raw[2], raw[3]]  # 二〇一八 with its 〇, the usual casualty, misread (二外一八)
        if len(digits) == 4 and len(raw) - 4 <= 2:
            year = int("".join(str(CN_DIGIT[c]) for c in digits))
        elif 3 <= len(digits) <= 6 and len(raw) <= 7 and years:  # 二@〇一个: 八 misread, 2018 told
            year = _hinted_year(digits, years) or 0
        else:
            continue
        mo, d = cn_small_number(m.group(2)), cn_small_number(m.group(3))
        if 1950 <= year <= 2099 and mo and d:
            iso = make_date(year, mo, d)
            if iso:
                out.append((m.start(), m.end(), iso))
    if compact:
        taken = [(s, e) for s, e, _ in out]
        # a table cell's dotted date with its first dot read as a comma (2018，05.23)
        for m in _DOTTED_COMMA_DATE.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                iso = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                if iso:
                    out.append((m.start(), m.end(), iso))
                    taken.append((m.start(), m.end()))
        for m in _COMPACT_DATE.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                iso = make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                if iso:
                    out.append((m.start(), m.end(), iso))
    return sorted(out)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD`` (2018年1月17日, 2018.01.17, 二〇一八年一月十七日)."""
    found = find_dates(re.sub(r"\s+", "", text), compact=True)
    return found[0][2] if found else None


def find_datetimes(text: str) -> list[tuple[int, int, str]]:
    out = []
    text = half_width(text)
    for m in _DATETIME.finditer(text):
        y, mo, d, h, mi = (int(g) for g in m.groups())
        if make_date(y, mo, d) and h < 24 and mi < 60:
            out.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}"))
    for m in _DATETIME_FIGURES.finditer(text):
        y, mo, mi = int(m.group(1)), int(m.group(3)), int(m.group(5))
        dh = m.group(4)
        # the space kept says where the day ends; lost, the hour is taken with two figures
        # when it can be (minutes are always printed with two, most hours too), else one
        splits = [dh.split()] if " " in dh else [[dh[:-2], dh[-2:]], [dh[:-1], dh[-1:]]]
        for d_s, h_s in splits:
            if d_s and make_date(y, mo, int(d_s)) and int(h_s) < 24 and mi < 60:
                if not any(a <= m.start() < b for a, b, _ in out):
                    out.append((m.start(), m.end(), f"{y:04d}-{mo:02d}-{int(d_s):02d}T{int(h_s):02d}:{mi:02d}"))
                break
    return sorted(out)


def parse_datetime(text: str) -> str | None:
    """``2018年1月16日10时30分`` -> ``2018-01-16T10:30``."""
    found = find_datetimes(re.sub(r"\s+", "", text))
    return found[0][2] if found else None


def parse_amount(text: str) -> int | float | None:
    """Yuan as a number from Arabic digits (3,000 / 3000.00) or Chinese capitals (叁仟 / 人民币壹万贰仟元整)."""
    t = half_width(re.sub(r"\s+", "", text)).replace("人民币", "").replace("整", "").rstrip("元")
    m = re.fullmatch(r"¥?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?", t)
    if m:
        whole = int(m.group(1).replace(",", ""))
        return whole + int(m.group(2)) / 10 ** len(m.group(2)) if m.group(2) and int(m.group(2)) else whole
    if not t or any(c not in CAPITAL_DIGIT and c not in CAPITAL_UNIT and c not in "万萬亿" for c in t):
        return None
    total, section, digit = 0, 0, None
    for c in t:
        if c in CAPITAL_DIGIT:
            digit = CAPITAL_DIGIT[c]
        elif c in CAPITAL_UNIT:
            section += (1 if digit is None else digit) * CAPITAL_UNIT[c]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


_BR = r"[^\d\u4e00-\u9fff号]"
_DOC_NO = re.compile(
    rf"(?P<head>[\u4e00-\u9fff（）().·．、〈〉《》\\/|]{{1,16}}?)[字子]\s*{_BR}{{0,2}}[01lI|]?\s*(?P<year>(?:19|20)\d\d)\s*(?:[1jJlI|]?{_BR}{{1,2}}|[1jJlI|])?\s*"
    r"(?P<serial>\d{1,6})\s*号"
)


def normalize_doc_no(text: str) -> str | None:
    """The normal form of a document number: no white space, brackets （） and 〔〕, ASCII digits.

    字 read as 子 before the bracketed year (受案子【2017】) is put back.

    Returns None when ``text`` does not look like a document number (``…字〔year〕serial号``
    or a court case number ``（2018）鲁0105行初123号``). The serial is kept as printed.
    """
    t = half_width(re.sub(r"\s+", "", text))
    court = re.search(r"[（(\[【〔]((?:19|20)\d\d)[）)\]】〕]([\u4e00-\u9fff]{1,2}\d{0,6}[\u4e00-\u9fff]{1,3}\d{1,6}号)", t)
    if court and "字" not in t:
        return f"（{court.group(1)}）{court.group(2)}"
    m = _DOC_NO.search(t)
    if not m:
        return None
    head = m.group("head")
    # a title or authority read on the same row ends with one of these: the number starts after it
    for marker in ("书", "证", "表", "执", "分局", "政府", "法院"):
        k = head.rfind(marker)
        if 0 <= k < len(head) - len(marker) - 1:
            head = head[k + len(marker):]
    head = re.sub(r"[.·．、\\/|]", "", head)  # specks and strokes read between the characters
    head = re.sub(r"[(（〈《]+", "（", head)
    head = re.sub(r"[)）〉》]+", "）", head)
    head = _repair_police_head(head)
    return f"{head}字〔{m.group('year')}〕{m.group('serial')}号"


# the police number's head is {abbreviation}公（刑|行）{kind}: a kind of the formats read one
# character off is put right (a bureau's own kinds, of other lengths, are left as read)
POLICE_KINDS = ("受案", "立", "立告", "不立", "拘", "取保", "解保", "提捕", "捕", "诉", "行罚决")
#: The one category a kind is numbered in (受案 is used in both, so it has none here).
KIND_CATEGORY = {**{k: "刑" for k in POLICE_KINDS if k not in ("受案", "行罚决")}, "行罚决": "行"}


def _repair_police_head(head: str) -> str:
    """Put right the slips OCR makes in ``…公（刑）kind``: one stray character between 公 and
    the bracket (公人（行）), a lost closing bracket (公（刑立), a kind of three or more
    characters with one character misread (行昼决)."""
    m = re.fullmatch(r"(?P<abbr>.*?公)(?P<stray>[^（）]?)（?(?P<cat>[刑行])）?(?P<kind>[\u4e00-\u9fff]{1,4})", head)
    if not m:  # the category misread inside whole brackets (（剂）): the kind tells it, when only one fits
        m = re.fullmatch(r"(?P<abbr>.*?公)(?P<stray>[^（）]?)（(?P<cat>[\u4e00-\u9fff])）(?P<kind>[\u4e00-\u9fff]{1,4})", head)
        cat = KIND_CATEGORY.get(m.group("kind")) if m else None
        if not cat:
            return head
        return f"{m.group('abbr')}（{cat}）{m.group('kind')}"
    if "（" not in head and "）" not in head:
        return head
    kind = m.group("kind")
    if kind not in POLICE_KINDS and len(kind) >= 3:
        near = [k for k in POLICE_KINDS if len(k) == len(kind) and sum(a != b for a, b in zip(k, kind)) == 1]
        if len(near) == 1:
            kind = near[0]
    return f"{m.group('abbr')}（{m.group('cat')}）{kind}"


def doc_no_kind(normal: str) -> str | None:
    """The kind of a normalised number: 立 for 济天公（刑）立字〔2018〕1号."""
    m = re.search(r"(?:）|公)([\u4e00-\u9fff]{1,4})字〔", normal)
    return m.group(1) if m else None


def id_checksum_ok(id_no: str) -> bool:
    """ISO 7064 MOD 11-2 check of an 18-character identity number."""
    if not re.fullmatch(r"\d{17}[\dX]", id_no):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w for c, w in zip(id_no, weights)) % 11] == id_no[-1]


def normalize_case_no(text: str) -> str | None:
    """A case (A…) or incident (J…) number: the letter and 22 digits; O read for 0 is folded,
    a speck read between two digits (A733557305587201703：3826) dropped."""
    t = half_width(re.sub(r"\s+", "", text))
    t = re.sub(rf"(?<=[0-9OoIl]){_SPECK}(?=[0-9OoIl])", "", t)
    m = re.search(r"([AJ])([0-9OoIl]{22})(?![0-9])", t)
    if not m:
        return None
    return m.group(1) + m.group(2).translate(str.maketrans("OoIl", "0011"))


_STRAY_IN_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)[^\d年月日，。,.\s](?=年\d{1,2}月)")


#: a year read with a digit too many before it (22018年5月: the blank's underline read as 2)
_DIGIT_BEFORE_YEAR = re.compile(r"(?<![\d.])\d((?:19|20)\d\d)(?=年\d{1,2}月)")


# a year of this century in Chinese numerals with its 〇 lost (二一六年 of 二〇一六年): the
# only four-numeral years that open with 二 are 二〇…, so three numerals opening with 二 and
# another numeral than a zero can only be one with the 〇 lost (its other numerals and the
# 月 after it read): no year need be told
_ZERO_LOST_YEAR = re.compile(r"(?<![〇○零一二三四五六七八九十OoQ0-9])二([一二三四五六七八九])([〇○零一二三四五六七八九])(?=年[一二三四五六七八九十]{1,2}月)")


def clean_text_dates(text: str) -> str:
    """Free text with a stray mark between a date's year and 年 dropped (2020人年4月21日),
    a digit read before a year that makes it five digits long (22018年5月19日), and the
    〇 of a year in Chinese numerals put back where it was lost (二一六年三月 → 二〇一六年三月)."""
    text = _ZERO_LOST_YEAR.sub(r"二〇\1\2", text)
    return _DIGIT_BEFORE_YEAR.sub(r"\1", _STRAY_IN_DATE.sub(r"\1", text))


#: Marks an engine reads for the full stop that closes a Chinese sentence (…公安机关处理°).
STOP_LOOKALIKES = "°º˚"


def clean_text(text: str) -> str:
    """A free-text field (a summary, the facts of a violation) as printed: its dates cleaned
    (``clean_text_dates``) and its closing full stop read as a degree sign put back (处理° → 处理。)."""
    text = clean_text_dates(text)
    if len(text) > 1 and text[-1] in STOP_LOOKALIKES and "\u4e00" <= text[-2] <= "\u9fff":
        text = text[:-1] + "。"
    return text
