"""The viewer's conflict box: for each field recognition disagreed on, the value used, what
each other source read and the page it read it on (a link into the viewer), one line per
conflict however many times it was recorded."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest

from ecase import db
from ecase.models import Case, Document, DocumentField, Page, Scan, Unit, Volume, VolumePage, VolumeVersion

BUREAU = "泺源市公安局槐荫区分局"
MISREAD = "洗源市公安局槐荫区分局"

AUTHORITY = {"field": "authority", "chosen": BUREAU, "candidates": [
    {"value": MISREAD, "page": 3, "conf": 0.81, "source": "page"},
    {"value": BUREAU, "page": None, "conf": None, "source": "names"}]}
CONFLICTS: list[Any] = [
    AUTHORITY, dict(AUTHORITY), dict(AUTHORITY),  # recorded three times: shown once
    # the catalog's reading of the number lost to the page's
    {"field": "doc_no", "chosen": "槐公（刑）立字〔2018〕846号", "candidates": [
        {"value": "槐公（刑）立字〔2018〕846号", "page": 3, "conf": 0.9, "source": "page"},
        {"value": "槐公（刑）立字〔2018〕346号", "page": 2, "conf": 0.7, "source": "catalog"}]},
    # the other document of the volume agrees with the value used
    {"field": "suspect_name", "chosen": "张伟", "candidates": [
        {"value": "张纬", "page": 3, "conf": 0.6, "source": "page"},
        {"value": "张伟", "page": 1, "conf": 0.9, "source": "acceptance_form"}]},
    {"field": "entries[1].date", "chosen": "2018-03-02", "candidates": [
        {"value": "2018-03-02", "page": 3, "conf": 0.9, "source": "page"},
        {"value": "2018-08-02", "page": 2, "conf": 0.6, "source": "catalog"}]},
    # shapes the viewer does not know
    {"field": "case_name", "chosen": "张伟盗窃案"},
    {"field": "reason", "chosen": "理由甲", "candidates": ["理由乙"], "extra": 1},
    "一条文字说明的分歧",
]


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (40, 50), color=250).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def volume(app: Any) -> Volume:
    from ecase.blobs import store

    s = db.session()
    unit = Unit(name="天桥派出所")
    s.add(unit)
    s.flush()
    case = Case(case_no="A3701050200002018030001", name="张伟盗窃案", unit_id=unit.id)
    s.add(case)
    s.flush()
    vol = Volume(case_id=case.id, kind="criminal_main", number=1)
    s.add(vol)
    s.flush()
    scan = Scan(volume_id=vol.id, sha256="0" * 64, size=1, filename="卷.pdf", media_type="application/pdf",
                page_count=3)
    s.add(scan)
    s.flush()
    key = store().put_bytes(_png()).key
    pages = [Page(scan_id=scan.id, scan_index=i, original_key=key, original_media_type="image/png",
                  width=40, height=50, dpi=200, state="done", text="", ocr={"width": 40, "height": 50, "words": [], "lines": []})
             for i in (1, 2, 3)]
    s.add_all(pages)
    s.flush()
    version = VolumeVersion(volume_id=vol.id, number=1, reason="test")
    s.add(version)
    s.flush()
    for pos, page in enumerate(pages, 1):
        s.add(VolumePage(version_id=version.id, position=pos, page_id=page.id))
    form = Document(version_id=version.id, seq=1, type="acceptance_form", title="受案登记表",
                    first_position=1, last_position=1, confidence=0.9)
    catalog = Document(version_id=version.id, seq=2, type="catalog", title="卷内文书目录",
                       first_position=2, last_position=2, confidence=0.9)
    decision = Document(version_id=version.id, seq=3, type="filing_decision", title="立案决定书",
                        first_position=3, last_position=3, confidence=0.9, conflicts=CONFLICTS)
    s.add_all([form, catalog, decision])
    s.flush()
    s.add(DocumentField(document_id=decision.id, name="authority", value=BUREAU, page_id=pages[2].id,
                        box=[11, 12, 33, 14], conf=0.7, raw=MISREAD))
    s.add(DocumentField(document_id=decision.id, name="doc_no", value="槐公（刑）立字〔2018〕846号",
                        page_id=pages[2].id, box=[5, 20, 30, 22], conf=0.9, raw=""))
    s.commit()
    return vol


def _box(html: str) -> str:
    m = re.search(r'<div class="reconcile conflicts".*?</div>', html, re.S)
    assert m, html
    return m.group(0)


def _text(fragment: str) -> str:
    return unescape(re.sub(r"\s*\n\s*", "", re.sub(r"<[^>]+>", "", fragment)))


def test_conflicts_show_values_sources_and_pages(client: Any, login: Any, make_user: Any,
                                                 volume: Volume) -> None:
    login(make_user("rev", "reviewer", unit="法制大队"))
    resp = client.get(f"/volumes/{volume.id}/pages/3")
    assert resp.status_code == 200
    box = _box(resp.get_data(as_text=True))
    lines = [_text(li) for li in re.findall(r"<li>(.*?)</li>", box, re.S)]
    assert lines == [
        f"制作机关：采用「{BUREAU}」（本单位名称表）；第3页识别为「{MISREAD}」",
        "文号：采用「槐公（刑）立字〔2018〕846号」（第3页识别）；卷内目录第2页识别为「槐公（刑）立字〔2018〕346号」",
        "犯罪嫌疑人：采用「张伟」（受案登记表第1页识别）；第3页识别为「张纬」",
        "卷内目录第2条日期：采用「2018-03-02」（第3页识别）；卷内目录第2页识别为「2018-08-02」",
        "案件名称：采用「张伟盗窃案」",
        "理由：采用「理由甲」；另有读法「理由乙」",
        "一条文字说明的分歧",
    ]
    assert "识别存在分歧 7 处" in _text(box)
    # each page is a link into the viewer; the page's own reading opens on the field's box
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]+)"', box)]
    assert f"/volumes/{volume.id}/pages/3?version=1&box=11,12,33,14" in hrefs
    assert f"/volumes/{volume.id}/pages/2?version=1" in hrefs
    assert f"/volumes/{volume.id}/pages/1?version=1" in hrefs
    assert 'title="打开第3页（置信度 81%）"' in box
    assert client.get(f"/volumes/{volume.id}/pages/3?version=1&box=11,12,33,14").status_code == 200


def test_page_out_of_range_is_plain_text(client: Any, login: Any, make_user: Any, volume: Volume) -> None:
    doc = db.session().query(Document).filter_by(type="filing_decision").one()
    doc.conflicts = [{"field": "authority", "chosen": BUREAU, "candidates": [
        {"value": MISREAD, "page": 9, "conf": None, "source": "page"},
        {"value": MISREAD, "page": None, "conf": None, "source": "page"},
        {"value": BUREAU, "page": None, "conf": None, "source": "volume names"},
        {"value": "泺源市公安局", "source": "something new"}]}]
    db.session().commit()
    login(make_user("rev", "reviewer", unit="法制大队"))
    box = _box(client.get(f"/volumes/{volume.id}").get_data(as_text=True))
    assert "href" not in box
    assert _text(re.search(r"<li>(.*?)</li>", box, re.S).group(1)) == (
        f"制作机关：采用「{BUREAU}」（本单位名称表，经卷内其他名称印证）；第9页识别为「{MISREAD}」"
        f"；页面识别为「{MISREAD}」；其他来源为「泺源市公安局」")


def test_the_steps_that_changed_one_field_read_as_one_line() -> None:
    """The volume's vote set 天于区 (three documents read it), then the names list put 天宁区 back:
    the reviewer sees the value used, what the page first showed, and every other reading once."""
    from ecase.formatting import merged_conflicts

    page1 = {"value": "明湖市公安局天村区分局", "page": 1, "conf": 0.8, "source": "page"}
    steps = [
        {"field": "authority", "chosen": "明湖市公安局天宁区分局",
         "candidates": [page1, {"value": "明湖市公安局天宁区分局", "page": None, "conf": None, "source": "volume places"}]},
        {"field": "authority", "chosen": "明湖市公安局天于区分局",
         "candidates": [{"value": "明湖市公安局天宁区分局", "page": 1, "conf": 0.8, "source": "page"},
                        {"value": "明湖市公安局天于区分局", "page": 4, "conf": 0.9, "source": "acceptance_form"}]},
        {"field": "authority", "chosen": "明湖市公安局天宁区分局",
         "candidates": [{"value": "明湖市公安局天于区分局", "page": 1, "conf": 0.8, "source": "page"},
                        {"value": "明湖市公安局天宁区分局", "page": None, "conf": None, "source": "names"}]},
        {"field": "doc_no", "chosen": "A", "candidates": [{"value": "B", "page": 2, "conf": 0.5, "source": "page"}]},
        "a note",
    ]
    merged = merged_conflicts(steps + steps[:1])
    assert len(merged) == 3 and merged[2] == "a note"
    auth = merged[0]
    assert auth["chosen"] == "明湖市公安局天宁区分局"
    assert [(x["source"], x["value"][6:8]) for x in auth["candidates"]] == [
        ("page", "天村"), ("volume places", "天宁"), ("acceptance_form", "天于"), ("names", "天宁")]
    assert steps[0]["candidates"][0] is page1 and len(steps[0]["candidates"]) == 2  # the stored conflicts untouched
