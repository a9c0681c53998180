"""Supervision: findings (问题) with their state history, written recommendations
(执法建议书) with replies, and the bulletins (通报) issued.

A finding is identified by its ``key`` (rule and subject, see ``ledgers.rules.Finding``)
and is never deleted: every change of state is a ``FindingEvent`` saying who and when.
When new data makes a finding untrue the system closes it (state ``closed``, with the
reason); when it becomes true again it is reopened, with an event each time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._types import UTCDateTime, utcnow
from ecase.models.cases import Case
from ecase.models.org import Unit, User

#: state code -> Chinese. ``closed`` is set by the system only (no longer true).
FINDING_STATES: dict[str, str] = {
    "open": "待处理", "sent": "已下发", "rectified": "已整改", "confirmed": "已确认",
    "waived": "已豁免", "closed": "系统关闭",
}
#: states that still count as a live problem.
LIVE_STATES = ("open", "sent")

recommendation_findings = Table(
    "recommendation_findings", Base.metadata,
    Column("recommendation_id", ForeignKey("recommendations.id"), primary_key=True),
    Column("finding_id", ForeignKey("findings.id"), primary_key=True),
)


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_state_unit", "state", "unit_id", "grade"),
                      Index("ix_findings_unit_grade", "unit_id", "grade"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    rule: Mapped[str] = mapped_column(String(40), index=True)
    grade: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="open")
    state_reason: Mapped[str | None] = mapped_column(String(300))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_no: Mapped[str | None] = mapped_column(String(40))
    incident_no: Mapped[str | None] = mapped_column(String(40))
    lead_officer: Mapped[str | None] = mapped_column(String(50))
    officers: Mapped[list[str] | None] = mapped_column(JSON)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    days_over: Mapped[int] = mapped_column(Integer, default=0)
    evidence: Mapped[list[Any] | None] = mapped_column(JSON)
    detail: Mapped[str] = mapped_column(Text, default="")
    first_found_on: Mapped[dt.date] = mapped_column(Date)
    last_seen_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    case: Mapped[Case | None] = relationship()
    events: Mapped[list[FindingEvent]] = relationship(back_populates="finding", order_by="FindingEvent.id")

    @property
    def state_name(self) -> str:
        return FINDING_STATES.get(self.state, self.state)


class FindingEvent(Base):
    """One change of a finding: created, state changed, grade changed, closed, reopened."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(50))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))

    finding: Mapped[Finding] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class Recommendation(Base):
    """A written recommendation (执法建议书) to a unit, listing findings, with the unit's reply."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    addressee: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    reply_due_on: Mapped[dt.date] = mapped_column(Date)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit] = relationship()
    findings: Mapped[list[Finding]] = relationship(secondary=recommendation_findings, order_by="Finding.id")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])


class Bulletin(Base):
    """A bulletin (通报) as issued: its number, period, and the PDF and workbook blobs."""

    __tablename__ = "bulletins"
    __table_args__ = (UniqueConstraint("year", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(40))
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    pdf_key: Mapped[str | None] = mapped_column(String(64))
    xlsx_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit: Mapped[Unit | None] = relationship()


class RateSnapshot(Base):
    """The rate tallies of one period as last computed, with the fingerprint of the data
    they were computed from: the dashboard's first view reads this instead of aggregating a
    million incidents; a changed fingerprint (an import, a hand entry, a new record, a
    changed configuration) makes it recompute."""

    __tablename__ = "rate_snapshots"

    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(300))
    tallies: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
