"""Account writes: creating, disabling and re-roling accounts, passwords (argon2), log-in
throttled per user name and client address, ending an account's sessions, and the first
admin. Operations flush; the caller commits."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from ecase import db
from ecase.access import Actor, require
from ecase.accounts.errors import LastAdmin, WeakPassword
from ecase.audit import record
from ecase.errors import InvalidInput
from ecase.models import ROLES, ApiToken, Unit, User
from ecase.models.org import LoginThrottle
from ecase.models._types import utcnow

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
MIN_PASSWORD = 10
FIRST_ADMIN = "admin"
FIRST_UNIT = "法制大队"
#: failures older than this are forgotten (the longest wait is far shorter)
_FORGET_AFTER = dt.timedelta(days=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def _check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword()


@dataclass(frozen=True)
class LoginResult:
    """A log-in's outcome. When it failed, the one thing said is whether this user name
    must wait from this address (``retry_at``), which is the same for a made-up name:
    an outsider cannot tell an account from none, nor a locked or disabled one."""

    user: User | None
    retry_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


_dummy_hash: str | None = None


def _verify_nothing(password: str) -> None:
    """The work of checking a password, for a name that has none to check against."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    try:
        _hasher.verify(_dummy_hash, password or "x")
    except (VerificationError, InvalidHashError):
        pass


def authenticate(username: str, password: str) -> User | None:
    """The user whose password this is, without touching throttling (for the CLI)."""
    user = db.session().scalars(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not user.password_hash:
        _verify_nothing(password)  # the same work whether or not the user exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def _throttle(name: str, address: str) -> LoginThrottle | None:
    return db.session().scalars(select(LoginThrottle).where(
        LoginThrottle.username == name, LoginThrottle.address == address)).first()


def _wait(failures: int) -> dt.timedelta | None:
    """How long a name and address wait after this many failures in a row: nothing up
    to ``LOGIN_MAX_FAILURES``, then ``LOGIN_DELAY_SECONDS`` doubling with each further
    failure, at most ``LOGIN_LOCK_MINUTES``."""
    cfg = current_app.config
    over = failures - cfg["LOGIN_MAX_FAILURES"]
    if over < 0:
        return None
    longest = cfg["LOGIN_LOCK_MINUTES"] * 60
    return dt.timedelta(seconds=min(cfg["LOGIN_DELAY_SECONDS"] * 2 ** min(over, 30), longest))


def _count_failure(name: str, address: str, now: dt.datetime) -> LoginThrottle:
    """One more failure of ``name`` from ``address``, counted in the database so that
    every web process and concurrent tries count together."""
    s = db.session()
    s.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - _FORGET_AFTER))
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    s.execute(insert(LoginThrottle).values(username=name, address=address, failures=0,
                                           last_failure_at=now).on_conflict_do_nothing())
    s.execute(update(LoginThrottle)
              .where(LoginThrottle.username == name, LoginThrottle.address == address)
              .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
              .execution_options(synchronize_session=False))
    row = _throttle(name, address)
    assert row is not None
    s.refresh(row)
    wait = _wait(row.failures)
    row.blocked_until = now + wait if wait else None
    s.flush()
    return row


def clear_throttles(username: str) -> None:
    """Let ``username`` try again from everywhere at once (an admin's reset, or enable)."""
    db.session().execute(delete(LoginThrottle).where(LoginThrottle.username == username))


def log_in(username: str, password: str, address: str | None) -> LoginResult:
    """Check a log-in from the client ``address``, counting failures per user name and
    address: past ``LOGIN_MAX_FAILURES`` that pair waits between tries, longer each
    time (even the right password is refused while it waits). A made-up name is counted
    and answered exactly like an account's; others' failures never hold a user up at
    an address they did not fail from."""
    now = utcnow()
    name = username.strip()[:50]
    address = (address or "-")[:64]
    detail: dict[str, object] = {"username": name}
    user = db.session().scalars(select(User).where(User.username == name)).first()
    target = user.id if user is not None else ""
    throttle = _throttle(name, address)
    if throttle is not None and throttle.blocked_until is not None and throttle.blocked_until > now:
        record(None, "login.refused", "user", target, {**detail, "why": "throttled"})
        return LoginResult(None, throttle.blocked_until)
    ok = authenticate(name, password)
    if ok is not None:
        if throttle is not None:
            db.session().delete(throttle)
            db.session().flush()
        record(Actor.of(ok), "login", "user", ok.id)
        return LoginResult(ok)
    if user is not None and not user.active:
        detail["why"] = "disabled"
    throttle = _count_failure(name, address, now)
    if throttle.blocked_until is None:
        record(None, "login.failed", "user", target, detail)
        return LoginResult(None)
    detail["failures"] = throttle.failures
    record(None, "login.locked", "user", target, detail)
    log.warning("log-ins of account %s from %s held back after %d failures", target or "(none)",
                address, throttle.failures)
    return LoginResult(None, throttle.blocked_until)


def held_back() -> dict[str, dt.datetime]:
    """User names that must wait before trying again from some address, with the end of
    the longest wait (for the admins' account page)."""
    rows = db.session().execute(
        select(LoginThrottle.username, func.max(LoginThrottle.blocked_until))
        .where(LoginThrottle.blocked_until > utcnow()).group_by(LoginThrottle.username))
    return {name: until for name, until in rows}


def end_sessions(user: User) -> None:
    """End every session of ``user`` at once: each cookie carries the account's session
    version it was made with (``ecase.auth``), and no cookie carries the new one."""
    user.session_version = (user.session_version or 0) + 1
    db.session().flush()


def log_out(actor: Actor, user: User) -> None:
    """Logging out ends every session of the account (a copied cookie included)."""
    end_sessions(user)
    record(actor, "logout", "user", user.id)


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
        clear_throttles(user.username)
    else:
        end_sessions(user)
    db.session().flush()
    record(actor, "account.enable" if active else "account.disable", "user", user.id)
    return user


def reset_password(actor: Actor, user: User) -> str:
    """A new generated password (shown once to the admin); the user's sessions end, and so
    do the account's API tokens: an admin resets an account that may be in other hands."""
    require(actor, "account.manage")
    password = new_password()
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_sessions(user)
    clear_throttles(user.username)
    revoked = db.session().execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount
    db.session().flush()
    record(actor, "account.reset_password", "user", user.id, {"tokens_revoked": revoked})
    return password


def change_password(actor: Actor, user: User, old: str, new: str) -> None:
    """The user's own change; every session of theirs ends (the caller logs the one
    that asked in again)."""
    if authenticate(user.username, old) is None:
        raise InvalidInput("原密码不正确")
    _check_strength(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_sessions(user)
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
