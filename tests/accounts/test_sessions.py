from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.models import AuditEntry
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


def _cookie(c: FlaskClient) -> str:
    cookie = c.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _with_cookie(app: Any, value: str) -> FlaskClient:
    """Another browser that was handed a copy of a session cookie."""
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def _logout(c: FlaskClient, form_token: Any) -> None:
    token = form_token(c.get("/cases").get_data(as_text=True))
    assert c.post("/logout", data={"csrf_token": token}).status_code == 302


def test_a_copy_of_the_cookie_opens_nothing_after_logging_out(app: Any, raw_client: FlaskClient,
                                                              form_token: Any, make_user: Any) -> None:
    make_user("zhang", "clerk")
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    kept = _cookie(raw_client)
    assert _with_cookie(app, kept).get("/cases").status_code == 200
    _logout(raw_client, form_token)
    assert _with_cookie(app, kept).get("/cases").status_code == 302
    assert _with_cookie(app, kept).get("/api/volumes/1").status_code == 401
    # logging in again makes a new session that works
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    assert raw_client.get("/cases").status_code == 200


def test_logging_out_ends_every_session_of_the_account(app: Any, raw_client: FlaskClient,
                                                       form_token: Any, make_user: Any) -> None:
    make_user("zhang", "clerk")
    second = FlaskClient(app, app.response_class, use_cookies=True)
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    assert _login(second, form_token, "zhang", PW).status_code == 302
    _logout(second, form_token)
    assert raw_client.get("/cases").status_code == 302


def test_disabling_ends_sessions_for_good(app: Any, raw_client: FlaskClient, form_token: Any,
                                          make_user: Any) -> None:
    """Disabled and enabled again, the account's old sessions stay ended."""
    from ecase.access import Actor
    from ecase.accounts import operations

    user = make_user("zhang", "clerk")
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    kept = _cookie(raw_client)
    operations.set_active(Actor.system(), user, False)
    db.session().commit()
    assert _with_cookie(app, kept).get("/cases").status_code == 302
    operations.set_active(Actor.system(), user, True)
    db.session().commit()
    assert _with_cookie(app, kept).get("/cases").status_code == 302


def test_an_admins_password_reset_ends_the_users_sessions(app: Any, client: FlaskClient,
                                                           raw_client: FlaskClient, form_token: Any,
                                                           make_user: Any, login: Any) -> None:
    user = make_user("zhang", "clerk")
    login(make_user("boss", "admin"))
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    assert client.post(f"/admin/users/{user.id}/password").status_code == 200
    assert raw_client.get("/cases").status_code == 302


def test_the_session_version_is_checked_on_every_request(app: Any, raw_client: FlaskClient,
                                                         form_token: Any, make_user: Any) -> None:
    from ecase.accounts.operations import end_sessions

    user = make_user("zhang", "clerk")
    assert _login(raw_client, form_token, "zhang", PW).status_code == 302
    assert raw_client.get("/cases").status_code == 200
    end_sessions(user)
    db.session().commit()
    assert raw_client.get("/cases").status_code == 302
