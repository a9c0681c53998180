"""``ecase serve`` on a database other machines share: it refuses a secret key made per
machine, and says when rate limits would be counted per process."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ecase import server, settings
from ecase.cli import main

PG = "postgresql+psycopg://ecase@127.0.0.1:9/ecase"  # never connected to: refused before


def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import os

    for k in list(os.environ):
        if k.startswith("ECASE_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("ECASE_DATA_DIR", str(tmp_path))


def test_serve_on_a_shared_database_refuses_a_per_machine_secret_key(
        monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    _clean_env(monkeypatch, tmp_path)
    monkeypatch.setenv("ECASE_DATABASE_URL", PG)
    result = CliRunner().invoke(main, ["serve", "--bind", "127.0.0.1:1"])
    assert result.exit_code == 1
    assert "ECASE_SECRET_KEY is not set" in result.output
    assert not (tmp_path / "secret_key").exists()  # type: ignore[operator]


def test_what_serve_checks() -> None:
    shared = settings.load({"DATABASE_URL": PG})
    assert server.shared_settings_problems(shared)
    assert server.shared_settings_problems({**shared, "SECRET_KEY": "k" * 64}) == []
    assert server.shared_settings_problems(settings.load({})) == []  # SQLite: one machine
    # rate limits: per process in memory unless there is a Redis, the broker's by default
    assert server.shared_settings_warnings(shared, workers=4)
    assert server.shared_settings_warnings(shared, workers=1) == []
    assert server.shared_settings_warnings({**shared, "BROKER_URL": "redis://r:6379/0"}, workers=4) == []
    assert server.shared_settings_warnings({**shared, "RATE_LIMIT_STORAGE": "redis://r:6379/1"}, workers=4) == []
