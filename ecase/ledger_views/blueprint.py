"""URL table of the ledger area."""

from __future__ import annotations

from flask import Blueprint

from ecase.ledger_views import views

bp = Blueprint("ledger_views", __name__, url_prefix="/ledgers")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/l/<code>", "ledger", views.ledger)
bp.add_url_rule("/l/<code>.xlsx", "export", views.export)
bp.add_url_rule("/import", "import_page", views.import_page)
bp.add_url_rule("/import", "import_upload", views.import_upload, methods=["POST"])
bp.add_url_rule("/imports/<int:run_id>", "import_run", views.import_run)
bp.add_url_rule("/imports/<int:run_id>.json", "import_run_json", views.import_run_json)
bp.add_url_rule("/entries/new", "entry_new", views.entry_new, methods=["GET", "POST"])
bp.add_url_rule("/entries/<int:decision_id>", "entry", views.entry, methods=["GET", "POST"])
bp.add_url_rule("/entries/<int:decision_id>/void", "entry_void", views.entry_void, methods=["POST"])
bp.add_url_rule("/api/cases", "api_cases", views.api_cases)
bp.add_url_rule("/api/cases/<int:case_id>/people", "api_case_people", views.api_case_people)
