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
from tests.intake.handread import one_page_volume

MISREAD = "贷西市公安局槐荫区分局"  # 岱 read as 贷
BUREAU = "岱西市公安局槐荫区分局"


def authority_of(version: Any) -> Any:
    doc = next(d for d in version.documents if d.type == "filing_decision")
    return next(f for f in doc.fields if f.name == "authority"), doc


def test_names_file_in_the_data_directory_is_used(app: Flask, make_unit: Any) -> None:
    make_unit("槐荫派出所")
    actor = Actor.system()
    volume, page = one_page_volume("A3701050200002018010012", "张伟盗窃案", "立案决定书.pdf", [
        MISREAD, "立案决定书", "贷槐公（刑）立字〔2018〕123号",
        "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对张伟盗窃案立案侦查。",
        MISREAD, "二〇一八年一月十七日"])
    s = db.session()

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
