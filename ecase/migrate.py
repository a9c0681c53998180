"""Alembic, applied automatically: a fresh data directory is initialised on first use.

Several processes may start at once (the web service and its worker); a lock makes one
of them migrate while the others wait (a file lock for SQLite, an advisory lock on
PostgreSQL).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def pending(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current != set(script.get_heads())


@contextlib.contextmanager
def _lock(engine: Engine, data_dir: str) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(7301050)"))
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(7301050)"))
                conn.commit()
        return
    os.makedirs(data_dir, exist_ok=True)
    with open(Path(data_dir) / ".migrate.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ensure_schema(engine: Engine, data_dir: str) -> None:
    """Apply every pending migration (cheap when there are none)."""
    if engine.dialect.name == "sqlite":
        os.makedirs(data_dir, exist_ok=True)
    if not pending(engine):
        return
    with _lock(engine, data_dir):
        if pending(engine):
            log.info("applying database migrations to %s", engine.url.render_as_string())
            command.upgrade(alembic_config(engine), "heads")
