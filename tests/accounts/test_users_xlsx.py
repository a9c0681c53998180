"""The users list exports what it shows, with its filters, to a styled .xlsx read back here."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ecase import db
from ecase.accounts.operations import set_active
from ecase.access import Actor
from ecase.models import User


def test_users_list_exports_what_it_shows(client: Any, login: Any, make_user: Any) -> None:
    admin = make_user("boss", "admin", unit="法制大队")
    leader = make_user("leader_a", "leader", unit="甲派出所")
    for i in range(105):  # without passwords: hashing 105 of them is slow and beside the point
        db.session().add(User(username=f"clerk{i:03d}", display_name=f"clerk{i:03d}", unit_id=leader.unit_id,
                              role="clerk"))
    make_user("clerk_b", "clerk", unit="乙派出所")
    gone = make_user("clerk_gone", "clerk", unit="甲派出所")
    set_active(Actor.of(admin), gone, False)
    db.session().commit()
    login(admin)
    unit_a = gone.unit_id

    page = client.get(f"/admin/users?unit={unit_a}&role=clerk").get_data(as_text=True)
    assert "共 106 个账户" in page and "/admin/users.xlsx?" in page

    resp = client.get(f"/admin/users.xlsx?unit={unit_a}&role=clerk")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "用户列表"
    assert "单位：甲派出所" in ws["A2"].value and "角色：内勤" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["序号", "用户名", "姓名", "单位", "角色", "状态", "建立时间", "停用时间"]
    assert ws.freeze_panes == "B4" and ws.column_dimensions["D"].width >= 20
    data = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(data) == 106  # all pages (the page shows 100)
    assert [r[0] for r in data[:2]] == [1, 2]
    assert {r[3] for r in data} == {"甲派出所"} and {r[4] for r in data} == {"内勤"}
    assert data[0][1] == "clerk000" and data[-1][1] == "clerk_gone"  # active first, as the page
    assert data[-1][5] == "已停用" and isinstance(data[-1][7], dt.datetime)
    created = ws.cell(row=4, column=7)
    assert isinstance(created.value, dt.datetime) and created.number_format == "yyyy-mm-dd hh:mm"
    assert data[0][7] is None

    ws = load_workbook(io.BytesIO(client.get("/admin/users.xlsx?state=disabled").data)).active
    assert [r[1] for r in ws.iter_rows(min_row=4, values_only=True)] == ["clerk_gone"]
    ws = load_workbook(io.BytesIO(client.get("/admin/users.xlsx?q=leader").data)).active
    assert [r[1:5] for r in ws.iter_rows(min_row=4, values_only=True)] == [("leader_a", "leader_a", "甲派出所", "单位领导")]

    login(make_user("rev", "reviewer", unit="法制大队"))
    assert client.get("/admin/users.xlsx").status_code == 403
