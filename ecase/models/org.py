"""Units, officers and user accounts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._types import UTCDateTime, utcnow

#: role code -> Chinese name. Clerks and leaders see their own unit; reviewers and
#: admins see every unit (ecase.access decides).
ROLES: dict[str, str] = {
    "clerk": "内勤",
    "reviewer": "法制审核",
    "leader": "单位领导",
    "admin": "管理员",
}


class Unit(Base):
    """A handling unit (派出所, 刑警大队 …) or the legal-affairs brigade itself."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    code: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="station")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name}>"


class Officer(Base):
    """A police officer as named in ledgers and documents (may or may not have an account)."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    badge_no: Mapped[str | None] = mapped_column(String(20), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    unit: Mapped[Unit | None] = relationship()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: carried in every session cookie of the account; logging out, a password change or
    #: reset and disabling the account bump it, which ends every session made before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when an admin disables the account (accounts with history are never deleted).
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}@{self.unit_id}>"


class LoginThrottle(Base):
    """Failed log-ins of one user name from one client address, counted whether or not
    the name is an account's (so that a made-up name behaves like a real one). Past
    ``LOGIN_MAX_FAILURES`` that pair must wait before its next try, longer each time;
    a success, or an admin's reset of the password, clears it. Nobody is locked out
    of an account from an address they did not fail from."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
