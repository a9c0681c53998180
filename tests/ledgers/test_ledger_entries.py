"""Supplementary entries (补录): pick the case, person and officer; correct with history;
void but never erase. And the upload page: progress, then the report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ecase import db
from ecase.models import Case
from ecase.models.ledgers import CasePerson, OutsideDecision, RecordHistory


@pytest.fixture
def case_with_people(do_import: Any, exports_csv: dict[str, Path]) -> Case:
    do_import(*exports_csv.values())
    person = db.session().scalars(select(CasePerson).order_by(CasePerson.id)).first()
    assert person is not None
    return person.case


def test_create_and_correct_keep_history(client: Any, make_user: Any, login: Any, case_with_people: Case) -> None:
    reviewer = make_user("rev", role="reviewer", unit="法制大队")
    login(reviewer)
    case = case_with_people
    person = db.session().scalars(select(CasePerson).where(CasePerson.case_id == case.id)).first()
    # the form finds the case by number and offers its people
    html = client.get(f"/ledgers/entries/new?q={case.case_no[-6:]}").get_data(as_text=True)
    assert case.case_no in html
    html = client.get(f"/ledgers/entries/new?case_id={case.id}").get_data(as_text=True)
    assert person.name in html
    resp = client.post("/ledgers/entries/new", data={
        "kind": "arrest_approved", "case_id": case.id, "person_id": person.id, "decision_no": "检批捕〔2026〕1号",
        "decided_at": "2026-05-01", "result": "批准"})
    assert resp.status_code == 302
    d = db.session().scalars(select(OutsideDecision)).one()
    assert d.created_by_id == reviewer.id and d.created_at is not None
    assert d.person_id == person.id and d.unit_id == case.unit_id and d.officer_id == case.lead_officer_id
    # correcting needs a reason, and keeps the old value
    resp = client.post(f"/ledgers/entries/{d.id}", data={
        "kind": "arrest_approved", "case_id": case.id, "person_id": person.id, "decision_no": "检批捕〔2026〕2号",
        "decided_at": "2026-05-02", "result": "批准", "reason": ""})
    assert resp.status_code == 422
    resp = client.post(f"/ledgers/entries/{d.id}", data={
        "kind": "arrest_approved", "case_id": case.id, "person_id": person.id, "decision_no": "检批捕〔2026〕2号",
        "decided_at": "2026-05-02", "result": "批准", "reason": "文号录错"})
    assert resp.status_code == 302
    db.session().expire_all()
    d = db.session().get(OutsideDecision, d.id)
    assert d.decision_no == "检批捕〔2026〕2号" and d.updated_by_id == reviewer.id
    hist = db.session().scalars(select(RecordHistory).where(RecordHistory.record_kind == "decisions")
                                .order_by(RecordHistory.id)).all()
    assert [h.action for h in hist] == ["create", "correct"]
    assert hist[1].changes["decision_no"] == ["检批捕〔2026〕1号", "检批捕〔2026〕2号"]
    assert hist[1].reason == "文号录错" and hist[1].user_id == reviewer.id
    # voiding keeps the row, visible in the ledger as void
    resp = client.post(f"/ledgers/entries/{d.id}/void", data={"reason": "重复录入"})
    assert resp.status_code == 302
    assert db.session().get(OutsideDecision, d.id) is not None
    html = client.get("/ledgers/l/arrests_approved").get_data(as_text=True)
    assert "检批捕〔2026〕2号" in html and "已作废" in html
    page = client.get(f"/ledgers/entries/{d.id}").get_data(as_text=True)
    assert "检批捕〔2026〕1号" in page and "重复录入" in page


def test_clerks_cannot_enter_or_import(client: Any, make_user: Any, login: Any, case_with_people: Case) -> None:
    clerk = make_user("c1", role="clerk", unit=case_with_people.unit.name)
    login(clerk)
    assert client.post("/ledgers/entries/new", data={"kind": "prosecuted", "case_id": case_with_people.id,
                                                     "decided_at": "2026-05-01"}).status_code == 403
    assert client.get("/ledgers/import").status_code == 403


def test_a_person_of_another_case_is_refused(client: Any, make_user: Any, login: Any,
                                             case_with_people: Case) -> None:
    login(make_user("rev", role="reviewer", unit="法制大队"))
    other = db.session().scalars(select(CasePerson).where(CasePerson.case_id != case_with_people.id)).first()
    resp = client.post("/ledgers/entries/new", data={"kind": "prosecuted", "case_id": case_with_people.id,
                                                     "person_id": other.id, "decided_at": "2026-05-01"})
    assert resp.status_code == 422


def test_upload_page_imports_and_shows_the_report(client: Any, make_user: Any, login: Any,
                                                  exports_csv: dict[str, Path]) -> None:
    login(make_user("rev", role="reviewer", unit="法制大队"))
    assert client.get("/ledgers/import").status_code == 200
    data = {"mode": "good-rows",
            "file": [(io.BytesIO(exports_csv["incidents"].read_bytes()), "incidents.csv"),
                     (io.BytesIO(b"\xe8\xad\xa6\xe6\x83\x85\xe7\xbc\x96\xe5\x8f\xb7\nJ1\n"), "broken.csv")]}
    resp = client.post("/ledgers/import", data=data, content_type="multipart/form-data")
    assert resp.status_code == 302
    run = client.get(resp.headers["Location"] + ".json").get_json()
    assert run["state"] == "done"
    assert run["report"]["new"]["incidents"] == 300
    assert any(e["file"] == "broken.csv" and e["column"] == "接警时间" for e in run["report"]["errors"])
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "broken.csv" in html and "缺少必填列" in html
