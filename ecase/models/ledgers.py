"""Ledger records (台账): what the case-handling system exports and what reviewers add.

A ledger is a saved view (``ledgers.definitions``) over these few kinds of records, so a
38th ledger needs no migration:

- ``Incident`` (警情), keyed by ``incident_no`` (警情编号);
- cases are the shared ``ecase.models.cases.Case`` keyed by ``case_no`` (案件编号);
- ``CasePerson`` (涉案人员): suspects, reporters, victims, parties of a case;
- ``Measure`` (强制措施), keyed by ``(kind, doc_no)`` (文书文号);
- ``IssuedDocument`` (法律文书), keyed by ``(type, doc_no)`` (文号; a receipt shares its
  acceptance form's number, hence the type in the key);
- ``CaseAreaRecord`` (办案区使用), keyed by ``record_no``;
- ``OutsideDecision`` (外部决定): procuratorate, court and legal-office decisions, entered by
  hand (the supplementary ledger); corrected, voided with a reason, never deleted.

Bookkeeping: ``ImportRun`` (one per ``ecase import`` or upload, with its report),
``RecordHistory`` (every change of an existing record: which fields, old and new values,
by which import or which user), ``LedgerSetting`` (per-bureau switches such as
``units_fixed``).

Times are naive UTC like everywhere in ecase; the exports speak Beijing time and are
converted on import (``ledgers.values``). ``origin`` is ``system`` (imported) or
``supplementary`` (entered by hand); an import never overwrites a supplementary record.
``unit_id`` is copied onto measures, documents, decisions and case-area records from their
case so that a ledger filters by unit without a join.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._types import UTCDateTime, utcnow
from ecase.models.cases import Case
from ecase.models.org import Officer, Unit

#: incident nature (警情性质) code -> Chinese
INCIDENT_NATURES = {"criminal": "刑事", "administrative": "行政", "dispute": "纠纷",
                    "help": "求助", "other": "其他"}
#: measure kind code -> Chinese (措施类型)
MEASURE_KINDS = {"detention": "刑事拘留", "detention_extension": "延长拘留", "bail": "取保候审",
                 "surveillance": "监视居住", "designated_surveillance": "指定居所监视居住",
                 "arrest": "逮捕", "admin_detention": "行政拘留"}
#: person role code -> Chinese
PERSON_ROLES = {"suspect": "犯罪嫌疑人", "reporter": "报案人", "victim": "被害人",
                "party": "当事人", "other": "其他"}
#: outside body -> Chinese
DECISION_BODIES = {"procuratorate": "检察院", "court": "法院", "legal_office": "法制办"}
#: outside decision kind -> (body, Chinese)
DECISION_KINDS: dict[str, tuple[str, str]] = {
    "arrest_approved": ("procuratorate", "批准逮捕"),
    "arrest_refused": ("procuratorate", "不批准逮捕"),
    "returned": ("procuratorate", "退回补充侦查"),
    "prosecuted": ("procuratorate", "提起公诉"),
    "not_prosecuted": ("procuratorate", "不起诉"),
    "filing_supervision": ("procuratorate", "立案监督"),
    "correction_notice": ("procuratorate", "纠正违法通知"),
    "judgment": ("court", "法院判决"),
    "litigation": ("court", "行政诉讼"),
    "reconsideration": ("legal_office", "行政复议"),
}
ORIGINS = {"system": "系统台账", "supplementary": "补录台账"}


class Incident(Base):
    """A call or report to police (警情) and how it was disposed of (分流)."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_unit_nature_time", "unit_id", "nature", "reported_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_no: Mapped[str] = mapped_column(String(40), unique=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # ix_incidents_unit_nature_time
    nature: Mapped[str | None] = mapped_column(String(20), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), index=True)
    officer_names: Mapped[str | None] = mapped_column(String(200))
    disposal: Mapped[str | None] = mapped_column(String(40))
    disposed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    av_uploaded: Mapped[bool | None] = mapped_column(Boolean)
    origin: Mapped[str] = mapped_column(String(20), default="system")
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    officer: Mapped[Officer | None] = relationship()


class CasePerson(Base):
    """Someone in a case (涉案人员): suspect, reporter, victim or party."""

    __tablename__ = "case_people"
    __table_args__ = (Index("ix_case_people_case_name", "case_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    role: Mapped[str] = mapped_column(String(20), default="suspect")
    name: Mapped[str] = mapped_column(String(50))
    id_no: Mapped[str | None] = mapped_column(String(20), index=True)
    origin: Mapped[str] = mapped_column(String(20), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class Measure(Base):
    """A coercive measure (强制措施): detention, bail, surveillance, arrest …

    ``limit_at`` is the legal end when the export or a reviewer states it; the ledgers
    compute it from ``started_at`` and the kind otherwise (``ledgers.limits``)."""

    __tablename__ = "measures"
    __table_args__ = (UniqueConstraint("kind", "doc_no", name="uq_measures_kind_doc_no"),
                      Index("ix_measures_kind_unit", "kind", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("case_people.id"))
    kind: Mapped[str] = mapped_column(String(30))
    doc_no: Mapped[str] = mapped_column(String(80))
    person_name: Mapped[str | None] = mapped_column(String(50))
    person_id_no: Mapped[str | None] = mapped_column(String(20))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    limit_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    extended_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_doc_no: Mapped[str | None] = mapped_column(String(80))
    origin: Mapped[str] = mapped_column(String(20), default="system")
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    person: Mapped[CasePerson | None] = relationship()


class IssuedDocument(Base):
    """A legal document the bureau issued (法律文书), by its FORMS.md type code."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("type", "doc_no", name="uq_issued_documents_type_doc_no"),
                      Index("ix_issued_documents_type_unit", "type", "unit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(60))
    doc_no: Mapped[str] = mapped_column(String(80), index=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("case_people.id"))
    person_name: Mapped[str | None] = mapped_column(String(50))
    origin: Mapped[str] = mapped_column(String(20), default="system")
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    person: Mapped[CasePerson | None] = relationship()


class CaseAreaRecord(Base):
    """A use of the case-handling area (办案区): who was brought in, and whether the
    audio-video record was uploaded."""

    __tablename__ = "case_area_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_no: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_no: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    entered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    av_uploaded: Mapped[bool | None] = mapped_column(Boolean)
    origin: Mapped[str] = mapped_column(String(20), default="system")
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case | None] = relationship()
    unit: Mapped[Unit] = relationship()


class OutsideDecision(Base):
    """A decision of the procuratorate, a court or the legal office (外部决定), entered
    by a reviewer. Corrections are recorded in ``RecordHistory``; a wrong entry is voided
    with a reason (it stays visible), never deleted."""

    __tablename__ = "outside_decisions"
    __table_args__ = (Index("ix_outside_decisions_kind_unit", "kind", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("case_people.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    decision_no: Mapped[str | None] = mapped_column(String(80), index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    result: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="supplementary")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    person: Mapped[CasePerson | None] = relationship()
    officer: Mapped[Officer | None] = relationship()

    @property
    def kind_name(self) -> str:
        return DECISION_KINDS.get(self.kind, ("", self.kind))[1]


class ImportRun(Base):
    """One import (CLI or upload): its files, mode, state and final report (the JSON of
    ``ecase import --json``)."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(20), default="all")
    state: Mapped[str] = mapped_column(String(20), default="running")  # queued|running|done|failed
    files: Mapped[list[str] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    #: while it runs: {"file", "rows", "fraction"}, written by the worker for the page to poll
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RecordHistory(Base):
    """One change of one ledger record: ``changes`` maps field -> [old, new] (JSON-safe)."""

    __tablename__ = "record_history"
    __table_args__ = (Index("ix_record_history_record", "record_kind", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(20))  # incident|case|measure|document|...
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create|update|correct|void
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerSetting(Base):
    """Per-bureau switches kept in the database, e.g. ``units_fixed`` = ``"1"`` once the
    bureau has fixed its list of units (imports then report unknown units)."""

    __tablename__ = "ledger_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
