"""URL table of the supervision area (执法监督)."""

from __future__ import annotations

from flask import Blueprint

from ecase.supervision import views

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


bp.add_url_rule("/", "dashboard", views.dashboard)
bp.add_url_rule("/findings", "findings", views.findings)
bp.add_url_rule("/findings.xlsx", "findings_xlsx", views.findings_xlsx)
bp.add_url_rule("/findings/<int:finding_id>", "finding", views.finding)
bp.add_url_rule("/findings/<int:finding_id>/state", "change_state", views.change_state, methods=["POST"])
bp.add_url_rule("/check", "run_check", views.run_check, methods=["POST"])
bp.add_url_rule("/scores", "scores", views.scores)
bp.add_url_rule("/bulletins", "bulletins", views.bulletins)
bp.add_url_rule("/bulletins", "create_bulletin", views.create_bulletin, methods=["POST"])
bp.add_url_rule("/bulletins/jobs/<int:job_id>", "bulletin_job", views.bulletin_job)
bp.add_url_rule("/bulletins/<int:bulletin_id>.<fmt>", "bulletin_file", views.bulletin_file)
bp.add_url_rule("/recommendations", "recommendations", views.recommendations)
bp.add_url_rule("/recommendations", "issue_recommendation", views.issue_recommendation, methods=["POST"])
bp.add_url_rule("/recommendations/<int:rec_id>", "recommendation", views.recommendation)
bp.add_url_rule("/recommendations/<int:rec_id>/reply", "reply_recommendation", views.reply_recommendation,
                methods=["POST"])
bp.add_url_rule("/api/findings", "api_findings", views.api_findings)
