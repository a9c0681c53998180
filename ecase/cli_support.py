"""Shared pieces of the area commands: who is acting, and clean failures.

A command acting for a user takes ``--as USERNAME`` (or ``ECASE_USER``); without it the
operator at the shell acts as the system, which may do everything (shell access to the
data directory is already all access). Either way the access checks run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.models import User

F = TypeVar("F", bound=Callable[..., Any])


def actor_option(f: F) -> F:
    return click.option("--as", "as_user", envvar="ECASE_USER", default=None, metavar="USERNAME",
                        help="Act as this user (their unit and role apply). Default: system.")(f)


def resolve_actor(username: str | None) -> Actor:
    if not username:
        return Actor.system()
    user = db.session().scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise click.ClickException(f"用户不存在或已停用 / no such active user: {username}")
    return Actor.of(user)


def clean_errors(f: F) -> F:
    """Turn the project's own errors into one readable line and a non-zero exit."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from scanning.errors import ScanError
        from storage import StorageError

        from ecase.errors import ECaseError

        try:
            return f(*args, **kwargs)
        except (ECaseError, ScanError, StorageError) as e:
            raise click.ClickException(str(getattr(e, "message", e))) from None

    return wrapper  # type: ignore[return-value]
