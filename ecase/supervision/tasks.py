"""Bulletins (通报) built in the background, like export packages: the page starts a job
and polls it; the worker takes the job under its lease (``ecase.leases.Lease``), builds
the bulletin step by step and publishes each step as the job's progress."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ecase import db
from ecase.access import Actor
from ecase.errors import ECaseError
from ecase.leases import Lease
from ecase.models import Job, Unit, User
from ecase.models._types import utcnow
from ecase.tasks import celery

log = logging.getLogger(__name__)

#: takes of one bulletin job before it is given up
MAX_JOB_ATTEMPTS = 5
#: the steps a bulletin goes through, as the page says them
STEPS = ("正在统计排名和问题", "正在排版 PDF", "正在生成 Excel", "正在保存")


def publish(job_id: int, done: int, message: str) -> None:
    """Write a job's progress in a short transaction of its own, so the page sees it while
    the bulletin's own transaction is still open (a refused write only loses a step)."""
    s = db.get_db().factory()
    try:
        job = s.get(Job, job_id)
        if job is not None and job.state in ("queued", "processing"):
            job.done, job.message = done, message
            s.commit()
    except Exception:  # noqa: BLE001 - progress is a courtesy; the bulletin goes on
        s.rollback()
        log.info("progress of bulletin job %s not written", job_id)
    finally:
        s.close()


@celery.task(name="ecase.build_bulletin")
def build_bulletin(job_id: int) -> None:
    """Build the bulletin of a job under its lease (a finished job is left alone; one
    interrupted is built again from the start, its number taken only when it is kept)."""
    from ecase.supervision.config import rules_config
    from ecase.supervision.operations import create_bulletin

    with Lease(Job, job_id, Job.state.in_(("queued", "processing"))) as lease:
        if not lease.held:
            return
        with db.unit_of_work() as s:
            job = s.get(Job, job_id)
            assert job is not None
            if job.attempts > MAX_JOB_ATTEMPTS:
                job.state, job.error, job.finished_at = "failed", "通报生成多次中断，已放弃，请重新生成", utcnow()
                return
            job.state, job.done, job.message = "processing", 0, STEPS[0]
        with db.unit_of_work() as s:
            job = s.get(Job, job_id)
            assert job is not None
            params: dict[str, Any] = dict(job.params or {})
            user = s.get(User, job.created_by_id) if job.created_by_id else None
            actor = Actor.of(user) if user else Actor.system()
            unit = s.get(Unit, params["unit_id"]) if params.get("unit_id") else None

            def progress(step: int) -> None:
                publish(job_id, step, STEPS[step])

            try:
                b, _, _ = create_bulletin(actor, params["kind"], params["period"], rules_config(), unit=unit,
                                          today=dt.date.fromisoformat(params["today"]), progress=progress)
                job.params = {**params, "bulletin_id": b.id}
                job.message = f"已生成通报 {b.number}"
                job.state, job.done = "done", len(STEPS)
            except ECaseError as e:
                job.state, job.error = "failed", e.message
            job.finished_at = utcnow()
