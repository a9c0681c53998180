"""Scan intake end to end: upload, durable acceptance, pages, OCR, documents, versions."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ecase import db
from ecase.models import Job, Page, Scan, Volume

pytestmark = pytest.mark.slow


def upload(client: Any, path: Path, case_no: str, **form: Any) -> Any:
    data = {"case_no": case_no, "file": (io.BytesIO(path.read_bytes()), path.name), **form}
    return client.post("/api/scans", data=data, content_type="multipart/form-data",
                       headers={"Accept": "application/json"})


def test_upload_processes_every_page(client: Any, login: Any, make_user: Any, small_scan: Any) -> None:
    path, info = small_scan
    login(make_user("clerk", "clerk"))
    resp = upload(client, path, info["case_no"], case_name=info["case_name"])
    assert resp.status_code == 202, resp.get_data(as_text=True)
    job = resp.get_json()["job"]
    polled = client.get(resp.headers["Location"]).get_json()
    assert polled["job"]["state"] == "done"
    assert polled["job"]["done"] == info["pages"] and polled["job"]["failed"] == 0
    assert [p["index"] for p in polled["pages"]] == list(range(1, info["pages"] + 1))

    scan = db.session().get(Scan, job["scan_id"])
    assert scan is not None and scan.size == path.stat().st_size
    from ecase.blobs import store

    assert store().get_bytes(scan.sha256) == path.read_bytes()  # the original bytes, kept
    vol = db.session().get(Volume, job["volume_id"])
    assert vol is not None and vol.current is not None
    assert len(vol.current.pages) == info["pages"]
    text = "".join(vp.page.text or "" for vp in vol.current.pages)
    assert "立案" in text
    types = [d.type for d in vol.current.documents]
    assert "filing_decision" in types and "filing_notice" in types

    page = client.get(f"/volumes/{vol.id}")
    assert page.status_code == 200 and info["case_name"] in page.get_data(as_text=True)
    img = client.get(f"/pages/{vol.current.pages[0].page_id}/image")
    assert img.status_code == 200 and img.mimetype in ("image/jpeg", "image/png")
    assert img.get_data()[:2] in (b"\xff\xd8", b"\x89P")
    img.close()


@pytest.mark.parametrize("name,content,reason", [
    ("empty.pdf", b"", "空"),
    ("notes.pdf", "这不是PDF，只是一段文字。\n".encode() * 20, "PDF"),
    ("truncated.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", ""),
])
def test_bad_uploads_are_refused_with_the_file_named(client: Any, login: Any, make_user: Any,
                                                   name: str, content: bytes, reason: str) -> None:
    login(make_user("clerk", "clerk"))
    resp = client.post("/api/scans", data={"case_no": "A3701050200002018010001",
                                           "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert 400 <= resp.status_code < 500
    message = resp.get_json()["error"]["message"]
    assert name in message and reason in message
    assert db.session().scalar(select(func.count()).select_from(Scan)) == 0


def test_cli_ingest_wait_json(runner: Any, small_scan: Any, tmp_path: Path) -> None:
    path, info = small_scan
    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["jobs"][0]["job"]["state"] == "done"
    assert [p["state"] for p in out["pages"]] == ["done"] * info["pages"]
    assert any(d["type"] == "filing_decision" for d in out["documents"])


def test_cli_ingest_refuses_a_bad_file_in_one_line(runner: Any, tmp_path: Path) -> None:
    bad = tmp_path / "scan.tif"
    bad.write_bytes(b"II*\x00" + b"\x00" * 10)
    result = runner.invoke(args=["ingest", str(bad), "--case", "A3701050200002018010001"])
    assert result.exit_code != 0
    assert "scan.tif" in result.output and "Traceback" not in result.output


def test_late_document_is_inserted_as_a_new_version(runner: Any, small_scan: Any, tmp_path: Path) -> None:
    from PIL import Image

    path, info = small_scan
    assert runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait"]).exit_code == 0
    late = tmp_path / "late.png"
    Image.new("L", (800, 1100), 255).save(late, dpi=(100, 100))
    result = runner.invoke(args=["ingest", str(late), "--case", info["case_no"], "--insert-at", "2", "--wait"])
    assert result.exit_code == 0, result.output
    vol = db.session().scalars(select(Volume)).one()
    db.session().refresh(vol)
    first, second = vol.versions
    assert len(second.pages) == len(first.pages) + 1
    assert second.pages[1].page.blank  # the inserted page sits at position 2
    assert [vp.page_id for vp in second.pages[:1]] == [vp.page_id for vp in first.pages[:1]]
    assert [vp.page_id for vp in second.pages[2:]] == [vp.page_id for vp in first.pages[1:]]


def test_resuming_after_a_crash_neither_loses_nor_duplicates(app: Any, runner: Any, small_scan: Any) -> None:
    """A worker that died after some pages were processed: the sweep of the next worker to
    start finishes it."""
    from ecase.intake import tasks

    path, info = small_scan
    calls: list[int] = []
    real = tasks.process_page.run

    class WorkerDied(BaseException):
        pass

    def dying(page_id: int, finish: bool = True) -> None:
        if len(calls) == 1:
            raise WorkerDied("worker killed")
        calls.append(page_id)
        real(page_id, finish)

    tasks.process_page.run = dying  # type: ignore[method-assign]
    try:
        with pytest.raises(WorkerDied):
            runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait"],
                          catch_exceptions=False)
    finally:
        tasks.process_page.run = real  # type: ignore[method-assign]
    db.session().expire_all()
    job = db.session().scalars(select(Job)).one()
    assert job.state == "processing"
    # a copy of the job's message has nothing to do once the scan is split ...
    tasks.ingest_scan.apply((job.id,))
    db.session().expire_all()
    assert db.session().get(Job, job.id).state == "processing"  # type: ignore[union-attr]
    # ... the sweep of a worker that starts again rings for the pages left: the page whose
    # message died with the worker before it was taken is rung once the queue is empty
    # and a sweep interval has passed (here: no wait)
    from ecase.sweeper import sweep

    app.config["SWEEP_INTERVAL_S"] = 0
    sweep(at_start=True)
    db.session().expire_all()
    pages = db.session().scalars(select(Page).order_by(Page.scan_index)).all()
    assert [p.scan_index for p in pages] == list(range(1, info["pages"] + 1))
    assert all(p.state == "done" for p in pages)
    job = db.session().get(Job, job.id)
    assert job is not None and job.state == "done" and job.done == info["pages"]
