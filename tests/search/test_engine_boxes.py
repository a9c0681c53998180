"""Search and the viewer follow the engine that read the page (issue 14): a page drawn here,
so the test knows where every character is, is ingested with each engine; the page
records its engine, the search finds its words, and the boxes the viewer marks a hit
with and the volume PDF's text layer lie on the printed characters."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from ecase import db
from ecase.models import Volume

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]

DPI = 200
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
CASE_NO = "A3701050200002018010001"
LINES = ["立案决定书", "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，",
         "决定对赵某某盗窃案立案侦查。", "二〇一八年三月六日"]
TERM = "立案侦查"


def draw_page() -> tuple[Image.Image, dict[tuple[int, int], tuple[int, int, int, int]]]:
    """A4 at DPI with LINES; the true box of every character by (line, column)."""
    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 46)
    boxes = {}
    y = 260
    for n, line in enumerate(LINES):
        x = 180 if n else 640
        for c, ch in enumerate(line):
            draw.text((x, y), ch, font=font, fill=0)
            boxes[(n, c)] = draw.textbbox((x, y), ch, font=font)
            x += 50
        y += 120
    return img, boxes


def _inside(point: tuple[float, float], box: tuple[float, float, float, float], slack: float) -> bool:
    x, y = point
    return box[0] - slack <= x <= box[2] + slack and box[1] - slack <= y <= box[3] + slack


@pytest.fixture(name="app_config", params=["ppocr", "tesseract"])
def each_engine(request: pytest.FixtureRequest, app_config: dict[str, Any]) -> dict[str, Any]:
    """The app's settings once with each engine (imported by the browser test too)."""
    from scanning.ocr import get_engine

    get_engine(request.param)  # MissingDependencyError: not installed here
    return {**app_config, "OCR_ENGINE": request.param}


def ingest_drawn_page(runner: Any, tmp_path: Path) -> tuple[Volume, dict[tuple[int, int], Any]]:
    """The drawn page ingested with ``ecase ingest --wait``: its volume, and each
    character's printed box by (line, index)."""
    img, boxes = draw_page()
    scan = tmp_path / "立案决定书.png"
    img.save(scan, dpi=(DPI, DPI))
    result = runner.invoke(args=["ingest", str(scan), "--case", CASE_NO, "--wait"])
    assert result.exit_code == 0, result.output
    return db.session().scalars(select(Volume)).one(), boxes


def test_hits_and_text_layer_lie_on_the_characters(app: Any, runner: Any, client: Any, login: Any,
                                                    make_user: Any, tmp_path: Path) -> None:
    vol, boxes = ingest_drawn_page(runner, tmp_path)
    page = vol.current.pages[0].page
    assert page.ocr["engine"] == app.config["OCR_ENGINE"] and page.ocr["engine_version"]
    assert TERM in (page.text or "").replace(" ", "")

    runner.invoke(args=["search", "reindex"])
    found = runner.invoke(args=["search", TERM, "--json"])
    assert found.exit_code == 0 and '"total": 1' in found.output, found.output

    start = LINES[2].index(TERM)
    truth = [boxes[(2, c)] for c in range(start, start + len(TERM))]

    # the viewer: the word boxes a hit is marked on (ecase/static/viewer.js marks the share of
    # a box its characters take) hold each character of the term where it is printed
    login(make_user("rev", "reviewer", unit="法制大队"))
    body = client.get(f"/volumes/{vol.id}/pages/1?q={TERM}").get_data(as_text=True)
    rects = [(html.unescape(m["text"]), tuple(float(m[k]) for k in ("x", "y", "w", "h")))
             for m in re.finditer(r'<rect class="word" x="(?P<x>[\d.]+)" y="(?P<y>[\d.]+)" width="(?P<w>[\d.]+)" '
                                  r'height="(?P<h>[\d.]+)" data-text="(?P<text>[^"]*)"', body)]
    assert rects, body[:2000]
    # each box's tooltip gives the engine's confidence as a percentage (it said 0 or 1 when
    # confidences moved to 0..1)
    confs = [int(c) for c in re.findall(r"（置信度 (\d+)%）</title>", body)]
    assert len(confs) == len(rects) and max(confs) >= 50 and all(0 <= c <= 100 for c in confs), confs
    for ch, true in zip(TERM, truth):
        centres = []
        for text, (x, y, w, h) in rects:
            for i, t in enumerate(text):
                if t == ch:  # the character's share of its word box, as the viewer marks it
                    centres.append((x + w * (i + 0.5) / len(text), y + h / 2))
        assert any(_inside(c, true, 8) for c in centres), (ch, true, centres)

    # the volume PDF's text layer: the term's characters where they are printed
    pdf = client.get(f"/volumes/{vol.id}/volume.pdf")
    assert pdf.status_code == 200
    out = tmp_path / "v.pdf"
    out.write_bytes(pdf.get_data())
    pdf.close()
    xml = subprocess.run(["pdftotext", "-bbox", str(out), "-"], check=True, capture_output=True, text=True).stdout
    words = [(m[5], tuple(float(m[i]) * DPI / 72 for i in range(1, 5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)]
    for ch, true in zip(TERM, truth):
        centre = ((true[0] + true[2]) / 2, (true[1] + true[3]) / 2)
        assert any(ch in text and _inside(centre, box, 8) for text, box in words), (ch, true, words)
