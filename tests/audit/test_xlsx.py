"""The audit log exports what its page shows, with the page's filters, to a styled .xlsx
(title row, 序号, frozen header, widths, real times in Beijing time), read back here."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from ecase import db
from ecase.access import Actor
from ecase.audit import record


def test_audit_list_exports_what_it_shows(client: Any, login: Any, make_user: Any) -> None:
    clerk = make_user("clerk_a", "clerk", unit="甲派出所")
    other = make_user("clerk_b", "clerk", unit="乙派出所")
    for i in range(130):
        record(Actor.of(clerk), "view", "case", str(i + 1), {"endpoint": "dossiers.case_detail", "status": 200})
    record(Actor.of(other), "download", "page", "7", {"endpoint": "dossiers.page_image", "status": 200})
    record(Actor.of(clerk), "correction.reject", "document", "3",
           {"field": "doc_no", "value": "济天公（刑）立字〔2018〕9号", "correction": 4, "reason": "文号无误"})
    db.session().commit()
    reviewer = make_user("rev", "reviewer", unit="法制大队")
    login(reviewer)

    page = client.get("/audit?user=clerk_a&action=view").get_data(as_text=True)
    assert "共 130 条" in page and "/audit.xlsx?" in page and "user=clerk_a" in page

    resp = client.get("/audit.xlsx?user=clerk_a&action=view")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E5%AE%A1%E8%AE%A1" in resp.headers["Content-Disposition"]  # 审计日志.xlsx
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws["A1"].value == "审计日志"
    assert "用户：clerk_a" in ws["A2"].value and "操作：查看" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["序号", "记录号", "时间", "用户", "角色", "网络地址", "操作", "对象", "详情"]
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["I"].width >= 60
    data = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(data) == 130  # every page of the filtered list, not 100
    assert [r[0] for r in data[:3]] == [1, 2, 3]
    assert {r[3] for r in data} == {"clerk_a"} and {r[6] for r in data} == {"查看"}
    assert data[0][7] == "案件 130" and data[-1][7] == "案件 1"  # newest first, as the page
    assert data[0][4] == "内勤"
    when = ws.cell(row=4, column=3)
    assert isinstance(when.value, dt.datetime) and when.number_format == "yyyy-mm-dd hh:mm"
    now_beijing = dt.datetime.now(dt.UTC) + dt.timedelta(hours=8)
    assert abs((now_beijing.replace(tzinfo=None) - when.value).total_seconds()) < 600

    # the details in Chinese, as on the page
    ws = load_workbook(io.BytesIO(client.get("/audit.xlsx?action=correction.reject").data)).active
    [row] = list(ws.iter_rows(min_row=4, values_only=True))
    assert row[6] == "驳回更正" and row[7] == "文书 3"
    assert "字段：文号" in row[8] and "理由：文号无误" in row[8]

    # the export is itself recorded; a clerk may not export the log
    page = client.get("/audit?action=export").get_data(as_text=True)
    assert "导出" in page and "审计日志" in page
    login(clerk)
    assert client.get("/audit.xlsx").status_code == 403


def test_a_refused_export_begins_no_workbook(client: Any, login: Any, make_user: Any, monkeypatch: Any) -> None:
    """Refused before the workbook is begun: a refusal raised from inside openpyxl's row
    writer left its generators open, to fail when collected, in whatever test ran next."""
    from sqlalchemy import select

    from ecase import xlsx
    from ecase.models import AuditEntry

    begun: list[str] = []
    real = xlsx.table_bytes
    monkeypatch.setattr(xlsx, "table_bytes", lambda title, *a, **kw: begun.append(title) or real(title, *a, **kw))
    login(make_user("rev", "reviewer", unit="法制大队"))
    assert client.get("/audit.xlsx").status_code == 200 and begun == ["审计日志"]  # the spy sees the writer
    login(make_user("clerk_a", "clerk", unit="甲派出所"))
    assert client.get("/audit.xlsx").status_code == 403
    assert begun == ["审计日志"]
    db.session().expire_all()
    assert list(db.session().scalars(select(AuditEntry.action))).count("export") == 1
