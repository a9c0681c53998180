"""The reviewers' browse page of the audit trail (read only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flask import Response, render_template, request

from ecase.audit import queries, record
from ecase.auth import current_actor
from ecase.errors import InvalidInput
from ecase.formatting import BEIJING
from ecase.params import page_arg


def _date(name: str, *, end: bool = False) -> dt.datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as e:
        raise InvalidInput(f"日期格式应为 YYYY-MM-DD：{raw}") from e
    if end:
        day += dt.timedelta(days=1)
    local = dt.datetime.combine(day, dt.time(), tzinfo=BEIJING)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _filter() -> queries.AuditFilter:
    return queries.AuditFilter(
        username=request.args.get("user", "").strip(),
        action=request.args.get("action", "").strip(),
        target_type=request.args.get("target_type", "").strip(),
        target_id=request.args.get("target_id", "").strip(),
        ip=request.args.get("ip", "").strip(),
        since=_date("since"), until=_date("until", end=True))


def browse() -> str:
    actor = current_actor()
    f = _filter()
    page = page_arg()
    rows, total = queries.entries(actor, f, page=page)
    record(actor, "view", "audit", "", {"filter": {k: v for k, v in request.args.items() if v}})
    from ecase.models import ROLES

    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/browse.html", rows=rows, total=total, page=page, per_page=100,
                           actions=queries.actions(), args=request.args, query=query,
                           action_name=queries.action_name, target_name=queries.target_name,
                           detail_text=queries.detail_text, roles=ROLES,
                           target_types={t: queries.TARGET_NAMES[t] for t in queries.TARGET_TYPES})


def browse_xlsx() -> Response:
    """What the browse page shows, every page of it, as a styled .xlsx (``ecase.xlsx``)."""
    from ecase import xlsx
    from ecase.models import ROLES
    from ecase.supervision.views import content_disposition
    from ecase.xlsx import Column

    actor = current_actor()
    f = _filter()
    entries = queries.iter_entries(actor, f)  # refused here, before anything is recorded or written
    filters = {k: v for k, v in request.args.items() if v and k != "page"}
    record(actor, "export", "audit", "", {"filter": filters})

    def rows() -> Iterator[list[Any]]:
        for e in entries:
            user = "系统" if not e.username or e.username == "system" else e.username
            role = ROLES.get(e.role, "系统" if e.role in ("", "system") else e.role)
            yield [e.seq, _utc(e.at), user, role, e.ip, queries.action_name(e.action),
                   queries.target_name(e.target_type, e.target_id), queries.detail_text(e.detail)]

    cols = [Column("记录号", 9), Column("时间", 17), Column("用户", 14), Column("角色", 10),
            Column("网络地址", 15), Column("操作", 12), Column("对象", 14), Column("详情", 70)]
    subtitle = "导出时间：" + dt.datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M")
    if filters:
        subtitle = "筛选条件：" + queries.detail_text({"filter": filters}).removeprefix("筛选条件：") + "；" + subtitle
    data = xlsx.table_bytes("审计日志", cols, rows(), subtitle=subtitle)
    resp = Response(data, mimetype=xlsx.MIME)
    resp.headers["Content-Disposition"] = content_disposition("审计日志.xlsx")
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time as an aware one, which the workbook shows in Beijing time."""
    return None if value is None else value.replace(tzinfo=dt.UTC)
