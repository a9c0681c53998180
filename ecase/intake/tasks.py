"""The intake tasks. Each is idempotent, so a crash or restart resumes where it stopped:

1. ``ingest_scan(job_id)`` cuts the stored scan into pages (once: ``Scan.page_count``
   records that it was done, in the same transaction as the page rows), then queues one
   ``process_page`` per page still pending.
2. ``process_page(page_id)`` turns one page upright, OCRs it and stores the result; a
   page already done is skipped. The last page to finish queues ``finish_scan``.
3. ``finish_scan(job_id)`` puts the scan's pages into the volume as a new version and
   runs recognition over the volume.

Parsing untrusted files happens in ``scanning.sandbox`` child processes, so a file that
crashes or hangs the parser fails alone and never takes the worker down; a page image
that kills a worker anyway is given up after ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select, update

from ecase import db
from ecase.blobs import store
from ecase.intake.pages import ocr_to_json
from ecase.models import Job, Page, Scan
from ecase.models._types import utcnow
from ecase.tasks import celery
from scanning import sandbox
from scanning.errors import ScanError
from scanning.types import PageOCR, PageResult

log = logging.getLogger(__name__)


@celery.task(name="ecase.ingest_scan")
def ingest_scan(job_id: int) -> None:
    with db.unit_of_work() as s:
        job = s.get(Job, job_id)
        if job is None or job.finished:
            return
        scan = s.get(Scan, job.scan_id)
        assert scan is not None
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
        failed = s.scalar(select(func.count()).where(Page.scan_id == scan.id, Page.state == "failed"))
        job.failed = failed or 0
        pending = list(s.scalars(select(Page.id).where(Page.scan_id == scan.id,
                                                        Page.state == "pending").order_by(Page.scan_index)))
    if celery.conf.task_always_eager and len(pending) > 1:
        _process_inline(pending)
    else:
        for page_id in pending:
            process_page.delay(page_id)
    _maybe_finish(job_id)


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


MAX_ATTEMPTS = 3


@celery.task(name="ecase.process_page")
def process_page(page_id: int, finish: bool = True) -> None:
    """Turn one page upright, OCR it and store the result (skipped when already done).

    The attempt is counted in its own committed transaction first: a page whose
    processing kills the worker process (a poisonous image) is requeued by Celery, and
    after ``MAX_ATTEMPTS`` it is marked failed instead of taking workers down forever."""
    from scanning.pipeline import process_page as run_pipeline

    with db.unit_of_work() as s:
        page = s.get(Page, page_id)
        if page is None or page.state != "pending":
            return
        page.attempts += 1
        attempts = page.attempts
    with db.unit_of_work() as s:
        page = s.get(Page, page_id)
        assert page is not None and page.original_key is not None
        job_id = s.scalar(select(Job.id).where(Job.scan_id == page.scan_id).order_by(Job.id.desc()))
        if attempts > MAX_ATTEMPTS:
            result, derived = None, None
            error = f"第{page.scan_index}页多次处理时进程异常退出，已放弃 / page {page.scan_index} crashed the worker"
        else:
            data = store().get_bytes(page.original_key)
            result, derived = run_pipeline(data, dpi=page.dpi or 300, index=page.scan_index,
                                           media_type=page.original_media_type,
                                           lang=current_app.config["OCR_LANG"], name=page.scan.filename)
            error = result.error
        if error is not None or result is None:
            page.state = "failed"
            page.error = error
            log.warning("page %s failed: %s", page.id, error)
            if job_id is not None:
                s.execute(update(Job).where(Job.id == job_id).values(failed=Job.failed + 1))
        else:
            page.rotation = result.rotation
            page.skew_deg = result.skew_deg
            page.blank = result.blank
            if derived is not None:
                page.derived_key = store().put_bytes(derived).key
                page.derived_media_type = _media_type(derived)
            if result.ocr is not None:
                result.ocr = _with_page_number(result.ocr, derived or data)
                page.ocr = ocr_to_json(result.ocr)
                page.text = result.ocr.text
            page.state = "done"
            if job_id is not None:
                s.execute(update(Job).where(Job.id == job_id).values(done=Job.done + 1))
        page.processed_at = utcnow()
    if job_id is not None and finish:
        _maybe_finish(job_id)


def _reread_tables(scan: Scan) -> None:
    """Pages of table documents (catalog, acceptance form) read again as one block, as
    ``ecase extract`` does: Tesseract's page layout analysis drops table columns."""
    import io

    from PIL import Image

    from ecase.intake.pages import page_result
    from scanning.extract import reread_tables

    pages = [p for p in scan.pages if p.state == "done"]
    results = [page_result(p, p.scan_index) for p in pages]
    by_index = {p.scan_index: p for p in pages}

    fetched: dict[int, bytes] = {}

    def image_of(result: PageResult) -> Image.Image | None:
        page = by_index[result.index]
        key = page.image_key
        if key is None:
            return None
        fetched[result.index] = store().get_bytes(key)
        with Image.open(io.BytesIO(fetched[result.index])) as img:
            img.load()
            return img.convert("L") if img.mode not in ("L", "RGB") else img.copy()

    before = {r.index: r.ocr for r in results}
    if not reread_tables(results, image_of):
        return
    for r in results:
        if r.ocr is not before[r.index] and r.ocr is not None:
            page = by_index[r.index]
            data = fetched.get(r.index)
            ocr = _with_page_number(r.ocr, data) if data else r.ocr
            page.ocr = ocr_to_json(ocr)
            page.text = ocr.text


def _with_page_number(ocr: PageOCR, upright: bytes) -> PageOCR:
    """Add the paper page number when the page's OCR missed it (see scanning.paper_numbers)."""
    import io

    from PIL import Image

    from scanning.paper_numbers import read_corner_numbers

    try:
        with Image.open(io.BytesIO(upright)) as img:
            img.load()
            return read_corner_numbers(img, ocr)
    except (OSError, ScanError) as e:  # the number is a help, never a reason to fail the page
        log.info("page number not read: %s", e)
        return ocr


def _media_type(data: bytes) -> str:
    return "image/jpeg" if data[:3] == b"\xff\xd8\xff" else "image/png"


def _maybe_finish(job_id: int) -> None:
    """Queue ``finish_scan`` once, when no page of the job's scan is pending any more.

    The state change from processing to recognizing is a conditional UPDATE, so of two
    pages finishing at once exactly one queues the next step."""
    with db.unit_of_work() as s:
        scan_id = s.scalar(select(Job.scan_id).where(Job.id == job_id))
        pending = s.scalar(select(func.count()).where(Page.scan_id == scan_id, Page.state == "pending"))
        if pending:
            return
        won = s.execute(update(Job).where(Job.id == job_id, Job.state == "processing")
                        .values(state="recognizing")).rowcount
    if won:
        finish_scan.delay(job_id)


@celery.task(name="ecase.finish_scan")
def finish_scan(job_id: int) -> None:
    from ecase.dossiers import operations

    with db.unit_of_work() as s:
        job = s.get(Job, job_id)
        if job is None or job.state != "recognizing":
            return
        scan = s.get(Scan, job.scan_id)
        assert scan is not None
        _reread_tables(scan)
        operations.add_scan_to_volume(scan)
        job.state = "done"
        job.finished_at = utcnow()
