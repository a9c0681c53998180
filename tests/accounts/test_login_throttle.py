"""Failed log-ins: one answer for a made-up name and an account's, and a growing wait per
user name and client address that never holds the user up at another address."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.models import AuditEntry
from ecase.models._types import utcnow

PW = "correct horse battery"
ATTACKER = "10.9.8.7"
OWN = "10.1.1.5"


def _login(c: FlaskClient, form_token: Any, username: str, password: str,
           address: str = ATTACKER) -> Any:
    env = {"REMOTE_ADDR": address}
    page = c.get("/login", environ_base=env)
    return c.post("/login", environ_base=env,
                  data={"username": username, "password": password,
                        "csrf_token": form_token(page.get_data(as_text=True))})


def _said(resp: Any) -> tuple[int, str]:
    """Status and message of a refused log-in, its clock time blanked out."""
    m = re.search(r'role="alert"[^>]*>(.*?)<', resp.get_data(as_text=True), re.S)
    assert m, "no message on the login page"
    return resp.status_code, re.sub(r"\d\d:\d\d:\d\d", "HH:MM:SS", m.group(1).strip())


def test_a_made_up_name_is_answered_like_an_account(app: Flask, raw_client: FlaskClient,
                                                    form_token: Any, make_user: Any) -> None:
    """Through the first failures, the wait and a try during it, an outsider sees the
    same for an account (even the right password while it waits) as for none."""
    make_user("zhang", "clerk")
    tries = app.config["LOGIN_MAX_FAILURES"] + 1
    real = [_said(_login(raw_client, form_token, "zhang", "not the password")) for _ in range(tries - 1)]
    real.append(_said(_login(raw_client, form_token, "zhang", PW)))
    made_up = [_said(_login(raw_client, form_token, "zhangg", "not the password")) for _ in range(tries)]
    assert real == made_up
    assert real[0] == (401, "用户名或密码错误")
    assert real[-1][0] == 429 and "已锁定" in real[-1][1]
    assert "账户" not in " ".join(text for _, text in real)


def test_a_disabled_account_is_answered_like_a_wrong_password(app: Flask, raw_client: FlaskClient,
                                                              form_token: Any, make_user: Any) -> None:
    from ecase.access import Actor
    from ecase.accounts.operations import set_active

    set_active(Actor.system(), make_user("zhang", "clerk"), False)
    make_user("admin2", "admin")
    db.session().commit()
    assert _said(_login(raw_client, form_token, "zhang", PW)) == (401, "用户名或密码错误")


def test_failures_elsewhere_do_not_lock_the_user_out(app: Flask, raw_client: FlaskClient,
                                                     form_token: Any, make_user: Any) -> None:
    make_user("zhang", "clerk")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] + 3):
        _login(raw_client, form_token, "zhang", "guessing from afar")
    assert _login(raw_client, form_token, "zhang", PW).status_code == 429  # the attacker waits
    own = FlaskClient(app, app.response_class, use_cookies=True)
    assert _login(own, form_token, "zhang", PW, address=OWN).status_code == 302
    assert own.get("/cases", environ_base={"REMOTE_ADDR": OWN}).status_code == 200
    actions = {e.action for e in db.session().scalars(select(AuditEntry))}
    assert {"login.failed", "login.locked", "login.refused", "login"} <= actions


def test_the_wait_grows_and_has_a_ceiling(app: Flask, make_user: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from ecase.accounts import operations

    make_user("zhang", "clerk")
    now = [utcnow()]
    monkeypatch.setattr(operations, "utcnow", lambda: now[0])
    cfg = app.config
    for _ in range(cfg["LOGIN_MAX_FAILURES"] - 1):
        assert operations.log_in("zhang", "wrong", ATTACKER).retry_at is None
    waits = []
    for _ in range(8):
        result = operations.log_in("zhang", "wrong", ATTACKER)
        assert result.retry_at is not None
        wait = result.retry_at - now[0]
        waits.append(int(wait.total_seconds()))
        now[0] += wait - dt.timedelta(seconds=1)  # still waiting: refused, not counted
        refused = operations.log_in("zhang", PW, ATTACKER)
        assert refused.user is None and refused.retry_at == result.retry_at
        now[0] += dt.timedelta(seconds=2)
    first, longest = cfg["LOGIN_DELAY_SECONDS"], cfg["LOGIN_LOCK_MINUTES"] * 60
    assert waits == [min(first * 2**i, longest) for i in range(8)]
    assert waits[-1] == longest
    db.session().commit()
    # once the wait is over the right password works, and the count starts again
    ok = operations.log_in("zhang", PW, ATTACKER)
    assert ok.user is not None
    assert operations.log_in("zhang", "wrong", ATTACKER).retry_at is None


def test_an_admins_reset_or_enable_lets_the_name_try_again(app: Flask, runner: Any, make_user: Any) -> None:
    from ecase.access import Actor
    from ecase.accounts import operations

    user = make_user("zhang", "clerk")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        operations.log_in("zhang", "wrong", ATTACKER)
    assert operations.log_in("zhang", PW, ATTACKER).user is None
    assert "zhang" in operations.held_back()
    password = operations.reset_password(Actor.system(), user)
    assert operations.held_back() == {}
    assert operations.log_in("zhang", password, ATTACKER).user is not None
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        operations.log_in("zhang", "wrong", ATTACKER)
    db.session().commit()
    assert runner.invoke(args=["users", "enable", "zhang"]).exit_code == 0
    db.session().expire_all()
    assert operations.log_in("zhang", password, ATTACKER).user is not None


def test_an_unknown_name_costs_a_password_check(app: Flask, make_user: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Timing: a made-up name, a disabled account and a wrong password each verify one
    argon2 hash (a dummy one where there is none)."""
    from ecase.accounts import operations

    make_user("zhang", "clerk")
    calls: list[str] = []
    real = operations._hasher

    class Spy:
        def verify(self, hash: str, password: str) -> bool:
            calls.append(hash)
            return real.verify(hash, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(operations, "_hasher", Spy())
    operations.log_in("nobody", "wrong", ATTACKER)
    operations.log_in("zhang", "wrong", ATTACKER)
    assert len(calls) == 2 and all(h.startswith("$argon2") for h in calls)


@pytest.mark.postgres
def test_the_wait_on_postgresql(pg_app: Flask) -> None:
    """The throttle's insert-or-keep is PostgreSQL's ON CONFLICT there."""
    from ecase.accounts import operations
    from ecase.models import Unit

    unit = Unit(name="天桥派出所")
    db.session().add(unit)
    db.session().flush()
    operations.create_user("zhang", "zhang", unit, "clerk", PW)
    db.session().commit()
    for _ in range(pg_app.config["LOGIN_MAX_FAILURES"] - 1):
        assert operations.log_in("zhang", "wrong", ATTACKER).retry_at is None
        db.session().commit()
    assert operations.log_in("zhang", "wrong", ATTACKER).retry_at is not None
    db.session().commit()
    assert operations.log_in("zhang", PW, ATTACKER).user is None  # waits from there
    assert operations.log_in("zhang", PW, OWN).user is not None  # not from the user's own address
