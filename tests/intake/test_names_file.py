"""The bureau's names file (NAMES_FILE, default DATA_DIR/names.txt) is used when a volume is
recognised: a misread authority is stored in the bureau's spelling, the reading kept beside it.
Pages carry hand-written OCR (no Tesseract)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from ecase import db
from ecase.access import Actor
from ecase.dossiers.operations import new_version, rerecognize
from ecase.intake import operations
from ecase.intake.pages import ocr_to_json
from ecase.models import Page, Scan
from scanning.types import Line, PageOCR, Word

MISREAD = "贷西市公安局槐荫区分局"  # 岱 read as 贷
BUREAU = "岱西市公安局槐荫区分局"


def ocr(rows: list[str]) -> PageOCR:
    words, lines = [], []
    for n, row in enumerate(rows):
        y = 200 + 70 * n
        ws = [Word(ch, (300 + 44 * k, y, 340 + 44 * k, y + 40), 88.0, n) for k, ch in enumerate(row)]
        words += ws
        if ws:
            lines.append(Line(row, (300, y, ws[-1].box[2], y + 40), 88.0))
    return PageOCR(2480, 3508, words, lines)


def authority_of(version: Any) -> Any:
    doc = next(d for d in version.documents if d.type == "filing_decision")
    return next(f for f in doc.fields if f.name == "authority"), doc


def test_names_file_in_the_data_directory_is_used(app: Flask, make_unit: Any) -> None:
    make_unit("槐荫派出所")
    actor = Actor.system()
    case = operations.find_or_create_case(actor, "A3701050200002018010012", name="张伟盗窃案")
    volume = operations.find_or_create_volume(actor, case, "criminal_main", 1)
    s = db.session()
    scan = Scan(volume_id=volume.id, sha256="0" * 64, size=1, filename="立案决定书.pdf", media_type="application/pdf")
    s.add(scan)
    s.flush()
    page_ocr = ocr([MISREAD, "立案决定书", "贷槐公（刑）立字〔2018〕123号",
                    "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对张伟盗窃案立案侦查。",
                    MISREAD, "二〇一八年一月十七日"])
    page = Page(scan_id=scan.id, scan_index=1, ocr=ocr_to_json(page_ocr), text=page_ocr.text, state="done")
    s.add(page)
    s.flush()

    first = new_version(volume, [page.id], reason="test")
    field, _ = authority_of(first)
    assert field.value == MISREAD  # no names file: as read

    names = Path(app.config["DATA_DIR"]) / "names.txt"
    assert app.config["NAMES_FILE"] == str(names)
    names.write_text(f"# 本局\n{BUREAU}\n岱槐公\n", encoding="utf-8")
    s.refresh(volume)
    second = rerecognize(actor, volume)
    field, doc = authority_of(second)
    assert field.value == BUREAU and field.raw == MISREAD and field.page_id == page.id
    number = next(f for f in doc.fields if f.name == "doc_no")
    assert number.value == "岱槐公（刑）立字〔2018〕123号"
    assert any(c["field"] == "authority" and c["chosen"] == BUREAU for c in doc.conflicts or [])
