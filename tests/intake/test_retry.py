"""重新处理: a failed scan processed again, through the real tasks (``ecase.intake.retry``).

Pages fail the way they do in production: a page whose lease five workers took and
died holding (``attempts`` at ``MAX_ATTEMPTS``, as the kills leave it) is given up by
``process_page`` itself; a job whose splitting or recognition was taken too often is given
up by ``ingest_scan`` / ``finish_scan``; a file that is no scan is refused at splitting.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from ecase import db
from ecase.access import Actor
from ecase.errors import Conflict, Forbidden, NotFound
from ecase.intake import operations, retry
from ecase.models import AuditEntry, Job, Page, Scan, Volume
from ecase.models._types import utcnow

CASE_NO = "A3701050200002026000123"


def _blank_zip(path: Path, pages: int = 2) -> Path:
    """A scan of blank pages (no OCR needed: quick) as a ZIP of PNGs."""
    from PIL import Image

    with zipfile.ZipFile(path, "w") as z:
        for i in range(1, pages + 1):
            buf = io.BytesIO()
            Image.new("L", (400 + i, 560), 255).save(buf, format="PNG", dpi=(100, 100))
            z.writestr(f"{i:03d}.png", buf.getvalue())
    return path


def _accept(actor: Actor, path: Path, case_no: str = CASE_NO) -> int:
    """An accepted scan, not rung yet: the test drives its tasks."""
    with db.unit_of_work():
        case = operations.find_or_create_case(actor, case_no)
        vol = operations.find_or_create_volume(actor, case)
        with open(path, "rb") as f:
            _scan, job = operations.accept_scan(actor, vol, f, path.name)
        return job.id


def _job(job_id: int) -> Job:
    db.session().expire_all()
    job = db.session().get(Job, job_id)
    assert job is not None
    return job


def _pages(job_id: int) -> list[Page]:
    db.session().expire_all()
    scan_id = _job(job_id).scan_id
    return list(db.session().scalars(select(Page).where(Page.scan_id == scan_id).order_by(Page.scan_index)))


def _split_now(actor: Actor, path: Path) -> int:
    """A job accepted and its scan cut into pages (what ingest_scan does first), nothing rung."""
    from ecase.intake.tasks import _split

    job_id = _accept(actor, _blank_zip(path))
    with db.unit_of_work() as s:
        job = s.get(Job, job_id)
        scan = s.get(Scan, job.scan_id)  # type: ignore[union-attr]
        assert job is not None and scan is not None
        scan.page_count = job.total = _split(scan)
        job.state = "processing"
    return job_id


def _with_a_given_up_page(actor: Actor, tmp_path: Path) -> int:
    """A job done with page 1 failed: cut into pages, then page 1 found taken by five
    workers that all died holding it, and the rest of the work run by the real tasks."""
    from ecase.intake.tasks import MAX_ATTEMPTS, _maybe_finish, ring_pages

    job_id = _split_now(actor, tmp_path / "两页.zip")
    with db.unit_of_work() as s:
        scan_id = s.get(Job, job_id).scan_id  # type: ignore[union-attr]
        s.execute(update(Page).where(Page.scan_id == scan_id, Page.scan_index == 1).values(attempts=MAX_ATTEMPTS))
    ring_pages(job_id)
    _maybe_finish(job_id)
    job = _job(job_id)
    pages = _pages(job_id)
    assert job.state == "done" and (job.done, job.failed) == (1, 1)
    assert pages[0].state == "failed" and "多次处理" in (pages[0].error or "")
    return job_id


@pytest.fixture
def clerk(make_user: Any) -> Any:
    return make_user("clerk1", "clerk")


def _entries(action: str) -> list[AuditEntry]:
    return list(db.session().scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_given_up_page_is_processed_again_and_read_into_the_volume(app: Flask, clerk: Any,
                                                                      tmp_path: Path) -> None:
    actor = Actor.of(clerk)
    job_id = _with_a_given_up_page(actor, tmp_path)
    volume_id = _job(job_id).volume_id
    versions = len(db.session().get(Volume, volume_id).versions)  # type: ignore[union-attr]
    assert retry.may_retry(actor, _job(job_id))

    done = retry.retry_job(actor, job_id)

    assert (done.state, done.pages) == ("processing", 1)
    job = _job(job_id)
    assert job.state == "done" and (job.done, job.failed) == (2, 0) and job.error is None
    pages = _pages(job_id)
    assert [p.state for p in pages] == ["done", "done"]
    assert pages[0].attempts == 1 and pages[0].error is None  # taken once, from a fresh count
    vol = db.session().get(Volume, volume_id)
    assert vol is not None and len(vol.versions) == versions + 1
    assert vol.current is not None and vol.current.reason.startswith("重新处理扫描件")
    assert [vp.page_id for vp in vol.current.pages] == [p.id for p in pages]  # no page twice
    [entry] = _entries("retry")
    assert entry.username == "clerk1" and entry.target_id == str(job_id)
    assert entry.detail["from"] == "done" and entry.detail["pages"] == 1
    assert not retry.may_retry(actor, job)  # nothing failed any more
    with pytest.raises(Conflict, match="没有失败的页面"):
        retry.retry_job(actor, job_id)


def test_a_job_given_up_at_splitting_is_cut_again(app: Flask, clerk: Any, tmp_path: Path) -> None:
    from ecase.intake.tasks import MAX_JOB_ATTEMPTS, ingest_scan

    actor = Actor.of(clerk)
    job_id = _accept(actor, _blank_zip(tmp_path / "拆分.zip", pages=3))
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job_id).values(attempts=MAX_JOB_ATTEMPTS))
    ingest_scan.apply((job_id,))
    job = _job(job_id)
    assert job.state == "failed" and "多次拆分失败" in (job.error or "") and job.finished_at is not None

    assert retry.retry_job(actor, job_id).state == "queued"

    job = _job(job_id)
    assert job.state == "done" and (job.total, job.done, job.failed) == (3, 3, 0)
    assert job.error is None and job.attempts <= 1
    vol = db.session().get(Volume, job.volume_id)
    assert vol is not None and vol.current is not None and len(vol.current.pages) == 3


def test_a_job_given_up_at_recognition_is_recognised_again(app: Flask, clerk: Any, tmp_path: Path) -> None:
    from ecase.intake.tasks import MAX_JOB_ATTEMPTS, finish_scan, ring_pages

    actor = Actor.of(clerk)
    job_id = _split_now(actor, tmp_path / "识别.zip")
    ring_pages(job_id)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job_id).values(state="recognizing", attempts=MAX_JOB_ATTEMPTS))
    finish_scan.apply((job_id,))
    assert _job(job_id).state == "failed" and "文书识别多次失败" in (_job(job_id).error or "")
    assert db.session().get(Volume, _job(job_id).volume_id).current is None  # type: ignore[union-attr]

    assert retry.retry_job(actor, job_id) == retry.Retried(job_id, "processing", 0)

    job = _job(job_id)
    assert job.state == "done" and (job.done, job.failed) == (2, 0)
    vol = db.session().get(Volume, job.volume_id)
    assert vol is not None and vol.current is not None and len(vol.current.pages) == 2
    assert [p.attempts for p in _pages(job_id)] == [1, 1]  # the pages were not processed again


def test_an_unreadable_scan_is_not_processed_again(app: Flask, clerk: Any) -> None:
    from ecase.blobs import store
    from ecase.intake.tasks import ingest_scan

    actor = Actor.of(clerk)
    with db.unit_of_work() as s:
        case = operations.find_or_create_case(actor, CASE_NO)
        vol = operations.find_or_create_volume(actor, case)
        key = store().put_bytes(b"%PDF-1.4\nthis is no scan at all\n").key
        scan = Scan(volume_id=vol.id, sha256=key, size=30, filename="坏文件.pdf",
                    media_type="application/pdf", uploaded_by_id=clerk.id)
        s.add(scan)
        s.flush()
        job = Job(kind="ingest", state="queued", scan_id=scan.id, volume_id=vol.id, total=1)
        s.add(job)
        s.flush()
        job_id = job.id
    ingest_scan.apply((job_id,))
    job = _job(job_id)
    assert job.state == "failed" and job.scan is not None and job.scan.error

    assert not retry.may_retry(actor, job)
    with pytest.raises(Conflict, match="无法读取"):
        retry.retry_job(actor, job_id)
    assert _job(job_id).state == "failed" and not _entries("retry")


def test_what_is_not_failed_or_not_ones_own_is_refused(app: Flask, clerk: Any, make_user: Any,
                                                       tmp_path: Path) -> None:
    actor = Actor.of(clerk)
    running = _accept(actor, _blank_zip(tmp_path / "排队.zip"), "A3701050200002026000124")  # queued
    with pytest.raises(Conflict, match="正在处理中"):
        retry.retry_job(actor, running)
    failed = _with_a_given_up_page(actor, tmp_path)
    for missing in (999_999, 2**63, 2**70, 0, -1):
        with pytest.raises(NotFound):
            retry.retry_job(actor, missing)
    other = Actor.of(make_user("clerk2", "clerk", unit="历下派出所"))
    with pytest.raises(NotFound):  # another unit's job is not there for them
        retry.retry_job(other, failed)
    leader = Actor.of(make_user("leader1", "leader"))
    with pytest.raises(Forbidden):  # sees the job, changes nothing
        retry.retry_job(leader, failed)
    assert not retry.may_retry(leader, _job(failed))
    # a worker that still holds the job's lease (giving it up right now): not taken from it
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == failed)
                  .values(lease_owner="elsewhere:1:beef", lease_expires_at=utcnow() + dt.timedelta(minutes=1)))
    with pytest.raises(Conflict, match="后台进程"):
        retry.retry_job(actor, failed)
    assert _job(failed).state == "done" and _pages(failed)[0].state == "failed"
    assert not _entries("retry")


def test_two_retries_at_once_process_the_page_once(app: Flask, clerk: Any, tmp_path: Path) -> None:
    actor = Actor.of(clerk)
    job_id = _with_a_given_up_page(actor, tmp_path)
    start = threading.Barrier(2)
    won: list[retry.Retried] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        with app.app_context():
            start.wait()
            try:
                won.append(retry.retry_job(actor, job_id))
            except Conflict as e:
                refused.append(str(e))
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(won) == 1 and len(refused) == 1, (won, refused)
    # mostly both read the job before either wrote: the conditional UPDATE decides; when the
    # loser reads after the winner committed, the job is already being processed (or done)
    assert any(w in refused[0] for w in ("重新处理中", "正在处理中", "没有失败的页面")), refused
    job = _job(job_id)
    assert job.state == "done" and (job.done, job.failed) == (2, 0)
    assert [p.attempts for p in _pages(job_id)] == [1, 1]  # the retried page taken once
    assert len(_entries("retry")) == 1
    vol = db.session().get(Volume, job.volume_id)
    assert vol is not None and vol.current is not None and len(vol.current.pages) == 2


def test_the_job_page_button(app: Flask, client: Any, login: Any, clerk: Any, make_user: Any,
                             tmp_path: Path) -> None:
    actor = Actor.of(clerk)
    job_id = _with_a_given_up_page(actor, tmp_path)
    login(clerk)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "重新处理" in page and f'action="/jobs/{job_id}/retry"' in page and 'name="csrf_token"' in page

    resp = client.post(f"/jobs/{job_id}/retry")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/jobs/{job_id}")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已重新开始处理" in page and "重新处理</button>" not in page
    assert _job(job_id).state == "done" and _job(job_id).failed == 0
    [entry] = _entries("retry")
    assert entry.username == "clerk1"

    # done without failures: refused, the reason on the page
    resp = client.post(f"/jobs/{job_id}/retry", follow_redirects=True)
    assert resp.status_code == 200 and "没有失败的页面" in resp.get_data(as_text=True)
    assert len(_entries("retry")) == 1

    assert client.post(f"/jobs/{2**70}/retry").status_code == 404
    assert client.post("/jobs/999999/retry").status_code == 404
    leader = make_user("leader1", "leader")
    login(leader)
    assert "重新处理</button>" not in client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert client.post(f"/jobs/{job_id}/retry").status_code == 403


def test_the_button_needs_the_forms_csrf_token(app: Flask, clerk: Any, tmp_path: Path) -> None:
    from flask.testing import FlaskClient

    job_id = _with_a_given_up_page(Actor.of(clerk), tmp_path)
    plain = FlaskClient(app, use_cookies=True)
    with plain.session_transaction() as sess:
        sess["user_id"] = clerk.id
        sess["seen"] = utcnow().isoformat()
    assert plain.post(f"/jobs/{job_id}/retry").status_code == 400
    assert _job(job_id).failed == 1 and _pages(job_id)[0].state == "failed"


def test_cli_retry_wait(app: Flask, runner: Any, clerk: Any, tmp_path: Path) -> None:
    job_id = _with_a_given_up_page(Actor.of(clerk), tmp_path)
    result = runner.invoke(args=["retry", str(job_id), "--wait", "--as", "clerk1"])
    assert result.exit_code == 0, result.output
    assert "完成" in result.output
    job = _job(job_id)
    assert job.state == "done" and (job.done, job.failed) == (2, 0)
    [entry] = _entries("retry")
    assert entry.username == "clerk1" and entry.detail.get("via") == "cli"

    again = runner.invoke(args=["retry", str(job_id)])
    assert again.exit_code == 1 and "没有失败的页面" in again.output
    unknown = runner.invoke(args=["retry", str(2**70)])
    assert unknown.exit_code == 1 and "Traceback" not in unknown.output


def test_cli_retry_help(runner: Any) -> None:
    result = runner.invoke(args=["retry", "--help"])
    assert result.exit_code == 0 and "JOB_ID" in result.output and "--wait" in result.output
