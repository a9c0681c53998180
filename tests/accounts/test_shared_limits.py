"""Several web processes or machines count together: the per-address login limit in
Redis (``RATE_LIMIT_STORAGE``, by default the broker's Redis) and the login throttle (a
user name's wait after failures from one address) in the shared database. Two app
instances here stand for two machines."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ecase.accounts.ratelimit import MemoryCounter, RedisCounter, storage_url

ADDRESS = "10.20.30.40"


def _login(app: Flask, form_token: Callable[[str], str], username: str, password: str,
           address: str = ADDRESS) -> int:
    c = FlaskClient(app, app.response_class, use_cookies=True)
    env = {"REMOTE_ADDR": address}
    page = c.get("/login", environ_base=env)
    resp = c.post("/login", environ_base=env, data={"username": username, "password": password,
                                                    "csrf_token": form_token(page.get_data(as_text=True))})
    return resp.status_code


def test_the_broker_redis_is_the_default_storage() -> None:
    assert storage_url({"RATE_LIMIT_STORAGE": None, "BROKER_URL": "redis://r:6379/0"}) == "redis://r:6379/0"
    assert storage_url({"RATE_LIMIT_STORAGE": "redis://r:6379/1", "BROKER_URL": "redis://r:6379/0"}) \
        == "redis://r:6379/1"
    assert storage_url({"RATE_LIMIT_STORAGE": None, "BROKER_URL": "sqla+sqlite:///x"}) == "memory://"


@pytest.fixture
def redis_db() -> Iterator[str]:
    """An empty Redis database of its own, flushed afterwards."""
    url = os.environ.get("ECASE_TEST_REDIS_URL")
    if not url:
        pytest.skip("ECASE_TEST_REDIS_URL is not set (./dev test starts a server)")
    from tests.soak.harness import _free_redis_db

    db_url, flush = _free_redis_db(url)
    try:
        yield db_url
    finally:
        flush()


@pytest.mark.redis
def test_two_machines_share_the_login_limit_in_redis(tmp_path: Path, template_db: Path, redis_db: str,
                                                     form_token: Callable[[str], str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Two apps with databases of their own (so only Redis joins them), the limit taken
    from the broker's Redis: three logins from one address on the two together, then
    both answer 429 to that address, and only to it."""
    from ecase import create_app

    monkeypatch.setattr("ecase.accounts.ratelimit._now", lambda: 1_800_000_000.0)  # no rollover
    apps = []
    for name in ("web1", "web2"):
        data = tmp_path / name
        data.mkdir()
        shutil.copy(template_db, data / "ecase.sqlite")
        apps.append(create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "shared",
                                "TASKS_EAGER": True, "BROKER_URL": redis_db, "RATE_LIMIT_LOGIN": "3/minute"}))
    try:
        a, b = apps
        assert isinstance(a.extensions["ecase.ratelimit"]["counter"], RedisCounter)
        codes = [_login(x, form_token, "nobody", "wrong") for x in (a, b, a, b, a)]
        assert codes == [401, 401, 401, 429, 429]
        assert _login(b, form_token, "nobody", "wrong", address="10.0.0.9") == 401
    finally:
        for x in apps:
            x.extensions["ecase.db"].engine.dispose()


def test_without_redis_each_process_counts_alone(tmp_path: Path, template_db: Path,
                                                 form_token: Callable[[str], str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """What `ecase serve` warns about: in memory, each app has its own count."""
    from ecase import create_app

    monkeypatch.setattr("ecase.accounts.ratelimit._now", lambda: 1_800_000_000.0)
    apps = []
    for name in ("web1", "web2"):
        data = tmp_path / name
        data.mkdir()
        shutil.copy(template_db, data / "ecase.sqlite")
        apps.append(create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "shared",
                                "TASKS_EAGER": True, "RATE_LIMIT_LOGIN": "3/minute"}))
    try:
        a, b = apps
        assert isinstance(a.extensions["ecase.ratelimit"]["counter"], MemoryCounter)
        assert [_login(x, form_token, "nobody", "wrong") for x in (a, b, a, b, a)] == [401] * 5
    finally:
        for x in apps:
            x.extensions["ecase.db"].engine.dispose()


@pytest.mark.postgres
def test_two_machines_share_a_lockout(pg_app: Flask, tmp_path: Path, form_token: Callable[[str], str]) -> None:
    """A user name locked after failures through one machine waits on the other too (same
    database), from that address only; a login cookie of one machine opens the other's
    pages (same ECASE_SECRET_KEY, different data directories)."""
    from ecase import create_app, db
    from ecase.accounts import operations
    from ecase.models import Unit

    unit = Unit(name="天桥派出所")
    db.session().add(unit)
    db.session().flush()
    operations.create_user("zhang", "zhang", unit, "clerk", "correct horse battery")
    db.session().commit()
    other = create_app({"DATA_DIR": str(tmp_path / "web2"), "DATABASE_URL": pg_app.config["DATABASE_URL"],
                        "TASKS_EAGER": True, "TESTING": True, "SECRET_KEY": pg_app.config["SECRET_KEY"],
                        "RATE_LIMIT_LOGIN": "1000/minute"})
    try:
        tries = pg_app.config["LOGIN_MAX_FAILURES"]
        codes = [_login(pg_app, form_token, "zhang", "guess") for _ in range(tries)]
        assert codes == [401] * (tries - 1) + [429]  # the last failure starts the wait
        assert _login(other, form_token, "zhang", "correct horse battery") == 429  # waits there too
        assert _login(other, form_token, "zhang", "correct horse battery", address="10.1.1.5") == 302
        # the session cookie made by one machine is good on the other
        c = FlaskClient(pg_app, pg_app.response_class, use_cookies=True)
        env = {"REMOTE_ADDR": "10.1.1.5"}
        page = c.get("/login", environ_base=env)
        c.post("/login", environ_base=env, data={"username": "zhang", "password": "correct horse battery",
                                                 "csrf_token": form_token(page.get_data(as_text=True))})
        cookie = c.get_cookie("session")
        assert cookie is not None
        c2 = FlaskClient(other, other.response_class, use_cookies=True)
        c2.set_cookie("session", cookie.value)
        assert c2.get("/cases", environ_base=env).status_code == 200
    finally:
        other.extensions["ecase.db"].engine.dispose()


