"""Shared pieces of the area commands: who is acting, their audit entries, and clean
failures.

A command acting for a user takes ``--as USERNAME`` (or ``ECASE_USER``); without it the
operator at the shell acts as the system, which may do everything (shell access to the
data directory is already all access). Either way the access checks run.

Every command that reads or exports case data is audited like a request: under ``--as``
the entry is that user's, without it the shell user's (``shell:<login>``, role system);
either way the entry's detail names the shell user (``--as`` is not a login, so who
typed the command is recorded too). :func:`audited` is the commit point that adds the
entry, and a ``denied`` one when the command is refused.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from flask import g
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.errors import Forbidden, NotFound
from ecase.models import User

F = TypeVar("F", bound=Callable[..., Any])


def actor_option(f: F) -> F:
    return click.option("--as", "as_user", envvar="ECASE_USER", default=None, metavar="USERNAME",
                        help="Act as this user (their unit and role apply). Default: system.")(f)


def shell_user() -> str:
    """The login of whoever runs the command."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME (a bare container)
        return f"uid{os.getuid()}"


def shell_actor() -> Actor:
    """The operator at the shell: the system's rights, recorded under their login."""
    g.audit_shell_user = shell_user()  # ecase.audit.record adds it to every entry
    return Actor(None, None, "system", f"shell:{g.audit_shell_user}"[:50])


def resolve_actor(username: str | None) -> Actor:
    shell = shell_actor()
    if not username:
        return shell
    user = db.session().scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise click.ClickException(f"用户不存在或已停用 / no such active user: {username}")
    return Actor.of(user)


@contextlib.contextmanager
def audited(actor: Actor, action: str, target_type: str = "", target_id: Any = "",
            detail: dict[str, Any] | None = None, *,
            by_operation: bool = False) -> Iterator[dict[str, Any]]:
    """The commit point of a command that reads or exports case data, with its entry.

    Yields ``detail`` for the body to complete (how many hits, which files …). On
    success the entry ``action`` is appended (unless ``by_operation``: the operation
    records its own, with more to say) and committed with the command's work, before
    the command prints or hands anything out. When the command is refused (not found or not allowed) its work is rolled back and a
    ``denied`` entry committed instead, as the web hook does for a 403 or 404.
    """
    from ecase.audit import record

    detail = dict(detail or {})
    s = db.session()
    try:
        yield detail
        if not by_operation:
            record(actor, action, target_type, target_id, detail)
        s.commit()
    except (Forbidden, NotFound) as e:
        s.rollback()
        record(actor, "denied", target_type, target_id,
               {**detail, "action": action, "error": e.code})
        s.commit()
        raise
    except BaseException:
        s.rollback()
        raise


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
