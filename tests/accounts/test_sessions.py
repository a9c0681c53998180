from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.models import AuditEntry, User
from ecase.models._types import utcnow

PW = "correct horse battery"


def _login(raw_client: FlaskClient, form_token: Any, username: str, password: str) -> Any:
    page = raw_client.get("/login")
    return raw_client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": form_token(page.get_data(as_text=True))})


def test_login_with_the_form_and_logout(raw_client: FlaskClient, form_token: Any, make_user: Any) -> None:
    make_user("zhang", "clerk")
    assert raw_client.get("/cases").status_code == 302
    resp = _login(raw_client, form_token, "zhang", PW)
    assert resp.status_code == 302
    assert raw_client.get("/cases").status_code == 200
    token = form_token(raw_client.get("/cases").get_data(as_text=True))
    assert raw_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert raw_client.get("/cases").status_code == 302
    actions = [e.action for e in db.session().scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert "login" in actions and "logout" in actions


def test_wrong_password_and_unknown_user_say_the_same(raw_client: FlaskClient, form_token: Any,
                                                      make_user: Any) -> None:
    make_user("zhang", "clerk")
    a = _login(raw_client, form_token, "zhang", "wrong password!")
    b = _login(raw_client, form_token, "nobody", "wrong password!")
    assert a.status_code == b.status_code == 401
    assert "用户名或密码错误" in a.get_data(as_text=True)
    assert "用户名或密码错误" in b.get_data(as_text=True)


def test_lockout_after_repeated_failures(app: Any, raw_client: FlaskClient, form_token: Any,
                                         make_user: Any) -> None:
    user = make_user("zhang", "clerk")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        assert _login(raw_client, form_token, "zhang", "not the password").status_code == 401
    last = _login(raw_client, form_token, "zhang", "not the password")
    assert "已锁定" in last.get_data(as_text=True)
    # even the right password is refused while locked
    resp = _login(raw_client, form_token, "zhang", PW)
    assert resp.status_code == 401 and "已锁定" in resp.get_data(as_text=True)
    db.session().expire_all()
    locked = db.session().get(User, user.id)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    # once the lock has run out, the right password works again
    locked.locked_until = utcnow() - dt.timedelta(seconds=1)
    db.session().commit()
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    actions = {e.action for e in db.session().scalars(select(AuditEntry))}
    assert {"login.failed", "login.locked", "login.refused", "login"} <= actions


def test_success_resets_the_failure_count(app: Any, raw_client: FlaskClient, form_token: Any,
                                          make_user: Any) -> None:
    make_user("zhang", "clerk")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit - 1):
        _login(raw_client, form_token, "zhang", "not the password")
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    raw_client.get("/cases")
    token = form_token(raw_client.get("/cases").get_data(as_text=True))
    raw_client.post("/logout", data={"csrf_token": token})
    for _ in range(limit - 1):
        assert "已锁定" not in _login(raw_client, form_token, "zhang", "nope nope nope").get_data(as_text=True)


def test_disabled_account_cannot_log_in_and_its_session_ends(client: FlaskClient, raw_client: FlaskClient,
                                                             form_token: Any, make_user: Any,
                                                             login: Any) -> None:
    user = make_user("zhang", "clerk")
    login(user)
    assert client.get("/cases").status_code == 200
    user.active = False
    db.session().commit()
    assert client.get("/cases").status_code == 302
    assert _login(raw_client, form_token, "zhang", PW).status_code == 401


def test_session_expires_after_inactivity(app: Any, client: FlaskClient, make_user: Any) -> None:
    user = make_user("zhang", "clerk")
    with client.session_transaction() as sess:
        sess["user_id"] = user.id
        sess["seen"] = (utcnow() - dt.timedelta(hours=app.config["SESSION_HOURS"], minutes=1)).isoformat()
    assert client.get("/cases").status_code == 302
    assert client.get("/api/volumes/1").status_code == 401


def test_open_redirect_is_refused(raw_client: FlaskClient, form_token: Any, make_user: Any) -> None:
    make_user("zhang", "clerk")
    page = raw_client.get("/login")
    resp = raw_client.post("/login?next=//evil.example/x",
                           data={"username": "zhang", "password": PW,
                                 "csrf_token": form_token(page.get_data(as_text=True))})
    assert resp.status_code == 302 and "evil" not in resp.headers["Location"]


def test_password_change_ends_other_sessions(client: FlaskClient, app: Any, make_user: Any,
                                             login: Any) -> None:
    user = make_user("zhang", "clerk")
    other = app.test_client()
    login(user)
    with other.session_transaction() as sess:
        sess["user_id"] = user.id
        sess["seen"] = utcnow().isoformat()
    resp = client.post("/account/password", data={"old": PW, "new": "a much longer secret",
                                                  "repeat": "a much longer secret"})
    assert resp.status_code == 302
    assert client.get("/cases").status_code == 200      # this session goes on
    assert other.get("/cases").status_code == 302       # the other one ended
    short = client.post("/account/password", data={"old": "a much longer secret", "new": "short",
                                                   "repeat": "short"})
    assert short.status_code == 422


def test_cookie_settings(app: Any) -> None:
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from ecase import create_app

    secure = create_app({**{k: app.config[k] for k in ("DATA_DIR", "SECRET_KEY")},
                         "SECURE_COOKIES": True, "TESTING": True})
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    secure.extensions["ecase.db"].engine.dispose()


def test_security_headers(client: FlaskClient, make_user: Any, login: Any) -> None:
    resp = client.get("/login")
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    login(make_user("zhang", "clerk"))
    assert "no-store" in client.get("/cases").headers["Cache-Control"]


def test_trusted_proxy_ip_reaches_the_audit_trail(app_config: dict[str, Any], template_db: Any) -> None:
    import shutil
    from pathlib import Path

    from ecase import create_app
    from ecase.accounts.operations import create_user
    from ecase.models import Unit

    data = Path(app_config["DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    shutil.copy(template_db, data / "ecase.sqlite")
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})
    with proxied.app_context():
        unit = Unit(name="U")
        db.session().add(unit)
        db.session().flush()
        user, _ = create_user("zhang", "zhang", unit, "clerk", PW)
        db.session().commit()
        c = proxied.test_client()
        with c.session_transaction() as sess:
            sess["user_id"] = user.id
            sess["seen"] = utcnow().isoformat()
        c.get("/cases/12345", headers={"X-Forwarded-For": "203.0.113.7"})
        entry = db.session().scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.ip == "203.0.113.7"
    proxied.extensions["ecase.db"].engine.dispose()
