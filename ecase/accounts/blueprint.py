"""URL table of the accounts area, and its request hooks (rate limits, CSRF, tokens)."""

from __future__ import annotations

from flask import Blueprint, Flask

from ecase.accounts import admin_views, csrf, ratelimit, tokens, views

bp = Blueprint("accounts", __name__, cli_group=None)

bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account/password", "password", views.password, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens", "token_list", views.token_list, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens/<int:token_id>/revoke", "token_revoke", views.token_revoke,
                methods=["POST"])
bp.add_url_rule("/admin/users", "admin_users", admin_views.admin_users, methods=["GET", "POST"])
bp.add_url_rule("/admin/users/<int:user_id>", "admin_user_update", admin_views.admin_user_update,
                methods=["POST"])
bp.add_url_rule("/admin/users/<int:user_id>/password", "admin_user_password",
                admin_views.admin_user_password, methods=["POST"])

from ecase.accounts import commands  # noqa: E402,F401  (registers `ecase users`)


def init_app(app: Flask) -> None:
    """Runs after ``ecase.auth`` loaded the user: rate limits, then CSRF."""
    tokens.init_app(app)
    ratelimit.init_app(app)
    csrf.init_app(app)
    _register_413(app)
    if app.config.get("TESTING"):
        from ecase.accounts.testing import CSRFTestClient

        app.test_client_class = CSRFTestClient


def _register_413(app: Flask) -> None:
    from ecase.errors import error_response

    @app.errorhandler(413)
    def _too_large(_e: object) -> object:
        return error_response(413, "too_large",
                              f"上传的文件过大：单次上传最多 {app.config['MAX_UPLOAD_MB']} MB")
