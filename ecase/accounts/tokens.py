"""Personal API tokens: ``Authorization: Bearer ect_…`` acts as the token's owner, with
exactly their rights. Only the SHA-256 of a token is stored; the secret is shown once.
A revoked token, or one of a disabled account, is refused with 401."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import Flask, g, request
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.audit import record
from ecase.errors import InvalidInput, NotFound, Unauthorized
from ecase.models import ApiToken, User
from ecase.models._types import utcnow

PREFIX = "ect_"
_TOUCH_EVERY = dt.timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user`` (the actor themself); returns it and its secret."""
    name = name.strip()[:100]
    if not name:
        raise InvalidInput("请给令牌起一个名字（例如用途）")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_digest(secret), prefix=secret[:10])
    db.session().add(token)
    db.session().flush()
    record(actor, "token.create", "token", token.id, {"name": name})
    return token, secret


def own_tokens(user: User) -> list[ApiToken]:
    return list(db.session().scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                     .order_by(ApiToken.id.desc())))


def revoke_token(actor: Actor, user: User, token_id: int) -> ApiToken:
    token = db.session().get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session().flush()
        record(actor, "token.revoke", "token", token.id)
    return token


def load_token_user() -> User | None:
    """The owner of the request's bearer token; None when no token was sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    token = db.session().scalars(select(ApiToken).where(
        ApiToken.token_hash == _digest(secret.strip()))).first()
    if token is None or token.revoked_at is not None or not token.user.active:
        raise Unauthorized("API 令牌无效或已被吊销")
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _TOUCH_EVERY:
        token.last_used_at = now
        db.session().commit()
    g.auth_via = "token"
    return token.user


def _reset() -> None:
    g.auth_via = None  # ``g`` may outlive one request (tests share an app context)


def init_app(app: Flask) -> None:
    app.extensions["ecase.token_loader"] = load_token_user
    app.before_request_funcs.setdefault(None, []).insert(0, _reset)  # before ecase.auth
