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
