"""URL table of the export area (the package itself is built by ``ecase.exports.package``)."""

from __future__ import annotations

from flask import Blueprint

from ecase.exports import views

bp = Blueprint("exports", __name__)

bp.add_url_rule("/cases/<int:case_id>/export", "export_case", views.export_page, methods=["GET"])
bp.add_url_rule("/cases/<int:case_id>/export", "start_export", views.start_export, methods=["POST"])
bp.add_url_rule("/api/exports/<int:job_id>", "api_export", views.api_export)
bp.add_url_rule("/exports/<int:job_id>/download", "download", views.download)
