"""URL table of the accounts area."""

from __future__ import annotations

from flask import Blueprint

from ecase.accounts import views

bp = Blueprint("accounts", __name__, cli_group=None)

bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])

from ecase.accounts import commands  # noqa: E402,F401  (registers `ecase users`)
