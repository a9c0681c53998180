"""URL table of the intake area."""

from __future__ import annotations

from flask import Blueprint

from ecase.intake import views

bp = Blueprint("intake", __name__)

bp.add_url_rule("/upload", "upload", views.upload_page)
bp.add_url_rule("/api/scans", "api_upload", views.api_upload, methods=["POST"])
bp.add_url_rule("/api/volumes/<int:volume_id>/scans", "api_upload_to_volume",
                views.api_upload_to_volume, methods=["POST"])
bp.add_url_rule("/api/jobs/<int:job_id>", "api_job", views.api_job)
bp.add_url_rule("/jobs/<int:job_id>", "job", views.job_page)
bp.add_url_rule("/jobs/<int:job_id>/retry", "retry", views.retry_job, methods=["POST"])
