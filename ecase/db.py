"""The database: one engine per app, one scoped session, migrations applied on first use.

``init_app(app)`` creates the engine from ``DATABASE_URL`` and registers the teardown
that removes the session. Requests, CLI commands and worker tasks are the only places
that commit (see :func:`unit_of_work` and ``ECaseFlask.dispatch_request``); operations
only flush.
"""

from __future__ import annotations

import contextlib
import logging
import os
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

log = logging.getLogger(__name__)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


@dataclass
class Database:
    engine: Engine
    factory: sessionmaker[Session]
    session: scoped_session[Session]


_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked worker child must not use its parent's pooled connections (a PostgreSQL
    socket or SQLite handle shared by two processes): drop them, unclosed, and let the
    child open its own."""
    for engine in list(_ENGINES):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    _ENGINES.add(engine)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def init_app(app: Flask) -> Database:
    from ecase import migrate

    engine = make_engine(app.config["DATABASE_URL"])
    migrate.ensure_schema(engine, app.config["DATA_DIR"])
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    db = Database(engine, factory, scoped_session(factory))
    app.extensions["ecase.db"] = db

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        db.session.remove()

    return db


def get_db() -> Database:
    db: Database = current_app.extensions["ecase.db"]
    return db


def session() -> Session:
    """The session of the current app context."""
    return get_db().session()


@contextlib.contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit on success, roll back on any exception: the commit point of CLI commands
    and worker tasks."""
    s = session()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
