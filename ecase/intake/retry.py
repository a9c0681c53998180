"""重新处理: a clerk takes a failed scan up again.

A page that kept killing its worker is given up after ``tasks.MAX_ATTEMPTS`` and a job
whose splitting or recognition kept failing after ``tasks.MAX_JOB_ATTEMPTS``, often for a
cause that has passed (the machine's memory, a restart). :func:`retry_job` puts such a
job back where its work resumes, and rings for it with the tasks' own doorbells
(``operations.queue_job``, ``tasks.ring_pages``; no queue of its own):

- a job whose scan was never cut into pages goes back to "queued" (``ingest_scan`` cuts
  it), any other to "processing": its failed pages are pending again with no attempt
  counted, and once none is pending the job moves on to recognition as usual;
- the scan's pages already in the volume (a job finished with failed pages) are read
  again by ``finish_scan`` as a new version of the volume.

What cannot change is refused: a scan refused as unreadable at splitting
(``Scan.error``) and a page that could not be read out of the file (no image) stay as
they are, since the file is the same. A job still running, done without failures, or
held by a live worker's lease is refused too.

The change is one conditional UPDATE of the job (on the state it was read in, and no
live lease), committed with the pages' reset and the audit entry before anything is
rung: of two clicks at once exactly one wins, and the other is told the job is already
being processed again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select, update

from ecase import db, leases
from ecase.access import Actor, require
from ecase.errors import Conflict, NotFound
from ecase.models import Job, Page, Scan, Volume
from ecase.models._types import utcnow
from ecase.params import MAX_ID

log = logging.getLogger(__name__)

#: the action of the audit entry a retry writes
AUDIT_ACTION = "retry"


@dataclass(frozen=True)
class Retried:
    """What :func:`retry_job` set going: the job, the state it resumes in, and how many
    failed pages are pending again."""

    job_id: int
    state: str
    pages: int


def find_job(actor: Actor, job_id: int) -> Job:
    """The ingest job ``job_id`` if ``actor`` may see its case (the job page's checks);
    ``NotFound`` alike for an id that names nothing (or no column can hold) and for
    another unit's job."""
    from ecase.dossiers import queries as dossier_queries

    if not 0 < job_id <= MAX_ID:
        raise NotFound()
    job = db.session().get(Job, job_id)
    if job is None or job.volume_id is None:
        raise NotFound()
    volume = dossier_queries.get_volume(actor, job.volume_id)
    require(actor, "case.view", volume.case.unit_id)
    return job


def _retryable_pages(scan_id: int | None) -> object:
    """Failed pages of the scan that have an image to process again."""
    return and_(Page.scan_id == scan_id, Page.state == "failed", Page.original_key.is_not(None))


def refusal(job: Job) -> str | None:
    """Why ``job`` cannot be processed again (None: it can), in words for the clerk."""
    s = db.session()
    if job.kind != "ingest" or job.scan_id is None:
        return "只能重新处理扫描件的处理任务"
    if not job.finished:
        return f"该任务正在处理中（{job.state_name}），无需重新处理"
    scan = s.get(Scan, job.scan_id)
    if scan is not None and scan.error:
        return "该扫描件在拆分页面时被判定为无法读取的文件，文件本身不会改变，重新处理仍会失败；请重新扫描后上传"
    if job.state == "failed":
        return None
    retryable = s.scalar(select(func.count()).select_from(Page).where(_retryable_pages(job.scan_id)))
    if retryable:
        return None
    unreadable = s.scalar(select(func.count()).select_from(Page)
                          .where(Page.scan_id == job.scan_id, Page.state == "failed"))
    if unreadable:
        return "失败的页面在文件中无法读取，文件本身不会改变，重新处理仍会失败；请重新扫描这些页面后上传"
    return "该任务已完成，没有失败的页面，无需重新处理"


def may_retry(actor: Actor, job: Job) -> bool:
    """Whether the job page offers 重新处理 to ``actor`` (who already sees the job)."""
    from ecase.access import may

    volume = db.session().get(Volume, job.volume_id)
    return (volume is not None and may(actor, "scan.upload", volume.case.unit_id)
            and refusal(job) is None)


def retry_job(actor: Actor, job_id: int) -> Retried:
    """Process the failed job ``job_id`` again (see the module's docstring); commits.

    Raises ``NotFound`` (no such job, or not the actor's to see), ``Forbidden`` (the actor
    sees it but changes nothing: a unit's leader) and ``Conflict`` with the reason in
    Chinese when the job cannot be processed again."""
    from ecase.audit import record
    from ecase.intake.operations import queue_job
    from ecase.intake.tasks import _maybe_finish, ring_pages

    s = db.session()
    job = find_job(actor, job_id)
    volume = s.get(Volume, job.volume_id)
    assert volume is not None
    require(actor, "scan.upload", volume.case.unit_id)
    why = refusal(job)
    if why is not None:
        raise Conflict(why)
    seen, scan_id = job.state, job.scan_id
    scan = s.get(Scan, scan_id)
    assert scan is not None
    split = scan.page_count is not None
    target = "processing" if split else "queued"
    filename, case_no = scan.filename, volume.case.case_no
    s.rollback()  # no snapshot held into the write below (SQLite would refuse its upgrade)
    now = utcnow()
    with db.unit_of_work() as s:
        condition = [Job.id == job_id, Job.state == seen, leases.free(Job, now)]
        if seen == "done":  # finished with failed pages: some must still be there to retry
            condition.append(exists().where(_retryable_pages(scan_id)))
        won = s.execute(update(Job).where(*condition)
                        .values(state=target, attempts=0, error=None, finished_at=None,
                                rung_at=None, rings=0)
                        .execution_options(synchronize_session=False)).rowcount
        if not won:
            raise Conflict(_lost(job_id, now))
        page_ids = list(s.scalars(select(Page.id).where(_retryable_pages(scan_id)).order_by(Page.scan_index)))
        if page_ids:
            s.execute(update(Page).where(Page.id.in_(page_ids), Page.state == "failed")
                      .values(state="pending", attempts=0, error=None, processed_at=None,
                              rung_at=None, rings=0)
                      .execution_options(synchronize_session=False))
        counts = dict(s.execute(select(Page.state, func.count()).where(Page.scan_id == scan_id)
                                .group_by(Page.state)).all())
        s.execute(update(Job).where(Job.id == job_id)
                  .values(done=counts.get("done", 0), failed=counts.get("failed", 0))
                  .execution_options(synchronize_session=False))
        record(actor, AUDIT_ACTION, "job", job_id,
               {"scan": scan_id, "file": filename, "case_no": case_no, "from": seen, "to": target,
                "pages": len(page_ids)})
    s.expire_all()
    log.info("job %s (%s) processed again by %s: %s -> %s, %d page(s)",
             job_id, filename, actor.name, seen, target, len(page_ids))
    if target == "queued":
        queue_job(s.get(Job, job_id))  # type: ignore[arg-type]
    else:
        if page_ids:
            ring_pages(job_id, page_ids)
        _maybe_finish(job_id)  # no page left pending (recognition failed): on to it at once
    return Retried(job_id, target, len(page_ids))


def _lost(job_id: int, now: dt.datetime) -> str:
    """Why the conditional UPDATE changed nothing: a worker holds the job, or another
    click won."""
    held = db.session().scalar(select(Job.id).where(Job.id == job_id, Job.state.in_(("done", "failed")),
                                                    ~leases.free(Job, now)))
    if held is not None:
        return "仍有后台进程持有该任务，请稍后再试"
    return "该任务已在重新处理中，请勿重复提交"
