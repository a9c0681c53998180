"""A small ledger builder for the supervision tests: rows in local (Beijing) time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from ecase import db
from ecase.models import Case, CaseOfficer, Officer, Unit
from ecase.models.ledgers import CasePerson, Incident, IssuedDocument, Measure, OutsideDecision

UTC8 = dt.timedelta(hours=8)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value - UTC8


class Builder:
    """Adds ledger rows; times are given in Beijing time and stored as UTC."""

    def __init__(self) -> None:
        self.s = db.session()
        self.units: dict[str, Unit] = {}
        self.officers: dict[str, Officer] = {}

    def unit(self, name: str) -> Unit:
        if name not in self.units:
            u = self.s.query(Unit).filter_by(name=name).first() or Unit(name=name)
            self.s.add(u)
            self.s.flush()
            self.units[name] = u
        return self.units[name]

    def officer(self, name: str, unit: str) -> Officer:
        if name not in self.officers:
            o = Officer(name=name, unit_id=self.unit(unit).id)
            self.s.add(o)
            self.s.flush()
            self.officers[name] = o
        return self.officers[name]

    def incident(self, no: str, unit: str, nature: str, at: dt.datetime, **kw: Any) -> Incident:
        for k in ("disposed_at",):
            if k in kw:
                kw[k] = utc(kw[k])
        i = Incident(incident_no=no, unit_id=self.unit(unit).id, nature=nature, reported_at=utc(at), **kw)
        self.s.add(i)
        self.s.flush()
        return i

    def case(self, no: str, unit: str, kind: str = "criminal", lead: str | None = None,
             officers: tuple[str, ...] = (), **kw: Any) -> Case:
        for k in ("accepted_at", "filed_at", "no_filing_at", "closed_at"):
            if k in kw:
                kw[k] = utc(kw[k])
        c = Case(case_no=no, name=kw.pop("name", f"{no}案"), kind=kind, unit_id=self.unit(unit).id,
                 lead_officer_id=self.officer(lead, unit).id if lead else None, origin="system", **kw)
        self.s.add(c)
        self.s.flush()
        for o in officers:
            self.s.add(CaseOfficer(case_id=c.id, officer_id=self.officer(o, unit).id))
        self.s.flush()
        return c

    def measure(self, case: Case, kind: str, doc_no: str, start: dt.datetime, **kw: Any) -> Measure:
        for k in ("ended_at", "extended_until", "limit_at"):
            if k in kw:
                kw[k] = utc(kw[k])
        m = Measure(case_id=case.id, unit_id=case.unit_id, kind=kind, doc_no=doc_no, started_at=utc(start), **kw)
        self.s.add(m)
        self.s.flush()
        return m

    def document(self, case: Case, type_: str, doc_no: str, at: dt.datetime | None, **kw: Any) -> IssuedDocument:
        d = IssuedDocument(case_id=case.id, unit_id=case.unit_id, type=type_, title=type_, doc_no=doc_no,
                           issued_at=utc(at), **kw)
        self.s.add(d)
        self.s.flush()
        return d

    def decision(self, case: Case, kind: str, at: dt.datetime, person: str | None = None) -> OutsideDecision:
        pid = None
        if person:
            p = CasePerson(case_id=case.id, name=person)
            self.s.add(p)
            self.s.flush()
            pid = p.id
        d = OutsideDecision(body="procuratorate", kind=kind, case_id=case.id, unit_id=case.unit_id,
                            person_id=pid, decided_at=utc(at))
        self.s.add(d)
        self.s.flush()
        return d


@pytest.fixture
def build(app: Flask) -> Builder:
    return Builder()


def add_dossier(case: Case, docs: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """A volume whose current version holds one page per document, each field read at a
    made-up box on its page. Returns ids for assertions."""
    from ecase.models.dossiers import Document, DocumentField, Page, Scan, Volume, VolumePage, VolumeVersion

    s = db.session()
    vol = Volume(case_id=case.id, kind="criminal_main", number=1)
    s.add(vol)
    s.flush()
    scan = Scan(volume_id=vol.id, sha256="0" * 64, size=1, filename="x.pdf", media_type="application/pdf")
    s.add(scan)
    s.flush()
    old = VolumeVersion(volume_id=vol.id, number=1, reason="first")
    ver = VolumeVersion(volume_id=vol.id, number=2, reason="second")
    s.add_all([old, ver])
    s.flush()
    out: dict[str, Any] = {"volume_id": vol.id, "pages": {}, "documents": {}}
    for i, (type_, fields) in enumerate(docs, 1):
        page = Page(scan_id=scan.id, scan_index=i, state="done")
        s.add(page)
        s.flush()
        s.add(VolumePage(version_id=ver.id, position=i, page_id=page.id))
        doc = Document(version_id=ver.id, seq=i, type=type_, title=type_, first_position=i, last_position=i)
        s.add(doc)
        s.flush()
        for j, (name, value) in enumerate(fields.items()):
            s.add(DocumentField(document_id=doc.id, name=name, value=value, page_id=page.id,
                                box=[100, 100 + 40 * j, 400, 130 + 40 * j]))
        out["pages"][type_] = page.id
        out["documents"][type_] = doc.id
    # a stale document in the old version must be ignored
    s.add(Document(version_id=old.id, seq=1, type="filing_notice", title="x", first_position=1, last_position=1))
    s.flush()
    return out


@pytest.fixture
def dossier(app: Flask) -> Any:
    return add_dossier
