from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from ecase.accounts.ratelimit import Limit


@pytest.fixture
def small_app(app_config: dict[str, Any], template_db: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    import shutil

    monkeypatch.setattr("ecase.accounts.ratelimit._now", lambda: 1_800_000_000.0)  # no rollover

    from ecase import create_app

    data = Path(app_config["DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(template_db, data / "ecase.sqlite")
    app = create_app({**app_config, "RATE_LIMIT": "5/minute", "RATE_LIMIT_LOGIN": "3/minute",
                      "MAX_UPLOAD_MB": 1})
    with app.app_context():
        yield app
    app.extensions["ecase.db"].engine.dispose()


def test_limit_parsing() -> None:
    assert Limit.parse("600/minute") == Limit(600, 60)
    assert Limit.parse("3 / hours") == Limit(3, 3600)
    with pytest.raises(ValueError):
        Limit.parse("lots")


def test_requests_over_the_limit_get_429(small_app: Flask) -> None:
    c = small_app.test_client()
    codes = [c.get("/login").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    resp = c.get("/login", headers={"Accept": "application/json"})
    assert resp.status_code == 429 and "Retry-After" in resp.headers
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert c.get("/healthz").status_code == 200  # health checks are never limited


def test_login_attempts_are_limited_per_ip(small_app: Flask) -> None:
    c = small_app.test_client()
    codes = [c.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(4)]
    assert codes[:3] == [401] * 3 and codes[3] == 429


def test_too_large_upload_gets_a_clear_413(small_app: Flask) -> None:
    c = small_app.test_client()
    resp = c.post("/login", data={"username": "x", "password": "y" * (2 * 1024 * 1024)},
                  headers={"Accept": "application/json"})
    assert resp.status_code == 413
    assert "1 MB" in resp.get_json()["error"]["message"]


@pytest.mark.redis
def test_redis_counter_is_shared() -> None:
    """Two counters on one Redis (two web processes) count together."""
    import os
    import uuid

    url = os.environ.get("ECASE_TEST_REDIS_URL")
    if not url:
        pytest.skip("ECASE_TEST_REDIS_URL is not set (./dev test starts a server)")
    from ecase.accounts.ratelimit import RedisCounter

    a, b = RedisCounter(url), RedisCounter(url)
    key = f"test-{uuid.uuid4().hex}"
    assert [a.hit(key, 60), b.hit(key, 60), a.hit(key, 60)] == [1, 2, 3]


def test_next_window_lets_requests_through(small_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    c = small_app.test_client()
    for _ in range(5):
        c.get("/login")
    assert c.get("/login").status_code == 429
    monkeypatch.setattr("ecase.accounts.ratelimit._now", lambda: 1_800_000_000.0 + 60)
    assert c.get("/login").status_code == 200
