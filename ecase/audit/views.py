"""The reviewers' browse page of the audit trail (read only)."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request

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


def browse() -> str:
    actor = current_actor()
    f = queries.AuditFilter(
        username=request.args.get("user", "").strip(),
        action=request.args.get("action", "").strip(),
        target_type=request.args.get("target_type", "").strip(),
        target_id=request.args.get("target_id", "").strip(),
        ip=request.args.get("ip", "").strip(),
        since=_date("since"), until=_date("until", end=True))
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
