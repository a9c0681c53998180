"""The reviewer's side of a volume: documents with provenance, corrections kept beside the
machine's reading, new splits and page orders as new versions, old versions readable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from ecase import db
from ecase.models import Document, DocumentField, FieldCorrection, Volume

pytestmark = pytest.mark.slow


@pytest.fixture
def volume(runner: Any, small_scan: Any) -> Volume:
    path, info = small_scan
    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait"])
    assert result.exit_code == 0, result.output
    return db.session().scalars(select(Volume)).one()


def test_fields_link_to_their_box(client: Any, login: Any, make_user: Any, volume: Volume) -> None:
    login(make_user("rev", "reviewer", unit="法制大队"))
    doc = db.session().scalars(select(Document).where(Document.type == "filing_decision")).one()
    field = next(f for f in doc.fields if f.name == "doc_no")
    assert field.box and field.page_id and field.raw
    html = client.get(f"/volumes/{volume.id}").get_data(as_text=True)
    assert "box=" + ",".join(str(v) for v in field.box) in html
    page_html = client.get(f"/volumes/{volume.id}/pages/1?box={','.join(map(str, field.box))}").get_data(as_text=True)
    assert 'class="field-box"' in page_html


def test_correction_is_kept_beside_the_machine_reading(client: Any, login: Any, make_user: Any,
                                                       volume: Volume) -> None:
    reviewer = make_user("rev", "reviewer", unit="法制大队")
    login(reviewer)
    doc = db.session().scalars(select(Document).where(Document.type == "filing_decision")).one()
    machine = {f.name: f.value for f in doc.fields}
    resp = client.post(f"/documents/{doc.id}/fields", data={"name": "case_name", "value": "更正后的案件名称"})
    assert resp.status_code == 302
    db.session().expire_all()
    corr = db.session().scalars(select(FieldCorrection)).one()
    assert corr.corrected_by_id == reviewer.id and corr.value == "更正后的案件名称"
    kept = db.session().scalars(select(DocumentField).where(DocumentField.document_id == doc.id,
                                                            DocumentField.name == "case_name")).one()
    assert kept.value == machine["case_name"]  # the machine's reading is untouched
    assert db.session().get(Document, doc.id).values()["case_name"] == "更正后的案件名称"
    assert "更正后的案件名称" in client.get(f"/volumes/{volume.id}").get_data(as_text=True)


def test_clerk_corrects_typed_fields_leader_cannot(client: Any, login: Any, make_user: Any,
                                                    volume: Volume) -> None:
    """Those who see the error correct it: the unit's clerk, in the field's own form (a date
    typed 2017年3月6日 is stored as 2017-03-06); a bad value is refused in Chinese; the
    corrected value is the one shown, the machine's reading beside it; the unit's leader
    and another unit's clerk cannot."""
    from ecase.models import Case

    case = db.session().scalars(select(Case)).one()
    doc = db.session().scalars(select(Document).where(Document.type == "filing_decision")).one()
    machine = {f.name: f.value for f in doc.fields}
    date_field = next(n for n in ("decided_on", "issued_on") if n in machine)

    login(make_user("leader", "leader", unit=case.unit.name))
    resp = client.post(f"/documents/{doc.id}/fields", data={"name": date_field, "value": "2017年3月6日"})
    assert resp.status_code == 403
    login(make_user("other", "clerk", unit="另一个派出所"))
    assert client.post(f"/documents/{doc.id}/fields",
                       data={"name": date_field, "value": "2017年3月6日"}).status_code == 404
    assert db.session().scalars(select(FieldCorrection)).first() is None

    login(make_user("clerk", "clerk", unit=case.unit.name))
    page = client.get(f"/volumes/{volume.id}").get_data(as_text=True)
    assert "重新识别本卷" in page and 'name="value"' in page
    bad = client.post(f"/documents/{doc.id}/fields", data={"name": date_field, "value": "三月初"},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 422
    assert "不是有效的日期" in bad.get_json()["error"]["message"]
    resp = client.post(f"/documents/{doc.id}/fields", data={"name": date_field, "value": "2017年3月6日"},
                       follow_redirects=True)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "已将立案决定书的" in html and "2017-03-06" in html  # the success message
    assert "已更正" in html and "机器识别" in html
    db.session().expire_all()
    corr = db.session().scalars(select(FieldCorrection)).one()
    assert corr.value == "2017-03-06" and corr.name == date_field
    assert db.session().get(Document, doc.id).values()[date_field] == "2017-03-06"
    resp = client.post(f"/documents/{doc.id}/fields", data={"name": "doc_no", "value": "济天公(刑)立字[2018] 00123号"})
    assert resp.status_code == 302
    db.session().expire_all()
    assert db.session().get(Document, doc.id).values()["doc_no"] == "济天公（刑）立字〔2018〕00123号"
    assert client.post(f"/documents/{doc.id}/fields",
                       data={"name": "no_such_field", "value": "x"}).status_code == 422


def test_new_split_and_new_order_are_new_versions(client: Any, login: Any, make_user: Any,
                                                  volume: Volume) -> None:
    login(make_user("rev", "reviewer", unit="法制大队"))
    assert client.post(f"/volumes/{volume.id}/split",
                       data={"starts": "1 filing_decision"}).status_code == 302
    db.session().expire_all()
    vol = db.session().get(Volume, volume.id)
    assert vol is not None and [v.number for v in vol.versions] == [1, 2]
    v2 = vol.versions[1]
    assert [(d.type, d.first_position, d.last_position) for d in v2.documents] == [("filing_decision", 1, 2)]
    assert v2.documents[0].origin == "reviewer" and v2.created_by is not None

    assert client.post(f"/volumes/{volume.id}/order", data={"order": "2,1"}).status_code == 302
    db.session().expire_all()
    vol = db.session().get(Volume, volume.id)
    assert vol is not None
    v1, _, v3 = vol.versions
    assert [p.page_id for p in v3.pages] == [p.page_id for p in reversed(v1.pages)]
    # every earlier version stays readable
    old = client.get(f"/volumes/{volume.id}?version=1")
    assert old.status_code == 200 and "立案告知书" in old.get_data(as_text=True)
    assert client.post(f"/volumes/{volume.id}/order", data={"order": "1,1"}).status_code == 422
    assert client.post(f"/volumes/{volume.id}/split", data={"starts": "1 no_such_type"}).status_code == 422
