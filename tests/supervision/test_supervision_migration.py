"""Migration 0003 upgrades and downgrades cleanly."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from ecase.db import make_engine
from ecase.migrate import alembic_config, ensure_schema

TABLES = {"findings", "finding_events", "recommendations", "recommendation_findings", "bulletins",
          "rate_snapshots"}


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    ensure_schema(engine, str(tmp_path))
    assert TABLES <= set(inspect(engine).get_table_names())
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0002")
    names = set(inspect(engine).get_table_names())
    assert not TABLES & names and "incidents" in names
    command.upgrade(cfg, "heads")
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()
