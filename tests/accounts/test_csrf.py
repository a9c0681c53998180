from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from ecase.models._types import utcnow


def _as(client: FlaskClient, user: Any) -> None:
    with client.session_transaction() as sess:
        sess["user_id"] = user.id
        sess["seen"] = utcnow().isoformat()


def test_post_without_token_is_refused(raw_client: FlaskClient, make_user: Any) -> None:
    user = make_user("admin1", "admin")
    _as(raw_client, user)
    resp = raw_client.post("/admin/users", data={"username": "x", "role": "clerk", "new_unit": "U"})
    assert resp.status_code == 400
    assert "CSRF" in resp.get_data(as_text=True)
    json_resp = raw_client.post("/logout", headers={"Accept": "application/json"})
    assert json_resp.status_code == 400
    assert json_resp.get_json()["error"]["code"] == "csrf_failed"


def test_wrong_token_is_refused_and_right_one_accepted(raw_client: FlaskClient, make_user: Any,
                                                       form_token: Any) -> None:
    user = make_user("admin1", "admin")
    _as(raw_client, user)
    token = form_token(raw_client.get("/admin/users").get_data(as_text=True))
    data = {"username": "newclerk", "role": "clerk", "new_unit": "天桥派出所"}
    assert raw_client.post("/admin/users", data={**data, "csrf_token": token + "x"}).status_code == 400
    assert raw_client.post("/admin/users", data={**data, "csrf_token": token}).status_code == 201
    # the header works as well as the form field
    resp = raw_client.post("/logout", headers={"X-CSRFToken": token})
    assert resp.status_code == 302


def test_login_form_needs_the_token(raw_client: FlaskClient, make_user: Any) -> None:
    make_user("zhang", "clerk")
    resp = raw_client.post("/login", data={"username": "zhang", "password": "correct horse battery"})
    assert resp.status_code == 400


def test_token_authenticated_api_is_exempt(raw_client: FlaskClient, make_user: Any, app: Any) -> None:
    from ecase import db
    from ecase.access import Actor
    from ecase.accounts.tokens import create_token

    user = make_user("zhang", "clerk")
    _token, secret = create_token(Actor.of(user), user, "script")
    db.session().commit()
    resp = raw_client.post("/api/volumes/999999/scans", headers={"Authorization": f"Bearer {secret}"},
                           data=b"x")
    assert resp.status_code != 400 or resp.get_json()["error"]["code"] != "csrf_failed"
    assert resp.status_code in (404, 422)


def test_jinja_global_renders_the_session_token(raw_client: FlaskClient, form_token: Any) -> None:
    html = raw_client.get("/login").get_data(as_text=True)
    token = form_token(html)
    with raw_client.session_transaction() as sess:
        assert sess["csrf_token"] == token
