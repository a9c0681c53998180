from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.accounts import ensure_first_admin
from ecase.models import AuditEntry, User


def test_only_admins_reach_the_page(client: FlaskClient, make_user: Any, login: Any) -> None:
    for role in ("clerk", "leader", "reviewer"):
        login(make_user(f"u_{role}", role))
        assert client.get("/admin/users").status_code == 403
        assert client.post("/admin/users", data={"username": "x", "role": "admin",
                                                 "new_unit": "U"}).status_code == 403
    login(make_user("boss", "admin"))
    assert client.get("/admin/users").status_code == 200


def test_create_disable_enable_rerole(client: FlaskClient, make_user: Any, make_unit: Any,
                                      login: Any) -> None:
    admin = make_user("boss", "admin", unit="法制大队")
    unit = make_unit("天桥派出所")
    login(admin)
    resp = client.post("/admin/users", data={"username": "li", "display_name": "李四",
                                             "unit_id": str(unit.id), "role": "clerk"})
    assert resp.status_code == 201
    password = re.search(r'id="new-password">([^<]+)<', resp.get_data(as_text=True)).group(1)
    li = db.session().scalars(select(User).where(User.username == "li")).one()
    from ecase.accounts.operations import authenticate

    assert authenticate("li", password) is not None
    assert client.post(f"/admin/users/{li.id}", data={"op": "disable"}).status_code == 302
    db.session().expire_all()
    assert db.session().get(User, li.id).active is False
    assert db.session().get(User, li.id).disabled_at is not None
    assert authenticate("li", password) is None
    client.post(f"/admin/users/{li.id}", data={"op": "enable"})
    client.post(f"/admin/users/{li.id}", data={"op": "update", "role": "leader", "unit_id": str(unit.id)})
    db.session().expire_all()
    assert db.session().get(User, li.id).role == "leader"
    actions = [e.action for e in db.session().scalars(select(AuditEntry).where(AuditEntry.target_id == str(li.id)))]
    assert {"account.create", "account.disable", "account.enable", "account.change"} <= set(actions)
    change = db.session().scalars(select(AuditEntry).where(AuditEntry.action == "account.change")).one()
    assert change.detail == {"role": ["clerk", "leader"]}


def test_last_admin_cannot_be_disabled(client: FlaskClient, make_user: Any, login: Any) -> None:
    admin = make_user("boss", "admin")
    login(admin)
    resp = client.post(f"/admin/users/{admin.id}", data={"op": "disable"})
    assert resp.status_code == 409
    assert db.session().get(User, admin.id).active is True


def test_reset_password_shows_it_once(client: FlaskClient, make_user: Any, login: Any) -> None:
    login(make_user("boss", "admin"))
    clerk = make_user("zhang", "clerk")
    resp = client.post(f"/admin/users/{clerk.id}/password")
    assert resp.status_code == 200
    pw = re.search(r'id="new-password">([^<]+)<', resp.get_data(as_text=True)).group(1)
    from ecase.accounts.operations import authenticate

    assert authenticate("zhang", pw) is not None
    assert authenticate("zhang", "correct horse battery") is None


def test_first_admin_generated_once(app: Any) -> None:
    pw = ensure_first_admin(app)
    assert pw and len(pw) >= 12
    assert ensure_first_admin(app) is None
    admins = list(db.session().scalars(select(User).where(User.role == "admin")))
    assert len(admins) == 1
    from ecase.accounts.operations import authenticate

    assert authenticate(admins[0].username, pw) is not None


def test_first_admin_from_setting(app: Any) -> None:
    app.config["ADMIN_PASSWORD"] = "set by the operator"
    assert ensure_first_admin(app) is None
    from ecase.accounts.operations import authenticate

    assert authenticate("admin", "set by the operator") is not None


def test_cli_users(runner: Any, app: Any) -> None:
    out = runner.invoke(args=["users", "init-admin"])
    assert out.exit_code == 0 and "admin" in out.output
    out = runner.invoke(args=["users", "create", "wang", "--unit", "刑警大队", "--role", "clerk"])
    assert out.exit_code == 0, out.output
    assert runner.invoke(args=["users", "disable", "wang"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "wang" in listing and "disabled" in listing
    weak = runner.invoke(args=["users", "create", "zhao", "--unit", "U", "--role", "clerk",
                               "--password", "short"])
    assert weak.exit_code != 0
