"""Reads of the supervision area: rates and rankings (SQL, set-wise), findings, scores.

The SQL rates follow the definitions of ``ledgers.rates`` exactly (a test compares them
with the pure computation); scores come from the recorded findings through
``ledgers.scoring`` with the deduction table in force, so a changed table changes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from ecase.access import Actor, filter_units, require
from ecase.models import Case, Job, Unit
from ecase.models.ledgers import CaseAreaRecord, Incident, IssuedDocument
from ecase.models.supervision import LIVE_STATES, Bulletin, Finding, Recommendation
from ledgers.rates import RATES, Period, RankRow, Tally, rank
from ledgers.rules.config import RulesConfig
from ledgers.rules.records import Finding as RuleFinding
from ledgers.scoring import ScoreRow, summarise

TOLERANCE = 1e-9  # days; julianday arithmetic is floating point


def _bounds(period: Period, config: RulesConfig) -> tuple[dt.datetime, dt.datetime]:
    shift = dt.timedelta(hours=config.tz_offset_hours)
    return (dt.datetime.combine(period.start, dt.time()) - shift,
            dt.datetime.combine(period.end, dt.time()) - shift)


def _within_hours(s: Session, a: Any, b: Any, hours: int) -> Any:
    if s.get_bind().dialect.name == "postgresql":
        return b - a <= dt.timedelta(hours=hours)
    return func.julianday(b) - func.julianday(a) <= hours / 24.0 + TOLERANCE


def _ok(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def rate_tallies(s: Session, period: Period, config: RulesConfig) -> dict[str, dict[str, Tally]]:
    """rate code -> unit name -> tally, for every unit with records in the period."""
    a, b = _bounds(period, config)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    out: dict[str, dict[str, Tally]] = {k: {} for k in RATES}

    def put(rate: str, q: Select[Any]) -> None:
        for unit_id, num, den in s.execute(q):
            out[rate][names[unit_id]] = Tally(names[unit_id], int(num), int(den))

    in_period = and_(Incident.reported_at >= a, Incident.reported_at < b)
    accepted = exists().where(Case.incident_no == Incident.incident_no, Case.accepted_at.is_not(None),
                              Case.accepted_at < b)
    admin = Incident.nature.in_(("administrative", "行政"))
    # one pass over the period's incidents for the three incident rates
    q = (select(Incident.unit_id,
                _ok(and_(Incident.disposed_at.is_not(None),
                         _within_hours(s, Incident.reported_at, Incident.disposed_at, 24))),
                _ok(Incident.av_uploaded.is_(True)), func.count(),
                _ok(and_(admin, accepted)), _ok(admin))
         .where(in_period).group_by(Incident.unit_id))
    for unit_id, diverted, av, n, acc, adm in s.execute(q):
        name = names[unit_id]
        out["diversion"][name] = Tally(name, int(diverted), int(n))
        out["incident_av"][name] = Tally(name, int(av), int(n))
        if adm:
            out["acceptance"][name] = Tally(name, int(acc), int(adm))
    accepted_in = and_(Case.accepted_at >= a, Case.accepted_at < b)
    put("filing", select(Case.unit_id, _ok(and_(Case.filed_at.is_not(None), Case.filed_at < b)), func.count())
        .where(accepted_in, Case.kind.in_(("criminal", "刑事"))).group_by(Case.unit_id))
    reported = Case.source.in_(sorted(config.reported_sources))
    issued = or_(IssuedDocument.issued_at.is_(None), IssuedDocument.issued_at < b)
    receipt = exists().where(IssuedDocument.case_id == Case.id, IssuedDocument.type == "acceptance_receipt",
                             issued, or_(Case.acceptance_doc_no.is_(None), Case.acceptance_doc_no == "",
                                         IssuedDocument.doc_no == Case.acceptance_doc_no))
    put("receipt", select(Case.unit_id, _ok(receipt), func.count()).where(accepted_in, reported)
        .group_by(Case.unit_id))
    notice = exists().where(IssuedDocument.case_id == Case.id, IssuedDocument.type == "filing_notice", issued)
    put("filing_notice", select(Case.unit_id, _ok(notice), func.count())
        .where(Case.filed_at >= a, Case.filed_at < b, reported).group_by(Case.unit_id))
    put("case_area_av", select(CaseAreaRecord.unit_id, _ok(CaseAreaRecord.av_uploaded.is_(True)), func.count())
        .where(CaseAreaRecord.entered_at >= a, CaseAreaRecord.entered_at < b).group_by(CaseAreaRecord.unit_id))
    return out


SNAPSHOT_MAX_AGE = dt.timedelta(hours=1)


def data_fingerprint(s: Session, config: RulesConfig) -> str:
    """Cheap (index-only) marks of the ledger data the rates read: the newest row of each
    table, import run and history entry, and the configuration that shapes the tallies."""
    from ecase.models.ledgers import ImportRun, RecordHistory

    marks = [s.scalar(select(func.max(col))) for col in (
        Incident.id, Case.id, IssuedDocument.id, CaseAreaRecord.id, ImportRun.id, RecordHistory.id)]
    return "|".join(str(m) for m in marks) + f"|{sorted(config.reported_sources)}|{config.tz_offset_hours}"


def cached_tallies(s: Session, period: Period, config: RulesConfig) -> dict[str, dict[str, Tally]]:
    """``rate_tallies`` through the period's snapshot: recomputed (and kept) when the data's
    fingerprint changed or the snapshot is older than ``SNAPSHOT_MAX_AGE``."""
    from ecase.models._types import utcnow
    from ecase.models.supervision import RateSnapshot

    mark = data_fingerprint(s, config)
    snap = s.get(RateSnapshot, period.label)
    if snap is not None and snap.fingerprint == mark and utcnow() - snap.computed_at < SNAPSHOT_MAX_AGE:
        return {rate: {u: Tally(u, n, d) for u, n, d in rows} for rate, rows in snap.tallies.items()}
    tallies = rate_tallies(s, period, config)
    data = {rate: [[t.unit, t.numerator, t.denominator] for t in per.values()] for rate, per in tallies.items()}
    if snap is None:
        s.add(RateSnapshot(period=period.label, fingerprint=mark, tallies=data, computed_at=utcnow()))
    else:
        snap.fingerprint, snap.tallies, snap.computed_at = mark, data, utcnow()
    s.flush()
    return tallies


@dataclass(frozen=True)
class Ranked:
    """A unit's place on one rate. Equal rates share a place (并列, standard competition
    ranking: 1, 1, 3); a unit with nothing to rate (0 of 0) has no place (``rank`` None,
    shown as 无) and comes last."""

    rank: int | None
    tied: bool
    unit: str
    numerator: int
    denominator: int
    rate: float | None
    band: str

    @property
    def label(self) -> str:
        if self.rank is None:
            return "无"
        return f"并列{self.rank}" if self.tied else str(self.rank)


def places(rows: Sequence[RankRow]) -> list[Ranked]:
    """``ledgers.rates.rank``'s order (highest rate first, more records first) with shared
    places for equal rates (compared exactly, as fractions) and none for 0 of 0."""
    out: list[Ranked] = []
    rated = [r for r in rows if r.rate is not None and r.denominator]
    counts: dict[tuple[int, int], int] = {}
    for r in rated:
        k = _fraction(r)
        counts[k] = counts.get(k, 0) + 1
    place, prev = 0, None
    for i, r in enumerate(rated, 1):
        k = _fraction(r)
        if k != prev:
            place, prev = i, k
        out.append(Ranked(place, counts[k] > 1, r.unit, r.numerator, r.denominator, r.rate, r.band))
    out += [Ranked(None, False, r.unit, r.numerator, r.denominator, None, "grey")
            for r in rows if not (r.rate is not None and r.denominator)]
    return out


def _fraction(r: RankRow) -> tuple[int, int]:
    from math import gcd

    g = gcd(r.numerator, r.denominator) or 1
    return r.numerator // g, r.denominator // g


def rankings(s: Session, period: Period, config: RulesConfig,
             rates: Sequence[str] | None = None, *, cached: bool = False) -> dict[str, list[Ranked]]:
    """rate code -> ranking of every active unit (a unit without records: 无, last, grey).
    Colour bands are applied here, so a changed band shows at once even from a snapshot."""
    tallies = cached_tallies(s, period, config) if cached else rate_tallies(s, period, config)
    units = [n for (n,) in s.execute(select(Unit.name).where(Unit.active.is_(True)))]
    out = {}
    for rate in rates or list(RATES):
        per = tallies[rate]
        rows = list(per.values()) + [Tally(u, 0, 0) for u in units if u not in per]
        out[rate] = places(rank(rows, config))
    return out


def period_message(text: str) -> str:
    """What a period that cannot be read is told, in Chinese."""
    return (f"期间「{text[:30]}」无法识别：请选择月份，或填写年份（2018）、月份（2018-01）、"
            "周（2018-W03）或日期范围（2018-01-01..2018-01-31）")


def latest_period(s: Session, config: RulesConfig) -> str:
    """The month of the newest incident (or case), local time; today's month when empty."""
    newest = s.scalar(select(func.max(Incident.reported_at))) or s.scalar(select(func.max(Case.accepted_at)))
    when = (newest or dt.datetime.now(dt.UTC).replace(tzinfo=None)) + dt.timedelta(hours=config.tz_offset_hours)
    return f"{when.year}-{when.month:02d}"


def visible_findings(actor: Actor) -> Select[tuple[Finding]]:
    require(actor, "finding.view")
    return filter_units(select(Finding), Finding.unit_id, actor)


def open_by_unit_and_grade(s: Session, actor: Actor) -> list[dict[str, Any]]:
    """Live findings (open or sent) counted per unit and grade, worst units first."""
    require(actor, "finding.view")
    q = (select(Finding.unit_id, Finding.grade, func.count()).where(Finding.state.in_(LIVE_STATES))
         .group_by(Finding.unit_id, Finding.grade))
    q = filter_units(q, Finding.unit_id, actor)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    rows: dict[int | None, dict[str, Any]] = {}
    for unit_id, grade, n in s.execute(q):
        r = rows.setdefault(unit_id, {"unit_id": unit_id, "unit": names.get(unit_id, "（未知单位）"),
                                      "red": 0, "orange": 0, "yellow": 0, "total": 0})
        r[grade] = r.get(grade, 0) + n
        r["total"] += n
    return sorted(rows.values(), key=lambda r: (-r["red"], -r["total"], r["unit"]))


#: what "未整改" means on every supervision page: the dashboard's counts, the scores' column
#: of live findings and the findings list's default filter all use it.
OPEN_DEFINITION = "未整改：状态为「待处理」或「已下发」的问题（不限期间）"

#: sort key -> (Chinese name, columns); the grade order is red, orange, yellow.
FINDING_SORTS: dict[str, str] = {"grade": "预警等级", "days_over": "超期天数", "due_on": "期限",
                                 "found": "发现日期", "unit": "单位"}


@dataclass(frozen=True)
class FindingFilter:
    """What the findings list (page, API and Excel) shows."""

    unit_id: int | None = None
    rule: str | None = None
    grade: str | None = None
    states: tuple[str, ...] = LIVE_STATES
    case_id: int | None = None
    #: first found on or after / on or before
    since: dt.date | None = None
    until: dt.date | None = None
    #: in the case or incident number, the lead officer or the detail
    keyword: str = ""


def _findings_query(actor: Actor, f: FindingFilter) -> Select[tuple[Finding]]:
    q = visible_findings(actor)
    if f.unit_id is not None:
        q = q.where(Finding.unit_id == f.unit_id)
    if f.rule:
        q = q.where(Finding.rule == f.rule)
    if f.grade:
        q = q.where(Finding.grade == f.grade)
    if f.states:
        q = q.where(Finding.state.in_(f.states))
    if f.case_id is not None:
        q = q.where(Finding.case_id == f.case_id)
    if f.since is not None:
        q = q.where(Finding.first_found_on >= f.since)
    if f.until is not None:
        q = q.where(Finding.first_found_on <= f.until)
    word = f.keyword.strip()
    if word:
        like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(*(col.like(like, escape="\\") for col in (
            Finding.case_no, Finding.incident_no, Finding.lead_officer, Finding.detail))))
    return q


def _finding_order(sort: str, desc: bool) -> list[Any]:
    grade = case((Finding.grade == "red", 0), (Finding.grade == "orange", 1), else_=2)
    if sort == "days_over":
        key: list[Any] = [Finding.days_over.desc() if desc else Finding.days_over.asc()]
    elif sort == "due_on":
        key = [Finding.due_on.desc() if desc else Finding.due_on.asc()]
    elif sort == "found":
        key = [Finding.first_found_on.desc() if desc else Finding.first_found_on.asc()]
    elif sort == "unit":
        name = select(Unit.name).where(Unit.id == Finding.unit_id).scalar_subquery()
        key = [name.desc() if desc else name.asc()]
    else:  # grade: worst first when descending
        key = [grade.asc() if desc else grade.desc(), Finding.days_over.desc()]
    return [*key, Finding.id]


def find_findings(s: Session, actor: Actor, f: FindingFilter, *, sort: str = "grade", desc: bool = True,
                  offset: int = 0, limit: int | None = 100) -> tuple[list[Finding], int]:
    """One page of the findings ``f`` selects and how many it selects in all."""
    q = _findings_query(actor, f)
    total = s.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    q = q.order_by(*_finding_order(sort, desc)).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return list(s.scalars(q)), total


def iter_findings(s: Session, actor: Actor, f: FindingFilter, *, sort: str = "grade",
                  desc: bool = True) -> Iterator[Finding]:
    """Every finding ``f`` selects, in the list's order (the Excel export)."""
    q = _findings_query(actor, f).order_by(*_finding_order(sort, desc))
    yield from s.scalars(q.execution_options(yield_per=500))


def list_findings(s: Session, actor: Actor, *, unit_id: int | None = None, rule: str | None = None,
                  grade: str | None = None, states: Sequence[str] | None = LIVE_STATES,
                  case_id: int | None = None, limit: int = 200, offset: int = 0) -> list[Finding]:
    f = FindingFilter(unit_id=unit_id, rule=rule, grade=grade, states=tuple(states or ()), case_id=case_id)
    return find_findings(s, actor, f, offset=offset, limit=limit)[0]


def findings_by_id(s: Session, actor: Actor, ids: Sequence[int]) -> list[Finding]:
    """The findings of ``ids`` the actor may see (a missing or hidden one is left out)."""
    if not ids:
        return []
    return list(s.scalars(visible_findings(actor).where(Finding.id.in_(ids)).order_by(Finding.id)))


def units(s: Session) -> list[Unit]:
    return list(s.scalars(select(Unit).order_by(Unit.name)))


def unit(s: Session, unit_id: int | None) -> Unit | None:
    return None if unit_id is None else s.get(Unit, unit_id)


def bulletins(s: Session, limit: int = 100) -> list[Bulletin]:
    return list(s.scalars(select(Bulletin).order_by(Bulletin.id.desc()).limit(limit)))


def bulletin(s: Session, bulletin_id: int) -> Bulletin | None:
    return s.get(Bulletin, bulletin_id)


def bulletin_jobs(s: Session, limit: int = 10) -> list[Job]:
    """The latest bulletin jobs (the page follows the unfinished ones)."""
    return list(s.scalars(select(Job).where(Job.kind == "bulletin").order_by(Job.id.desc()).limit(limit)))


def bulletin_job(s: Session, job_id: int) -> Job | None:
    job = s.get(Job, job_id)
    return job if job is not None and job.kind == "bulletin" else None


def recommendation(s: Session, rec_id: int) -> Recommendation | None:
    return s.get(Recommendation, rec_id)


def _as_rule_finding(f: Finding, unit_name: str | None) -> RuleFinding:
    return RuleFinding(rule=f.rule, subject=f.key, grade=f.grade, unit=unit_name, case_no=f.case_no,
                       incident_no=f.incident_no, lead_officer=f.lead_officer, officers=tuple(f.officers or ()),
                       due_on=f.due_on or f.first_found_on, days_over=f.days_over, unit_id=f.unit_id)


def period_findings(s: Session, actor: Actor, period: Period) -> tuple[list[RuleFinding], frozenset[str]]:
    """Recorded findings whose due date (or, without one, first finding) falls in the
    period, and the keys of those waived."""
    q = visible_findings(actor).where(
        or_(and_(Finding.due_on >= period.start, Finding.due_on < period.end),
            and_(Finding.due_on.is_(None), Finding.first_found_on >= period.start,
                 Finding.first_found_on < period.end)))
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    rows = list(s.scalars(q))
    found = [_as_rule_finding(f, names.get(f.unit_id)) for f in rows]
    waived = frozenset(f.key for f in rows if f.state in ("waived",))
    return found, waived


def open_in_period(s: Session, actor: Actor, period: Period) -> int:
    """Of the findings the period's scores count, how many are still open (OPEN_DEFINITION)."""
    q = visible_findings(actor).where(
        Finding.state.in_(LIVE_STATES),
        or_(and_(Finding.due_on >= period.start, Finding.due_on < period.end),
            and_(Finding.due_on.is_(None), Finding.first_found_on >= period.start,
                 Finding.first_found_on < period.end)))
    return s.scalar(select(func.count()).select_from(q.subquery())) or 0


def scores(s: Session, actor: Actor, period: Period, config: RulesConfig, by: str = "unit") -> list[ScoreRow]:
    found, waived = period_findings(s, actor, period)
    return summarise(found, by, config, waived=frozenset(f"{f.rule}|{f.subject}" for f in found
                                                           if f.subject in waived))


def recommendations(s: Session, actor: Actor) -> list[Recommendation]:
    require(actor, "finding.view")
    q = filter_units(select(Recommendation), Recommendation.unit_id, actor)
    return list(s.scalars(q.order_by(Recommendation.id.desc()).limit(200)))


def recommendation_candidates(s: Session, actor: Actor, config: RulesConfig, today: dt.date,
                              limit: int = 200) -> list[Finding]:
    """Live findings that have stayed open past ``recommendation_after_days`` or came back
    at least twice (reopened by the system): the ones a 执法建议书 is for."""
    from ecase.models.supervision import FindingEvent

    reopened = (select(FindingEvent.finding_id).where(FindingEvent.from_state == "closed",
                                                      FindingEvent.to_state == "open")
                .group_by(FindingEvent.finding_id).having(func.count() >= 2))
    q = visible_findings(actor).where(
        Finding.state.in_(LIVE_STATES),
        or_(Finding.first_found_on <= today - dt.timedelta(days=config.recommendation_after_days),
            Finding.id.in_(reopened)))
    return list(s.scalars(q.order_by(Finding.unit_id, Finding.first_found_on).limit(limit)))
