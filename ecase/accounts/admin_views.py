"""The admins' account page: create, disable or re-enable, re-role, reset passwords
(which also lets a user name held back by failed log-ins try again at once).

Accounts are never deleted: an account's uploads, corrections and audit entries keep
their author. A generated password is shown once in the response, never put in a flash
message (which would sit in the session cookie)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from ecase import db
from ecase.access import require
from ecase.accounts import operations, queries
from ecase.auth import current_actor
from ecase.errors import InvalidInput, NotFound
from ecase.models import ROLES, Unit, User
from ecase.params import int_arg, page_arg, parse_int

PER_PAGE = 100


def _unit(raw: str | None) -> Unit | None:
    try:
        unit_id = parse_int(raw, "unit_id")
    except (InvalidInput, NotFound) as e:
        raise InvalidInput("单位无效") from e
    if unit_id is None:
        return None
    unit = queries.unit(unit_id)
    if unit is None:
        raise InvalidInput("单位不存在")
    return unit


def _user(user_id: int) -> User:
    user = queries.user(user_id)
    if user is None:
        raise NotFound()
    return user


def _filter() -> queries.UserFilter:
    role = request.args.get("role") or ""
    state = request.args.get("state") or ""
    return queries.UserFilter(keyword=(request.args.get("q") or "").strip()[:50],
                              unit_id=int_arg("unit", source=request.args),
                              role=role if role in ROLES else "",
                              state=state if state in ("active", "disabled") else "")


def _page(created: tuple[User, str] | None = None, status: int = 200, *, error: str | None = None,
          form: dict[str, str] | None = None) -> Any:
    f = _filter()
    page = page_arg()
    users, total = queries.users(f, page=page, per_page=PER_PAGE)
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("accounts/admin_users.html", users=users, total=total, page=page,
                           per_page=PER_PAGE, f=f, query=query, units=queries.units(), roles=ROLES,
                           created=created, held_back=operations.held_back(), error=error,
                           form=form or {}), status


def admin_users() -> Any:
    actor = current_actor()
    require(actor, "account.manage")
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("username", "display_name", "unit_id", "new_unit", "role")}
        try:
            unit = _unit(form["unit_id"])
            new_unit = form["new_unit"].strip()
            if unit is None and new_unit:
                unit = queries.unit_named(new_unit)
                if unit is None:
                    unit = Unit(name=new_unit)
                    db.session().add(unit)
                    db.session().flush()
            if unit is None:
                raise InvalidInput("请选择单位")
            user, password = operations.create_user(form["username"], form["display_name"], unit,
                                                    form["role"], None, actor=actor)
        except InvalidInput as e:
            # nothing of the refused account stays (a new unit typed with it neither); the
            # form comes back as typed, with the reason
            db.session().rollback()
            return _page(status=422, error=str(e), form=form)
        return _page((user, password), 201)
    return _page()


def admin_users_xlsx() -> Any:
    """The users the list selects (every page) as a styled .xlsx (``ecase.xlsx``)."""
    import datetime as dt

    from flask import Response

    from ecase import xlsx
    from ecase.audit import record
    from ecase.formatting import BEIJING
    from ecase.supervision.views import content_disposition
    from ecase.xlsx import Column

    actor = current_actor()
    require(actor, "account.manage")
    f = _filter()
    filters = {k: v for k, v in request.args.items() if v and k != "page"}
    record(actor, "export", "user", "", {"filter": filters})

    def utc(t: dt.datetime | None) -> dt.datetime | None:
        return None if t is None else t.replace(tzinfo=dt.UTC)

    rows = ([u.username, u.display_name, u.unit.name if u.unit else "", ROLES.get(u.role, u.role),
             "正常" if u.active else "已停用", utc(u.created_at), utc(u.disabled_at)]
            for u in queries.iter_users(f))
    cols = [Column("用户名", 16), Column("姓名", 12), Column("单位", 20), Column("角色", 12),
            Column("状态", 8), Column("建立时间", 17), Column("停用时间", 17)]
    parts = []
    if f.keyword:
        parts.append(f"查找：{f.keyword}")
    if f.unit_id is not None:
        unit = queries.unit(f.unit_id)
        parts.append(f"单位：{unit.name if unit else f.unit_id}")
    if f.role:
        parts.append(f"角色：{ROLES[f.role]}")
    if f.state:
        parts.append("状态：" + ("正常" if f.state == "active" else "已停用"))
    subtitle = "导出时间：" + dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M")
    if parts:
        subtitle = "筛选条件：" + "，".join(parts) + "；" + subtitle
    data = xlsx.table_bytes("用户列表", cols, rows, subtitle=subtitle)
    resp = Response(data, mimetype=xlsx.MIME)
    resp.headers["Content-Disposition"] = content_disposition("用户列表.xlsx")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def admin_user_update(user_id: int) -> Any:
    actor = current_actor()
    require(actor, "account.manage")
    user = _user(user_id)
    op = request.form.get("op", "update")
    if op == "disable":
        operations.set_active(actor, user, False)
        flash(f"已停用 {user.username}（其历史记录保留，可随时重新启用）", "success")
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
