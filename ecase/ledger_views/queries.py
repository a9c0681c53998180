"""Reads of the ledger area: a ledger's page and export rows, units and officers to pick,
cases and people to pick, outside decisions and their history. Every read goes through
``ecase.access`` (``ledger.view`` and the actor's units)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, or_, select

from ecase import db
from ecase.access import Actor, filter_units, require, visible_cases
from ecase.errors import NotFound
from ecase.ledger_views.catalog import CATALOG, Record, where
from ecase.models import Case, Officer, Unit, User
from ecase.models.ledgers import (
    DECISION_KINDS,
    INCIDENT_NATURES,
    MEASURE_KINDS,
    CasePerson,
    ImportRun,
    LedgerSetting,
    OutsideDecision,
    RecordHistory,
)
from ecase.models.cases import CASE_KINDS
from ledgers.definitions import LedgerDef, load_ledgers
from ledgers.limits import days_left, grade, legal_end
from ledgers.values import beijing_to_utc, beijing_today, utc_to_beijing

PER_PAGE = 50


def ledgers() -> dict[str, LedgerDef]:
    """The bureau's ledgers: the defaults plus ``DATA_DIR/ledgers.json`` when present."""
    from pathlib import Path

    cache = current_app.extensions.setdefault("ecase.ledgers", {})
    if "defs" not in cache:
        extra = Path(current_app.config["DATA_DIR"]) / "ledgers.json"
        cache["defs"] = load_ledgers(extra if extra.exists() else None)
    defs: dict[str, LedgerDef] = cache["defs"]
    return defs


def get_ledger(actor: Actor, code: str) -> LedgerDef:
    require(actor, "ledger.view")
    led = ledgers().get(code)
    if led is None:
        raise NotFound(f"没有这个台账：{code}")
    return led


@dataclass
class Filters:
    unit_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    officer_id: int | None = None
    state: str | None = None
    sort: str | None = None
    desc: bool = True
    page: int = 1
    as_of: dt.date | None = None
    #: in any text column of the ledger or its record's numbers (case, incident, document)
    keyword: str = ""


#: fields searched by the keyword besides the ledger's own text columns
KEYWORD_FIELDS = ("case_no", "incident_no", "doc_no", "decision_no", "record_no", "end_doc_no",
                  "acceptance_doc_no", "filing_doc_no", "person_name", "case_name", "name")


def _keyword(led: LedgerDef, rec: Record, word: str) -> Any:
    like = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    names = [c for c in led.columns if rec.fields[c].kind == "text"]
    names += [c for c in KEYWORD_FIELDS if c in rec.fields and c not in names]
    exprs = [rec.fields[c].expr for c in names if rec.fields[c].expr is not None]
    return or_(*(e.like(like, escape="\\") for e in exprs))


def _query(actor: Actor, led: LedgerDef, f: Filters, *, count: bool = False) -> tuple[Select[Any], Record]:
    rec = CATALOG[led.record]
    q = rec.counter() if count else rec.base()
    cond = where(rec, led.where)
    if cond is not None:
        q = q.where(cond)
    q = filter_units(q, rec.unit_column, actor)
    if f.unit_id:
        q = q.where(rec.unit_column == f.unit_id)
    date = rec.fields[led.date_field].expr
    if f.date_from:
        q = q.where(date >= beijing_to_utc(dt.datetime.combine(f.date_from, dt.time())))
    if f.date_to:
        q = q.where(date < beijing_to_utc(dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time())))
    if f.officer_id and led.officer_field:
        q = q.where(rec.fields[led.officer_field].expr == f.officer_id)
    if f.state and f.state in led.states:
        cond = where(rec, led.states[f.state][1])
        if cond is not None:
            q = q.where(cond)
    word = f.keyword.strip()
    if word:
        if count:  # the count's lighter joins may lack a searched column: count the full query
            full, _ = _query(actor, led, f)
            return select(func.count()).select_from(full.subquery()), rec
        q = q.where(_keyword(led, rec, word))
    return q, rec


def _case_column(rec: Record) -> Any:
    """The case a row belongs to (None where the record has no case)."""
    if rec.name == "cases":
        return rec.table.id
    if hasattr(rec.table, "case_id"):
        return rec.table.case_id
    return None


def _columns(led: LedgerDef, rec: Record) -> list[Any]:
    cols = [rec.table.id.label("_id")]
    case_col = _case_column(rec)
    if case_col is not None:
        cols.append(case_col.label("_case_id"))
    for c in led.columns:
        expr = rec.fields[c].expr
        if expr is not None:
            cols.append(expr.label(c))
    if led.warning == "legal_end":
        cols += [rec.table.kind.label("_kind"), rec.table.started_at.label("_started"),
                 rec.table.ended_at.label("_ended"), rec.table.limit_at.label("_limit")]
    return cols


def _order(led: LedgerDef, rec: Record, f: Filters) -> list[Any]:
    name = f.sort if f.sort in led.columns else led.order[0]
    desc = f.desc if f.sort in led.columns else led.order[1]
    if name in ("legal_end", "days_left"):
        name = "started_at"
    expr = rec.fields[name].expr if name in rec.fields and rec.fields[name].expr is not None else \
        rec.fields[led.date_field].expr
    return [expr.desc() if desc else expr.asc(), rec.table.id.desc() if desc else rec.table.id.asc()]


def ledger_page(actor: Actor, led: LedgerDef, f: Filters) -> tuple[list[dict[str, Any]], int]:
    """One page of a ledger as display rows, and the number of rows matching."""
    require(actor, "ledger.view")
    q, rec = _query(actor, led, f)
    s = db.session()
    total = s.scalar(_query(actor, led, f, count=True)[0]) or 0
    page = max(1, f.page)
    rows = s.execute(q.with_only_columns(*_columns(led, rec)).order_by(*_order(led, rec, f))
                     .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    as_of = f.as_of or beijing_today()
    return [display_row(led, rec, r._mapping, as_of) for r in rows], total


def ledger_rows(actor: Actor, led: LedgerDef, f: Filters, *, raw: bool = False) -> Iterator[dict[str, Any]]:
    """Every row of a ledger (for export), streamed in the ledger's order; ``raw``: times
    and dates as Beijing ``datetime``/``date`` values (Excel cells) instead of text."""
    require(actor, "ledger.view")
    q, rec = _query(actor, led, f)
    as_of = f.as_of or beijing_today()
    result = db.session().execute(q.with_only_columns(*_columns(led, rec)).order_by(*_order(led, rec, f))
                                  .execution_options(yield_per=1000))
    for r in result:
        yield display_row(led, rec, r._mapping, as_of, raw=raw)


def headers(led: LedgerDef) -> list[tuple[str, str]]:
    rec = CATALOG[led.record]
    return [(c, rec.fields[c].label) for c in led.columns]


def display_row(led: LedgerDef, rec: Record, m: Any, as_of: dt.date, *, raw: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"_id": m["_id"], "_case_id": m.get("_case_id")}
    for c in led.columns:
        fld = rec.fields[c]
        if fld.expr is None:
            continue
        out[c] = (utc_to_beijing(m[c]) if raw and fld.kind == "time" and m[c] is not None
                  else display(fld.kind, m[c]))
    if led.warning == "legal_end" and m["_started"] is not None:
        start = utc_to_beijing(m["_started"]).date()
        end = utc_to_beijing(m["_limit"]).date() if m["_limit"] else legal_end(m["_kind"], start)
        out["legal_end"] = (end if raw else end.isoformat()) if end else ""
        if end is not None and m["_ended"] is None:
            left = days_left(end, as_of)
            out["days_left"] = left
            out["_grade"] = grade(left)
        else:
            out["days_left"] = ""
    return out


def display(kind: str, value: Any) -> Any:
    if value is None:
        return ""
    if kind == "time":
        return utc_to_beijing(value).strftime("%Y-%m-%d %H:%M")
    if kind == "bool":
        return "是" if value else "否"
    if kind == "nature":
        return INCIDENT_NATURES.get(value, value)
    if kind == "case_kind":
        return CASE_KINDS.get(value, value)
    if kind == "measure_kind":
        return MEASURE_KINDS.get(value, value)
    if kind == "decision_kind":
        return DECISION_KINDS.get(value, ("", value))[1]
    if kind == "voided":
        return "已作废"
    return value


# -- pickers ---------------------------------------------------------------------

def units(actor: Actor) -> list[Unit]:
    q = filter_units(select(Unit).where(Unit.active.is_(True)), Unit.id, actor).order_by(Unit.name)
    return list(db.session().scalars(q))


def officers(actor: Actor, unit_id: int | None = None) -> list[Officer]:
    q = filter_units(select(Officer).where(Officer.active.is_(True)), Officer.unit_id, actor)
    if unit_id:
        q = q.where(Officer.unit_id == unit_id)
    return list(db.session().scalars(q.order_by(Officer.name).limit(2000)))


def find_cases(actor: Actor, text: str, limit: int = 20) -> list[Case]:
    """Cases whose number or name contains ``text`` (for picking, not retyping)."""
    q = visible_cases(actor)
    if text:
        like = f"%{text}%"
        q = q.where(or_(Case.case_no.like(like), Case.name.like(like)))
    return list(db.session().scalars(q.order_by(Case.accepted_at.desc()).limit(limit)))


def case_people(case: Case) -> list[CasePerson]:
    return list(db.session().scalars(select(CasePerson).where(CasePerson.case_id == case.id)
                                     .order_by(CasePerson.id)))


def get_case(actor: Actor, case_id: int) -> Case:
    case = db.session().scalars(visible_cases(actor).where(Case.id == case_id)).first()
    if case is None:
        raise NotFound()
    return case


def get_decision(actor: Actor, decision_id: int) -> OutsideDecision:
    require(actor, "ledger.view")
    d = db.session().get(OutsideDecision, decision_id)
    if d is None:
        raise NotFound()
    require(actor, "ledger.view", d.unit_id)
    return d


def history(record_kind: str, record_id: int) -> list[RecordHistory]:
    return list(db.session().scalars(select(RecordHistory).where(
        RecordHistory.record_kind == record_kind, RecordHistory.record_id == record_id)
        .order_by(RecordHistory.id)))


def get_run(actor: Actor, run_id: int) -> ImportRun:
    require(actor, "ledger.import")
    run = db.session().get(ImportRun, run_id)
    if run is None:
        raise NotFound()
    return run


def recent_runs(actor: Actor, limit: int = 20) -> list[ImportRun]:
    require(actor, "ledger.import")
    return list(db.session().scalars(select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)))


def user_names(ids: list[int | None]) -> dict[int, str]:
    """Display names of the users ``ids`` (the entry page's history: who changed what)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.session().execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def units_fixed() -> bool:
    v = db.session().get(LedgerSetting, "units_fixed")
    return v is not None and v.value == "1"
