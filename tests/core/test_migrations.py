"""Migrations: one line of history, every downgrade works, and the models match them."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ecase.db import Base, make_engine
from ecase.migrate import alembic_config
from tests.pg import fresh_database


def test_history_is_linear() -> None:
    engine = make_engine("sqlite://")
    script = ScriptDirectory.from_config(alembic_config(engine))
    assert len(script.get_heads()) == 1, "migrations branch: give each new one the current head as down_revision"
    for rev in script.walk_revisions():
        assert rev.doc and rev.doc.strip(), f"migration {rev.revision} has no docstring"


def _roundtrip(url: str) -> None:
    import ecase.models  # noqa: F401

    engine = make_engine(url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    command.downgrade(cfg, "base")
    remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert remaining == set()
    command.upgrade(cfg, "heads")
    engine.dispose()


def test_upgrade_downgrade_upgrade_sqlite(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.sqlite'}")


@pytest.mark.postgres
def test_upgrade_downgrade_upgrade_postgres() -> None:
    with fresh_database("ecase_m") as url:
        _roundtrip(url)
