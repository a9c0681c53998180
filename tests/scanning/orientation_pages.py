"""Pages that are hard to turn upright, rendered for tests/scanning/test_orientation.py and
bench/orientation.py (which loads this file by path).

Kinds (each deterministic from a seed; all names, places and numbers are made up):

- ``transcript``: the continuation page of an interrogation transcript (讯问笔录): no title,
  问/答 lines set tight on a character grid, words underlined, a signature line at the foot;
- ``table``: a ruled table of short cells (a list of seized articles);
- ``sparse``: a few short lines on an otherwise empty sheet;
- ``paragraphs``: long justified paragraphs, tight leading;
- ``grey``: a paragraphs-and-transcript page scanned grey (dark paper, faint ink);
- ``bilevel``: a transcript page scanned 1-bit (thresholded, ragged strokes).

Layout knobs (font, size, leading, letter spacing) vary with the seed, on purpose inside
the range where the line gap is close to the character gap: that is where a projection
profile is unsure.

``page(kind, seed, rotation=0)`` gives the page as the scanner saw it: turned ``rotation``
degrees clockwise (so it needs a ``rotation`` clockwise turn back... that is, the answer
an orientation detector must give is ``rotation``), with scan damage, as an RGB or L image.
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),  # SC face of the collection
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
]
KINDS = ("transcript", "table", "sparse", "paragraphs", "grey", "bilevel")
A4_IN = (8.27, 11.69)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
PLACES = ["东港市西湖区青年路", "南平市临江区滨河大道", "北川县城关镇解放街", "青石市河东区建设路"]
THINGS = ["手机", "笔记本电脑", "电动自行车", "现金", "银行卡", "金项链", "背包", "身份证", "钥匙", "手表"]
QUESTIONS = [
    "你把当天的经过详细讲一下。", "你们是几点钟到达{place}的？", "当时还有谁和你在一起？",
    "你拿走的{thing}放在什么地方？", "你认识{name}吗？是什么关系？", "你为什么要这样做？",
    "事后你把{thing}卖给了谁？卖了多少钱？", "你以上所说的是否属实？", "你还有什么要补充的吗？",
]
ANSWERS = [
    "那天晚上大概九点钟，我和{name}一起从{place}出来，走到路口的时候看见一辆{thing}停在路边没有上锁，"
    "{name}就让我在旁边看着人，他过去把{thing}推走了。",
    "我们是{hour}点多到的，到了以后先在门口等了一会儿，看没有人注意才进去的。",
    "就我和{name}两个人，没有别人。{name}是我的老乡，我们认识有两三年了。",
    "我把{thing}放在{place}{no}号我租住的房子里，后来被你们民警搜出来扣押了。",
    "认识，{name}是我以前在工地上干活时认识的朋友，平时经常一起吃饭喝酒。",
    "我当时没有钱花了，房租也交不上，一时糊涂就做了这个事情，我现在很后悔。",
    "卖给了{place}一个收旧货的人，我不知道他叫什么名字，卖了{money}元钱，钱已经花完了。",
    "属实。", "没有了。我愿意退赔被害人的损失，请求从轻处理。",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _fill(text: str, rng: random.Random) -> str:
    return text.format(name=_name(rng), place=rng.choice(PLACES), thing=rng.choice(THINGS),
                       hour=rng.randint(7, 11), no=rng.randint(1, 99), money=rng.randint(2, 30) * 100)


class _Sheet:
    """An A4 sheet being drawn at ``dpi`` with a body font and grid knobs from the seed."""

    def __init__(self, rng: random.Random, dpi: int, *, pt: float, leading: float, tracking: float) -> None:
        self.rng, self.dpi = rng, dpi
        self.w, self.h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
        self.img = Image.new("L", (self.w, self.h), 255)
        self.d = ImageDraw.Draw(self.img)
        path, index = rng.choice(FONTS)
        self.px = max(8, round(pt * dpi / 72))
        self.font = ImageFont.truetype(path, self.px, index=index)
        self.pitch = self.px * (1.0 + tracking)  # one character cell, on a grid
        self.line_h = round(self.px * leading)
        self.x0, self.x1 = int(self.w * 0.12), int(self.w * 0.88)
        self.y, self.y1 = int(self.h * 0.08), int(self.h * 0.92)
        self.truth: list[str] = []

    def cells(self) -> int:
        return int((self.x1 - self.x0) // self.pitch)

    def line(self, text: str, *, x: float | None = None, underline: list[tuple[int, int]] = ()) -> bool:
        """One line set on the character grid; ``underline``: (start, end) character spans."""
        if self.y + self.line_h > self.y1:
            return False
        x = self.x0 if x is None else x
        for i, ch in enumerate(text):
            self.d.text((x + i * self.pitch, self.y), ch, font=self.font, fill=0)
        ul = self.y + round(self.px * 1.12)
        for a, b in underline:
            self.d.line((x + a * self.pitch, ul, x + b * self.pitch, ul), fill=0, width=max(1, self.px // 14))
        self.truth.append(text.strip("\u3000 "))
        self.y += self.line_h
        return True

    def wrapped(self, text: str, *, indent: int = 0, underline_words: int = 0) -> bool:
        n = self.cells()
        text = "\u3000" * indent + text
        for k in range(0, len(text), n):
            part = text[k:k + n]
            spans = []
            for _ in range(underline_words):
                if len(part) > 6:
                    a = self.rng.randint(2, len(part) - 4)
                    spans.append((a, a + self.rng.randint(2, 4)))
            if not self.line(part, underline=spans):
                return False
        return True


def _transcript(s: _Sheet) -> None:
    rng = s.rng
    while True:
        i = rng.randrange(len(QUESTIONS))
        if not s.wrapped("问：" + _fill(QUESTIONS[i], rng), underline_words=rng.choice((0, 1))):
            break
        if not s.wrapped("答：" + _fill(ANSWERS[i], rng), underline_words=rng.choice((1, 2))):
            break
        if s.y > s.y1 - 4 * s.line_h:
            break
    s.y = s.y1 - s.line_h
    s.line("被讯问人：" + "\u3000" * 4 + "第" + str(rng.randint(2, 6)) + "页共" + str(rng.randint(6, 9)) + "页",
           x=s.x0 + s.cells() * s.pitch * 0.45)


def _table(s: _Sheet) -> None:
    rng = s.rng
    s.line("扣押物品清单", x=(s.w - 6 * s.pitch) / 2)
    s.y += s.line_h // 2
    cols = [0.08, 0.30, 0.12, 0.12, 0.38]
    heads = ["编号", "名称", "数量", "特征", "备注"]
    row_h = round(s.px * rng.uniform(1.6, 2.2))
    width = s.x1 - s.x0
    xs = [s.x0]
    for c in cols:
        xs.append(xs[-1] + round(c * width))
    rows = rng.randint(8, 16)
    top = s.y
    lw = max(1, s.px // 12)
    for r in range(rows + 1):
        y = top + r * row_h
        cells = heads if r == 0 else [str(r), rng.choice(THINGS), f"{rng.randint(1, 5)}", rng.choice(["黑色", "白色", "旧", "新"]),
                                      rng.choice(["", "已拍照", "现场提取", ""])]
        for k, text in enumerate(cells):
            for i, ch in enumerate(text):
                s.d.text((xs[k] + s.px * 0.4 + i * s.pitch, y + (row_h - s.px) / 2 - s.px * 0.1), ch, font=s.font, fill=0)
        s.truth.append("".join(cells))
    bottom = top + (rows + 1) * row_h
    for r in range(rows + 2):
        s.d.line((xs[0], top + r * row_h, xs[-1], top + r * row_h), fill=0, width=lw)
    for x in xs:
        s.d.line((x, top, x, bottom), fill=0, width=lw)
    s.y = bottom + s.line_h
    s.line("持有人：" + _name(rng) + "\u3000\u3000见证人：" + _name(rng))


def _sparse(s: _Sheet) -> None:
    rng = s.rng
    s.y = int(s.h * rng.uniform(0.15, 0.4))
    for _ in range(rng.randint(2, 4)):
        text = rng.choice(["以上笔录我看过，和我说的一样。", "此页无正文", "本页以下空白", _fill("被讯问人：{name}", rng),
                           _fill("讯问地点：{place}{no}号", rng), "附：现场照片三张"])
        s.line(text, x=s.x0 + rng.randint(0, 4) * s.pitch)
        s.y += s.line_h * rng.randint(0, 3)


def _paragraphs(s: _Sheet) -> None:
    rng = s.rng
    while s.y < s.y1 - s.line_h:
        text = "".join(_fill(rng.choice(ANSWERS), rng) for _ in range(rng.randint(2, 4)))
        if not s.wrapped(text, indent=2):
            break


def _scan(img: Image.Image, rng: random.Random, seed: int, *, grey: bool, bilevel: bool) -> Image.Image:
    """Scanner damage: a small skew, blur, noise; grey paper and faint ink; or 1-bit."""
    out = img.rotate(rng.uniform(-1.5, 1.5), resample=Image.Resampling.BICUBIC, fillcolor=255)
    out = out.filter(ImageFilter.GaussianBlur(0.7 if not bilevel else 0.9))
    arr = np.asarray(out, dtype=np.float32)
    if grey:
        arr = 185 + (arr / 255.0) * 30  # ink near 110..185 on paper ~215: a dark, flat scan
        arr = arr - (255 - np.asarray(out, dtype=np.float32)) * 0.25
        arr += np.linspace(-12, 12, arr.shape[1])[None, :]  # uneven lighting
    arr = arr + np.random.default_rng(seed).normal(0, 7 if grey else 5, arr.shape)
    arr = np.clip(arr, 0, 255).astype(np.uint8)
    out = Image.fromarray(arr, "L")
    if bilevel:
        return out.point(lambda v: 255 if v > 150 else 0).convert("1")
    return out


def page(kind: str, seed: int, rotation: int = 0, *, dpi: int = 200) -> Image.Image:
    """A ``kind`` page (see the module docstring) as scanned, turned ``rotation`` degrees
    clockwise. ``img.info["truth"]`` holds its lines of text; ``img.info["dpi"]``."""
    rng = random.Random(f"{kind}:{seed}")
    base = "transcript" if kind in ("grey", "bilevel") else kind
    s = _Sheet(rng, dpi, pt=rng.uniform(11, 14), leading=rng.uniform(1.3, 1.7) if base != "paragraphs" else rng.uniform(1.25, 1.45),
               tracking=rng.uniform(0.0, 0.25) if base in ("transcript", "sparse") else rng.uniform(0.0, 0.08))
    {"transcript": _transcript, "table": _table, "sparse": _sparse, "paragraphs": _paragraphs}[base](s)
    out = _scan(s.img, rng, seed, grey=kind == "grey", bilevel=kind == "bilevel")
    if rotation % 360:
        out = out.rotate(-rotation, expand=True)
    out.info["truth"] = s.truth
    out.info["dpi"] = (dpi, dpi)
    return out


def encode(img: Image.Image, dpi: int = 200) -> bytes:
    """The page as a scanner writes it: 1-bit as a Group 4 TIFF, grey as a JPEG."""
    buf = io.BytesIO()
    if img.mode == "1":
        img.save(buf, format="TIFF", compression="group4", dpi=(dpi, dpi))
    else:
        img.save(buf, format="JPEG", quality=80, dpi=(dpi, dpi))
    return buf.getvalue()
