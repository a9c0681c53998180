"""The database is the truth, the queue only a doorbell: leases, the sweeper, versions
made by scans finishing at once, and case numbers made by two first uploads at once.

These tests put rows into the states a ``kill -9`` leaves behind (a message never sent,
a lease held by a dead worker, a job moved on by nobody) and check that a sweep brings
every one to its end; the soak tests (tests/soak) do the same with real kills.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from ecase import db, leases
from ecase.access import Actor
from ecase.intake import operations
from ecase.models import Case, Job, Page, Scan, Volume, VolumeVersion
from ecase.models._types import utcnow

EMPTY_OCR = {"width": 100, "height": 100, "words": [], "lines": []}


def _accept(path: Path, case_no: str, *, queue: bool = False) -> Job:
    """An accepted scan whose message was never sent (the process died right after the
    acknowledgement)."""
    with db.unit_of_work():
        case = operations.find_or_create_case(Actor.system(), case_no)
        vol = operations.find_or_create_volume(Actor.system(), case)
        with open(path, "rb") as f:
            _scan, job = operations.accept_scan(Actor.system(), vol, f, path.name)
    if queue:
        operations.queue_job(job)
    return job


def _state(job_id: int) -> str:
    db.session().expire_all()
    job = db.session().get(Job, job_id)
    assert job is not None
    return job.state


@pytest.mark.slow
def test_a_lost_message_is_rung_again_by_the_sweep(app: Flask, small_scan: Any) -> None:
    from ecase.sweeper import sweep

    path, info = small_scan
    job = _accept(path, info["case_no"])
    assert _state(job.id) == "queued"
    rung = sweep(at_start=True)
    assert rung["ecase.ingest_scan"] == 1
    assert _state(job.id) == "done"
    vol = db.session().get(Volume, job.volume_id)
    assert vol is not None and vol.current is not None and len(vol.current.pages) == info["pages"]
    assert sweep(at_start=True) == {}  # nothing left to ring


@pytest.mark.slow
def test_every_state_a_kill_leaves_is_finished_by_the_sweep(app: Flask, small_scan: Any) -> None:
    """Split, one page done, one page held by a dead worker's lease: the sweep at a
    worker's start processes the page, moves the job on and recognises the volume."""
    from ecase.intake.tasks import _split
    from ecase.sweeper import sweep

    path, info = small_scan
    job = _accept(path, info["case_no"])
    with db.unit_of_work() as s:
        scan = s.get(Scan, job.scan_id)
        assert scan is not None
        scan.page_count = _split(scan)
        s.get(Job, job.id).state = "processing"  # type: ignore[union-attr]
    pages = list(db.session().scalars(select(Page).where(Page.scan_id == job.scan_id).order_by(Page.scan_index)))
    assert len(pages) == info["pages"] >= 2
    dead = utcnow() - dt.timedelta(seconds=5)
    with db.unit_of_work() as s:
        s.execute(update(Page).where(Page.id == pages[0].id)
                  .values(lease_owner="gone:1:dead", lease_expires_at=dead, attempts=1))
    # a live lease is respected: the page is not handed out while its worker renews it
    with db.unit_of_work() as s:
        s.execute(update(Page).where(Page.id == pages[1].id)
                  .values(lease_owner="alive:2:busy", lease_expires_at=utcnow() + dt.timedelta(minutes=5)))
    rung = sweep()
    assert rung["ecase.process_page"] == 1
    assert _state(job.id) == "processing"
    db.session().expire_all()
    assert db.session().get(Page, pages[0].id).state == "done"  # type: ignore[union-attr]
    assert db.session().get(Page, pages[1].id).state == "pending"  # type: ignore[union-attr]
    # the live worker dies too: its lease runs out
    with db.unit_of_work() as s:
        s.execute(update(Page).where(Page.id == pages[1].id).values(lease_expires_at=dead))
    sweep()
    assert _state(job.id) == "done"
    vol = db.session().get(Volume, job.volume_id)
    assert vol is not None and vol.current is not None
    assert [vp.page_id for vp in vol.current.pages] == [p.id for p in pages]


def test_a_job_left_recognizing_by_a_dead_worker_is_finished(app: Flask) -> None:
    from ecase.sweeper import sweep

    job = _processed_scan("A1101010100002026000001", pages=2)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job)
                  .values(state="recognizing", lease_owner="gone:1:dead",
                          lease_expires_at=utcnow() - dt.timedelta(seconds=1), rung_at=utcnow(), rings=1))
    assert sweep()["ecase.finish_scan"] == 1
    assert _state(job) == "done"
    # a message that comes twice finds the work done and adds nothing
    from ecase.intake.tasks import finish_scan

    finish_scan.apply((job,))
    assert db.session().scalar(select(func.count()).select_from(VolumeVersion)) == 1


def test_pages_done_but_job_not_moved_on(app: Flask) -> None:
    from ecase.sweeper import sweep

    job = _processed_scan("A1101010100002026000002", pages=1)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job).values(state="processing"))
    sweep()
    assert _state(job) == "done"


def test_the_sweep_does_not_flood_a_long_queue(app: Flask) -> None:
    """A free row whose message is only waiting its turn is not rung again while the
    queue holds messages (after a crash it held thousands of copies); it is when the queue
    is empty (its message is gone: a worker that died had reserved it), when its worker
    died holding it, and after 16 intervals whatever the queue says."""
    now = utcnow()
    row = type("Row", (), {"rung_at": now - dt.timedelta(seconds=90), "rings": 5, "lease_owner": None})
    assert not leases.due(row, now, 60, queue_empty=False)
    assert leases.due(row, now, 60, queue_empty=True)
    row.rung_at = now - dt.timedelta(seconds=30)
    assert not leases.due(row, now, 60, queue_empty=True)  # give a fresh message time to arrive
    row.rung_at, row.rings = now - dt.timedelta(seconds=16 * 60), 1
    assert leases.due(row, now, 60, queue_empty=False)  # after 16 intervals whatever the queue says
    row.rings = 3  # … then 32, 64 …: a backlog slower to drain than that gets one copy, not one a sweep
    assert not leases.due(row, now, 60, queue_empty=False)
    assert leases.due(row, now + dt.timedelta(seconds=48 * 60), 60, queue_empty=False)
    row.rings = 40
    assert leases.due(row, now + dt.timedelta(seconds=240 * 60), 60, queue_empty=False)  # at most 256
    row.rung_at, row.rings = now - dt.timedelta(seconds=90), 5
    row.lease_owner = "gone:1:dead"  # its lease ran out: its worker died
    assert leases.due(row, now, 60, queue_empty=False)
    row.lease_owner, row.rung_at = None, None  # never rung: the process died before it rang
    assert leases.due(row, now, 60, queue_empty=False)
    # a broker that cannot say: back off 1, 2, 4 … intervals
    row.rung_at, row.rings = now - dt.timedelta(seconds=90), 1
    assert leases.due(row, now, 60)
    row.rings = 2
    assert not leases.due(row, now, 60)


def test_a_row_whose_lease_ran_out_is_rung_once_not_every_sweep(app: Flask) -> None:
    """A row whose worker died holding it is rung at once; from then on it waits like any
    rung row. Before, the dead worker's name stayed on the row, so every sweep found it
    "held by a dead worker" and rang again until a worker took it: the 50-kill soak on a
    loaded machine sent 3,558 page messages for ~350 pages and real work waited behind them."""
    job = _processed_scan("A1101010100002026000031", pages=2)
    with db.unit_of_work() as s:
        first, second = s.scalars(select(Page.id).join(Scan).join(Job, Job.scan_id == Scan.id)
                                  .where(Job.id == job).order_by(Page.id))
        s.execute(update(Page).where(Page.id.in_((first, second)))
                  .values(state="pending", lease_owner="elsewhere:1:worker", rings=1,
                          lease_expires_at=utcnow() - dt.timedelta(seconds=1),
                          rung_at=utcnow() - dt.timedelta(seconds=120)))
        # the second is taken again by a live worker between the sweep's look and its ring
        s.execute(update(Page).where(Page.id == second)
                  .values(lease_owner="elsewhere:2:worker", lease_expires_at=utcnow() + dt.timedelta(seconds=60)))

    def row(page_id: int) -> Any:
        db.session().expire_all()
        return db.session().execute(select(Page.rung_at, Page.rings, Page.lease_owner, Page.lease_expires_at)
                                    .where(Page.id == page_id)).one()

    now = utcnow()
    assert leases.due(row(first), now, 60, queue_empty=False)
    with db.unit_of_work():
        leases.mark_rung(Page, [first, second])
    assert row(first).lease_owner is None and row(first).rings == 2
    assert not leases.due(row(first), utcnow(), 60, queue_empty=False)  # its message is in the queue now
    assert leases.due(row(first), utcnow() + dt.timedelta(seconds=61), 60, queue_empty=True)
    assert row(second).lease_owner == "elsewhere:2:worker"  # a live lease is left alone


@pytest.mark.redis
def test_the_queue_length_is_read_from_redis(app: Flask) -> None:
    import os

    url = os.environ.get("ECASE_TEST_REDIS_URL")
    if not url:
        pytest.skip("ECASE_TEST_REDIS_URL is not set (./dev test starts a Redis server)")
    _queue_length_is_read(app, url)


def test_the_queue_length_is_read_from_the_embedded_broker(app: Flask) -> None:
    _queue_length_is_read(app, None)


def _queue_length_is_read(app: Flask, broker: str | None) -> None:
    """Messages sent and not taken make the queue non-empty; none: empty."""
    import uuid

    from ecase import tasks
    from ecase.sweeper import queue_empty

    queue = f"test-{uuid.uuid4().hex[:8]}"
    if broker:
        app.config["BROKER_URL"] = broker
    app.config["TASKS_EAGER"] = False
    tasks.init_app(app)
    tasks.celery.conf.task_default_queue = queue
    try:
        assert queue_empty() is True
        tasks.celery.send_task("ecase.nothing", queue=queue)
        assert queue_empty() is False
    finally:
        with tasks.celery.connection_for_write() as conn, conn.channel() as channel:
            channel.queue_purge(queue)
        app.config["TASKS_EAGER"] = True
        tasks.celery.conf.task_default_queue = "ecase"


def test_a_lease_is_taken_once_and_again_when_it_runs_out(app: Flask) -> None:
    job = _processed_scan("A1101010100002026000003", pages=1)
    with leases.Lease(Job, job) as first:
        assert first.held
        with leases.Lease(Job, job) as second:
            assert not second.held
    held = db.session().scalar(select(Job.lease_owner).where(Job.id == job))
    assert held is None  # given back
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job)
                  .values(lease_owner="gone:1:dead", lease_expires_at=utcnow() - dt.timedelta(seconds=1)))
    assert leases.take(Job, job)


def test_the_heartbeat_keeps_the_lease(app: Flask) -> None:
    app.config["LEASE_S"] = 2
    job = _processed_scan("A1101010100002026000004", pages=1)
    with leases.Lease(Job, job) as lease:
        import time

        time.sleep(3.5)  # longer than the lease: only the heartbeat keeps it
        assert not leases.take(Job, job, count_attempt=False)
        assert not lease.lost


def _processed_scan(case_no: str, pages: int, volume_id: int | None = None) -> int:
    """A scan whose pages are processed (no OCR needed), as a job in 'recognizing'."""
    with db.unit_of_work() as s:
        if volume_id is None:
            case = operations.find_or_create_case(Actor.system(), case_no)
            volume_id = operations.find_or_create_volume(Actor.system(), case).id
        scan = Scan(volume_id=volume_id, sha256="0" * 64, size=1, filename=f"{case_no[-4:]}.pdf",
                    media_type="application/pdf", page_count=pages)
        s.add(scan)
        s.flush()
        for i in range(1, pages + 1):
            s.add(Page(scan_id=scan.id, scan_index=i, original_key="0" * 64, state="done",
                       ocr=EMPTY_OCR, text=""))
        job = Job(kind="ingest", state="recognizing", scan_id=scan.id, volume_id=volume_id, total=pages)
        s.add(job)
        s.flush()
        return job.id


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def either_app(request: pytest.FixtureRequest) -> Flask:
    """The test app on SQLite, then on PostgreSQL (when ./dev test started one)."""
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")  # type: ignore[no-any-return]


def test_scans_finishing_at_once_on_one_volume_all_land(either_app: Flask) -> None:
    """Ten scans of one volume recognised at the same moment: every page lands once,
    versions are numbered without a gap or a conflict (it failed with UNIQUE volume_id,
    number)."""
    from ecase.intake.tasks import finish_scan

    app = either_app

    first = _processed_scan("A1101010100002026000010", pages=1)
    volume_id = db.session().get(Job, first).volume_id  # type: ignore[union-attr]
    jobs = [first] + [_processed_scan("", pages=1, volume_id=volume_id) for _ in range(9)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job_id: int) -> None:
        with app.app_context():
            try:
                start.wait()
                finish_scan.run(job_id)
            except BaseException as e:  # noqa: BLE001 - reported below
                import traceback

                traceback.print_exc()
                errors.append(e)

    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(_state(j) == "done" for j in jobs)
    vol = db.session().get(Volume, volume_id)
    assert vol is not None and vol.current is not None
    pages = [vp.page_id for vp in vol.current.pages]
    assert len(pages) == len(set(pages)) == 10
    numbers = [v.number for v in vol.versions]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 10  # scans waiting together share one


def test_two_first_uploads_to_one_new_case_at_once(either_app: Flask) -> None:
    """The second insert of the same new case number waits for the first and then uses
    its case (it answered HTTP 500 with an IntegrityError)."""
    app = either_app
    case_no = "A1101010100002026000020"
    flushed, done = threading.Event(), threading.Event()
    results: list[Any] = []

    def first() -> None:
        with app.app_context():
            with db.unit_of_work():
                case = operations.find_or_create_case(Actor.system(), case_no)
                results.append(("first", case.id))
                flushed.set()
                done.wait(5)  # hold the new case uncommitted while the second one tries

    def second() -> None:
        with app.app_context():
            flushed.wait(5)
            try:
                with db.unit_of_work():
                    threading.Timer(0.5, done.set).start()
                    case = operations.find_or_create_case(Actor.system(), case_no)
                    operations.find_or_create_volume(Actor.system(), case)
                    results.append(("second", case.id))
            except BaseException as e:  # noqa: BLE001
                results.append(("second", e))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = dict(results)
    assert ids["first"] == ids["second"], results
    assert db.session().scalar(select(func.count()).select_from(Case)) == 1


def test_case_numbers_belong_to_units(app: Flask, client: Any, make_unit: Any, make_user: Any,
                                      login: Any, tmp_path: Path) -> None:
    """A clerk gets the same answer for another unit's case as for another unit's number
    that does not exist, and makes new cases only with the numbers of the clerk's unit."""
    a = make_unit("甲派出所", code="110101010000")
    b = make_unit("乙派出所", code="110101020000")
    with db.unit_of_work():
        db.session().add(Case(case_no="A1101010100002026000031", name="甲的案件", unit_id=a.id))
    login(make_user("clerk_b", "clerk", unit=b.name))
    from PIL import Image

    scan = tmp_path / "p.png"
    Image.new("L", (200, 100), 255).save(scan)

    def upload(case_no: str) -> Any:
        import io

        return client.post("/api/scans", data={"case_no": case_no, "file": (io.BytesIO(scan.read_bytes()), "p.png")},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})

    theirs = upload("A1101010100002026000031")
    unused = upload("A1101010100002026000032")
    assert theirs.status_code == unused.status_code == 404
    assert theirs.get_json() == unused.get_json()
    own = upload("A1101010200002026000001")
    assert own.status_code == 202, own.get_data(as_text=True)
    made = db.session().scalars(select(Case).where(Case.case_no == "A1101010200002026000001")).one()
    assert made.unit_id == b.id


def test_leases_of_dead_processes_on_this_machine_end_at_once(app: Flask) -> None:
    """After a kill -9 and a restart the sweep at the worker's start frees the dead
    workers' rows at once, not a lease later; a live process's lease stays."""
    import os
    import socket
    import subprocess

    job = _processed_scan("A1101010100002026000040", pages=1)
    dead = subprocess.Popen(["true"])
    dead.wait()
    host = socket.gethostname()[:60]
    later = utcnow() + dt.timedelta(minutes=5)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == job)
                  .values(lease_owner=f"{host}:{dead.pid}:gone", lease_expires_at=later))
    other = _processed_scan("A1101010100002026000041", pages=1)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == other)
                  .values(lease_owner=f"{host}:{os.getpid()}:alive", lease_expires_at=later))
    assert leases.reap_dead_owners([Job]) == 1
    assert leases.take(Job, job)
    assert not leases.take(Job, other)


def test_an_export_job_left_by_a_dead_worker_is_built(app: Flask, small_scan: Any) -> None:
    """An export job (with its parameters) whose worker died is built by the sweep."""
    from ecase.sweeper import sweep

    path, info = small_scan
    job = _accept(path, info["case_no"], queue=True)
    assert _state(job.id) == "done"
    with db.unit_of_work() as s:
        export = Job(kind="export", state="processing", case_id=db.session().get(Volume, job.volume_id).case_id,
                     total=1, params={"include_secondary": False}, lease_owner="gone:1:dead",
                     lease_expires_at=utcnow() - dt.timedelta(seconds=1), rung_at=utcnow(), rings=1)
        s.add(export)
        s.flush()
        export_id = export.id
    assert sweep()["ecase.build_export"] == 1
    assert _state(export_id) == "done"


def test_scans_waiting_for_recognition_share_one_version(app: Flask) -> None:
    """A clerk's many uploads to one volume: the first finish takes the others waiting
    along, the volume is recognised once, the pages in the order the scans came."""
    from ecase.intake.tasks import finish_scan

    first = _processed_scan("A1101010100002026000060", pages=2)
    volume_id = db.session().get(Job, first).volume_id  # type: ignore[union-attr]
    jobs = [first] + [_processed_scan("", pages=1, volume_id=volume_id) for _ in range(4)]
    finish_scan.apply((jobs[2],))
    assert all(_state(j) == "done" for j in jobs)
    vol = db.session().get(Volume, volume_id)
    assert vol is not None and len(vol.versions) == 1
    pages = [vp.page_id for vp in vol.current.pages]  # type: ignore[union-attr]
    assert len(pages) == 6 and pages == sorted(pages)


def test_a_scan_waits_for_the_scans_accepted_before_it(app: Flask) -> None:
    """Two parts of one bound volume uploaded one after the other: the short second part
    finished first and its pages went into the volume before the first part's. It now
    waits; the first part's finish takes it along, and the volume keeps the paper's order."""
    from ecase.intake.tasks import finish_scan

    first = _processed_scan("A1101010100002026000070", pages=3)
    volume_id = db.session().get(Job, first).volume_id  # type: ignore[union-attr]
    second = _processed_scan("", pages=1, volume_id=volume_id)
    with db.unit_of_work() as s:  # the first part's pages are still being read
        s.execute(update(Job).where(Job.id == first).values(state="processing"))
    finish_scan.apply((second,))
    assert _state(second) == "recognizing"
    vol = db.session().get(Volume, volume_id)
    assert vol is not None and not vol.versions

    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == first).values(state="recognizing"))
    finish_scan.apply((first,))
    assert _state(first) == _state(second) == "done"
    db.session().expire_all()
    vol = db.session().get(Volume, volume_id)
    assert vol is not None and len(vol.versions) == 1
    scans = [vp.page.scan.id for vp in vol.current.pages]  # type: ignore[union-attr]
    first_scan = db.session().get(Job, first).scan_id  # type: ignore[union-attr]
    assert scans[:3] == [first_scan] * 3 and len(scans) == 4


def test_a_failed_earlier_scan_does_not_hold_up_the_next(app: Flask) -> None:
    from ecase.intake.tasks import finish_scan

    first = _processed_scan("A1101010100002026000071", pages=2)
    volume_id = db.session().get(Job, first).volume_id  # type: ignore[union-attr]
    second = _processed_scan("", pages=1, volume_id=volume_id)
    with db.unit_of_work() as s:
        s.execute(update(Job).where(Job.id == first).values(state="failed"))
    finish_scan.apply((second,))
    assert _state(second) == "done"


def test_a_page_is_given_up_only_after_five_workers_died_holding_it(app: Flask) -> None:
    """Hostile decoding runs in a sandbox and OCR under a time limit, so a worker that dies
    holding a page was mostly stopped from outside (a restart, kill -9, the machine's
    memory): with three takes the 50-kill soak gave up a valid page. Five takes now."""
    import io

    from PIL import Image

    from ecase.blobs import store
    from ecase.intake.tasks import MAX_ATTEMPTS, process_page

    assert MAX_ATTEMPTS == 5
    buf = io.BytesIO()
    Image.new("L", (400, 560), 255).save(buf, format="PNG")  # a blank page: no OCR needed
    key = store().put_bytes(buf.getvalue()).key
    job = _processed_scan("A1101010100002026000080", pages=2)
    with db.unit_of_work() as s:
        ids = list(s.scalars(select(Page.id).join(Scan).join(Job, Job.scan_id == Scan.id)
                             .where(Job.id == job).order_by(Page.id)))
        s.execute(update(Page).where(Page.id.in_(ids))
                  .values(state="pending", original_key=key, original_media_type="image/png", dpi=100))
        s.execute(update(Page).where(Page.id == ids[0]).values(attempts=MAX_ATTEMPTS - 1))
        s.execute(update(Page).where(Page.id == ids[1]).values(attempts=MAX_ATTEMPTS))
    process_page.apply((ids[0], False))
    process_page.apply((ids[1], False))
    db.session().expire_all()
    kept, given_up = (db.session().get(Page, i) for i in ids)
    assert kept is not None and kept.state == "done" and kept.blank
    assert given_up is not None and given_up.state == "failed" and "多次处理" in (given_up.error or "")
