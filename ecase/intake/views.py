"""The upload page and the JSON API of intake.

An upload answers 202 Accepted only after the original bytes are durably stored and the
file was recognised as a scan; the work then runs in the background and its job is
polled at ``/api/jobs/<id>``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from ecase import db
from ecase.access import require
from ecase.auth import current_actor
from ecase.dossiers import queries as dossier_queries
from ecase.errors import Conflict, InvalidInput, scan_text
from ecase.intake import operations, retry
from ecase.models import Job, Page
from ecase.models.dossiers import VOLUME_KINDS
from ecase.params import int_arg, parse_int


def upload_page() -> str:
    actor = current_actor()
    require(actor, "scan.upload")
    case_no = request.args.get("case_no", "")
    return render_template("intake/upload.html", case_no=case_no, volume_kinds=VOLUME_KINDS,
                           kind=request.args.get("kind", "criminal_main"),
                           number=int_arg("number", 1, source=request.args))


def _file_from_request() -> tuple[Any, str]:
    if "file" in request.files:
        f = request.files["file"]
        if not f.filename:
            raise InvalidInput("没有选择文件")
        return f.stream, f.filename
    name = request.headers.get("X-Filename") or request.args.get("filename")
    if not name:
        raise InvalidInput("请选择要上传的文件（表单字段 file，或在请求头 X-Filename 中给出文件名）")
    return request.stream, name


def api_upload() -> tuple[Response, int]:
    """POST multipart: file, case_no, [volume_kind], [volume_no], [insert_at], [case_name]."""
    actor = current_actor()
    case_no = (request.form.get("case_no") or request.args.get("case_no") or "").strip()
    if not case_no:
        raise InvalidInput("请填写案件编号")
    kind = request.form.get("volume_kind") or request.args.get("volume_kind") or "criminal_main"
    number = _int(request.form.get("volume_no") or request.args.get("volume_no") or "1", "volume_no")
    case = operations.find_or_create_case(actor, case_no, name=request.form.get("case_name") or None)
    volume = operations.find_or_create_volume(actor, case, kind, number)
    return _accept(volume)


def api_upload_to_volume(volume_id: int) -> tuple[Response, int]:
    volume = dossier_queries.get_volume(current_actor(), volume_id)
    return _accept(volume)


def _accept(volume: Any) -> tuple[Response, int]:
    actor = current_actor()
    stream, filename = _file_from_request()
    insert_at = request.form.get("insert_at") or request.args.get("insert_at")
    scan, job = operations.accept_scan(actor, volume, stream, filename,
                                       insert_at=_int(insert_at, "insert_at") if insert_at else None)
    db.session().commit()  # durably accepted before the work is queued
    operations.queue_job(job)
    db.session().refresh(job)
    body = job_json(job)
    resp = jsonify(body)
    resp.headers["Location"] = url_for("intake.api_job", job_id=job.id)
    return resp, 202


def _int(value: str, name: str) -> int:
    number = parse_int(value, name)
    if number is None:
        raise InvalidInput(f"{ {'volume_no': '卷号', 'insert_at': '插入位置'}.get(name, name) }必须是整数")
    return number


def _get_job(job_id: int) -> Job:
    return retry.find_job(current_actor(), job_id)


def job_json(job: Job) -> dict[str, Any]:
    s = db.session()
    pages = []
    if job.scan_id is not None:
        for p in s.scalars(select(Page).where(Page.scan_id == job.scan_id).order_by(Page.scan_index)):
            pages.append({"index": p.scan_index, "state": p.state, "rotation": p.rotation,
                          "skew_deg": round(p.skew_deg, 2), "blank": p.blank, "error": scan_text(p.error)})
    return {"job": {"id": job.id, "kind": job.kind, "state": job.state, "state_name": job.state_name,
                    "total": job.total, "done": job.done, "failed": job.failed, "error": scan_text(job.error),
                    "volume_id": job.volume_id, "scan_id": job.scan_id,
                    "volume_url": url_for("dossiers.volume", volume_id=job.volume_id),
                    "page_url": url_for("intake.job", job_id=job.id)},
            "pages": pages}


def api_job(job_id: int) -> dict[str, Any]:
    return job_json(_get_job(job_id))


def job_page(job_id: int) -> str:
    job = _get_job(job_id)
    return render_template("intake/job.html", job=job, can_retry=retry.may_retry(current_actor(), job))


def retry_job(job_id: int) -> Response:
    """POST 重新处理: the failed job goes back to work (``ecase.intake.retry``); a job that
    cannot is left as it is and the reason flashed on its page."""
    try:
        done = retry.retry_job(current_actor(), job_id)
    except Conflict as e:
        flash(str(e), "error")
    else:
        pages = f"：{done.pages} 个失败的页面重新排队" if done.pages else ""
        flash(f"已重新开始处理{pages}。处理结果将显示在本页", "success")
    return redirect(url_for("intake.job", job_id=job_id))
