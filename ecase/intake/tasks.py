"""The intake tasks. Each is idempotent, so a crash or restart resumes where it stopped:

1. ``ingest_scan(job_id)`` cuts the stored scan into pages (once: ``Scan.page_count``
   records that it was done, in the same transaction as the page rows), then queues one
   ``process_page`` per page still pending.
2. ``process_page(page_id)`` runs the page through ``scanning.pipeline.process_page``
   (upright, clean, OCR, unread text, paper page number) and stores the result; a page
   already done is skipped. The last page to finish queues ``finish_scan``.
3. ``finish_scan(job_id)`` runs the pipeline's per-scan steps
   (``scanning.pipeline.finish_pages``: table pages read again), puts the scan's pages
   into the volume as a new version and runs recognition over the volume (a scan already
   in it, processed again by ``ecase.intake.retry``, makes a new version read afresh).

The order of the page steps is ``scanning.pipeline``'s alone: these tasks only load
bytes, call it and store what it answers (``ecase extract`` calls the same functions).

Each task first takes the lease of its job or page (``ecase.leases``) and returns at
once when another live worker holds it or the work is done: a message is only a
doorbell, and the sweeper (``ecase.sweeper``) rings again for whatever no live worker
holds, so a worker killed at any moment loses nothing and leaves nothing stuck.

Parsing untrusted files happens in ``scanning.sandbox`` child processes, so a file that
crashes or hangs the parser fails alone and never takes the worker down; a page image
that kills a worker anyway is given up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update

from ecase import db, leases
from ecase.blobs import store
from ecase.leases import Lease
from ecase.intake.pages import ocr_to_json
from ecase.models import Job, Page, Scan
from ecase.models._types import utcnow
from ecase.tasks import celery
from scanning import sandbox
from scanning.errors import ScanError
from scanning.types import PageOCR, PageResult

log = logging.getLogger(__name__)


#: takes of one page before it is given up as failed: a page that keeps killing its
#: worker must not come back forever. Decoding runs in a sandbox and OCR under a time
#: limit, so a worker that dies holding a page was mostly stopped from outside (kill -9,
#: a restart, the machine's memory): with 3 the 50-kill soak gave up a valid page.
MAX_ATTEMPTS = 5
MAX_JOB_ATTEMPTS = 5

#: the states ``ingest_scan`` works in; once the job is "processing", a copy of its
#: message has nothing to do (the pages ring for themselves) and must not take the job
UNSPLIT = ("queued", "splitting")


@celery.task(name="ecase.ingest_scan")
def ingest_scan(job_id: int) -> None:
    """Cut the scan into pages (once) and ring for each page still pending."""
    with Lease(Job, job_id, Job.state.in_(UNSPLIT)) as lease:
        if not lease.held:
            return
        with db.unit_of_work() as s:
            job = s.get(Job, job_id)
            assert job is not None
            scan = s.get(Scan, job.scan_id)
            assert scan is not None
            if job.attempts > MAX_JOB_ATTEMPTS:
                _give_up(job, f"扫描件 {scan.filename} 多次拆分失败，已放弃")
                return
            if scan.page_count is None:
                job.state = "splitting"
                try:
                    count = _split(scan)
                except ScanError as e:
                    scan.error = job.error = str(e)
                    job.state = "failed"
                    job.finished_at = utcnow()
                    log.warning("scan %s refused: %s", scan.id, e)
                    return
                scan.page_count = count
                job.total = count
            job.state = "processing"
        ring_pages(job_id)
    _maybe_finish(job_id)


def ring_pages(job_id: int, page_ids: list[int] | None = None) -> None:
    """Send ``process_page`` for the job's pending pages no live lease holds (or for
    ``page_ids``), recording the ring; inline, in parallel, when tasks run eagerly."""
    with db.unit_of_work() as s:
        if page_ids is None:
            scan_id = s.scalar(select(Job.scan_id).where(Job.id == job_id))
            page_ids = list(s.scalars(select(Page.id).where(Page.scan_id == scan_id, Page.state == "pending",
                                                            leases.free(Page, utcnow()))
                                      .order_by(Page.scan_index)))
        leases.mark_rung(Page, page_ids)
    if celery.conf.task_always_eager:
        _process_inline(page_ids)  # the caller finishes the job once all are done
    else:
        for page_id in page_ids:
            process_page.delay(page_id)


def _give_up(job: Job, message: str) -> None:
    job.state = "failed"
    job.error = message
    job.finished_at = utcnow()
    log.warning("job %s given up: %s", job.id, message)


def _process_inline(page_ids: list[int]) -> None:
    """Eager mode (tests, ``ecase ingest --wait`` without a worker): process the pages
    in parallel child processes here, committing each page as it is stored."""
    from concurrent.futures import ThreadPoolExecutor

    cores = max(1, current_app.config["WORKER_CONCURRENCY"])
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def compute(page_id: int) -> None:
        with app.app_context():
            process_page.run(page_id, finish=False)

    # Threads only wait on sandbox child processes, which do the work on every core.
    with ThreadPoolExecutor(max_workers=cores) as pool:
        list(pool.map(compute, page_ids))


def _split(scan: Scan) -> int:
    """Cut the scan into page rows, storing each page's image as a blob."""
    s = db.session()
    count = 0
    with store().materialize(scan.sha256) as path:
        for sp in sandbox.iter_pages(path, name=scan.filename):
            count += 1
            page = Page(scan_id=scan.id, scan_index=sp.index, width=sp.width or None,
                        height=sp.height or None, dpi=sp.dpi or None)
            if sp.error:
                page.state = "failed"
                page.error = sp.error
            else:
                page.original_key = store().put_bytes(sp.data).key
                page.original_media_type = sp.media_type
            s.add(page)
    if count == 0:
        from scanning.errors import EmptyScanError

        raise EmptyScanError(scan.filename, "no pages")
    s.flush()
    return count


@celery.task(name="ecase.process_page")
def process_page(page_id: int, finish: bool = True) -> None:
    """Turn one page upright, OCR it and store the result (skipped when already done or
    held by another worker).

    Taking the lease counts the attempt in its own committed transaction first: a page
    whose processing kills the worker process (a poisonous image) comes back when its
    lease runs out, and after ``MAX_ATTEMPTS`` it is marked failed instead of taking
    workers down forever. The result is stored only if the page is still pending, so
    of two workers that processed it (one stalled past its lease) the first one wins."""
    from scanning.pipeline import process_page as run_pipeline

    with Lease(Page, page_id, Page.state == "pending") as lease:
        if not lease.held:
            return
        s = db.session()
        page = s.get(Page, page_id)
        assert page is not None
        scan_id, index, filename = page.scan_id, page.scan_index, page.scan.filename
        values: dict[str, Any]
        if page.attempts > MAX_ATTEMPTS or page.original_key is None:
            error = (f"第{index}页多次处理时进程异常退出，已放弃" if page.original_key
                     else f"第{index}页无法读取")
            values = {"state": "failed", "error": error}
        else:
            data = store().get_bytes(page.original_key)
            dpi, media_type = page.dpi or 300, page.original_media_type
            s.rollback()  # no transaction (nor SQLite snapshot) held while the page is read
            result, derived = run_pipeline(data, dpi=dpi, index=index, media_type=media_type,
                                           lang=current_app.config["OCR_LANG"], name=filename,
                                           engine=current_app.config["OCR_ENGINE"])
            if result.error is not None:
                values = {"state": "failed", "error": result.error}
            else:
                values = {"state": "done", "rotation": result.rotation, "skew_deg": result.skew_deg,
                          "blank": result.blank}
                if derived is not None:
                    values["derived_key"] = store().put_bytes(derived).key
                    values["derived_media_type"] = _media_type(derived)
                if result.ocr is not None:
                    values["ocr"] = ocr_to_json(result.ocr)
                    values["text"] = result.ocr.text
        if values["state"] == "failed":
            log.warning("page %s failed: %s", page_id, values["error"])
        with db.unit_of_work() as s:
            stored = s.execute(update(Page).where(Page.id == page_id, Page.state == "pending")
                               .values(processed_at=utcnow(), **values)
                               .execution_options(synchronize_session=False)).rowcount
        if not stored:
            log.info("page %s was finished by another worker meanwhile", page_id)
    if finish:
        job_id = db.session().scalar(select(Job.id).where(Job.scan_id == scan_id).order_by(Job.id.desc()))
        if job_id is not None:
            _maybe_finish(job_id)


def _finish_pages(scan: Scan) -> dict[int, PageOCR]:
    """The page pipeline's steps that need the whole scan (``scanning.pipeline.finish_pages``:
    table pages read again, their paper page numbers too) over the scan's stored pages.
    Returns the new readings by page id (stored with the volume's new version)."""
    from ecase.intake.pages import page_result
    from scanning.pipeline import finish_pages

    pages = [p for p in scan.pages if p.state == "done"]
    results = [page_result(p, p.scan_index) for p in pages]
    for page, result in zip(pages, results):
        result.dpi = _ocr_dpi(page, result)
    keys = {p.scan_index: p.image_key for p in pages}
    ids = {p.scan_index: p.id for p in pages}

    def image_of(result: PageResult) -> bytes | None:
        key = keys[result.index]
        return store().get_bytes(key) if key is not None else None

    return {ids[r.index]: r.ocr for r in finish_pages(results, image_of) if r.ocr is not None}


def _ocr_dpi(page: Page, result: PageResult) -> int:
    """The resolution the page was OCR'd at, as ``scanning.pipeline.process_page`` answered
    it (the row keeps the scan's own: pages finer than the pipeline's limit were brought
    down), from the reading's width against the scan's."""
    across = page.width if result.rotation % 180 == 0 else page.height
    if result.ocr is None or not across or not page.dpi or result.ocr.width == across:
        return result.dpi
    return max(1, round(page.dpi * result.ocr.width / across))


def _media_type(data: bytes) -> str:
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"


def _maybe_finish(job_id: int) -> None:
    """Queue ``finish_scan`` once, when no page of the job's scan is pending any more
    (the counts of done and failed pages are taken from the pages themselves).

    The state change from processing to recognizing is a conditional UPDATE, so of two
    pages finishing at once exactly one queues the next step."""
    with db.unit_of_work() as s:
        scan_id = s.scalar(select(Job.scan_id).where(Job.id == job_id))
        counts = dict(s.execute(select(Page.state, func.count()).where(Page.scan_id == scan_id)
                                .group_by(Page.state)).all())
        if counts.get("pending") or not counts:
            return
        won = s.execute(update(Job).where(Job.id == job_id, Job.state == "processing")
                        .values(state="recognizing", done=counts.get("done", 0),
                                failed=counts.get("failed", 0), rung_at=utcnow(), rings=1,
                                attempts=0)).rowcount  # recognition's own attempts
    if won:
        finish_scan.delay(job_id)


@celery.task(name="ecase.finish_scan")
def finish_scan(job_id: int) -> None:
    """Finish the scan's pages (``scanning.pipeline.finish_pages``) and put its pages into the volume as a new
    version (see ``add_scans_to_volume``: safe beside other scans of the same volume).

    Other scans of the same volume waiting for recognition too (a clerk's many uploads,
    a queue after a restart) are taken along into the same version, in the order they
    were accepted: the volume is recognised once for all of them, not once each. A scan
    whose predecessor on the volume is still being read waits for it (and is taken along
    by its finish), so a short second part never lands before the first."""
    from contextlib import ExitStack

    from ecase.dossiers import operations

    with ExitStack() as held:
        lease = held.enter_context(Lease(Job, job_id, Job.state == "recognizing"))
        if not lease.held:
            return
        s = db.session()
        job = s.get(Job, job_id)
        assert job is not None
        if job.attempts > MAX_JOB_ATTEMPTS:
            with db.unit_of_work():
                _give_up(job, "文书识别多次失败，已放弃；页面已保存，可在卷宗中重新识别")
            return
        if s.scalar(select(Job.id).where(Job.volume_id == job.volume_id, Job.kind == "ingest",
                                         Job.id < job_id, Job.state.in_(("queued", "splitting", "processing")))
                    .limit(1)) is not None:
            # a scan accepted before this one is still being read: its pages come first in
            # the volume (the paper's order), and its own finish takes this one along
            s.rollback()
            return
        jobs = [job_id]
        waiting = list(s.scalars(select(Job.id).where(Job.volume_id == job.volume_id, Job.id != job_id,
                                                      Job.kind == "ingest", Job.state == "recognizing",
                                                      leases.free(Job, utcnow()))
                                 .order_by(Job.id).limit(BATCH)))
        for other in waiting:
            if held.enter_context(Lease(Job, other, Job.state == "recognizing", count_attempt=False)).held:
                jobs.append(other)
        scan_ids = list(s.scalars(select(Job.scan_id).where(Job.id.in_(jobs)).order_by(Job.id)))
        tables: dict[int, PageOCR] = {}
        for scan_id in scan_ids:
            scan = s.get(Scan, scan_id)
            assert scan is not None
            tables.update(_finish_pages(scan))
        s.rollback()  # nothing written: the new version is written in one short transaction
        with db.unit_of_work() as s:
            scans = [s.get(Scan, i) for i in scan_ids]
            placed = [sc for sc in scans if sc is not None]
            if operations.add_scans_to_volume(placed, tables) is None:
                _read_again(placed, tables)
            s.execute(update(Job).where(Job.id.in_(jobs), Job.state == "recognizing")
                      .values(state="done", finished_at=utcnow())
                      .execution_options(synchronize_session=False))


def _read_again(scans: list[Scan], tables: dict[int, PageOCR]) -> None:
    """The scans' pages are in the volume already (a job processed again after it was done
    with failed pages, ``ecase.intake.retry``): the pages read since are recognised with
    the volume's others as a new version, which the version the scans made stays beside."""
    from ecase.dossiers import operations

    if not scans:
        return
    s = db.session()
    volume = scans[0].volume
    operations.lock_volume(volume)
    if volume.current is None:
        return
    ids = [vp.page_id for vp in volume.current.pages]
    by_id = {p.id: p for p in s.scalars(select(Page).where(Page.id.in_(ids)))}
    for page_id, page_ocr in tables.items():
        if page_id in by_id:
            by_id[page_id].ocr = ocr_to_json(page_ocr)
            by_id[page_id].text = page_ocr.text
    reason = "重新处理扫描件 " + "、".join(sc.filename for sc in scans)
    operations.new_version(volume, ids, reason=reason[:200])


#: scans of one volume recognised together at most
BATCH = 50
