from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from ecase import db
from ecase.models import ApiToken, Case


def test_create_use_and_revoke(app: Any, client: FlaskClient, make_user: Any, make_unit: Any,
                               login: Any) -> None:
    user = make_user("zhang", "clerk")
    login(user)
    resp = client.post("/account/tokens", data={"name": "导入脚本"})
    assert resp.status_code == 201
    secret = re.search(r'id="new-token">([^<]+)<', resp.get_data(as_text=True)).group(1)
    stored = db.session().scalars(select(ApiToken)).one()
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64

    api = app.test_client()
    own = Case(case_no="A-TOKEN-OWN", name="own", unit_id=user.unit_id)
    foreign = Case(case_no="A-TOKEN-FOREIGN", name="foreign", unit_id=make_unit("其他派出所").id)
    db.session().add_all([own, foreign])
    db.session().commit()
    hdr = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    assert api.get("/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    body = api.get("/cases", headers={"Authorization": f"Bearer {secret}"}).get_data(as_text=True)
    assert "A-TOKEN-OWN" in body and "A-TOKEN-FOREIGN" not in body  # same rights as the user
    assert api.get(f"/cases/{foreign.id}", headers=hdr).status_code == 404

    assert client.post(f"/account/tokens/{stored.id}/revoke").status_code == 302
    resp = api.get("/cases", headers=hdr)
    assert resp.status_code == 401
    assert api.get("/cases", headers={"Authorization": "Bearer ect_made_up"}).status_code == 401


def test_cannot_revoke_someone_elses_token(client: FlaskClient, make_user: Any, login: Any) -> None:
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    other = make_user("li", "clerk")
    token, _ = create_token(Actor.of(other), other, "li's")
    db.session().commit()
    login(make_user("zhang", "clerk"))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    db.session().expire_all()
    assert db.session().get(ApiToken, token.id).revoked_at is None


def test_disabled_owner_token_stops_working(app: Any, make_user: Any) -> None:
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    user = make_user("zhang", "clerk")
    _t, secret = create_token(Actor.of(user), user, "x")
    user.active = False
    db.session().commit()
    assert app.test_client().get("/api/search?q=x", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_cannot_manage_accounts_or_tokens(app: Any, make_user: Any) -> None:
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    admin = make_user("boss", "admin")
    _t, secret = create_token(Actor.of(admin), admin, "x")
    db.session().commit()
    api = app.test_client()
    hdr = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    assert api.post("/account/tokens", data={"name": "more"}, headers=hdr).status_code == 403
    assert api.get("/admin/users", headers=hdr).status_code == 403
    assert api.post("/admin/users", data={"username": "x", "role": "admin", "new_unit": "U"},
                    headers=hdr).status_code == 403
    assert len(db.session().scalars(select(ApiToken)).all()) == 1


def test_an_admins_reset_revokes_the_accounts_tokens(app: Any, client: FlaskClient, make_user: Any,
                                                     login: Any) -> None:
    """A reset is what an admin does when an account may be in other hands: its API tokens
    end with its sessions (a script keeping a stolen token would keep the account)."""
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token
    from ecase.models import AuditEntry

    clerk = make_user("zhang", "clerk")
    _t, first = create_token(Actor.of(clerk), clerk, "导入脚本")
    _t, second = create_token(Actor.of(clerk), clerk, "备用")
    other = make_user("li", "clerk")
    _t, kept = create_token(Actor.of(other), other, "li's")
    db.session().commit()
    api = app.test_client()
    assert api.get("/cases", headers={"Authorization": f"Bearer {first}"}).status_code == 200

    login(make_user("boss", "admin"))
    assert client.post(f"/admin/users/{clerk.id}/password").status_code == 200
    for secret in (first, second):
        assert api.get("/cases", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert api.get("/cases", headers={"Authorization": f"Bearer {kept}"}).status_code == 200
    entry = db.session().scalars(select(AuditEntry).where(AuditEntry.action == "account.reset_password")).one()
    assert entry.detail["tokens_revoked"] == 2
    from ecase.audit.queries import detail_text

    assert "吊销令牌数：2" in detail_text(entry.detail)  # the audit log reads it in Chinese
