"""Text left unread by the first OCR pass is found by its ink and read again (scanning.unread).

The pages are drawn by the test (a letter with a heading, a body and a sign-off, a ruled
frame, a grey seal across the sign-off); what the first pass "lost" is simulated by
giving ``read_unread`` a reading without those words, so the test does not depend on when
Tesseract's layout analysis happens to drop a block.
"""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

from scanning.ocr import ocr_image
from scanning.recognition.normalize import parse_date
from scanning.types import Line, PageOCR, Word
from scanning.unread import read_unread, unread_regions

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
HEADING = "云台市公安局东河区分局"
BODY = ["根据《中华人民共和国刑事诉讼法》第八十二条之规定，", "决定对犯罪嫌疑人执行拘留。"]
SIGN_OFF = ["云台市公安局东河区分局", "二〇一九年五月八日"]


def letter(*, frame: bool = False, dashed: bool = False, seal: int | None = None) -> Image.Image:
    """An A4 page at 300 dpi: heading, two body lines, a sign-off at the right."""
    img = Image.new("L", (2480, 3508), 248)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype(FONT, 50)
    d.text((700, 300), HEADING, font=ImageFont.truetype(FONT, 70), fill=0)
    for i, line in enumerate(BODY):
        d.text((250, 600 + 90 * i), line, font=f, fill=0)
    for i, line in enumerate(SIGN_OFF):
        d.text((1350, 1100 + 90 * i), line, font=f, fill=0)
    if frame:  # a border and an underline, solid or worn into dashes: no text
        for y in (200, 1500):
            for x in range(150, 2330, 60 if dashed else 2180):
                d.line([(x, y), (min(x + (35 if dashed else 2180), 2330), y)], fill=0, width=4)
        for x in (150, 2330):
            for y in range(200, 1500, 60 if dashed else 1300):
                d.line([(x, y), (x, min(y + (35 if dashed else 1300), 1500))], fill=0, width=4)
    if seal is not None:  # a round seal, in a grey lighter than the text, printed over the sign-off
        stamp = Image.new("L", img.size, 255)
        s = ImageDraw.Draw(stamp)
        s.ellipse([1500, 950, 1980, 1430], outline=seal, width=12)
        s.text((1640, 1150), "★", font=ImageFont.truetype(FONT, 120), fill=seal)
        img = ImageChops.darker(img, stamp)  # ink on ink: the darker shows
    return img


def without(ocr: PageOCR, y0: int, y1: int) -> PageOCR:
    """``ocr`` with the lines whose middle lies between ``y0`` and ``y1`` taken out, as if never read."""
    keep = [i for i, line in enumerate(ocr.lines) if not y0 <= (line.box[1] + line.box[3]) / 2 <= y1]
    out = PageOCR(ocr.width, ocr.height)
    renumber = {old: new for new, old in enumerate(keep)}
    out.lines = [ocr.lines[i] for i in keep]
    out.words = [w for w in ocr.words if w.line in renumber]
    return out


HEADING_YS = (250, 450)
SIGN_OFF_YS = (1050, 1350)


def test_a_page_read_whole_has_no_unread_region() -> None:
    img = letter(frame=True)
    assert unread_regions(img, ocr_image(img, dpi=300), 300) == []


@pytest.mark.parametrize("dashed", [False, True])
def test_rules_and_frames_are_no_text(dashed: bool) -> None:
    img = letter(frame=True, dashed=dashed)
    first = ocr_image(img, dpi=300)
    regions = unread_regions(img, without(first, *SIGN_OFF_YS), 300)
    # the sign-off's two lines (and whatever of the heading the first pass missed), never the frame
    sign_off = [r for r in regions if r[0] >= 1300 and 1050 <= r[1] and r[3] <= 1350]
    assert len(sign_off) == 2
    assert all(r in sign_off or (650 <= r[0] and r[2] <= 1500 and 280 <= r[1] and r[3] <= 430) for r in regions)


@pytest.mark.slow
def test_a_lost_sign_off_is_read_again() -> None:
    img = letter()
    ocr = without(ocr_image(img, dpi=300), *SIGN_OFF_YS)
    assert "二〇一九年五月八日" not in ocr.text
    read_unread(img, ocr, dpi=300)
    text = ocr.text.replace(" ", "")
    assert parse_date(text) == "2019-05-08" and text.count("云台市公安局东河区分局") == 2
    # lines stay in reading order, words numbered by their line
    ys = [line.box[1] for line in ocr.lines]
    assert ys == sorted(ys)
    assert all(0 <= w.line < len(ocr.lines) for w in ocr.words)


@pytest.mark.slow
def test_a_lost_heading_is_read_again_and_nothing_twice() -> None:
    img = letter()
    first = ocr_image(img, dpi=300)
    ocr = without(first, *HEADING_YS)
    n = len(ocr.words)
    read_unread(img, ocr, dpi=300)
    assert ocr.text.replace(" ", "").startswith(HEADING)
    added = [w for w in ocr.words if w.box[1] < 450]
    assert "".join(w.text for w in added) == HEADING and len(ocr.words) - n == len(added)  # nothing read twice


@pytest.mark.slow
def test_a_grey_seal_across_the_lost_sign_off() -> None:
    img = letter(seal=120)
    ocr = without(ocr_image(img, dpi=300), *SIGN_OFF_YS)
    read_unread(img, ocr, dpi=300)
    assert parse_date(ocr.text.replace(" ", "")) == "2019-05-08"


@pytest.mark.slow
def test_a_junk_word_over_a_line_does_not_hide_it_and_goes() -> None:
    """Tesseract may return a whole unreadable line as one "word" (NE, confidence 0, a box
    1,800 pixels wide): that is no reading of the line, which is read again, and the junk goes."""
    img = letter()
    ocr = without(ocr_image(img, dpi=300), *SIGN_OFF_YS)
    n = len(ocr.lines)
    ocr.lines.append(Line("NE", (1340, 1180, 1800, 1290), 0.0))
    ocr.words.append(Word("NE", (1340, 1180, 1800, 1290), 0.0, n))
    read_unread(img, ocr, dpi=300)
    assert parse_date(ocr.text.replace(" ", "")) == "2019-05-08"
    assert all(w.text != "NE" for w in ocr.words) and "NE" not in ocr.text
    assert all(0 <= w.line < len(ocr.lines) for w in ocr.words)
