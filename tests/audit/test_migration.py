from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from ecase.db import make_engine
from ecase.migrate import alembic_config, ensure_schema

OURS = {"audit_entries", "audit_head", "api_tokens"}


def test_0004_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    engine = make_engine(url)
    ensure_schema(engine, str(tmp_path))
    assert OURS <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0004-1")
    engine.dispose()
    engine = make_engine(url)
    insp = inspect(engine)
    assert not OURS & set(insp.get_table_names())
    assert not {"disabled_at", "password_changed_at"} & {c["name"] for c in insp.get_columns("users")}
    command.upgrade(alembic_config(engine), "heads")
    engine.dispose()
    engine = make_engine(url)
    assert OURS <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one() == (0, "0" * 64)
    engine.dispose()


def test_0006_adds_the_key_id_and_keeps_entries(tmp_path: Path) -> None:
    """Entries written before 0006 keep a NULL key id: they verify as legacy entries."""
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    engine = make_engine(url)
    ensure_schema(engine, str(tmp_path))
    command.downgrade(alembic_config(engine), "0005")
    assert "key_id" not in {c["name"] for c in inspect(engine).get_columns("audit_entries")}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (seq, at, username, role, ip, action, target_type, "
                          "target_id, prev_hash, hash) VALUES (1, '2026-01-01 00:00:00', 'old', "
                          "'clerk', '', 'view', '', '', :z, :h)"), {"z": "0" * 64, "h": "a" * 64})
    command.upgrade(alembic_config(engine), "heads")
    engine.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT seq, key_id FROM audit_entries")).all() == [(1, None)]
    engine.dispose()
