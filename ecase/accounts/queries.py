"""Reads of the accounts area: the admins' list of users, paged and filtered."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from ecase import db
from ecase.models import Unit, User


@dataclass(frozen=True)
class UserFilter:
    #: in the user name or the name
    keyword: str = ""
    unit_id: int | None = None
    role: str = ""
    #: "active", "disabled" or "" (both)
    state: str = ""


def _filtered(f: UserFilter) -> Select[tuple[User]]:
    q = select(User)
    word = f.keyword.strip()
    if word:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(User.username.like(like, escape="\\"), User.display_name.like(like, escape="\\")))
    if f.unit_id is not None:
        q = q.where(User.unit_id == f.unit_id)
    if f.role:
        q = q.where(User.role == f.role)
    if f.state == "active":
        q = q.where(User.active.is_(True))
    elif f.state == "disabled":
        q = q.where(User.active.is_(False))
    return q


def users(f: UserFilter, *, page: int = 1, per_page: int = 100) -> tuple[list[User], int]:
    """One page of the users ``f`` selects (active first, by unit and name) and their number."""
    s = db.session()
    q = _filtered(f)
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = s.scalars(q.order_by(User.active.desc(), User.unit_id, User.username)
                     .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def iter_users(f: UserFilter) -> Iterator[User]:
    """Every user ``f`` selects, in the list's order (for the list's .xlsx)."""
    q = _filtered(f).order_by(User.active.desc(), User.unit_id, User.username)
    yield from db.session().scalars(q)


def units() -> list[Unit]:
    return list(db.session().scalars(select(Unit).order_by(Unit.name)))


def unit(unit_id: int) -> Unit | None:
    return db.session().get(Unit, unit_id)


def unit_named(name: str) -> Unit | None:
    return db.session().scalars(select(Unit).where(Unit.name == name)).first()


def user(user_id: int) -> User | None:
    return db.session().get(User, user_id)
