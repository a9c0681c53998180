"""Writes of the ledger area, each taking the acting user first.

Supplementary entries (``create_decision``, ``correct_decision``, ``void_decision``) only
flush, like every operation. ``run_import`` is the exception the importer's design
needs: it is itself a commit point (one transaction per file, see
``ecase.ledger_views.importing``) and is called only from the command, the upload
thread, or a test — never from inside another transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from flask import current_app

from ecase import db
from ecase.access import Actor, require
from ecase.errors import InvalidInput
from ecase.ledger_views.importing import MODES, ImportReport, Importer, Progress
from ecase.models import Case, Officer
from ecase.models._types import utcnow
from ecase.models.ledgers import (
    DECISION_KINDS,
    CasePerson,
    ImportRun,
    LedgerSetting,
    OutsideDecision,
    RecordHistory,
)
from ledgers.mapping import load_mapping
from ledgers.values import beijing_to_utc

log = logging.getLogger(__name__)

#: run id -> {"file", "rows", "fraction"} while an upload imports in this process


def mapping_file() -> Path:
    """A bureau's header mapping on top of the default: ``DATA_DIR/ledger_mapping.json``."""
    return Path(current_app.config["DATA_DIR"]) / "ledger_mapping.json"


def create_run(actor: Actor, names: list[str], mode: str) -> ImportRun:
    require(actor, "ledger.import")
    if mode not in MODES:
        raise InvalidInput(f"导入方式应为 {' 或 '.join(MODES)}")
    run = ImportRun(mode=mode, state="queued", files=names, user_id=actor.user_id)
    db.session().add(run)
    db.session().flush()
    return run


def run_import(actor: Actor, files: list[tuple[Path, str]], mode: str = "all", *,
               run_id: int | None = None, progress: Progress | None = None) -> tuple[int, ImportReport]:
    """Import ``(path, display name)`` files; commits per file (see the module docstring).
    Returns the run's id and its report."""
    require(actor, "ledger.import")
    s = db.session()
    if run_id is None:
        run = create_run(actor, [n for _, n in files], mode)
    else:
        run = s.get(ImportRun, run_id)  # type: ignore[assignment]
        assert run is not None
    run.state = "running"
    s.commit()
    run_id = run.id
    mf = mapping_file()
    imp = Importer(s, mode=mode, run_id=run_id, mapping=load_mapping(mf if mf.exists() else None),
                   progress=progress)
    try:
        report = imp.import_files(files)
    except Exception as e:
        s.rollback()
        run = s.get(ImportRun, run_id)
        assert run is not None
        run.state, run.error, run.finished_at = "failed", str(e)[:2000], utcnow()
        s.commit()
        log.exception("import run %s failed", run_id)
        raise
    run = s.get(ImportRun, run_id)
    assert run is not None
    run.state = "done"
    run.finished_at = utcnow()
    run.rows = report.rows
    run.rejected = report.rejected_rows
    run.report = report.to_json()
    s.commit()
    log.info("import run %s: %d rows, %d rejected", run_id, report.rows, report.rejected_rows)
    return run_id, report


def start_upload_import(run_id: int, files: list[tuple[str, str]], mode: str) -> None:
    """Queue the import of uploaded files (blob keys and names) as a background task; its
    progress is written on the run for the page to poll."""
    from ecase.ledger_views.tasks import import_uploaded
    from ecase.tasks import after_commit

    after_commit(import_uploaded, run_id, files, mode)


def set_units_fixed(actor: Actor, fixed: bool) -> None:
    """Fix (or unfix) the bureau's list of units: once fixed, imports report rows naming
    an unknown unit instead of learning it."""
    require(actor, "ledger.import")
    s = db.session()
    row = s.get(LedgerSetting, "units_fixed")
    if row is None:
        s.add(LedgerSetting(key="units_fixed", value="1" if fixed else "0"))
    else:
        row.value = "1" if fixed else "0"
    s.flush()


# -- supplementary entries ----------------------------------------------------------

FIELDS = ("kind", "case_id", "person_id", "officer_id", "decision_no", "decided_at", "result", "note")


def _clean(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    s = db.session()
    kind = values.get("kind")
    if kind not in DECISION_KINDS:
        raise InvalidInput("请选择决定类型")
    case = s.get(Case, values.get("case_id") or 0)
    if case is None:
        raise InvalidInput("请选择案件")
    require(actor, "ledger.supplement", case.unit_id)
    person_id = values.get("person_id") or None
    if person_id is not None:
        p = s.get(CasePerson, person_id)
        if p is None or p.case_id != case.id:
            raise InvalidInput("所选人员不属于该案件")
    officer_id = values.get("officer_id") or None
    if officer_id is not None and s.get(Officer, officer_id) is None:
        raise InvalidInput("所选民警不存在")
    decided = values.get("decided_at")
    if isinstance(decided, dt.date) and not isinstance(decided, dt.datetime):
        decided = dt.datetime.combine(decided, dt.time())
    if decided is None:
        raise InvalidInput("请填写决定日期")
    decided_utc = beijing_to_utc(decided)
    if decided_utc > utcnow() + dt.timedelta(days=1):
        raise InvalidInput("决定日期不能在将来")
    return {"kind": kind, "body": DECISION_KINDS[kind][0], "case_id": case.id, "unit_id": case.unit_id,
            "person_id": person_id, "officer_id": officer_id or case.lead_officer_id,
            "decision_no": (values.get("decision_no") or "").strip() or None, "decided_at": decided_utc,
            "result": (values.get("result") or "").strip() or None,
            "note": (values.get("note") or "").strip() or None}


def _json(v: Any) -> Any:
    return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v


def create_decision(actor: Actor, values: dict[str, Any]) -> OutsideDecision:
    """A reviewer enters a procuratorate, court or legal-office decision (补录)."""
    clean = _clean(actor, values)
    d = OutsideDecision(**clean, origin="supplementary", created_by_id=actor.user_id, created_at=utcnow())
    s = db.session()
    s.add(d)
    s.flush()
    s.add(RecordHistory(record_kind="decisions", record_id=d.id, action="create", user_id=actor.user_id,
                        changes={k: [None, _json(v)] for k, v in clean.items() if v is not None}))
    s.flush()
    log.info("decision %s (%s) entered by %s", d.id, d.kind, actor.name)
    return d


def correct_decision(actor: Actor, d: OutsideDecision, values: dict[str, Any], reason: str) -> OutsideDecision:
    """Correct an entry; the old values stay in its history with who, when and why."""
    require(actor, "ledger.supplement", d.unit_id)
    if d.voided_at is not None:
        raise InvalidInput("已作废的记录不能更正")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写更正原因")
    clean = _clean(actor, {**{k: getattr(d, k) for k in FIELDS}, **values,
                           "decided_at": values.get("decided_at") or _local(d.decided_at)})
    changes = {k: [_json(getattr(d, k)), _json(v)] for k, v in clean.items() if getattr(d, k) != v}
    if not changes:
        return d
    for k, v in clean.items():
        setattr(d, k, v)
    d.updated_by_id = actor.user_id
    d.updated_at = utcnow()
    db.session().add(RecordHistory(record_kind="decisions", record_id=d.id, action="correct",
                                   user_id=actor.user_id, changes=changes, reason=reason[:200]))
    db.session().flush()
    return d


def void_decision(actor: Actor, d: OutsideDecision, reason: str) -> OutsideDecision:
    """Mark an entry void (it stays, with the reason); nothing is erased."""
    require(actor, "ledger.supplement", d.unit_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写作废原因")
    if d.voided_at is None:
        d.voided_at = utcnow()
        d.void_reason = reason[:200]
        d.updated_by_id = actor.user_id
        d.updated_at = d.voided_at
        db.session().add(RecordHistory(record_kind="decisions", record_id=d.id, action="void",
                                       user_id=actor.user_id, reason=reason[:200]))
        db.session().flush()
    return d


def _local(v: dt.datetime | None) -> dt.datetime | None:
    from ledgers.values import utc_to_beijing

    return utc_to_beijing(v) if v is not None else None
