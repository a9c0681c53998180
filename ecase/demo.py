"""``ecase demo``: a data directory with something to look at.

Creates a small synthetic bureau (units, officers, a year of incidents and cases with
their measures and documents, late and missing ones included), made by
``ledgers.synthetic`` and put straight into the database by :func:`load_bureau`; the
accounts; a synthetic bound volume (cover, catalog, documents, blank backs, backup
sheet — every name and number invented) ingested through the same path a clerk's upload
takes; and the supervision findings as of today. Running it again changes nothing. The
accounts' passwords are printed once and kept, readable only by the owner, in
``DATA_DIR/demo-accounts.txt``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ecase import db
from ecase.access import Actor
from ecase.models import Case, Unit, User

if TYPE_CHECKING:
    from ledgers.synthetic import Bureau
    from scanning.synthetic.facts import CaseFacts

log = logging.getLogger(__name__)
DEMO_SEED = 7


def _unit(name: str, kind: str) -> Unit:
    s = db.session()
    unit = s.scalars(select(Unit).where(Unit.name == name)).first()
    if unit is None:
        unit = Unit(name=name, kind=kind)
        s.add(unit)
        s.flush()
    return unit


def _account(username: str, display: str, unit: Unit, role: str, lines: list[str]) -> User:
    from ecase.accounts.operations import create_user

    user = db.session().scalars(select(User).where(User.username == username)).first()
    if user is None:
        user, password = create_user(username, display, unit, role, None)
        lines.append(f"{username}\t{password}\t{user.role_name}\t{unit.name}")
    return user


def load_bureau(session: Any, b: Bureau, *, incidents: int = 1000, cases: int = 300,
                batch: int = 5000) -> dict[str, int]:
    """Insert the synthetic bureau ``b`` (``ledgers.synthetic``) straight into an ecase
    database (``session``: a SQLAlchemy Session) in bulk, outside decisions included (as
    supplementary entries). It reuses the importer's batch writers, skipping only files
    and cell parsing. Returns counts per kind; the caller commits."""
    from ecase.ledger_views import writers
    from ecase.ledger_views.importing import FileState, Importer
    from ecase.models.ledgers import DECISION_KINDS, CasePerson, OutsideDecision
    from ledgers.mapping import KINDS
    from ledgers.rows import ParsedRow
    from ledgers.synthetic import export_rows
    from ledgers.values import beijing_to_utc, parse_document_title

    counts = {"incidents": 0, "cases": 0, "measures": 0, "documents": 0, "case_area": 0, "decisions": 0}
    imp = Importer(session, mode="good-rows")
    fs = FileState("synthetic")
    buffers: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
    handlers: dict[str, writers.Writer] = {}
    decisions: list[tuple[str, dict[str, Any]]] = []
    order = ["incidents", "cases", "measures", "documents", "case_area"]

    def flush(kind: str) -> None:
        if not buffers[kind]:
            return
        if kind not in handlers:
            fs.kinds.append(kind)
            handlers[kind] = writers.HANDLERS[kind](imp, fs, {i: f.name for i, f in enumerate(KINDS[kind])})
        rows = []
        for i, rec in enumerate(buffers[kind]):
            vals = {f.name: rec.get(f.name) for f in KINDS[kind]}
            vals = {k: beijing_to_utc(v) if isinstance(v, dt.datetime) else v for k, v in vals.items()}
            if kind == "documents":
                vals["title"] = parse_document_title(vals["title"])
            rows.append(ParsedRow(i + 2, vals))
        handlers[kind].flush(rows)
        buffers[kind] = []

    for kind, rec in export_rows(b, incidents, cases):
        buffers[kind].append(rec)
        counts[kind] += 1
        if kind == "cases":
            decisions.extend((rec["case_no"], d) for d in rec["decisions"])
        if len(buffers[kind]) >= batch:
            for k in order[:order.index(kind) + 1]:
                flush(k)
    for k in order:
        flush(k)
    if fs.errors:
        raise ValueError(f"synthetic bureau did not load: {fs.errors[:3]}")
    for i in range(0, len(decisions), 500):
        chunk = decisions[i:i + 500]
        found = {no: (cid, uid, lead) for no, cid, uid, lead in session.execute(
            select(Case.case_no, Case.id, Case.unit_id, Case.lead_officer_id)
            .where(Case.case_no.in_([no for no, _ in chunk])))}
        people = {(cid, name): pid for pid, cid, name in session.execute(
            select(CasePerson.id, CasePerson.case_id, CasePerson.name)
            .where(CasePerson.case_id.in_([c[0] for c in found.values()])))}
        rows = []
        for no, d in chunk:
            cid, uid, lead = found[no]
            rows.append({"body": DECISION_KINDS[d["kind"]][0], "kind": d["kind"], "case_id": cid,
                         "unit_id": uid, "person_id": people.get((cid, d.get("person"))),
                         "officer_id": lead, "decision_no": d["decision_no"],
                         "decided_at": beijing_to_utc(d["decided_at"]), "result": d.get("result"),
                         "origin": "supplementary", "created_at": imp.now})
        if rows:
            session.execute(OutsideDecision.__table__.insert(), rows)
            counts["decisions"] += len(rows)
    return counts


@click.command("demo")
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True, help="Which synthetic case to render.")
@click.option("--incidents", type=int, default=3000, show_default=True, help="Incidents in the demo ledgers.")
@click.option("--cases", type=int, default=600, show_default=True, help="Cases in the demo ledgers.")
@with_appcontext
def demo_command(seed: int, incidents: int, cases: int) -> None:
    """Fill the data directory with a demo bureau (units, accounts, a year of ledgers,
    the supervision findings) and one scanned volume. Running it again changes nothing."""
    from ledgers.synthetic import make_bureau
    from scanning.synthetic import default_scan, make_case, write_scan

    from ecase.accounts.operations import ensure_first_admin
    from ecase.intake import operations
    from ecase.models.ledgers import Incident
    from ecase.tasks import celery

    data_dir = Path(current_app.config["DATA_DIR"])
    facts = make_case(seed)
    bureau = make_bureau(seed, end=dt.date.today())
    station_name = next(iter(bureau.units))
    lines: list[str] = []
    with db.unit_of_work() as s:
        if s.scalars(select(Incident.id).limit(1)).first() is None:
            click.echo(f"正在生成演示台账：{len(bureau.units)} 个单位，{incidents} 起警情，{cases} 起案件 …")
            load_bureau(s, bureau, incidents=incidents, cases=cases)
    with db.unit_of_work():
        admin_password = ensure_first_admin(current_app)
        if admin_password:
            lines.append(f"admin\t{admin_password}\t管理员\t法制大队")
        legal = _unit("法制大队", "legal")
        station = _unit(station_name, "station")
        _account("reviewer", "法制审核员", legal, "reviewer", lines)
        _account("clerk", "派出所内勤", station, "clerk", lines)
        _account("leader", "派出所所长", station, "leader", lines)
    if lines:
        accounts = data_dir / "demo-accounts.txt"
        with open(os.open(accounts, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as f:
            f.write("".join(line + "\n" for line in lines))
        click.echo("演示账号（密码只显示这一次，另存于 %s）：" % accounts)
        for line in lines:
            user, password, role, unit = line.split("\t")
            click.echo(f"  {user:<10} {password:<20} {role}（{unit}）")

    case = db.session().scalars(select(Case).where(Case.case_no == facts.case_no)).first()
    if case is not None and _has_pages(case):
        click.echo(f"演示卷宗已存在：{facts.case_no} {facts.case_name}")
    else:
        click.echo(f"正在生成并识别演示卷宗：{facts.case_no} {facts.case_name} …")
        _write_names(facts)
        scan = default_scan(seed, "criminal_main")
        demo_dir = data_dir / "demo"
        demo_dir.mkdir(exist_ok=True)
        pdf = write_scan(scan, demo_dir / f"demo-{seed}.pdf")
        actor = Actor.system()
        with db.unit_of_work():
            station = _unit(station_name, "station")
            case = operations.find_or_create_case(actor, facts.case_no, name=facts.case_name,
                                                  unit_id=station.id)
            volume = operations.find_or_create_volume(actor, case, "criminal_main", 1)
            with open(pdf, "rb") as f:
                _scan, job = operations.accept_scan(actor, volume, f, pdf.name)
        celery.conf.task_always_eager = True
        operations.queue_job(job)
        click.echo(f"演示卷宗已入库：{len(scan.images)} 页。")
    _record_findings()


def _write_names(f: CaseFacts) -> None:
    """The demo bureau's own names for recognition (DATA_DIR/names.txt), unless a file is there
    or the setting names a file elsewhere."""
    data_dir = Path(current_app.config["DATA_DIR"])
    path = Path(current_app.config.get("NAMES_FILE") or data_dir / "names.txt")
    if path.exists() or path.parent.resolve() != data_dir.resolve():
        return
    lines = ["# 本局及常打交道的机关（识别时据此纠正 OCR 误认）", f.authority, f.procuratorate, f.court,
             f.review_body, f.detention_center, "# 文号机关代字", f"{f.abbrev}公"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _record_findings() -> None:
    """Evaluate the rules as of today and record the findings (the dashboard's content)."""
    from ecase.supervision import operations as supervision
    from ecase.supervision.config import rules_config
    from ecase.supervision.evaluate import evaluate_db

    today = dt.date.today()
    with db.unit_of_work() as s:
        found = evaluate_db(s, today, rules_config())
        report = supervision.record_findings(Actor.system(), found, today)
    click.echo(f"执法监督：截至 {today} 发现问题 {len(found)} 个（新增 {report.created}）。")


def _has_pages(case: Case) -> bool:
    from ecase.models import Volume

    vols = db.session().scalars(select(Volume).where(Volume.case_id == case.id)).all()
    return any(v.current is not None for v in vols)

