"""URL table of the dossiers area."""

from __future__ import annotations

from flask import Blueprint

from ecase.dossiers import views

bp = Blueprint("dossiers", __name__)

bp.add_url_rule("/cases", "case_list", views.case_list)
bp.add_url_rule("/api/cases", "api_cases", views.api_cases)
bp.add_url_rule("/cases/<int:case_id>", "case_detail", views.case_detail)
bp.add_url_rule("/volumes/<int:volume_id>", "volume", views.volume)
bp.add_url_rule("/volumes/<int:volume_id>/pages/<int:position>", "volume_page", views.volume)
bp.add_url_rule("/volumes/<int:volume_id>/volume.pdf", "volume_pdf", views.volume_pdf)
bp.add_url_rule("/volumes/<int:volume_id>/print", "volume_print", views.volume_print)
bp.add_url_rule("/scans/<int:scan_id>/file", "scan_file", views.scan_file)
bp.add_url_rule("/pages/<int:page_id>/image", "page_image", views.page_image)
bp.add_url_rule("/pages/<int:page_id>/thumb", "page_thumb", views.page_thumb)
bp.add_url_rule("/api/pages/<int:page_id>", "api_page", views.api_page)
bp.add_url_rule("/api/volumes/<int:volume_id>", "api_volume", views.api_volume)
bp.add_url_rule("/documents/<int:document_id>/fields", "correct_field", views.correct_field,
                methods=["POST"])
bp.add_url_rule("/corrections", "correction_list", views.correction_list)
bp.add_url_rule("/documents/<int:document_id>/review", "review_correction", views.review_correction,
                methods=["POST"])
bp.add_url_rule("/volumes/<int:volume_id>/split", "resplit", views.resplit, methods=["POST"])
bp.add_url_rule("/volumes/<int:volume_id>/order", "move_pages", views.move_pages, methods=["POST"])
bp.add_url_rule("/volumes/<int:volume_id>/recognize", "recognize", views.recognize, methods=["POST"])
