"""The admins' user list (issue 17): a duplicate user name keeps the typed form, actions
ask for confirmation, the password page is linked, the list pages with a true total."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from ecase import db
from ecase.models import Unit, User


def test_duplicate_name_keeps_the_form(client: FlaskClient, make_user: Any, login: Any) -> None:
    login(make_user("boss", "admin", unit="法制大队"))
    make_user("li", "clerk", unit="天桥派出所")
    resp = client.post("/admin/users", data={"username": "li", "display_name": "李四新",
                                             "new_unit": "新建派出所", "role": "leader"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "用户名已存在" in page
    assert 'value="李四新"' in page and 'value="新建派出所"' in page and 'value="leader" selected' in page
    # the unit typed with the refused account was not made
    assert db.session().scalar(select(func.count()).select_from(Unit).where(Unit.name == "新建派出所")) == 0


def test_actions_confirm_and_password_is_linked(client: FlaskClient, make_user: Any, login: Any) -> None:
    login(make_user("boss", "admin", unit="法制大队"))
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'data-confirm="确定停用 boss 吗？' in page and "confirm.js" in page
    assert 'data-confirm="确定重置 boss 的密码吗？' in page
    assert 'href="/account/password"' in page


def test_users_page_with_a_true_total(client: FlaskClient, make_user: Any, make_unit: Any,
                                      login: Any) -> None:
    login(make_user("boss", "admin", unit="法制大队"))
    unit = make_unit("天桥派出所")
    s = db.session()
    s.add_all([User(username=f"u{i:03d}", display_name=f"民警{i}", unit_id=unit.id, role="clerk",
                    password_hash="x") for i in range(150)])
    s.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "共 151 个账户" in page and page.count("data-username=") == 100 and "第 1 / 2 页" in page
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert second.count("data-username=") == 51
    found = client.get("/admin/users?q=u14").get_data(as_text=True)
    assert "共 10 个账户" in found
    assert "共 1 个账户" in client.get("/admin/users?role=admin").get_data(as_text=True)
