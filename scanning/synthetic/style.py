"""How one bureau prints its forms, and how one scanner damages them.

:class:`Style` holds the choices real bureaux make differently (fonts, margins, letter-spaced
titles, bracket and digit styles, Arabic or Chinese-numeral dates, 本局/我局/我单位, the 2012 or
2018 article numbers, amounts in Chinese capitals); :class:`Damage` holds what the scanner
does to the paper. Both are drawn from a seed so a corpus is reproducible, and the
formatting helpers here turn the normalised facts into printed text.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

FONTS: dict[str, tuple[str, int]] = {
    "noto_serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "noto_sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "wqy_zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "ukai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
}
BOLD_FONTS: dict[str, tuple[str, int]] = {
    "noto_serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "noto_sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "wqy_zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}

# Criminal Procedure Law article numbers: (2012 text, 2018 text)
ARTICLES: dict[str, tuple[str, str]] = {
    "filing": ("第一百一十条", "第一百一十二条"),
    "detention": ("第八十条", "第八十二条"),
    "bail": ("第六十五条", "第六十七条"),
    "bail_release": ("第七十七条", "第七十九条"),
    "arrest_request": ("第八十五条", "第八十七条"),
    "arrest": ("第七十八条", "第八十条"),
    "prosecution": ("第一百六十条", "第一百六十二条"),
}
BRACKETS_ROUND = [("（", "）"), ("(", ")")]
BRACKETS_SQUARE = [("〔", "〕"), ("[", "]"), ("【", "】"), ("〔", "〕")]
CN_DIGITS = "〇一二三四五六七八九"
CAPITALS = "零壹贰叁肆伍陆柒捌玖"


@dataclass
class Style:
    font: str = "noto_serif"
    title_font: str = "noto_serif_bold"
    body_pt: float = 14
    title_pt: float = 22
    margin_mm: tuple[float, float, float, float] = (25, 30, 25, 25)  # left, top, right, bottom
    line_spacing: float = 1.6
    letter_spaced_title: bool = True
    date_style: str = "arabic"  # arabic | arabic0 | dot | chinese: dates inside sentences
    sign_date_style: str = "chinese"  # the date of issue beside the seal
    full_width_digits: bool = False
    round_brackets: tuple[str, str] = ("（", "）")
    square_brackets: tuple[str, str] = ("〔", "〕")
    self_ref: str = "我局"  # 本局 | 我局 | 我单位
    law_2018: bool = True
    capital_amounts: bool = False
    docno_align: str = "right"  # right | center
    tick: str = "☑"  # ☑ | √ | ■
    seal: bool = True
    zero_char: str = "〇"  # 〇 | ○ | 零
    double_sided: bool = False  # blank backs after every sheet of single-page documents
    number_pages: bool = True
    # set by template families (scanning.synthetic.families); None/False keep the classic drawing
    label_font: str | None = None  # printed labels of a form (e.g. 黑体 labels)
    value_font: str | None = None  # filled-in values (e.g. 楷体 values)
    value_ink: tuple[int, int, int] | None = None  # values filled in with another ink
    value_underline: bool = False  # values stand on underlined blanks


def make_style(seed: int) -> Style:
    rng = random.Random(seed * 104729 + 3)
    font = rng.choice(list(FONTS))
    return Style(
        font=font,
        title_font=rng.choice(list(BOLD_FONTS)) if rng.random() < 0.8 else font,
        body_pt=rng.choice((12, 13, 14, 15, 16)),
        title_pt=rng.choice((20, 22, 24, 26)),
        margin_mm=(rng.uniform(18, 32), rng.uniform(18, 35), rng.uniform(15, 28), rng.uniform(15, 25)),
        line_spacing=rng.uniform(1.35, 1.9),
        letter_spaced_title=rng.random() < 0.6,
        date_style=rng.choice(("arabic", "arabic", "arabic0", "chinese")),
        sign_date_style=rng.choice(("chinese", "chinese", "arabic", "arabic0")),
        full_width_digits=rng.random() < 0.25,
        round_brackets=rng.choice(BRACKETS_ROUND),
        square_brackets=rng.choice(BRACKETS_SQUARE),
        self_ref=rng.choice(("本局", "我局", "我单位")),
        law_2018=rng.random() < 0.6,
        capital_amounts=rng.random() < 0.5,
        docno_align=rng.choice(("right", "center")),
        tick=rng.choice(("☑", "☑", "√", "■")),
        seal=rng.random() < 0.9,
        zero_char=rng.choice(("〇", "〇", "○", "零")),
        double_sided=rng.random() < 0.5,
        number_pages=rng.random() < 0.9,
    )


@dataclass
class Damage:
    dpi: int = 300
    skew_deg: float = 1.5  # maximum absolute skew
    rotate_p: float = 0.15  # chance a page is scanned sideways or upside down
    noise: float = 6.0  # standard deviation of grey noise
    blur: float = 0.4
    jpeg_quality: int | None = 80  # None: lossless
    mode: str = "L"  # L | RGB | 1 (bitonal)
    tint: int = 0  # paper darkness 0..30
    speckle: float = 0.0002  # fraction of pixels turned to dust


def make_damage(seed: int, level: str = "normal") -> Damage:
    rng = random.Random(seed * 15485863 + 11)
    if level == "clean":
        return Damage(dpi=300, skew_deg=0, rotate_p=0, noise=0, blur=0, jpeg_quality=None, mode="RGB", tint=0, speckle=0)
    heavy = level == "heavy"
    return Damage(
        dpi=rng.choice((200, 240, 300, 300, 400)),
        skew_deg=3.0 if heavy else rng.choice((0.5, 1.0, 2.0, 3.0)),
        rotate_p=0.3 if heavy else rng.choice((0.0, 0.1, 0.2)),
        noise=rng.uniform(8, 16) if heavy else rng.uniform(0, 8),
        blur=rng.uniform(0.5, 1.0) if heavy else rng.uniform(0, 0.6),
        jpeg_quality=rng.choice((35, 50)) if heavy else rng.choice((None, 60, 75, 90)),
        mode=rng.choice(("L", "RGB", "RGB", "1")) if not heavy else rng.choice(("L", "RGB")),
        tint=rng.randint(0, 25),
        speckle=rng.uniform(0, 0.0008 if heavy else 0.0003),
    )


# -- text formatting ------------------------------------------------------------------

def digits(text: str, style: Style) -> str:
    if not style.full_width_digits:
        return text
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


def cn_number(n: int) -> str:
    """Small cardinal numbers as read aloud: 17 -> 十七, 20 -> 二十, 10 -> 十."""
    if n < 10:
        return CN_DIGITS[n] if n else "零"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(d: dt.date, zero: str = "〇") -> str:
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year)).replace("〇", zero)
    return f"{year}年{cn_number(d.month)}月{cn_number(d.day)}日"


def fmt_date(d: dt.date, style: Style, how: str | None = None) -> str:
    how = how or style.date_style
    if how == "chinese":
        return cn_date(d, style.zero_char)
    if how == "arabic0":
        text = f"{d.year}年{d.month:02d}月{d.day:02d}日"
    elif how == "dot":
        text = f"{d.year}.{d.month}.{d.day}"
    else:
        text = f"{d.year}年{d.month}月{d.day}日"
    return digits(text, style)


def fmt_datetime(t: dt.datetime, style: Style) -> str:
    return fmt_date(t.date(), style, "arabic0" if style.date_style == "arabic0" else "arabic") + digits(
        f"{t.hour}时{t.minute:02d}分" if style.date_style == "arabic0" else f"{t.hour}时{t.minute}分", style
    )


def capital_amount(n: int) -> str:
    """Yuan in Chinese capitals as written on bail forms: 3000 -> 叁仟, 20000 -> 贰万, 1500 -> 壹仟伍佰."""
    units = [(10000, "万"), (1000, "仟"), (100, "佰"), (10, "拾"), (1, "")]
    out, zero_pending = "", False
    for value, unit in units:
        q, n = divmod(n, value)
        if q:
            if zero_pending and out:
                out += "零"
            out += CAPITALS[q] + unit
            zero_pending = False
        elif out:
            zero_pending = True
    return out or "零"


def fmt_amount(n: int, style: Style) -> str:
    return capital_amount(n) if style.capital_amounts else digits(str(n), style)


def fmt_doc_no(normal: str, style: Style) -> str:
    """Print a normalised number (brackets （） and 〔〕) in the bureau's bracket style."""
    ro, rc = style.round_brackets
    so, sc = style.square_brackets
    return digits(normal.replace("（", ro).replace("）", rc).replace("〔", so).replace("〕", sc), style)


def article(name: str, style: Style) -> str:
    return ARTICLES[name][1 if style.law_2018 else 0]


def spaced(title: str, style: Style) -> str:
    return " ".join(title) if style.letter_spaced_title else title
