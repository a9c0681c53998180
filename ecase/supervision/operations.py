"""Writes of the supervision area: ``verb_noun(actor, ...)``; they flush, the caller commits.

- :func:`record_findings` keeps the findings table in step with an evaluation: new
  findings open, known ones are refreshed, live ones that are no longer true are closed
  by the system with that reason, and closed ones that are true again reopen. Nothing is
  ever deleted; each change is a ``FindingEvent``.
- :func:`change_state` moves a finding through open → sent → rectified → confirmed, or
  waives it with a reason.
- :func:`issue_recommendation` / :func:`reply_recommendation`: 执法建议书 and the reply.
- :func:`create_bulletin`: render and keep a numbered bulletin.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, String, func, insert, literal, select, update

from ecase import db
from ecase.access import Actor, require
from ecase.errors import Conflict, InvalidInput, NotFound
from ecase.models import Case, Job, Unit
from ecase.models._types import utcnow
from ecase.models.supervision import (
    FINDING_STATES,
    LIVE_STATES,
    Bulletin,
    Finding,
    FindingEvent,
    Recommendation,
)
from ledgers.rules.config import RulesConfig
from ledgers.rules.records import Finding as RuleFinding

log = logging.getLogger(__name__)

#: state -> states a person may move it to (``closed`` belongs to the system).
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"sent", "rectified", "waived"}),
    "sent": frozenset({"rectified", "waived", "open"}),
    "rectified": frozenset({"confirmed", "sent", "waived"}),
    "confirmed": frozenset({"sent"}),
    "waived": frozenset({"open"}),
    "closed": frozenset(),
}
#: moves a unit (clerk or leader, ``finding.reply``) may make; the rest need ``finding.manage``.
UNIT_MOVES = frozenset({"rectified"})


@dataclass
class RecordReport:
    created: int = 0
    updated: int = 0
    closed: int = 0
    reopened: int = 0


def _event(f: Finding, actor: Actor, to_state: str, reason: str | None) -> None:
    db.session().add(FindingEvent(finding=f, user_id=actor.user_id, actor=actor.name,
                                  from_state=f.state if f.id is not None else None,
                                  to_state=to_state, reason=reason))


def record_findings(actor: Actor, found: Sequence[RuleFinding], as_of: dt.date, *,
                    rules: Iterable[str] | None = None) -> RecordReport:
    """Bring the findings table in step with ``found`` (an evaluation as of ``as_of``).
    ``rules`` limits closing to findings of those rules (default: every rule).

    Written set-wise (bulk inserts and updates), since a bureau's evaluation can hold
    hundreds of thousands of findings."""
    require(actor, "finding.manage")
    s = db.session()
    s.flush()
    report = RecordReport()
    existing = {key: (fid, state, rule) for fid, key, state, rule in
                s.execute(select(Finding.id, Finding.key, Finding.state, Finding.rule))}
    case_ids: dict[str, int] = {}
    wanted = sorted({f.case_no for f in found if f.case_no})
    for i in range(0, len(wanted), 500):
        case_ids.update(s.execute(select(Case.case_no, Case.id).where(Case.case_no.in_(wanted[i:i + 500]))).all())
    now = utcnow()
    inserts, updates, events = [], [], []
    seen: set[str] = set()
    for rf in found:
        if rf.key in seen:
            continue
        seen.add(rf.key)
        values = dict(rule=rf.rule, grade=rf.grade, unit_id=rf.unit_id, case_no=rf.case_no,
                      case_id=case_ids.get(rf.case_no) if rf.case_no else None,
                      incident_no=rf.incident_no, lead_officer=rf.lead_officer, officers=list(rf.officers),
                      due_on=rf.due_on, days_over=rf.days_over, evidence=[dict(e) for e in rf.evidence],
                      detail=rf.detail, last_seen_on=as_of, updated_at=now)
        hit = existing.get(rf.key)
        if hit is None:
            inserts.append(dict(values, key=rf.key, state="open", first_found_on=as_of, created_at=now))
            continue
        fid, state, _ = hit
        values["id"] = fid
        report.updated += 1
        if state == "closed":
            values.update(state="open", state_reason="再次成立")
            events.append(dict(finding_id=fid, at=now, user_id=actor.user_id, actor=actor.name,
                               from_state="closed", to_state="open", reason=f"依据新数据再次成立（截至{as_of}）"))
            report.reopened += 1
        updates.append(values)
    scope = set(rules) if rules is not None else None
    reason = f"依据新数据不再成立（截至{as_of}）"
    for key, (fid, state, rule) in existing.items():
        if key in seen or state not in LIVE_STATES or (scope is not None and rule not in scope):
            continue
        updates.append(dict(id=fid, state="closed", state_reason=reason, updated_at=now))
        events.append(dict(finding_id=fid, at=now, user_id=actor.user_id, actor=actor.name,
                           from_state=state, to_state="closed", reason=reason))
        report.closed += 1
    for i in range(0, len(updates), 5000):
        s.execute(update(Finding), updates[i:i + 5000])
    for i in range(0, len(inserts), 5000):
        s.execute(insert(Finding), inserts[i:i + 5000])
    if inserts:
        report.created = len(inserts)
        s.execute(insert(FindingEvent).from_select(
            ["finding_id", "at", "user_id", "actor", "from_state", "to_state", "reason"],
            select(Finding.id, literal(now), literal(actor.user_id, Integer), literal(actor.name),
                   literal(None, String), literal("open"), literal(f"规则发现（截至{as_of}）"))
            .where(Finding.created_at == now, Finding.first_found_on == as_of)))
    for i in range(0, len(events), 5000):
        s.execute(insert(FindingEvent), events[i:i + 5000])
    s.flush()
    s.expire_all()
    log.info("findings recorded as of %s: %s", as_of, report)
    return report


def refresh_rates(actor: Actor, config: RulesConfig, periods: Iterable[str]) -> None:
    """Recompute the rate snapshots of ``periods`` (after an evaluation or an import), so
    the dashboard's first view finds them ready."""
    from ecase.supervision import queries
    from ledgers.rates import parse_period

    require(actor, "finding.manage")
    for label in dict.fromkeys(periods):
        queries.cached_tallies(db.session(), parse_period(label), config)


def get_finding(actor: Actor, finding_id: int) -> Finding:
    f = db.session().get(Finding, finding_id)
    if f is None:
        raise NotFound()
    require(actor, "finding.view", f.unit_id)
    return f


def change_state(actor: Actor, finding: Finding, to_state: str, reason: str = "") -> Finding:
    if to_state not in FINDING_STATES:
        raise InvalidInput(f"未知状态：{to_state}")
    action = "finding.reply" if to_state in UNIT_MOVES else "finding.manage"
    require(actor, action, finding.unit_id)
    if to_state not in TRANSITIONS.get(finding.state, frozenset()):
        raise Conflict(f"问题当前为「{finding.state_name}」，不能改为「{FINDING_STATES[to_state]}」")
    if to_state == "waived" and not reason.strip():
        raise InvalidInput("豁免必须说明理由")
    _event(finding, actor, to_state, reason.strip() or None)
    finding.state, finding.state_reason, finding.updated_at = to_state, reason.strip() or None, utcnow()
    db.session().flush()
    return finding


def _next_serial(model: type[Recommendation] | type[Bulletin], year: int) -> int:
    n = db.session().scalar(select(func.max(model.serial)).where(model.year == year))
    return (n or 0) + 1


def issue_recommendation(actor: Actor, unit: Unit, findings: Sequence[Finding], body: str,
                         config: RulesConfig, *, addressee: str | None = None,
                         reply_due_on: dt.date | None = None, today: dt.date | None = None) -> Recommendation:
    """A numbered 执法建议书 to ``unit`` listing ``findings`` (all of that unit)."""
    require(actor, "finding.manage", unit.id)
    if not findings:
        raise InvalidInput("执法建议书至少列出一个问题")
    if any(f.unit_id != unit.id for f in findings):
        raise InvalidInput("所列问题须属于同一单位")
    today = today or (utcnow() + dt.timedelta(hours=config.tz_offset_hours)).date()
    serial = _next_serial(Recommendation, today.year)
    rec = Recommendation(year=today.year, serial=serial,
                         number=f"{config.doc_prefix}法建〔{today.year}〕{serial}号",
                         unit_id=unit.id, addressee=addressee or f"{unit.name}主要负责人",
                         body=body.strip() or "请针对所列问题认真整改，并书面回复整改情况。",
                         reply_due_on=reply_due_on or today + dt.timedelta(days=config.recommendation_reply_days),
                         issued_by_id=actor.user_id, findings=list(findings))
    db.session().add(rec)
    for f in findings:
        if f.state == "open":
            change_state(actor, f, "sent", f"随{rec.number}下发")
    db.session().flush()
    return rec


def start_bulletin(actor: Actor, kind: str, period: str, config: RulesConfig, *,
                   unit: Unit | None = None, today: dt.date) -> Job:
    """A job that builds a bulletin in the background (``ecase.supervision.tasks``); the
    kind and period are checked now, so a mistake is told at once."""
    from ecase.supervision.bulletins import KINDS
    from ecase.supervision.queries import period_message
    from ecase.supervision.tasks import STEPS, build_bulletin
    from ecase.tasks import after_commit
    from ledgers.rates import PeriodError, parse_period

    require(actor, "bulletin.create")
    if kind not in KINDS:
        raise InvalidInput("未知的通报类型，可选：" + "、".join(spec[0] for spec in KINDS.values()))
    try:
        label = parse_period(period.strip()).label
    except PeriodError as e:
        raise InvalidInput(period_message(period)) from e
    job = Job(kind="bulletin", state="queued", total=len(STEPS), created_by_id=actor.user_id,
              message="排队等待生成", rung_at=utcnow(), rings=1,
              params={"kind": kind, "period": label, "unit_id": unit.id if unit else None,
                      "today": today.isoformat()})
    db.session().add(job)
    db.session().flush()
    after_commit(build_bulletin, job.id)
    return job


def reply_recommendation(actor: Actor, rec: Recommendation, text: str) -> Recommendation:
    require(actor, "finding.reply", rec.unit_id)
    if not text.strip():
        raise InvalidInput("回复内容不能为空")
    if rec.reply is not None:
        raise Conflict("该执法建议书已回复")
    rec.reply, rec.replied_at, rec.replied_by_id = text.strip(), utcnow(), actor.user_id
    db.session().flush()
    return rec


def create_bulletin(actor: Actor, kind: str, period: str, config: RulesConfig, *,
                    unit: Unit | None = None, today: dt.date | None = None,
                    progress: Callable[[int], None] | None = None) -> tuple[Bulletin, bytes, bytes]:
    """Number, render and keep a bulletin; returns it with its PDF and workbook bytes.
    ``progress(step)`` is told each step after the first (1 PDF, 2 Excel, 3 saving)."""
    from ecase import blobs
    from ecase.supervision import bulletins

    require(actor, "bulletin.create")
    today = today or (utcnow() + dt.timedelta(hours=config.tz_offset_hours)).date()
    serial = _next_serial(Bulletin, today.year)
    number = f"{config.doc_prefix}法通〔{today.year}〕{serial}号"
    content = bulletins.build(db.session(), kind, period, config, number=number, issued_on=today, unit=unit)
    if progress:
        progress(1)
    pdf = bulletins.render_pdf(content)
    if progress:
        progress(2)
    xlsx = bulletins.render_xlsx(content)
    if progress:
        progress(3)
    store = blobs.store()
    b = Bulletin(kind=kind, period=content.period.label, year=today.year, serial=serial, number=number,
                 unit_id=unit.id if unit else None, pdf_key=store.put_bytes(pdf).key,
                 xlsx_key=store.put_bytes(xlsx).key, created_by_id=actor.user_id)
    db.session().add(b)
    db.session().flush()
    return b, pdf, xlsx
