"""The rules evaluated set-wise in the database.

Each rule of RULES.md has a SQL form here: one statement selects, over the whole ledger,
the rows that can breach the rule as of the date (the anti-joins — "no acceptance", "no
filing", "no receipt" — and the date thresholds run in the database, on indexes). Only
those candidates are loaded, and the pure rule of ``ledgers.rules`` turns them into
findings, so grades, due dates and days over are computed by one piece of code. The SQL
thresholds are the exact lower bounds of each rule (a limit is never shorter than its
unrolled calendar length), so no breach is lost; ``tests/supervision/test_agreement.py``
checks that this form and the pure form over all records give the same findings.

Cross-checks compare recognised dossier documents with the ledger; they are evaluated in
Python for the cases that have a dossier.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, or_, select
from sqlalchemy.types import NullType
from sqlalchemy.orm import Session, aliased

from ecase.models import Case
from ecase.models.ledgers import CasePerson, Incident, IssuedDocument, Measure, OutsideDecision
from ecase.supervision import records as load
from ledgers.rules import Records, RulesConfig, cross_check
from ledgers.rules import documents as doc_rules
from ledgers.rules import time_limits as tl
from ledgers.rules.calendar import add_months, as_of_date, moment
from ledgers.rules.records import Finding

log = logging.getLogger(__name__)

ADMIN = ("administrative", "行政")
CRIMINAL = ("criminal", "刑事")
ARREST_KINDS = tuple(tl.ARREST_DECISIONS)


def _days_between(a: Any, b: Any, dialect: str) -> Any:
    """b - a in days (fractional), in the database's own arithmetic."""
    if dialect == "postgresql":
        return func.extract("epoch", b - a) / 86400.0
    return func.julianday(b) - func.julianday(a)


class Context:
    def __init__(self, s: Session, as_of: dt.date | dt.datetime, config: RulesConfig) -> None:
        self.s, self.as_of, self.config = s, as_of, config
        self.shift = load.Shift(config)
        self.day = as_of_date(as_of)
        self.now_utc = self.shift.utc(moment(as_of))  # "had happened" means < this
        self.dialect = s.get_bind().dialect.name

    def day_start_utc(self, d: dt.date) -> dt.datetime:
        return self.shift.utc(dt.datetime.combine(d, dt.time()))

    def happened(self, col: Any) -> ColumnElement[bool]:
        return and_(col.is_not(None), col < self.now_utc)

    def not_yet(self, col: Any) -> ColumnElement[bool]:
        return or_(col.is_(None), col >= self.now_utc)

    def days(self, a: Any, b: Any) -> Any:
        return _days_between(a, b, self.dialect)


def _case_ids(ids: Any) -> ColumnElement[bool]:
    return Case.id.in_(ids)


def _raw(col: Any) -> Any:
    """A column fetched without result processing (SQLite gives the stored text)."""
    return literal_column(f"{col.table.name}.{col.name}", NullType())


def _when(value: Any, delta: dt.timedelta) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value + delta


def sql_admin_not_accepted(c: Context) -> list[Finding]:
    """The busiest rule (a third of all incidents are administrative): its candidates come
    back as raw rows straight into the pure rule's judge, without record objects."""
    accepted = exists().where(Case.incident_no == Incident.incident_no, c.happened(Case.accepted_at))
    cutoff = c.shift.utc(moment(c.as_of) - dt.timedelta(hours=c.config.admin_accept_hours))
    q = (select(Incident.id, Incident.incident_no, Incident.unit_id, _raw(Incident.reported_at),
                Incident.officer_names)
         .where(Incident.nature.in_(ADMIN), Incident.reported_at < cutoff, ~accepted))
    units = load.unit_names(c.s)
    judge = tl.AdminIncidentJudge(c.as_of, c.config)
    delta, names = c.shift.delta, load.officer_names
    out = []
    for row_id, no, unit_id, at, officers in c.s.connection().execute(q):
        f = judge(no, units.get(unit_id, ""), unit_id, _when(at, delta), names(officers), row_id)
        if f is not None:
            out.append(f)
    return out


def sql_criminal_not_filed(c: Context) -> list[Finding]:
    cutoff = c.day_start_utc(c.day - dt.timedelta(days=c.config.criminal_filing_days[0]))
    ids = select(Case.id).where(Case.kind.in_(CRIMINAL), c.happened(Case.accepted_at), Case.accepted_at < cutoff,
                                c.not_yet(Case.filed_at), c.not_yet(Case.no_filing_at))
    recs = Records(cases=load.case_records(c.s, c.config, _case_ids(ids)))
    return tl.criminal_not_filed(recs, c.as_of, c.config)


def sql_measure_overdue(c: Context) -> list[Finding]:
    out: list[Finding] = []
    for kinds, months in ((("bail",), c.config.bail_months),
                          (("surveillance", "designated_surveillance"), c.config.surveillance_months)):
        # due = start + months >= as_of - warn  <=>  start >= ...; candidates start before this:
        latest = add_months(c.day, -months) + dt.timedelta(days=c.config.measure_warn_days + 4)
        ended_in_time = and_(c.happened(Measure.ended_at),
                             c.days(Measure.started_at, Measure.ended_at) < months * 28)
        ids = select(Measure.id).where(Measure.kind.in_(kinds), c.happened(Measure.started_at),
                                       Measure.started_at < c.day_start_utc(latest), ~ended_in_time)
        ms = load.measure_records(c.s, c.config, Measure.id.in_(ids))
        case_ids = select(Measure.case_id).where(Measure.id.in_(ids))
        recs = Records(measures=ms, cases=load.case_records(c.s, c.config, _case_ids(case_ids)))
        out += [f for f in tl.measure_overdue(recs, c.as_of, c.config)]
    return out


def sql_detention_overdue(c: Context) -> list[Finding]:
    n = c.config.detention_days
    quick = and_(c.happened(Measure.ended_at), c.days(Measure.started_at, Measure.ended_at) < n - 1)
    ids = select(Measure.id).where(Measure.kind == "detention", c.happened(Measure.started_at),
                                   Measure.started_at < c.day_start_utc(c.day - dt.timedelta(days=n)), ~quick)
    case_ids = select(Measure.case_id).where(Measure.id.in_(ids))
    follow = ("detention_extension", "bail", "surveillance", "designated_surveillance", "arrest")
    measures = load.measure_records(c.s, c.config, or_(Measure.id.in_(ids), and_(
        Measure.case_id.in_(case_ids), Measure.kind.in_(follow))))
    docs = load.document_records(c.s, c.config, and_(IssuedDocument.case_id.in_(case_ids),
                                                     IssuedDocument.type == "arrest_request"))
    recs = Records(measures=measures, documents=docs,
                   cases=load.case_records(c.s, c.config, _case_ids(case_ids)))
    return tl.detention_overdue(recs, c.as_of, c.config)


def sql_arrest_decision_overdue(c: Context) -> list[Finding]:
    person = aliased(CasePerson)
    nobody = or_(IssuedDocument.person_name.is_(None), IssuedDocument.person_name == "")
    decided = exists().where(
        OutsideDecision.case_id == IssuedDocument.case_id, OutsideDecision.kind.in_(ARREST_KINDS),
        OutsideDecision.voided_at.is_(None), c.happened(OutsideDecision.decided_at),
        or_(OutsideDecision.person_id.is_(None), nobody,
            exists().where(person.id == OutsideDecision.person_id,
                           or_(person.name == IssuedDocument.person_name, person.name == ""))
            .correlate_except(person)))
    arrested = exists().where(
        Measure.case_id == IssuedDocument.case_id, Measure.kind == "arrest", c.happened(Measure.started_at),
        or_(nobody, Measure.person_name.is_(None), Measure.person_name == "",
            Measure.person_name == IssuedDocument.person_name))
    cutoff = c.day_start_utc(c.day - dt.timedelta(days=c.config.arrest_decision_days))
    ids = select(IssuedDocument.id).where(IssuedDocument.type == "arrest_request",
                                          c.happened(IssuedDocument.issued_at),
                                          IssuedDocument.issued_at < cutoff, ~decided, ~arrested)
    case_ids = select(IssuedDocument.case_id).where(IssuedDocument.id.in_(ids))
    recs = Records(documents=load.document_records(c.s, c.config, IssuedDocument.id.in_(ids)),
                   cases=load.case_records(c.s, c.config, _case_ids(case_ids)))
    return tl.arrest_decision_overdue(recs, c.as_of, c.config)


def sql_no_filing_notice_late(c: Context) -> list[Finding]:
    n = c.config.no_filing_notice_days
    late = exists().where(IssuedDocument.case_id == Case.id, IssuedDocument.type == "no_filing_notice",
                          c.happened(IssuedDocument.issued_at),
                          c.days(Case.no_filing_at, IssuedDocument.issued_at) > n - 1)
    ids = select(Case.id).where(c.happened(Case.no_filing_at), late)
    recs = Records(cases=load.case_records(c.s, c.config, _case_ids(ids)),
                   documents=load.document_records(c.s, c.config, and_(
                       IssuedDocument.case_id.in_(ids), IssuedDocument.type == "no_filing_notice")))
    return tl.no_filing_notice_late(recs, c.as_of, c.config)


def sql_admin_case_overdue(c: Context) -> list[Finding]:
    decided = exists().where(IssuedDocument.case_id == Case.id,
                             IssuedDocument.type.in_(load.ADMIN_DECISION_TYPES),
                             c.happened(IssuedDocument.issued_at))
    cutoff = c.day_start_utc(c.day - dt.timedelta(days=c.config.admin_case_days))
    ids = select(Case.id).where(Case.kind.in_(ADMIN), c.happened(Case.accepted_at), Case.accepted_at < cutoff,
                                c.not_yet(Case.closed_at), ~decided)
    recs = Records(cases=load.case_records(c.s, c.config, _case_ids(ids)))
    return tl.admin_case_overdue(recs, c.as_of, c.config)


def sql_document_rules(c: Context) -> list[Finding]:
    out: list[Finding] = []
    reported = Case.source.in_(sorted(c.config.reported_sources))
    for rule, (attr, doc_type, _, _) in doc_rules.REQUIREMENTS.items():
        cond = [IssuedDocument.case_id == Case.id, IssuedDocument.type == doc_type,
                or_(IssuedDocument.issued_at.is_(None), IssuedDocument.issued_at < c.now_utc)]
        if rule == "receipt_missing":
            cond.append(or_(Case.acceptance_doc_no.is_(None), Case.acceptance_doc_no == "",
                            IssuedDocument.doc_no == Case.acceptance_doc_no))
        ids = select(Case.id).where(reported, c.happened(getattr(Case, attr)), ~exists().where(*cond))
        recs = Records(cases=load.case_records(c.s, c.config, _case_ids(ids)))
        out += [f for f in doc_rules.document_rules(recs, c.as_of, c.config) if f.rule == rule]
    return out


def crosscheck_dossiers(c: Context) -> list[Finding]:
    ids = load.cases_with_dossier()
    recs = Records(cases=load.case_records(c.s, c.config, _case_ids(ids)),
                   measures=load.measure_records(c.s, c.config, Measure.case_id.in_(ids)),
                   documents=load.document_records(c.s, c.config, IssuedDocument.case_id.in_(ids)),
                   dossier=load.dossier_documents(c.s, ids))
    return cross_check(recs, c.as_of, c.config)


SQL_RULES: dict[str, Callable[[Context], list[Finding]]] = {
    "admin_not_accepted": sql_admin_not_accepted,
    "criminal_not_filed": sql_criminal_not_filed,
    "bail_overdue/surveillance_overdue": sql_measure_overdue,
    "detention_overdue": sql_detention_overdue,
    "arrest_decision_overdue": sql_arrest_decision_overdue,
    "no_filing_notice_late": sql_no_filing_notice_late,
    "admin_case_overdue": sql_admin_case_overdue,
    "receipt_missing/filing_notice_missing/no_filing_notice_missing": sql_document_rules,
}


def evaluate_db(s: Session, as_of: dt.date | dt.datetime, config: RulesConfig, *,
                cross_checks: bool = True, timings: dict[str, float] | None = None) -> list[Finding]:
    """Every rule (SQL form) and, unless told otherwise, every cross-check, as of ``as_of``."""
    c = Context(s, as_of, config)
    out: list[Finding] = []
    steps = dict(SQL_RULES)
    if cross_checks:
        steps["cross_checks"] = crosscheck_dossiers
    for name, fn in steps.items():
        t0 = time.perf_counter()
        found = fn(c)
        out += found
        if timings is not None:
            timings[name] = time.perf_counter() - t0
        log.debug("rule %s: %d findings", name, len(found))
    return sorted(out, key=lambda f: f.key)


def evaluate_pure(s: Session, as_of: dt.date | dt.datetime, config: RulesConfig, *,
                  cross_checks: bool = True) -> list[Finding]:
    """The same answer by loading every record and running the pure rules (the reference)."""
    from ledgers.rules import evaluate

    return evaluate(load.load_records(s, config), as_of, config, cross_checks=cross_checks)


