"""Scanned-looking Chinese form pages for the scanning tests (and bench/ocr_throughput.py).

A small renderer of its own (the full one lives in ``scanning.synthetic``; these tests
must not depend on it): an A4 page with an authority line, a letter-spaced title, a
document number, body paragraphs built from the fixed sentences of FORMS.md with invented
names, a date and optionally a red round seal; then ``damage()`` skews, turns, blurs,
adds noise and JPEG artefacts the way a scanner does. Everything is deterministic from a
seed. All names and numbers are made up.
"""

from __future__ import annotations

import io
import math
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
]
A4_IN = (8.27, 11.69)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
AUTHORITIES = ["东港市公安局西湖区分局", "南平市公安局临江分局", "北川县公安局", "青石市公安局河东分局"]
CASES = ["盗窃案", "诈骗案", "故意伤害案", "寻衅滋事案", "抢夺案"]
TITLES = ["立案决定书", "立案告知书", "取保候审决定书", "拘留证", "受案回执", "解除取保候审决定书"]


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def sentences(rng: random.Random) -> list[str]:
    """Body paragraphs after the fixed wording of FORMS.md, with invented values."""
    name, victim = fake_name(rng), fake_name(rng)
    case = victim + "被" + rng.choice(CASES)
    y, m, d = rng.randint(2015, 2023), rng.randint(1, 12), rng.randint(1, 28)
    return [
        f"{victim}：你（单位）于{y}年{m}月{d}日报称的{case}，我局经审查，认为有犯罪事实需要追究刑事责任，"
        f"且属于管辖范围，根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，已决定立案。特此告知。",
        f"根据《中华人民共和国刑事诉讼法》第八十二条之规定，兹决定对犯罪嫌疑人{name}（性别男，出生日期"
        f"{y - 30}年{m}月{d}日，住址某某市某某区某某路{rng.randint(1, 99)}号）执行拘留，送看守所羁押。",
        f"我局正在侦查{case}，因犯罪嫌疑人{name}涉嫌犯罪，根据《中华人民共和国刑事诉讼法》第六十七条之规定，"
        f"决定对其取保候审，期限从{y}年{m}月{d}日起算。犯罪嫌疑人应当交纳保证金{rng.randint(1, 9)}000元。",
    ]


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if draw.textlength(cur + ch, font=font) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def seal(size: int, authority: str, font_path: str) -> Image.Image:
    """A red round seal (RGBA) with a star and the authority's name."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red = (215, 30, 35, 200)
    w = max(3, size // 40)
    d.ellipse((w, w, size - w, size - w), outline=red, width=w)
    cx = cy = size / 2
    r = size * 0.12
    pts = [(cx + r * math.sin(i * math.pi * 4 / 5), cy - r * math.cos(i * math.pi * 4 / 5)) for i in range(5)]
    d.polygon(pts, fill=red)
    f = ImageFont.truetype(font_path, int(size * 0.11))
    n = len(authority)
    for i, ch in enumerate(authority):
        ang = math.radians(-120 + 240 * i / max(n - 1, 1))
        x = cx + size * 0.36 * math.sin(ang)
        y = cy - size * 0.36 * math.cos(ang)
        d.text((x, y), ch, font=f, fill=red, anchor="mm")
    return img


def render_page(seed: int, *, dpi: int = 300, with_seal: bool = False, lines: int | None = None) -> Image.Image:
    """A clean upright A4 form page (RGB). ``lines`` limits the body to that many text lines.

    ``img.info["truth"]`` holds the printed lines, for measuring OCR."""
    rng = random.Random(seed)
    font_path = FONTS[seed % len(FONTS)]
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    pt = dpi / 72
    body = ImageFont.truetype(font_path, int(14 * pt))
    title_f = ImageFont.truetype(font_path, int(22 * pt))
    margin = int(w * 0.12)
    y = int(h * 0.08)
    authority = rng.choice(AUTHORITIES)
    truth: list[str] = []
    if lines is None:
        title = rng.choice(TITLES)
        no = f"东公（刑）立字〔{rng.randint(2015, 2023)}〕{rng.randint(1, 999):03d}号"
        d.text((w // 2, y), authority, font=body, fill="black", anchor="mt")
        y += int(28 * pt)
        d.text((w // 2, y), " ".join(title), font=title_f, fill="black", anchor="mt")
        y += int(40 * pt)
        d.text((w - margin, y), no, font=body, fill="black", anchor="rt")
        y += int(36 * pt)
        truth += [authority, title, no]
    text_lines: list[str] = []
    for para in sentences(rng):
        text_lines += _wrap(d, "\u3000\u3000" + para, body, w - 2 * margin)
    if lines is not None:
        text_lines = text_lines[:lines]
    for line in text_lines:
        d.text((margin, y), line, font=body, fill="black")
        y += int(26 * pt)
    truth += [line.strip("\u3000") for line in text_lines]
    if lines is None:
        y += int(30 * pt)
        date = f"{rng.randint(2015, 2023)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
        d.text((w - margin, y + int(40 * pt)), authority, font=body, fill="black", anchor="rt")
        d.text((w - margin, y + int(70 * pt)), date, font=body, fill="black", anchor="rt")
        truth += [authority, date]
        if with_seal:
            s = seal(int(1.6 * dpi), authority, font_path)
            img.paste(s, (w - margin - int(1.4 * dpi), y), s)
    img.info["truth"] = truth  # the text as printed, line by line (seal excluded)
    return img


def blank_page(seed: int, *, dpi: int = 300, hole: bool = True, bleed: bool = True) -> Image.Image:
    """The back of a single-sided sheet: paper tone, scanner noise, bleed-through, hole shadow."""
    rng = random.Random(seed)
    w, h = int(A4_IN[0] * dpi), int(A4_IN[1] * dpi)
    img = Image.new("L", (w, h), 245)
    if bleed:  # faint mirrored text from the front, as seen through the paper
        front = render_page(seed + 1000, dpi=dpi).convert("L").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        faint = Image.eval(front, lambda v: 245 - (255 - v) * 12 // 255)
        img = Image.fromarray(np.minimum(np.asarray(img), np.asarray(faint)))
    d = ImageDraw.Draw(img)
    if hole:
        r = int(0.12 * dpi)
        for cy in (h // 2 - int(1.5 * dpi), h // 2 + int(1.5 * dpi)):
            d.ellipse((int(0.4 * dpi) - r, cy - r, int(0.4 * dpi) + r, cy + r), fill=rng.randint(150, 190))
    arr = np.asarray(img, dtype=np.int16)
    noise = np.random.default_rng(seed).normal(0, 4, arr.shape)
    specks = np.random.default_rng(seed + 1).random(arr.shape) < 0.0004
    arr = np.clip(arr + noise, 0, 255)
    arr[specks] = 40
    return Image.fromarray(arr.astype(np.uint8)).convert("RGB")


def damage(img: Image.Image, *, rotation: int = 0, skew: float = 0.0, seed: int = 0, noise: float = 6.0,
           blur: float = 0.6, jpeg: int | None = 75, grey: bool = False) -> Image.Image:
    """Scan-like damage. ``rotation`` turns the page clockwise (as the scanner saw it);
    ``skew`` rotates counter-clockwise by that many degrees."""
    out = img.convert("L") if grey else img
    if skew:
        out = out.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor="white" if out.mode == "RGB" else 255)
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        arr = np.asarray(out, dtype=np.float32)
        arr = arr + np.random.default_rng(seed).normal(0, noise, arr.shape)
        out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rotation:
        out = out.rotate(-rotation, expand=True)
    if jpeg:
        buf = io.BytesIO()
        out.save(buf, format="JPEG", quality=jpeg)
        out = Image.open(io.BytesIO(buf.getvalue()))
        out.load()
    return out


def encode(img: Image.Image, fmt: str = "JPEG", dpi: int = 300) -> bytes:
    buf = io.BytesIO()
    kw = {"quality": 85} if fmt == "JPEG" else {}
    img.save(buf, format=fmt, dpi=(dpi, dpi), **kw)
    return buf.getvalue()


@pytest.fixture(scope="session")
def page_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pages")


CORPORA = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpora"


@pytest.fixture(scope="session")
def hostile_dir() -> Path:
    d = (CORPORA / "hostile").resolve()
    if not (d / "MANIFEST.tsv").exists():
        pytest.skip("../shared/corpora/hostile is absent")
    return d


def jpeg_pdf(jpegs: list[bytes], path: Path, dpi: int | list[int] = 300) -> Path:
    """A scanner-style PDF: one page per JPEG, the JPEG bytes embedded as they are.

    ``dpi`` (one for all, or one per page) sets each page's size from its pixels."""
    import pikepdf

    pdf = pikepdf.new()
    dpis = dpi if isinstance(dpi, list) else [dpi] * len(jpegs)
    for data, page_dpi in zip(jpegs, dpis):
        img = Image.open(io.BytesIO(data))
        w, h = img.size
        cs = "/DeviceGray" if img.mode == "L" else "/DeviceRGB"
        xobj = pikepdf.Stream(pdf, data)
        xobj.Type = pikepdf.Name.XObject
        xobj.Subtype = pikepdf.Name.Image
        xobj.Width, xobj.Height = w, h
        xobj.ColorSpace = pikepdf.Name(cs)
        xobj.BitsPerComponent = 8
        xobj.Filter = pikepdf.Name.DCTDecode
        pw, ph = w * 72 / page_dpi, h * 72 / page_dpi
        content = pikepdf.Stream(pdf, f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, pw, ph],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobj)),
            Contents=content,
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path
