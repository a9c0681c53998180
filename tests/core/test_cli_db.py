"""``ecase db upgrade`` and ``ecase db current``: the schema applied explicitly, and
looked at without changing anything."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.pg import fresh_database


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    from ecase.cli import main

    result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_current_and_upgrade_on_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"ECASE_DATA_DIR": str(data)}

    code, out = _run(["db", "current"], env)
    assert code == 0 and "no database yet" in out
    code, out = _run(["db", "current", "--check"], env)
    assert code == 1
    assert not data.exists()  # looking made nothing

    code, out = _run(["db", "upgrade"], env)
    assert code == 0 and "database upgraded (none) → " in out, out
    assert (data / "ecase.sqlite").exists()
    code, out = _run(["db", "upgrade"], env)
    assert code == 0 and "database up to date" in out
    code, out = _run(["db", "current", "--check"], env)
    assert code == 0 and "up to date" in out
    assert not (data / "secret_key").exists()  # the schema only: no app was built


def test_current_names_pending_migrations(tmp_path: Path) -> None:
    from alembic import command

    from ecase.db import make_engine
    from ecase.migrate import alembic_config

    data = tmp_path / "data"
    data.mkdir()
    engine = make_engine(f"sqlite:///{data / 'ecase.sqlite'}")
    command.upgrade(alembic_config(engine), "0005")
    engine.dispose()
    env = {"ECASE_DATA_DIR": str(data)}
    code, out = _run(["db", "current", "--check"], env)
    assert code == 1 and "current:  0005" in out and "migrations pending" in out
    code, out = _run(["db", "upgrade"], env)
    assert code == 0 and "0005 → " in out


def test_upgrade_on_postgresql(tmp_path: Path) -> None:
    with fresh_database() as url:
        env = {"ECASE_DATA_DIR": str(tmp_path / "data"), "ECASE_DATABASE_URL": url}
        assert _run(["db", "current", "--check"], env)[0] == 1
        code, out = _run(["db", "upgrade"], env)
        assert code == 0 and "database upgraded" in out, out
        code, out = _run(["db", "current", "--check"], env)
        assert code == 0 and "postgresql" in out
