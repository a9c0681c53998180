"""``ecase users``: accounts from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.accounts import operations
from ecase.cli_support import clean_errors
from ecase.models import ROLES, Unit, User


@click.group("users", cls=AppGroup)
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default=None, help="Display name (姓名).")
@click.option("--unit", "unit_name", required=True, help="Unit name; created if new.")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--password", default=None, help="Password (default: generated and printed once).")
@clean_errors
def create(username: str, display_name: str | None, unit_name: str, role: str, password: str | None) -> None:
    """Create an account."""
    with db.unit_of_work() as s:
        unit = s.scalars(select(Unit).where(Unit.name == unit_name)).first()
        if unit is None:
            unit = Unit(name=unit_name)
            s.add(unit)
            s.flush()
        user, pw = operations.create_user(username, display_name or username, unit, role, password,
                                          actor=Actor.system())
    click.echo(f"已创建用户 {user.username}（{ROLES[role]}，{unit_name}）")
    if password is None:
        click.echo(f"初始密码 / password: {pw}")


@users.command("list")
def list_users() -> None:
    """List accounts."""
    for u in db.session().scalars(select(User).order_by(User.id)):
        click.echo(f"{u.username:<16} {u.role:<9} {u.unit.name:<20} {'active' if u.active else 'disabled'}")


@users.command("disable")
@click.argument("username")
@clean_errors
def disable(username: str) -> None:
    """Disable an account (accounts are never deleted)."""
    with db.unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise click.ClickException(f"no such user: {username}")
        operations.set_active(Actor.system(), user, False)
    click.echo(f"已停用 {username}")


@users.command("enable")
@click.argument("username")
@clean_errors
def enable(username: str) -> None:
    """Re-enable an account (and let its user name try logging in again from everywhere)."""
    with db.unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise click.ClickException(f"no such user: {username}")
        operations.set_active(Actor.system(), user, True)
        operations.clear_throttles(user.username)
    click.echo(f"已启用 {username}")


@users.command("init-admin")
def init_admin() -> None:
    """Create the first admin account if there is none, printing its password once."""
    password = operations.ensure_first_admin(current_app._get_current_object())  # type: ignore[attr-defined]
    if password:
        click.echo(f"已创建管理员 admin，初始密码（只显示这一次）/ admin password: {password}")
    else:
        click.echo("管理员账户已存在（或密码取自 ECASE_ADMIN_PASSWORD）")


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (users,)
