"""A small volume for the near-match viewer tests: three pages with OCR word boxes, the
first saying 看守所羁押, the second 看守所霸押 (one character misread), the third neither;
indexed for search."""

from __future__ import annotations

import io
from typing import Any

from ecase import db

#: page texts, each one OCR line of two words; the second word starts at x=100 and its
#: characters are each 100 wide (CJK characters, square)
LINES = [("兹决定送济南市", "看守所羁押。"), ("兹决定送济南市", "看守所霸押。"), ("取保候审", "决定书")]


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (800, 300), color=250).save(out, "PNG")
    return out.getvalue()


def near_volume(unit_name: str = "天桥派出所") -> Any:
    from ecase.blobs import store
    from ecase.models import Case, Page, Scan, Unit, Volume, VolumePage, VolumeVersion
    from ecase.search_views.indexing import index_volume_now
    from sqlalchemy import select

    s = db.session()
    unit = s.scalars(select(Unit).where(Unit.name == unit_name)).first()
    if unit is None:
        unit = Unit(name=unit_name)
        s.add(unit)
        s.flush()
    case = Case(case_no="A3701050200002018030007", name="李强盗窃案", unit_id=unit.id)
    s.add(case)
    s.flush()
    vol = Volume(case_id=case.id, kind="criminal_main", number=1)
    s.add(vol)
    s.flush()
    scan = Scan(volume_id=vol.id, sha256="0" * 64, size=1, filename="卷.pdf", media_type="application/pdf",
                page_count=len(LINES))
    s.add(scan)
    s.flush()
    key = store().put_bytes(_png()).key
    version = VolumeVersion(volume_id=vol.id, number=1, reason="test")
    s.add(version)
    s.flush()
    for i, (first, second) in enumerate(LINES, 1):
        words = [[first, 100 - 60 * len(first), 100, 100 - 10, 160, 0.9, 1],
                 [second, 100, 100, 100 + 100 * len(second), 160, 0.9, 1]]
        text = first + second
        page = Page(scan_id=scan.id, scan_index=i, original_key=key, original_media_type="image/png",
                    width=800, height=300, dpi=200, state="done", text=text,
                    ocr={"width": 800, "height": 300, "engine": "tesseract", "engine_version": "5",
                         "words": words, "lines": [[text, 0, 100, 700, 160, 0.9]]})
        s.add(page)
        s.flush()
        s.add(VolumePage(version_id=version.id, position=i, page_id=page.id))
    s.flush()
    index_volume_now(vol)
    s.commit()
    return vol
