"""The eight time-limit rules of RULES.md.

Each answers "as of this date, what is overdue?". Pending matters are judged on what had
happened by the end of the as-of day: a filing recorded later did not exist yet. Coercive
measures (bail, surveillance, detention) are also findings when they ended after their
limit ("released late"); the other rules concern pending matters only, so a late
acceptance or filing stops being a finding once it is recorded.
"""

from __future__ import annotations

import datetime as dt


from ledgers.rules.calendar import add_days, add_months, as_of_date, day, days_over, happened, moment
from ledgers.rules.config import RulesConfig
from ledgers.rules.records import (
    CaseRecord,
    Finding,
    Measure,
    Records,
    case_fields,
    kind_code,
    ledger_ref,
    nature_code,
)

TIME_LIMIT_RULES: tuple[str, ...] = (
    "admin_not_accepted", "criminal_not_filed", "bail_overdue", "surveillance_overdue",
    "detention_overdue", "arrest_decision_overdue", "no_filing_notice_late", "admin_case_overdue",
)

ARREST_DECISIONS = frozenset({"arrest_approved", "arrest_refused", "批准逮捕", "不批准逮捕"})


def time_limit_rules(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    out: list[Finding] = []
    out += admin_not_accepted(records, as_of, config)
    out += criminal_not_filed(records, as_of, config)
    out += measure_overdue(records, as_of, config)
    out += detention_overdue(records, as_of, config)
    out += arrest_decision_overdue(records, as_of, config)
    out += no_filing_notice_late(records, as_of, config)
    out += admin_case_overdue(records, as_of, config)
    return out


ADMIN_NATURES = frozenset({"administrative", "行政"})


class AdminIncidentJudge:
    """admin_not_accepted for one unaccepted administrative incident: yellow past
    ``admin_accept_hours`` hours, red past ``admin_accept_days`` days. Shared by the pure
    rule and the SQL form, which calls it on raw rows (the busiest rule: one incident in
    three is administrative), so it is written for speed with due dates cached per day."""

    def __init__(self, as_of: dt.date | dt.datetime, config: RulesConfig) -> None:
        self.config = config
        self.now = moment(as_of)
        self.today = as_of_date(as_of)
        self.hours = dt.timedelta(hours=config.admin_accept_hours)
        self.red_due: dict[dt.date, dt.date] = {}
        self.tail = f"接警，截至{self.today.isoformat()}未受案"

    def __call__(self, incident_no: str, unit: str, unit_id: int | None, received: dt.datetime,
                 officers: tuple[str, ...], row_id: int | None) -> Finding | None:
        if received >= self.now:
            return None
        rd = received.date()
        red = self.red_due.get(rd)
        if red is None:
            red = self.red_due[rd] = add_days(rd, self.config.admin_accept_days, self.config)
        today = self.today
        if today > red:
            grade, due = "red", red
        elif self.now > received + self.hours:
            grade, due = "yellow", (received + self.hours).date()
        else:
            return None
        at = received.isoformat()
        return Finding(
            rule="admin_not_accepted", subject="incident:" + incident_no, grade=grade, unit=unit,
            unit_id=unit_id, incident_no=incident_no, officers=officers, due_on=due,
            days_over=max(0, (today - due).days),
            evidence=({"kind": "ledger", "table": "incidents", "id": row_id, "key": incident_no,
                       "received_at": at},),
            detail="行政警情" + incident_no + "于" + at[:10] + " " + at[11:16] + self.tail)


def admin_not_accepted(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Administrative incidents received by ``as_of`` with no case accepted by then."""
    accepted: set[str] = set()
    for c in records.cases:
        if c.incident_no and happened(c.accepted_at, as_of):
            accepted.add(c.incident_no)
    judge = AdminIncidentJudge(as_of, config)
    out = []
    for inc in records.incidents:
        if inc.nature not in ADMIN_NATURES and nature_code(inc.nature) != "administrative":
            continue
        if inc.incident_no in accepted:
            continue
        f = judge(inc.incident_no, inc.unit, inc.unit_id, inc.received_at, inc.officers, inc.id)
        if f is not None:
            out.append(f)
    return out


def criminal_not_filed(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Criminal acceptances with neither a filing decision nor a decision not to file."""
    y, o, r = config.criminal_filing_days
    out = []
    for c in records.cases:
        if kind_code(c.kind) != "criminal" or c.accepted_at is None or not happened(c.accepted_at, as_of):
            continue
        if happened(c.filed_at, as_of) or happened(c.no_filing_at, as_of):
            continue
        d = as_of_date(as_of)
        if d > add_days(c.accepted_at, r, config):
            grade = "red"
        elif d > add_days(c.accepted_at, o, config):
            grade = "orange"
        elif d > add_days(c.accepted_at, y, config):
            grade = "yellow"
        else:
            continue
        due = add_days(c.accepted_at, y, config)
        out.append(Finding(
            rule="criminal_not_filed", subject=f"case:{c.case_no}", grade=grade,
            incident_no=c.incident_no, due_on=due, days_over=days_over(as_of, due),
            evidence=(ledger_ref("cases", c.id, c.case_no, accepted_at=c.accepted_at),),
            detail=f"刑事案件{c.case_no}于{day(c.accepted_at)}受案，截至{d}未立案也未决定不予立案",
            **case_fields(c)))
    return out


def _end(m: Measure, as_of: dt.date | dt.datetime) -> dt.date | None:
    return day(m.end) if m.end is not None and happened(m.end, as_of) else None


def measure_overdue(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """bail_overdue and surveillance_overdue: yellow within ``measure_warn_days`` of the
    end, red once past it unreleased, red when released after it."""
    cases = records.cases_by_no()
    months = {"bail": ("bail_overdue", config.bail_months, "取保候审"),
              "surveillance": ("surveillance_overdue", config.surveillance_months, "监视居住"),
              "designated_surveillance": ("surveillance_overdue", config.surveillance_months, "指定居所监视居住")}
    d = as_of_date(as_of)
    out = []
    for m in records.measures:
        spec = months.get(kind_code(m.kind))
        if spec is None or not happened(m.start, as_of):
            continue
        rule, n, label = spec
        due = add_months(m.start, n, config)
        end = _end(m, as_of)
        if end is not None:
            if end <= due:
                continue
            grade, over = "red", (end - due).days
            what = f"于{end}解除，超期{over}日"
        elif d > due:
            grade, over = "red", days_over(as_of, due)
            what = f"截至{d}未解除，超期{over}日"
        elif d >= due - dt.timedelta(days=config.measure_warn_days):
            grade, over = "yellow", 0
            what = f"将于{due}到期，剩余{(due - d).days}日"
        else:
            continue
        c = cases.get(m.case_no)
        out.append(Finding(
            rule=rule, subject=f"measure:{m.id}:{m.case_no}:{m.person or ''}", grade=grade,
            due_on=due, days_over=over,
            evidence=(ledger_ref("measures", m.id, m.doc_no, start=m.start, end=m.end, person=m.person),),
            detail=f"{m.person or ''}{label}自{day(m.start)}起，{what}",
            **(case_fields(c) or {"case_no": m.case_no, "unit": None})))
    return out


def detention_overdue(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Criminal detentions with no arrest request, release or other measure within the
    limit that applies (3 days; an extension on the ledger sets 7 or 30)."""
    cases = records.cases_by_no()
    extension: dict[tuple[str, str], int] = {}
    followups: dict[tuple[str, str], list[dt.date]] = {}
    for m in records.measures:
        k = kind_code(m.kind)
        key = (m.case_no, m.person or "")
        if k == "detention_extension" and happened(m.start, as_of):
            extension[key] = max(extension.get(key, 0), m.limit_days or 7)
        elif k in ("bail", "surveillance", "designated_surveillance", "arrest") and happened(m.start, as_of):
            followups.setdefault(key, []).append(day(m.start))
    for doc in records.documents:
        if doc.type == "arrest_request" and doc.issued_at is not None and happened(doc.issued_at, as_of):
            followups.setdefault((doc.case_no, doc.person or ""), []).append(day(doc.issued_at))
    out = []
    for m in records.measures:
        if kind_code(m.kind) != "detention" or not happened(m.start, as_of):
            continue
        key = (m.case_no, m.person or "")
        limit = max(config.detention_days, m.limit_days or 0, extension.get(key, 0))
        due = add_days(m.start, limit, config)
        ends = [x for x in followups.get(key, []) if x >= day(m.start)]
        end = _end(m, as_of)
        if end is not None:
            ends.append(end)
        first = min(ends) if ends else None
        if first is not None:
            if first <= due:
                continue
            over = (first - due).days
        elif as_of_date(as_of) > due:
            over = days_over(as_of, due)
        else:
            continue
        c = cases.get(m.case_no)
        out.append(Finding(
            rule="detention_overdue", subject=f"measure:{m.id}:{m.case_no}:{m.person or ''}",
            grade="red", due_on=due, days_over=over,
            evidence=(ledger_ref("measures", m.id, m.doc_no, start=m.start, end=m.end,
                                 person=m.person, limit_days=limit),),
            detail=f"{m.person or ''}自{day(m.start)}刑事拘留，{limit}日期限至{due}，超期{over}日",
            **(case_fields(c) or {"case_no": m.case_no, "unit": None})))
    return out


def arrest_decision_overdue(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Arrest requests with no procuratorate decision (nor an executed arrest) recorded
    within ``arrest_decision_days`` days. A decision or arrest naming nobody, or a request
    naming nobody, matches any person of the case."""
    cases = records.cases_by_no()
    decided: dict[str, set[str]] = {}
    for dec in records.decisions:
        if dec.kind in ARREST_DECISIONS and dec.decided_on is not None and happened(dec.decided_on, as_of):
            decided.setdefault(dec.case_no, set()).add(dec.person or "")
    for m in records.measures:
        if kind_code(m.kind) == "arrest" and happened(m.start, as_of):
            decided.setdefault(m.case_no, set()).add(m.person or "")
    out = []
    for doc in records.documents:
        if doc.type != "arrest_request" or doc.issued_at is None or not happened(doc.issued_at, as_of):
            continue
        who = decided.get(doc.case_no, set())
        if who and (not doc.person or "" in who or doc.person in who):
            continue
        due = add_days(doc.issued_at, config.arrest_decision_days, config)
        if as_of_date(as_of) <= due:
            continue
        c = cases.get(doc.case_no)
        over = days_over(as_of, due)
        out.append(Finding(
            rule="arrest_decision_overdue", subject=f"document:{doc.id}:{doc.case_no}:{doc.person or ''}",
            grade="red", due_on=due, days_over=over,
            evidence=(ledger_ref("documents", doc.id, doc.doc_no, issued_at=doc.issued_at, person=doc.person),),
            detail=f"{doc.person or ''}提请批准逮捕（{doc.doc_no or ''}）于{day(doc.issued_at)}，"
                   f"至{as_of_date(as_of)}未登记检察院决定",
            **(case_fields(c) or {"case_no": doc.case_no, "unit": None})))
    return out


def _notices(records: Records, as_of: dt.date | dt.datetime, type_: str) -> dict[str, list[tuple[dt.date, int | None, str | None]]]:
    out: dict[str, list[tuple[dt.date, int | None, str | None]]] = {}
    for doc in records.documents:
        if doc.type == type_ and (doc.issued_at is None or happened(doc.issued_at, as_of)):
            when = day(doc.issued_at) if doc.issued_at is not None else dt.date.min
            out.setdefault(doc.case_no, []).append((when, doc.id, doc.doc_no))
    return out


def no_filing_notice_late(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Decisions not to file whose (first) no-filing notice is dated after the limit."""
    notices = _notices(records, as_of, "no_filing_notice")
    out = []
    for c in records.cases:
        if c.no_filing_at is None or not happened(c.no_filing_at, as_of) or c.case_no not in notices:
            continue
        when, doc_id, doc_no = min(notices[c.case_no], key=lambda t: t[0])
        due = add_days(c.no_filing_at, config.no_filing_notice_days, config)
        if when == dt.date.min or when <= due:
            continue
        over = (when - due).days
        out.append(Finding(
            rule="no_filing_notice_late", subject=f"case:{c.case_no}", grade="red",
            incident_no=c.incident_no, due_on=due, days_over=over,
            evidence=(ledger_ref("cases", c.id, c.case_no, no_filing_at=c.no_filing_at),
                      ledger_ref("documents", doc_id, doc_no, issued_at=when)),
            detail=f"{day(c.no_filing_at)}决定不予立案，不予立案通知书{when}开具，迟{over}日",
            **case_fields(c)))
    return out


def admin_case_overdue(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    """Administrative cases with no decision 30 days (60 when extended) after acceptance."""
    out = []
    for c in records.cases:
        if kind_code(c.kind) != "administrative" or c.accepted_at is None or not happened(c.accepted_at, as_of):
            continue
        if c.decided_at is not None and happened(c.decided_at, as_of):
            continue
        limit = config.admin_case_extended_days if c.extended else config.admin_case_days
        due = add_days(c.accepted_at, limit, config)
        if as_of_date(as_of) <= due:
            continue
        over = days_over(as_of, due)
        out.append(Finding(
            rule="admin_case_overdue", subject=f"case:{c.case_no}", grade="red",
            incident_no=c.incident_no, due_on=due, days_over=over,
            evidence=(ledger_ref("cases", c.id, c.case_no, accepted_at=c.accepted_at),),
            detail=f"行政案件{c.case_no}于{day(c.accepted_at)}受案，{limit}日期限至{due}，未作决定",
            **case_fields(c)))
    return out


