"""Volumes, the scans they were made from, their pages, versions and recognised documents.

Nothing here is ever rewritten in place:
- a ``Scan`` is the original upload (its bytes are a blob keyed by SHA-256);
- a ``Page`` is one page cut from a scan, with its original image, an optional derived
  (upright, straightened) image, and what OCR read on it;
- a ``VolumeVersion`` is an ordered list of pages; inserting a late document, moving
  pages or changing where documents split makes a new version, so earlier versions stay
  readable;
- a ``Document`` is a run of a version's pages recognised as one legal document, with its
  machine-read ``DocumentField`` rows; a clerk's or reviewer's ``FieldCorrection`` stands
  beside the machine's reading, never over it. Where the bureau has corrections reviewed
  (``CORRECTIONS_NEED_REVIEW``) a clerk's correction is ``proposed`` until a reviewer
  accepts or rejects it; only accepted corrections are laid over the machine's values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint, and_, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecase.db import Base
from ecase.models._lease import Leased
from ecase.models._types import UTCDateTime, utcnow
from ecase.models.cases import Case
from ecase.models.org import User

VOLUME_KINDS: dict[str, str] = {
    "criminal_main": "刑事诉讼卷（正卷）",
    "criminal_secondary": "侦查工作卷（副卷）",
    "administrative": "行政案件卷",
    "reconsideration": "行政复议卷",
    "litigation": "行政诉讼卷",
}

PAGE_STATES = ("pending", "done", "failed")

#: the fields that date a document (FORMS.md names), in order of preference
DATE_FIELDS = ("issued_on", "decided_on", "accepted_on", "released_on", "compiled_on", "starts_on")


class Volume(Base):
    __tablename__ = "volumes"
    __table_args__ = (UniqueConstraint("case_id", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: bumped by every writer of a new version before it reads the current one: a row
    #: lock on PostgreSQL, the write lock on SQLite (see ecase.dossiers.operations.lock_volume)
    version_lock: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the version number the full-text index holds (None: not indexed yet)
    indexed_version: Mapped[int | None] = mapped_column(Integer)

    case: Mapped[Case] = relationship()
    versions: Mapped[list[VolumeVersion]] = relationship(
        back_populates="volume", order_by="VolumeVersion.number"
    )

    @property
    def kind_name(self) -> str:
        return VOLUME_KINDS.get(self.kind, self.kind)

    @property
    def current(self) -> VolumeVersion | None:
        return self.versions[-1] if self.versions else None


class Scan(Base):
    """An original upload, kept byte for byte."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("volumes.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: where the pages go in the volume: None appends; n inserts before position n.
    insert_at: Mapped[int | None] = mapped_column(Integer)
    #: set once the scan has been cut into pages (so a restart never cuts it twice).
    page_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    volume: Mapped[Volume] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
    pages: Mapped[list[Page]] = relationship(back_populates="scan", order_by="Page.scan_index")


class Page(Leased, Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("scan_id", "scan_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    scan_index: Mapped[int] = mapped_column(Integer)  # 1-based in its scan
    original_key: Mapped[str | None] = mapped_column(String(64))
    original_media_type: Mapped[str | None] = mapped_column(String(50))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    dpi: Mapped[int | None] = mapped_column(Integer)
    derived_key: Mapped[str | None] = mapped_column(String(64))
    derived_media_type: Mapped[str | None] = mapped_column(String(50))
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew_deg: Mapped[float] = mapped_column(Float, default=0.0)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    #: {"width", "height", "words": [[text, x0, y0, x1, y1, conf, line]], "lines": [...]}
    ocr: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    scan: Mapped[Scan] = relationship(back_populates="pages")

    @property
    def image_key(self) -> str | None:
        """The upright image to show: derived when there is one, else the original."""
        return self.derived_key or self.original_key


class VolumeVersion(Base):
    __tablename__ = "volume_versions"
    __table_args__ = (UniqueConstraint("volume_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = mapped_column(ForeignKey("volumes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: where the pages disagree with the paper (scanning.reconcile findings, as dicts)
    reconciliation: Mapped[list[Any] | None] = mapped_column(JSON)

    volume: Mapped[Volume] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()
    pages: Mapped[list[VolumePage]] = relationship(
        back_populates="version", order_by="VolumePage.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="version", order_by="Document.seq", cascade="all, delete-orphan"
    )


class VolumePage(Base):
    __tablename__ = "volume_pages"

    version_id: Mapped[int] = mapped_column(ForeignKey("volume_versions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1-based
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(20))  # paper page label

    version: Mapped[VolumeVersion] = relationship(back_populates="pages")
    page: Mapped[Page] = relationship()


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("volume_versions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))
    first_position: Mapped[int] = mapped_column(Integer)
    last_position: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    origin: Mapped[str] = mapped_column(String(20), default="machine")  # machine|reviewer
    conflicts: Mapped[list[Any] | None] = mapped_column(JSON)

    version: Mapped[VolumeVersion] = relationship(back_populates="documents")
    fields: Mapped[list[DocumentField]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentField.id"
    )
    #: the accepted corrections, in the order they took effect (read only: corrections are
    #: written through ``all_corrections``)
    corrections: Mapped[list[FieldCorrection]] = relationship(
        primaryjoin=lambda: and_(Document.id == FieldCorrection.document_id,
                                 FieldCorrection.state == "accepted"),
        order_by=lambda: (func.coalesce(FieldCorrection.reviewed_at, FieldCorrection.corrected_at),
                          FieldCorrection.id),
        viewonly=True,
    )
    #: every correction, proposed, accepted or rejected
    all_corrections: Mapped[list[FieldCorrection]] = relationship(
        back_populates="document", order_by="FieldCorrection.id"
    )

    def values(self) -> dict[str, Any]:
        """Machine values with the latest accepted correction of each field laid over them."""
        out = {f.name: f.value for f in self.fields}
        for c in self.corrections:
            out[c.name] = c.value
        return out

    @staticmethod
    def date_of(values: dict[str, Any]) -> str | None:
        """The ISO date of a document from its field values (the first date field read)."""
        for name in DATE_FIELDS:
            if values.get(name):
                return str(values[name])
        return None


class DocumentField(Base):
    """A value the machine read, with its provenance."""

    __tablename__ = "document_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    value: Mapped[Any] = mapped_column(JSON)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id"))
    box: Mapped[list[int] | None] = mapped_column(JSON)
    conf: Mapped[float] = mapped_column(Float, default=0.0)
    raw: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship(back_populates="fields")


CORRECTION_STATES: dict[str, str] = {"proposed": "待审核", "accepted": "已采纳", "rejected": "已驳回"}


class FieldCorrection(Base):
    """A clerk's or reviewer's value for a field, kept beside the machine's reading.

    ``accepted`` at once unless the bureau has corrections reviewed; then a clerk's is
    ``proposed`` until a reviewer accepts or rejects it (``reviewed_by``, ``reviewed_at``,
    ``review_note`` — the reason given)."""

    __tablename__ = "field_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    value: Mapped[Any] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(20), default="accepted", server_default="accepted",
                                       index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(String(200), default="", server_default="")

    document: Mapped[Document] = relationship(back_populates="all_corrections")
    corrected_by: Mapped[User | None] = relationship(foreign_keys=[corrected_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def state_name(self) -> str:
        return CORRECTION_STATES.get(self.state, self.state)
