"""Account writes: creating, disabling and re-roling accounts, passwords (argon2), log-in
with lock-out, and the first admin. Operations flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ecase import db
from ecase.access import Actor, require
from ecase.accounts.errors import LastAdmin, WeakPassword
from ecase.audit import record
from ecase.errors import InvalidInput
from ecase.models import ROLES, Unit, User
from ecase.models._types import utcnow

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
MIN_PASSWORD = 10
FIRST_ADMIN = "admin"
FIRST_UNIT = "法制大队"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword()


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked_until: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, without touching lock-out state (for the CLI)."""
    user = db.session().scalars(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not user.password_hash:
        _hasher.hash(password or "x")  # same work whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def log_in(username: str, password: str) -> LoginResult:
    """Check a log-in, counting failures: after ``LOGIN_MAX_FAILURES`` in a row the
    account is locked for ``LOGIN_LOCK_MINUTES`` (even the right password is refused)."""
    now = utcnow()
    user = db.session().scalars(select(User).where(User.username == username.strip())).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _hasher.hash(password or "x")
        record(None, "login.refused", "user", user.id, {"username": user.username, "why": "locked"})
        return LoginResult(None, user.locked_until)
    ok = authenticate(username, password)
    if ok is not None:
        ok.failed_logins = 0
        ok.locked_until = None
        record(Actor.of(ok), "login", "user", ok.id)
        return LoginResult(ok)
    detail = {"username": username.strip()[:50]}
    if user is None:
        record(None, "login.failed", "user", "", detail)
        return LoginResult(None)
    user.failed_logins = (user.failed_logins or 0) + 1
    locked = None
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        locked = now + dt.timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.locked_until = locked
        user.failed_logins = 0
        record(None, "login.locked", "user", user.id, detail)
        log.warning("account %s locked after repeated failed logins", user.id)
    else:
        record(None, "login.failed", "user", user.id, detail)
    db.session().flush()
    return LoginResult(None, locked)


def create_user(username: str, display_name: str, unit: Unit, role: str,
                password: str | None = None, *, actor: Actor | None = None) -> tuple[User, str]:
    """A new account; returns it with its password (generated when not given)."""
    username = username.strip()
    if not username:
        raise InvalidInput("用户名不能为空")
    if role not in ROLES:
        raise InvalidInput(f"未知角色：{role}")
    if db.session().scalars(select(User).where(User.username == username)).first():
        raise InvalidInput(f"用户名已存在：{username}")
    if password is not None:
        _check_strength(password)
    password = password or new_password()
    user = User(username=username, display_name=display_name.strip() or username,
                unit_id=unit.id, role=role, password_hash=hash_password(password))
    db.session().add(user)
    db.session().flush()
    if actor is not None:
        record(actor, "account.create", "user", user.id,
               {"username": username, "role": role, "unit_id": unit.id})
    return user, password


def _other_active_admins(user: User) -> int:
    return db.session().scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.id != user.id)) or 0


def update_user(actor: Actor, user: User, *, role: str | None = None, unit: Unit | None = None,
                display_name: str | None = None) -> User:
    """Change an account's role, unit or name (a change of rights, so it is audited)."""
    require(actor, "account.manage")
    changes: dict[str, object] = {}
    if role is not None and role != user.role:
        if role not in ROLES:
            raise InvalidInput(f"未知角色：{role}")
        if user.role == "admin" and user.active and _other_active_admins(user) == 0:
            raise LastAdmin()
        changes["role"] = [user.role, role]
        user.role = role
    if unit is not None and unit.id != user.unit_id:
        changes["unit_id"] = [user.unit_id, unit.id]
        user.unit_id = unit.id
    if display_name and display_name.strip() != user.display_name:
        changes["display_name"] = [user.display_name, display_name.strip()]
        user.display_name = display_name.strip()
    if changes:
        db.session().flush()
        record(actor, "account.change", "user", user.id, changes)
    return user


def set_active(actor: Actor, user: User, active: bool) -> User:
    """Disable or re-enable an account; accounts are never deleted, so their history
    (uploads, corrections, audit entries) keeps its author."""
    require(actor, "account.manage")
    if user.active == active:
        return user
    if not active and user.role == "admin" and _other_active_admins(user) == 0:
        raise LastAdmin()
    user.active = active
    user.disabled_at = None if active else utcnow()
    if active:
        user.failed_logins = 0
        user.locked_until = None
    db.session().flush()
    record(actor, "account.enable" if active else "account.disable", "user", user.id)
    return user


def reset_password(actor: Actor, user: User) -> str:
    """A new generated password (shown once to the admin); the user's sessions end."""
    require(actor, "account.manage")
    password = new_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.failed_logins = 0
    user.locked_until = None
    db.session().flush()
    record(actor, "account.reset_password", "user", user.id)
    return password


def change_password(actor: Actor, user: User, old: str, new: str) -> None:
    """The user's own change; other sessions of theirs end."""
    if authenticate(user.username, old) is None:
        raise InvalidInput("原密码不正确")
    _check_strength(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    db.session().flush()
    record(actor, "account.password", "user", user.id)


def ensure_first_admin(app: Flask) -> str | None:
    """Create the first admin account when there is none.

    Its password is ``ADMIN_PASSWORD`` when set, else generated. Returns the generated
    password (for the caller to print once) or None when nothing was generated (an
    admin exists already, or the password came from the setting). Commits itself.
    """
    with app.app_context():
        s = db.session()
        if s.scalars(select(User.id).where(User.role == "admin")).first() is not None:
            return None
        configured = app.config.get("ADMIN_PASSWORD")
        try:
            with db.unit_of_work():
                unit = s.scalars(select(Unit).where(Unit.name == FIRST_UNIT)).first()
                if unit is None:
                    unit = Unit(name=FIRST_UNIT, kind="brigade")
                    s.add(unit)
                    s.flush()
                username = FIRST_ADMIN
                if s.scalars(select(User.id).where(User.username == username)).first():
                    username = f"{FIRST_ADMIN}-{secrets.token_hex(2)}"
                user, password = create_user(username, "系统管理员", unit, "admin",
                                             configured or None)
                record(None, "account.create", "user", user.id,
                       {"username": username, "role": "admin", "first_admin": True})
        except IntegrityError:  # another process made it at the same moment
            log.info("first admin created concurrently")
            return None
        log.info("first admin account %s created", username)
        return None if configured else password
