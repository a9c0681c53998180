"""Who is asking: the logged-in user of a request, as an :class:`ecase.access.Actor`.

Every route requires a login unless it is marked :func:`public`. ``ecase.accounts``
owns logging in and out; this module only loads the user for each request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, g, redirect, request, session, url_for

from ecase import db
from ecase.access import Actor
from ecase.errors import Unauthorized, wants_json
from ecase.models import User
from ecase.models._types import utcnow

F = TypeVar("F", bound=Callable[..., Any])
PUBLIC_ENDPOINTS: set[str] = {"static"}


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    view.ecase_public = True  # type: ignore[attr-defined]
    return view


def current_user() -> User | None:
    return g.get("user")


def current_actor() -> Actor:
    actor: Actor | None = g.get("actor")
    if actor is None:
        raise Unauthorized()
    return actor


def _auth_version(user: User) -> str:
    """Changes when the password changes, so that every older session ends."""
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def log_in(user: User) -> None:
    session.clear()
    session["user_id"] = user.id
    session["seen"] = utcnow().isoformat()
    session["auth_v"] = _auth_version(user)
    session.permanent = True


def log_out() -> None:
    session.clear()


def _load_user(app: Flask) -> Any:
    g.user = None
    g.actor = None
    user_id = session.get("user_id")
    if user_id is not None:
        seen = session.get("seen")
        limit = dt.timedelta(hours=app.config["SESSION_HOURS"])
        if seen is None or utcnow() - dt.datetime.fromisoformat(seen) > limit:
            session.clear()
        else:
            user = db.session().get(User, user_id)
            if user is not None and user.active and session.get("auth_v", "") == _auth_version(user):
                g.user = user
                g.actor = Actor.of(user)
                session["seen"] = utcnow().isoformat()
            else:  # disabled, or the password changed since this session began
                session.clear()
    if g.user is None:
        from ecase.accounts_hooks import load_token_user

        token_user = load_token_user()
        if token_user is not None:
            g.user = token_user
            g.actor = Actor.of(token_user)
    endpoint = request.endpoint
    if endpoint is None or g.user is not None:
        return None
    view = app.view_functions.get(endpoint)
    if endpoint in PUBLIC_ENDPOINTS or getattr(view, "ecase_public", False):
        return None
    if wants_json():
        raise Unauthorized()
    return redirect(url_for("accounts.login", next=request.full_path))


def init_app(app: Flask) -> None:
    app.permanent_session_lifetime = dt.timedelta(hours=app.config["SESSION_HOURS"])
    app.before_request(lambda: _load_user(app))
