"""Building an export package in the background, for the browser."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ecase import db
from ecase.access import Actor
from ecase.blobs import store
from ecase.errors import ECaseError
from ecase.leases import Lease
from ecase.models import Case, Job, User
from ecase.models._types import utcnow
from ecase.tasks import celery

#: takes of one export job before it is given up (a package that kills its worker)
MAX_JOB_ATTEMPTS = 5


@celery.task(name="ecase.build_export")
def build_export(job_id: int, include_secondary: bool = False) -> None:
    """Build the package of an export job under its lease (idempotent: a finished job is
    left alone, and one interrupted is built again from the start)."""
    from ecase.exports.operations import export_case

    with Lease(Job, job_id, Job.state.in_(("queued", "processing"))) as lease:
        if not lease.held:
            return
        with db.unit_of_work() as s:
            job = s.get(Job, job_id)
            assert job is not None and job.case_id is not None
            if job.attempts > MAX_JOB_ATTEMPTS:
                job.state, job.error, job.finished_at = "failed", "导出多次中断，已放弃，请重新导出", utcnow()
                return
            job.state = "processing"
        with db.unit_of_work() as s:
            job = s.get(Job, job_id)
            assert job is not None and job.case_id is not None
            case = s.get(Case, job.case_id)
            user = s.get(User, job.created_by_id) if job.created_by_id else None
            actor = Actor.of(user) if user else Actor.system()
            assert case is not None

            def progress(msg: str) -> None:
                job.message = msg

            try:
                with tempfile.TemporaryDirectory() as tmp:
                    out = Path(tmp) / "package.zip"
                    manifest = export_case(actor, case, out, include_secondary=include_secondary,
                                           progress=progress)
                    with open(out, "rb") as f:
                        job.result_key = store().put(f).key
                pages = sum(v.get("page_count", 0) for v in manifest.get("volumes", []))
                job.message = f"{len(manifest.get('volumes', []))} 卷，{pages} 页"
                job.state = "done"
                job.done = 1
            except ECaseError as e:
                job.state = "failed"
                job.error = e.message
            job.finished_at = utcnow()
