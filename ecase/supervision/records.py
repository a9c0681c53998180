"""From database rows to the pure rules' records (``ledgers.rules.records``).

The database keeps naive UTC; the rules count local (Beijing) days, so every time is
shifted by ``config.tz_offset_hours`` here and nowhere else. Each loader takes an optional
``where`` clause (or a subquery of ids) so the set-wise SQL forms in ``evaluate`` can load
just their candidates, and the pure evaluation can load everything.

Where the ledger model has no column for a fact, it is read from documents issued:
- an administrative case is decided when it is closed or has an ``admin_penalty_decision``,
  ``no_penalty_decision`` or ``termination_decision`` document;
- it is extended when it has an ``admin_extension`` document (延长办案期限审批);
- a case is transferred for prosecution on its first ``prosecution_opinion`` (起诉意见书).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from ecase.models import Case, CaseOfficer, Officer, Unit
from ecase.models.dossiers import Document, Volume, VolumePage, VolumeVersion
from ecase.models.ledgers import (
    CaseAreaRecord,
    CasePerson,
    Incident,
    IssuedDocument,
    Measure,
    OutsideDecision,
)
from ledgers.rules import records as r
from ledgers.rules.config import RulesConfig

ADMIN_DECISION_TYPES = ("admin_penalty_decision", "no_penalty_decision", "termination_decision")
EXTENSION_TYPE = "admin_extension"
TRANSFER_TYPE = "prosecution_opinion"


class Shift:
    """UTC <-> local conversion for one configuration."""

    def __init__(self, config: RulesConfig) -> None:
        self.delta = dt.timedelta(hours=config.tz_offset_hours)

    def local(self, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else value + self.delta

    def utc(self, value: dt.datetime) -> dt.datetime:
        return value - self.delta


_SEPARATORS = re.compile(r"[、,，;；\s]")


def officer_names(text: str | None) -> tuple[str, ...]:
    """处警民警 / 协办民警 cells list several names separated by 、 or commas."""
    if not text:
        return ()
    if not _SEPARATORS.search(text):
        return (text,)
    return tuple(x for x in (p.strip() for p in re.split(r"[、,，;；\s]+", text or "")) if x)


def case_records(s: Session, config: RulesConfig, where: ColumnElement[bool] | None = None) -> list[r.CaseRecord]:
    sh = Shift(config)
    lead = aliased(Officer)
    decided = (select(func.min(IssuedDocument.issued_at))
               .where(IssuedDocument.case_id == Case.id, IssuedDocument.type.in_(ADMIN_DECISION_TYPES))
               .scalar_subquery())
    extended = (select(func.count(IssuedDocument.id))
                .where(IssuedDocument.case_id == Case.id, IssuedDocument.type == EXTENSION_TYPE)
                .scalar_subquery())
    moved = (select(func.min(IssuedDocument.issued_at))
             .where(IssuedDocument.case_id == Case.id, IssuedDocument.type == TRANSFER_TYPE)
             .scalar_subquery())
    q = (select(Case.id, Case.case_no, Case.kind, Unit.name, Case.unit_id, lead.name, Case.incident_no,
                Case.source, Case.accepted_at, Case.acceptance_doc_no, Case.filed_at, Case.filing_doc_no,
                Case.no_filing_at, Case.closed_at, Case.name, decided, extended, moved)
         .join(Unit, Unit.id == Case.unit_id).outerjoin(lead, lead.id == Case.lead_officer_id))
    if where is not None:
        q = q.where(where)
    rows = s.execute(q).all()
    officers: dict[int, list[str]] = {}
    oq = select(CaseOfficer.case_id, Officer.name).join(Officer, Officer.id == CaseOfficer.officer_id)
    if where is not None:
        oq = oq.where(CaseOfficer.case_id.in_(select(Case.id).where(where)))
    for case_id, name in s.execute(oq.order_by(CaseOfficer.case_id, Officer.name)):
        officers.setdefault(case_id, []).append(name)
    out = []
    for (cid, no, kind, unit, unit_id, lead_name, inc, source, acc, acc_no, filed, filed_no, nofile,
         closed, name, dec, ext, mv) in rows:
        decisions = [x for x in (closed, dec) if x is not None]
        out.append(r.CaseRecord(
            case_no=no, kind=kind, unit=unit, unit_id=unit_id, lead_officer=lead_name,
            officers=tuple(officers.get(cid, ())), incident_no=inc, source=source,
            accepted_at=sh.local(acc), acceptance_doc_no=acc_no, filed_at=sh.local(filed),
            filing_doc_no=filed_no, no_filing_at=sh.local(nofile),
            decided_at=sh.local(min(decisions)) if decisions else None, extended=bool(ext),
            transferred_at=sh.local(mv), name=name, id=cid))
    return out


def unit_names(s: Session) -> dict[int, str]:
    return dict(s.connection().execute(select(Unit.id, Unit.name)).all())


def incident_records(s: Session, config: RulesConfig, where: ColumnElement[bool] | None = None) -> list[r.Incident]:
    """Incidents (the biggest ledger: Core rows, no ORM, unit names from a small map)."""
    sh = Shift(config)
    units = unit_names(s)
    q = (select(Incident.id, Incident.incident_no, Incident.unit_id, Incident.nature,
                Incident.reported_at, Incident.disposal, Incident.disposed_at, Incident.av_uploaded,
                Incident.officer_names)
         .where(Incident.reported_at.is_not(None)))
    if where is not None:
        q = q.where(where)
    delta = sh.delta
    Inc = r.Incident
    return [Inc(incident_no=no, unit=units.get(uid, ""), unit_id=uid, nature=nature or "", received_at=at + delta,
                disposal=disp, disposed_at=None if dat is None else dat + delta, av_uploaded=av,
                officers=officer_names(names), id=iid)
            for iid, no, uid, nature, at, disp, dat, av, names in s.connection().execute(q)]


def measure_records(s: Session, config: RulesConfig, where: ColumnElement[bool] | None = None) -> list[r.Measure]:
    sh = Shift(config)
    q = (select(Measure.id, Case.case_no, Measure.kind, Measure.person_name, Measure.doc_no,
                Measure.started_at, Measure.ended_at, Measure.end_doc_no, Measure.extended_until)
         .join(Case, Case.id == Measure.case_id).where(Measure.started_at.is_not(None)))
    if where is not None:
        q = q.where(where)
    out = []
    for mid, case_no, kind, person, doc_no, start, end, end_no, ext in s.execute(q):
        start_l = sh.local(start)
        assert start_l is not None
        limit = None
        if ext is not None and r.kind_code(kind) == "detention":
            ext_l = sh.local(ext)
            assert ext_l is not None
            limit = (ext_l.date() - start_l.date()).days
        out.append(r.Measure(case_no=case_no, kind=kind, start=start_l, person=person, doc_no=doc_no,
                             end=sh.local(end), end_doc_no=end_no, limit_days=limit, id=mid))
    return out


def document_records(s: Session, config: RulesConfig,
                     where: ColumnElement[bool] | None = None) -> list[r.IssuedDocument]:
    sh = Shift(config)
    q = (select(IssuedDocument.id, Case.case_no, IssuedDocument.type, IssuedDocument.doc_no,
                IssuedDocument.issued_at, IssuedDocument.person_name)
         .join(Case, Case.id == IssuedDocument.case_id))
    if where is not None:
        q = q.where(where)
    return [r.IssuedDocument(case_no=no, type=t, doc_no=dn, issued_at=sh.local(at), person=p, id=i)
            for i, no, t, dn, at, p in s.execute(q)]


def decision_records(s: Session, config: RulesConfig,
                     where: ColumnElement[bool] | None = None) -> list[r.OutsideDecision]:
    sh = Shift(config)
    q = (select(OutsideDecision.id, Case.case_no, OutsideDecision.kind, OutsideDecision.decided_at,
                CasePerson.name, OutsideDecision.decision_no)
         .join(Case, Case.id == OutsideDecision.case_id)
         .outerjoin(CasePerson, CasePerson.id == OutsideDecision.person_id)
         .where(OutsideDecision.voided_at.is_(None)))
    if where is not None:
        q = q.where(where)
    return [r.OutsideDecision(case_no=no, kind=k, decided_on=sh.local(at), person=p, doc_no=dn, id=i)
            for i, no, k, at, p, dn in s.execute(q)]


def case_area_records(s: Session, config: RulesConfig,
                      where: ColumnElement[bool] | None = None) -> list[r.CaseAreaRecord]:
    sh = Shift(config)
    q = (select(CaseAreaRecord.id, CaseAreaRecord.record_no, Unit.name, CaseAreaRecord.entered_at,
                CaseAreaRecord.av_uploaded, CaseAreaRecord.case_no)
         .join(Unit, Unit.id == CaseAreaRecord.unit_id).where(CaseAreaRecord.entered_at.is_not(None)))
    if where is not None:
        q = q.where(where)
    return [r.CaseAreaRecord(record_no=no, unit=u, entered_at=sh.local(at) or dt.datetime.min,
                             av_uploaded=av, case_no=cn, id=i)
            for i, no, u, at, av, cn in s.execute(q)]


def current_versions() -> Select[Any]:
    """(volume id, id of its newest version) for every volume."""
    return (select(VolumeVersion.volume_id, func.max(VolumeVersion.id).label("version_id"))
            .group_by(VolumeVersion.volume_id))


def cases_with_dossier() -> Select[Any]:
    cur = current_versions().subquery()
    return (select(Volume.case_id).join(cur, cur.c.volume_id == Volume.id)
            .join(Document, Document.version_id == cur.c.version_id).distinct())


def dossier_documents(s: Session, case_ids: Select[Any] | None = None) -> list[r.DossierDocument]:
    """The recognised documents of each volume's current version, corrections laid over
    the machine's values, with the position of each field's page in its volume."""
    from sqlalchemy.orm import selectinload

    cur = current_versions().subquery()
    q = (select(Document, Volume.id, Case.case_no).join(cur, cur.c.version_id == Document.version_id)
         .join(Volume, Volume.id == cur.c.volume_id).join(Case, Case.id == Volume.case_id)
         .options(selectinload(Document.fields), selectinload(Document.corrections)))
    if case_ids is not None:
        q = q.where(Volume.case_id.in_(case_ids))
    rows = s.execute(q).all()
    version_ids = {d.version_id for d, _, _ in rows}
    positions: dict[tuple[int, int], int] = {}
    if version_ids:
        for vid, pos, pid in s.execute(select(VolumePage.version_id, VolumePage.position, VolumePage.page_id)
                                       .where(VolumePage.version_id.in_(version_ids))):
            positions.setdefault((vid, pid), pos)
    out = []
    for doc, volume_id, case_no in rows:
        fields: dict[str, r.FieldValue] = {}
        for f in doc.fields:
            pos = positions.get((doc.version_id, f.page_id)) if f.page_id else None
            fields[f.name] = r.FieldValue(f.value, f.page_id, pos, tuple(f.box) if f.box else None)
        for c in doc.corrections:
            old = fields.get(c.name)
            fields[c.name] = r.FieldValue(c.value, old.page_id if old else None,
                                          old.position if old else None, old.box if old else None)
        out.append(r.DossierDocument(case_no=case_no, type=doc.type, fields=fields, document_id=doc.id,
                                     volume_id=volume_id, first_position=doc.first_position))
    return out


def load_records(s: Session, config: RulesConfig) -> r.Records:
    """Everything, for the pure evaluation (tests, small bureaus, the agreement check)."""
    return r.Records(incidents=incident_records(s, config), cases=case_records(s, config),
                     measures=measure_records(s, config), documents=document_records(s, config),
                     decisions=decision_records(s, config), dossier=dossier_documents(s),
                     case_area=case_area_records(s, config))


