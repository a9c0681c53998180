"""URL table of the accounts area, and its request hooks (rate limits, CSRF, tokens)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, g, request

from ecase.accounts import admin_views, csrf, ratelimit, tokens, views
from ecase.errors import Forbidden

bp = Blueprint("accounts", __name__)


@bp.before_request
def _no_tokens_here() -> None:
    """Accounts, passwords and tokens are managed only from a logged-in browser session:
    a leaked API token must not be able to mint more tokens or change rights."""
    if g.get("auth_via") == "token":
        raise Forbidden("API 令牌不能用于账户管理，请登录网页操作")

bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account/password", "password", views.password, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens", "token_list", views.token_list, methods=["GET", "POST"])
bp.add_url_rule("/account/tokens/<int:token_id>/revoke", "token_revoke", views.token_revoke,
                methods=["POST"])
bp.add_url_rule("/admin/users", "admin_users", admin_views.admin_users, methods=["GET", "POST"])
bp.add_url_rule("/admin/users.xlsx", "admin_users_xlsx", admin_views.admin_users_xlsx)
bp.add_url_rule("/admin/users/<int:user_id>", "admin_user_update", admin_views.admin_user_update,
                methods=["POST"])
bp.add_url_rule("/admin/users/<int:user_id>/password", "admin_user_password",
                admin_views.admin_user_password, methods=["POST"])


def init_app(app: Flask) -> None:
    """Runs after ``ecase.auth`` loaded the user: rate limits, then CSRF."""
    tokens.init_app(app)
    ratelimit.init_app(app)
    csrf.init_app(app)
    _register_413(app)
    _security_headers(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    if app.config.get("TESTING"):
        from ecase.accounts.testing import CSRFTestClient

        app.test_client_class = CSRFTestClient


#: pages: scripts, styles, images and requests from this site only; no plugins, no
#: framing, no <base> rewriting, forms post here only. Pages hold no inline script, event
#: handler or style attribute (behaviour lives in ecase/static/*.js, declared by data-
#: attributes), so nothing needs 'unsafe-inline' and injected markup cannot run.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
#: anything else (page images, downloads, JSON): nothing may run in it; an image opened
#: on its own is laid out by the browser's own inline style, which is all it may use.
CSP_OTHER = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _security_headers(app: Flask) -> None:
    """A strict Content-Security-Policy; no framing (clickjacking of forms), no MIME
    sniffing of downloads, no referrer with case ids leaving the site, no other site's
    window holding ours or embedding its images; HTTPS remembered once used; pages of a
    logged-in user are not kept by shared caches."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy",
                                    CSP if response.mimetype == "text/html" else CSP_OTHER)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if g.get("user") is not None and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _register_413(app: Flask) -> None:
    from ecase.errors import error_response

    @app.errorhandler(413)
    def _too_large(_e: object) -> object:
        return error_response(413, "too_large",
                              f"上传的文件过大：单次上传最多 {app.config['MAX_UPLOAD_MB']} MB")
