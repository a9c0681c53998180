"""URL table of the audit area, and its central hook."""

from __future__ import annotations

from flask import Blueprint, Flask

from ecase.audit import hooks, views

bp = Blueprint("audit", __name__)

bp.add_url_rule("/audit", "browse", views.browse)
bp.add_url_rule("/audit.xlsx", "browse_xlsx", views.browse_xlsx)


def init_app(app: Flask) -> None:
    hooks.init_app(app)
