"""Account writes: creating users and checking passwords (argon2)."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ecase import db
from ecase.errors import InvalidInput
from ecase.models import ROLES, Unit, User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(username: str, password: str) -> User | None:
    user = db.session().scalars(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password or "x")  # same work whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def create_user(username: str, display_name: str, unit: Unit, role: str,
                password: str | None = None) -> tuple[User, str]:
    """A new account; returns it with its password (generated when not given)."""
    if role not in ROLES:
        raise InvalidInput(f"未知角色：{role}")
    if db.session().scalars(select(User).where(User.username == username)).first():
        raise InvalidInput(f"用户名已存在：{username}")
    password = password or secrets.token_urlsafe(12)
    user = User(username=username, display_name=display_name, unit_id=unit.id, role=role,
                password_hash=hash_password(password))
    db.session().add(user)
    db.session().flush()
    return user, password
