"""The bureau's labels file (LABELS_FILE, default DATA_DIR/labels.toml) is used when a volume
is recognised: a field printed under the bureau's own label is read once the file names it,
and a bad file leaves reading to the built-in labels. Pages carry hand-written OCR."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from ecase import db
from ecase.access import Actor
from ecase.dossiers.operations import new_version, rerecognize
from tests.intake.handread import one_page_volume

AUTH = "青川市公安局东河区分局"


def cover_fields(version: Any) -> dict[str, Any]:
    doc = next(d for d in version.documents if d.type == "dossier_cover")
    return {f.name: f.value for f in doc.fields}


def test_labels_file_in_the_data_directory_is_used(app: Flask, make_unit: Any) -> None:
    make_unit("东河派出所")
    actor = Actor.system()
    volume, page = one_page_volume("A3701050200002018010012", "张伟盗窃案", "封面.pdf", [
        AUTH, "刑事诉讼卷宗", "案件名称：张伟盗窃案", "归档份数：    4", "保管期限：长期"])
    s = db.session()

    first = new_version(volume, [page.id], reason="test")
    assert "page_count" not in cover_fields(first)  # 归档份数 is no label of ours

    labels = Path(app.config["DATA_DIR"]) / "labels.toml"
    assert app.config["LABELS_FILE"] == str(labels)
    labels.write_text('[dossier_cover]\npage_count = ["归档份数"]\n', encoding="utf-8")
    s.refresh(volume)
    assert cover_fields(rerecognize(actor, volume))["page_count"] == 4

    labels.write_text('[dossier_cover]\npage_count = ["归档份数"\n', encoding="utf-8")  # broken
    os.utime(labels, (labels.stat().st_atime, labels.stat().st_mtime + 5))
    s.refresh(volume)
    f = cover_fields(rerecognize(actor, volume))
    assert f["page_count"] == 4 and f["retention"] == "长期"  # the last good file; reading goes on
