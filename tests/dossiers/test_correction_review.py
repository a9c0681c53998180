"""Corrections submitted for review (CORRECTIONS_NEED_REVIEW): a clerk's correction is a
proposal beside the machine's reading until a reviewer accepts it (then shown and
cross-checked) or rejects it with a reason; with the setting off a correction counts at
once. Access: another unit's clerk neither proposes nor reviews, nobody reviews their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from ecase import db
from ecase.models import AuditEntry, Document, FieldCorrection
from tests.supervision.conftest import Builder, add_dossier

MACHINE_NO = "济天公（刑）立字〔2018〕9号"
RIGHT_NO = "济天公（刑）立字〔2018〕1号"


@pytest.fixture
def review_on() -> bool:
    return True


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def app_config(app_config: dict[str, Any], review_on: bool, backend: str) -> Iterator[dict[str, Any]]:
    config = {**app_config, "CORRECTIONS_NEED_REVIEW": review_on}
    if backend == "postgresql":
        from tests.pg import fresh_database

        with fresh_database("ecase_cr") as url:
            yield {**config, "DATABASE_URL": url}
    else:
        yield config


@pytest.fixture
def world(app: Any, make_user: Any) -> dict[str, Any]:
    """Case A1 of 甲派出所 whose filing decision was read with the wrong number (the ledger
    has 1号), its clerk and leader, another unit's clerk and a reviewer."""
    b = Builder()
    case = b.case("A1", "甲派出所", "criminal", source="报案", accepted_at=dt.datetime(2018, 1, 2, 9),
                  filed_at=dt.datetime(2018, 1, 3, 9), filing_doc_no=RIGHT_NO)
    ids = add_dossier(case, [("filing_decision", {"doc_no": MACHINE_NO, "decided_on": "2018-01-03"})])
    db.session().commit()
    return {"doc_id": ids["documents"]["filing_decision"], "volume_id": ids["volume_id"],
            "clerk": make_user("clerk", "clerk", unit="甲派出所"),
            "leader": make_user("leader", "leader", unit="甲派出所"),
            "other": make_user("other", "clerk", unit="乙派出所"),
            "reviewer": make_user("rev", "reviewer", unit="法制大队"),
            "reviewer2": make_user("rev2", "reviewer", unit="法制大队")}


def values(doc_id: int) -> dict[str, Any]:
    db.session().expire_all()
    doc = db.session().get(Document, doc_id)
    assert doc is not None
    return doc.values()


def corrections() -> list[FieldCorrection]:
    db.session().expire_all()
    return list(db.session().scalars(select(FieldCorrection).order_by(FieldCorrection.id)))


def mismatch_found() -> bool:
    from ecase.supervision.evaluate import evaluate_db
    from ledgers.rules import DEFAULT_CONFIG

    found = evaluate_db(db.session(), dt.date(2018, 2, 1), DEFAULT_CONFIG)
    return "dossier_doc_no_mismatch" in {f.rule for f in found}


def propose(client: Any, doc_id: int, value: str = "济天公(刑)立字[2018]1号", **kw: Any) -> Any:
    return client.post(f"/documents/{doc_id}/fields", data={"name": "doc_no", "value": value}, **kw)


def review(client: Any, corr_id: int, decision: str, reason: str = "", **kw: Any) -> Any:
    corr = db.session().get(FieldCorrection, corr_id)
    assert corr is not None
    return client.post(f"/documents/{corr.document_id}/review",
                       data={"correction": corr_id, "decision": decision, "reason": reason, "position": "1"}, **kw)


def audit_actions() -> list[str]:
    return list(db.session().scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.mark.parametrize("review_on", [False])
def test_setting_off_a_clerks_correction_counts_at_once(client: Any, login: Any, world: dict[str, Any]) -> None:
    login(world["clerk"])
    assert mismatch_found()
    resp = propose(client, world["doc_id"], follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "已将" in html and "待审核" not in html
    [corr] = corrections()
    assert corr.state == "accepted" and corr.reviewed_by_id is None
    assert values(world["doc_id"])["doc_no"] == RIGHT_NO
    assert not mismatch_found()
    assert "correct" in audit_actions()
    # nothing to review: the review of an accepted correction is refused
    login(world["reviewer"])
    assert review(client, corr.id, "accept").status_code == 409


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_clerks_correction_is_a_proposal_until_accepted(client: Any, login: Any,
                                                        world: dict[str, Any]) -> None:
    doc_id, vol_id = world["doc_id"], world["volume_id"]
    login(world["clerk"])
    page = client.get(f"/volumes/{vol_id}").get_data(as_text=True)
    assert "提交审核" in page
    resp = propose(client, doc_id, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "待审核人员采纳后生效" in html
    [corr] = corrections()
    assert (corr.state, corr.value, corr.corrected_by_id) == ("proposed", RIGHT_NO, world["clerk"].id)
    # shown beside the machine's value, which stays the value and is cross-checked
    assert values(doc_id)["doc_no"] == MACHINE_NO
    assert mismatch_found()
    assert "待审核" in html and MACHINE_NO in html and RIGHT_NO in html and "已更正" not in html
    assert f'/documents/{doc_id}/review' not in html  # the clerk has no review buttons
    # a clerk cannot accept (their own or any)
    assert review(client, corr.id, "accept").status_code == 403
    assert corrections()[0].state == "proposed"

    login(world["reviewer"])
    listing = client.get("/corrections").get_data(as_text=True)
    assert "A1" in listing and RIGHT_NO in listing and MACHINE_NO in listing and "待审核" in listing
    page = client.get(f"/volumes/{vol_id}").get_data(as_text=True)
    assert "本卷有 1 条字段更正待审核" in page and "1 条更正待审核" in page
    assert f'/documents/{doc_id}/review' in page and f'name="correction" value="{corr.id}"' in page
    # a rejection needs a reason
    bad = review(client, corr.id, "reject", headers={"Accept": "application/json"})
    assert bad.status_code == 422 and "理由" in bad.get_json()["error"]["message"]
    resp = review(client, corr.id, "reject", "核对纸质卷宗，文号无误", follow_redirects=True)
    assert resp.status_code == 200 and "已驳回" in resp.get_data(as_text=True)
    [corr] = corrections()
    assert corr.state == "rejected" and corr.reviewed_by_id == world["reviewer"].id
    assert corr.review_note == "核对纸质卷宗，文号无误" and corr.reviewed_at is not None
    assert values(doc_id)["doc_no"] == MACHINE_NO and mismatch_found()
    assert review(client, corr.id, "accept").status_code == 409  # decided once

    login(world["clerk"])
    page = client.get(f"/volumes/{vol_id}").get_data(as_text=True)
    assert "核对纸质卷宗，文号无误" in page  # the clerk reads why
    assert propose(client, doc_id, "济天公（刑）立字〔2018〕1号").status_code == 302
    second = corrections()[-1]
    assert second.state == "proposed"

    login(world["reviewer"])
    resp = client.post(f"/documents/{doc_id}/review",
                       data={"correction": second.id, "decision": "accept", "back": "list"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/corrections")
    assert corrections()[-1].state == "accepted"
    assert values(doc_id)["doc_no"] == RIGHT_NO
    assert not mismatch_found()
    page = client.get(f"/volumes/{vol_id}").get_data(as_text=True)
    assert "已更正" in page and "机器识别" in page
    assert "条更正待审核" not in page and "review pending" not in page  # nothing left waiting
    assert client.get("/corrections").get_data(as_text=True).count('class="tag warn"') == 0

    actions = audit_actions()
    assert "correct" in actions  # the refused review (no reason), recorded by the hook with its result
    assert actions.count("correction.propose") == 2
    assert actions.count("correction.reject") == 1 and actions.count("correction.accept") == 1
    audit = client.get("/audit?action=correction.reject").get_data(as_text=True)
    assert "驳回更正" in audit and "字段：文号" in audit and "理由：核对纸质卷宗，文号无误" in audit


def test_access_to_proposals_and_reviews(client: Any, login: Any, world: dict[str, Any]) -> None:
    doc_id = world["doc_id"]
    login(world["other"])  # another unit's clerk: the document does not exist for them
    assert propose(client, doc_id).status_code == 404
    login(world["leader"])
    assert propose(client, doc_id).status_code == 403
    assert corrections() == []
    login(world["clerk"])
    assert propose(client, doc_id).status_code == 302
    [corr] = corrections()
    login(world["other"])
    assert review(client, corr.id, "accept").status_code == 404
    assert "A1" not in client.get("/corrections").get_data(as_text=True)
    login(world["leader"])
    assert review(client, corr.id, "accept").status_code == 403
    assert "A1" in client.get("/corrections").get_data(as_text=True)  # their unit's, read only
    assert corrections()[0].state == "proposed"
    # nobody reviews their own: the clerk, promoted to reviewer, still cannot
    from ecase.models import User

    clerk = db.session().get(User, world["clerk"].id)
    assert clerk is not None
    clerk.role = "reviewer"
    db.session().commit()
    login(clerk)
    resp = review(client, corr.id, "accept", headers={"Accept": "application/json"})
    assert resp.status_code == 403 and "自己" in resp.get_json()["error"]["message"]
    assert corrections()[0].state == "proposed"
    # a reviewer's own correction needs nobody: it counts at once
    login(world["reviewer2"])
    for bad in ({}, {"correction": str(corr.id + 1)}):  # none given, or not this document's
        assert client.post(f"/documents/{doc_id}/review", data={"decision": "accept", **bad}).status_code == 404
    assert client.post(f"/documents/{doc_id}/review",
                       data={"correction": str(corr.id), "decision": "maybe"}).status_code == 422
    assert review(client, corr.id, "accept").status_code == 302
    login(world["reviewer"])
    assert propose(client, doc_id, "济天公（刑）立字〔2018〕2号").status_code == 302
    assert corrections()[-1].state == "accepted"
    assert values(doc_id)["doc_no"] == "济天公（刑）立字〔2018〕2号"


def test_the_list_pages_with_a_true_total(client: Any, login: Any, world: dict[str, Any]) -> None:
    s = db.session()
    for i in range(55):
        s.add(FieldCorrection(document_id=world["doc_id"], name="doc_no", value=f"济天公（刑）立字〔2018〕{i + 100}号",
                              corrected_by_id=world["clerk"].id, state="proposed"))
    s.add(FieldCorrection(document_id=world["doc_id"], name="doc_no", value="济天公（刑）立字〔2018〕7号",
                          corrected_by_id=world["clerk"].id, state="accepted"))
    s.commit()
    login(world["reviewer"])
    first = client.get("/corrections").get_data(as_text=True)
    assert "共 55 条" in first and first.count('class="tag warn"') == 50
    assert "济天公（刑）立字〔2018〕154号" in first and "济天公（刑）立字〔2018〕100号" not in first  # newest first
    second = client.get("/corrections?page=2&state=proposed").get_data(as_text=True)
    assert second.count('class="tag warn"') == 5 and "济天公（刑）立字〔2018〕100号" in second
    every = client.get("/corrections?state=").get_data(as_text=True)
    assert "共 56 条" in every
    assert "共 0 条" in client.get("/corrections?q=B9").get_data(as_text=True)
