"""Cases (案件): one row per case number, shared by dossiers, ledgers and supervision."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._types import UTCDateTime, utcnow
from ecase.models.org import Officer, Unit

CASE_KINDS = {"criminal": "刑事", "administrative": "行政"}


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="criminal")
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    lead_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    incident_no: Mapped[str | None] = mapped_column(String(40), index=True)
    source: Mapped[str | None] = mapped_column(String(20))  # 案件来源
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acceptance_doc_no: Mapped[str | None] = mapped_column(String(80))
    filed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    filing_doc_no: Mapped[str | None] = mapped_column(String(80))
    no_filing_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(20), default="dossier")  # system|supplementary|dossier
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    lead_officer: Mapped[Officer | None] = relationship()
    officers: Mapped[list[CaseOfficer]] = relationship(
        back_populates="case", cascade="all, delete-orphan"
    )

    @property
    def kind_name(self) -> str:
        return CASE_KINDS.get(self.kind, self.kind)


class CaseOfficer(Base):
    """A handling officer (办案民警) of a case besides the lead officer."""

    __tablename__ = "case_officers"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"), primary_key=True)

    case: Mapped[Case] = relationship(back_populates="officers")
    officer: Mapped[Officer] = relationship()
