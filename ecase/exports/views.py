"""The export page: start a package build, follow its progress, download it."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import select

from ecase import db
from ecase.access import require
from ecase.auth import current_actor
from ecase.blobs import send_blob
from ecase.dossiers import queries
from ecase.errors import NotFound
from ecase.models import Job
from ecase.models._types import utcnow


def _job(job_id: int) -> Job:
    actor = current_actor()
    job = db.session().get(Job, job_id)
    if job is None or job.kind != "export" or job.case_id is None:
        raise NotFound()
    case = queries.get_case(actor, job.case_id)
    require(actor, "export.create", case.unit_id)
    return job


def export_page(case_id: int) -> str:
    actor = current_actor()
    case = queries.get_case(actor, case_id)
    require(actor, "export.create", case.unit_id)
    jobs = list(db.session().scalars(select(Job).where(Job.case_id == case.id, Job.kind == "export")
                                     .order_by(Job.id.desc()).limit(10)))
    volumes = queries.case_volumes(case)
    return render_template("exports/export.html", case=case, jobs=jobs, volumes=volumes,
                           has_secondary=any(v.kind == "criminal_secondary" for v in volumes))


def start_export(case_id: int) -> Response:
    from ecase.exports.tasks import build_export

    actor = current_actor()
    case = queries.get_case(actor, case_id)
    require(actor, "export.create", case.unit_id)
    include_secondary = bool(request.form.get("include_secondary"))
    job = Job(kind="export", state="queued", case_id=case.id, total=1, created_by_id=actor.user_id,
              message="含副卷" if include_secondary else None,
              params={"include_secondary": include_secondary}, rung_at=utcnow(), rings=1)
    db.session().add(job)
    db.session().flush()
    from ecase.tasks import after_commit

    after_commit(build_export, job.id, include_secondary)
    return redirect(url_for("exports.export_case", case_id=case.id, job=job.id))


def api_export(job_id: int) -> dict[str, Any]:
    job = _job(job_id)
    return {"id": job.id, "state": job.state, "state_name": job.state_name, "error": job.error,
            "message": job.message,
            "download": url_for("exports.download", job_id=job.id) if job.state == "done" else None}


def download(job_id: int) -> Response:
    job = _job(job_id)
    if job.state != "done" or not job.result_key:
        raise NotFound("导出包尚未生成")
    case = queries.get_case(current_actor(), job.case_id)  # type: ignore[arg-type]
    return send_blob(job.result_key, "application/zip", download_name=f"{case.case_no}.zip", max_age=0)
