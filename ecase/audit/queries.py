"""Reads of the audit trail for the browse page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from ecase import db
from ecase.access import Actor, require
from ecase.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    ip: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(f: AuditFilter) -> Select[tuple[AuditEntry]]:
    q = select(AuditEntry)
    if f.username:
        q = q.where(AuditEntry.username == f.username)
    if f.action:
        q = q.where(AuditEntry.action == f.action)
    if f.target_type:
        q = q.where(AuditEntry.target_type == f.target_type)
    if f.target_id:
        q = q.where(AuditEntry.target_id == f.target_id)
    if f.ip:
        q = q.where(AuditEntry.ip == f.ip)
    if f.since:
        q = q.where(AuditEntry.at >= f.since)
    if f.until:
        q = q.where(AuditEntry.at < f.until)
    return q


def entries(actor: Actor, f: AuditFilter, *, page: int = 1,
            per_page: int = 100) -> tuple[list[AuditEntry], int]:
    require(actor, "audit.view")
    s = db.session()
    q = _filtered(f)
    total = s.scalar(select(func.count()).select_from(q.subquery())) or 0
    rows = list(s.scalars(q.order_by(AuditEntry.seq.desc()).limit(per_page)
                          .offset((page - 1) * per_page)))
    return rows, total


def actions() -> list[str]:
    return list(db.session().scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
