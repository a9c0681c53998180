"""CSRF protection for every form and every unsafe request, in one place.

A random token lives in the (signed) session; forms carry it as the field
``csrf_token`` (templates call the Jinja global ``csrf_token()``), scripts send it as
the ``X-CSRFToken`` header. A POST/PUT/PATCH/DELETE without the matching token is
refused with 400 before any view runs. Requests authenticated by a personal API token
carry no cookie a third-party page could ride on, so they are exempt.
"""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, g, request, session

from ecase.accounts.errors import CSRFFailed

SESSION_KEY = "csrf_token"
HEADER = "X-CSRFToken"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def token() -> str:
    """The session's CSRF token, made on first use."""
    value = session.get(SESSION_KEY)
    if not value:
        value = secrets.token_urlsafe(32)
        session[SESSION_KEY] = value
    return str(value)


def _sent() -> str:
    sent = request.headers.get(HEADER, "")
    if not sent and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = request.form.get(SESSION_KEY, "")
    return sent


def check() -> None:
    if request.method not in UNSAFE or g.get("auth_via") == "token":
        return
    expected = session.get(SESSION_KEY)
    sent = _sent()
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise CSRFFailed()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = token
    app.before_request(check)
