"""The admins' account page: create, disable or re-enable, re-role, reset passwords
(which also lets a user name held back by failed log-ins try again at once).

Accounts are never deleted: an account's uploads, corrections and audit entries keep
their author. A generated password is shown once in the response, never put in a flash
message (which would sit in the session cookie)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ecase import db
from ecase.access import require
from ecase.accounts import operations
from ecase.auth import current_actor
from ecase.errors import InvalidInput, NotFound
from ecase.models import ROLES, Unit, User
from ecase.params import parse_int


def _unit(raw: str | None) -> Unit | None:
    try:
        unit_id = parse_int(raw, "unit_id")
    except (InvalidInput, NotFound) as e:
        raise InvalidInput("单位无效") from e
    if unit_id is None:
        return None
    unit = db.session().get(Unit, unit_id)
    if unit is None:
        raise InvalidInput("单位不存在")
    return unit


def _user(user_id: int) -> User:
    user = db.session().get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _page(created: tuple[User, str] | None = None, status: int = 200) -> Any:
    users = list(db.session().scalars(select(User).order_by(User.active.desc(), User.unit_id,
                                                            User.username)))
    units = list(db.session().scalars(select(Unit).order_by(Unit.name)))
    return render_template("accounts/admin_users.html", users=users, units=units, roles=ROLES,
                           created=created, held_back=operations.held_back()), status


def admin_users() -> Any:
    actor = current_actor()
    require(actor, "account.manage")
    if request.method == "POST":
        unit = _unit(request.form.get("unit_id"))
        new_unit = request.form.get("new_unit", "").strip()
        if unit is None and new_unit:
            unit = db.session().scalars(select(Unit).where(Unit.name == new_unit)).first()
            if unit is None:
                unit = Unit(name=new_unit)
                db.session().add(unit)
                db.session().flush()
        if unit is None:
            raise InvalidInput("请选择单位")
        user, password = operations.create_user(
            request.form.get("username", ""), request.form.get("display_name", ""), unit,
            request.form.get("role", ""), None, actor=actor)
        return _page((user, password), 201)
    return _page()


def admin_user_update(user_id: int) -> Any:
    actor = current_actor()
    require(actor, "account.manage")
    user = _user(user_id)
    op = request.form.get("op", "update")
    if op == "disable":
        operations.set_active(actor, user, False)
        flash(f"已停用 {user.username}", "success")
    elif op == "enable":
        operations.set_active(actor, user, True)
        flash(f"已启用 {user.username}", "success")
    else:
        operations.update_user(actor, user, role=request.form.get("role") or None,
                               unit=_unit(request.form.get("unit_id")),
                               display_name=request.form.get("display_name"))
        flash(f"已更新 {user.username}", "success")
    return redirect(url_for("accounts.admin_users"))


def admin_user_password(user_id: int) -> Any:
    actor = current_actor()
    require(actor, "account.manage")
    user = _user(user_id)
    password = operations.reset_password(actor, user)
    return _page((user, password))
