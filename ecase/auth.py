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


#: the session key holding the account's ``session_version`` the session was made with
VERSION_KEY = "auth_v"


def session_values(user: User) -> dict[str, Any]:
    """What a session of ``user`` holds right after logging in: who, when last seen, and
    the account's session version. Logging out, a password change or reset and disabling
    the account bump the version (``ecase.accounts.operations.end_sessions``), so every
    cookie made before, a copy kept after logging out included, opens nothing."""
    return {"user_id": user.id, "seen": utcnow().isoformat(), VERSION_KEY: user.session_version or 0}


def log_in(user: User) -> None:
    session.clear()
    session.update(session_values(user))
    session.permanent = True


def log_out() -> None:
    """Forget this browser's session (``ecase.accounts`` ends the account's sessions)."""
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
            # a session from before versions were kept has none: it counts as version 0
            if user is not None and user.active and session.get(VERSION_KEY, 0) == user.session_version:
                g.user = user
                g.actor = Actor.of(user)
                session["seen"] = utcnow().isoformat()
            else:  # disabled, logged out, or the password changed since this session began
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
