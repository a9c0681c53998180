"""``ecase check`` and ``ecase bulletin``: the command-line doors to supervision."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from ecase import db
from ecase.cli_support import actor_option, audited, clean_errors, resolve_actor
from ecase.models import Unit
from ecase.supervision import operations
from ecase.supervision.bulletins import KINDS
from ecase.supervision.config import rules_config
from ecase.supervision.evaluate import evaluate_db
from ledgers.rules.config import ConfigError


def _config(path: str | None):  # type: ignore[no-untyped-def]
    try:
        return rules_config(path)
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


@click.command("check")
@with_appcontext
@click.option("--as-of", "as_of", required=True, help="Judge as of this day (YYYY-MM-DD), at its end.")
@click.option("--json", "as_json", is_flag=True, help='Print {"as_of": ..., "findings": [...]}.')
@click.option("--config", "config_path", default=None, type=click.Path(exists=True, dir_okay=False),
              help="A bureau configuration file (default DATA_DIR/supervision.toml).")
@click.option("--record", is_flag=True,
              help="Also record the findings (new ones open; ones no longer true are closed by the system).")
@click.option("--no-cross-checks", is_flag=True, help="Only the rules of RULES.md, not the dossier cross-checks.")
@actor_option
@clean_errors
def check(as_of: str, as_json: bool, config_path: str | None, record: bool, no_cross_checks: bool,
          as_user: str | None) -> None:
    """Evaluate every rule and cross-check on the ledgers and dossiers and print the findings.

    Findings are not an error: the exit status is 0 whenever the evaluation ran."""
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--as-of") from None
    cfg = _config(config_path)
    actor = resolve_actor(as_user)
    with audited(actor, "view", "findings", "", {"as_of": day.isoformat(), "record": record}) as detail:
        s = db.session()
        found = evaluate_db(s, day, cfg, cross_checks=not no_cross_checks)
        if not actor.all_units:
            found = [f for f in found if f.unit_id == actor.unit_id]
        detail["findings"] = len(found)
        if record:
            from ecase.supervision import queries

            report = operations.record_findings(actor, found, day)
            operations.refresh_rates(actor, cfg, [f"{day:%Y-%m}", queries.latest_period(s, cfg)])
    if as_json:
        # exactly the keys of the command's contract (issue 6); `detail` and the handling
        # officers are in the plain-text output and on the finding's page
        keys = ("rule", "grade", "case_no", "incident_no", "unit", "lead_officer",
                "due_on", "days_over", "evidence")
        body = {"as_of": day.isoformat(),
                "findings": [{k: f.to_json()[k] for k in keys} for f in found]}
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
        return
    for f in found:
        click.echo(f"{f.grade:6} {f.rule:26} {f.case_no or f.incident_no or '':24} {f.unit or '':10} "
                   f"{f.lead_officer or '':6} due={f.due_on or '-'} over={f.days_over} {f.detail}")
    click.echo(f"{len(found)} findings as of {day}")
    if record:
        click.echo(f"recorded: {report.created} new, {report.updated} seen again, "
                   f"{report.closed} closed by the system, {report.reopened} reopened")


@click.command("bulletin")
@with_appcontext
@click.option("--kind", required=True, type=click.Choice(list(KINDS)), help="Which bulletin.")
@click.option("--period", required=True, help="2018-01 (month), 2018-W03 (week), 2018, or 2018-01-01..2018-01-15.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Directory for the PDF and workbook.")
@click.option("--unit", "unit_name", default=None, help="Only this unit (problem feedback to one unit).")
@click.option("--date", "issued", default=None, help="Date printed on the bulletin (default today).")
@click.option("--config", "config_path", default=None, type=click.Path(exists=True, dir_okay=False))
@actor_option
@clean_errors
def bulletin(kind: str, period: str, out_dir: str, unit_name: str | None, issued: str | None,
             config_path: str | None, as_user: str | None) -> None:
    """Number and write a bulletin for PERIOD as KIND-PERIOD.pdf and .xlsx in DIR."""
    cfg = _config(config_path)
    actor = resolve_actor(as_user)
    today = dt.date.fromisoformat(issued) if issued else \
        (dt.datetime.now(dt.UTC) + dt.timedelta(hours=cfg.tz_offset_hours)).date()
    with audited(actor, "export", "bulletin", "", {"kind": kind, "period": period,
                                                   "unit": unit_name or ""}) as detail:
        s = db.session()
        unit = None
        if unit_name:
            unit = s.query(Unit).filter_by(name=unit_name).first()
            if unit is None:
                raise click.ClickException(f"no such unit: {unit_name}")
        b, pdf, xlsx = operations.create_bulletin(actor, kind, period, cfg, unit=unit, today=today)
        number, label = b.number, b.period
        detail.update(number=number, bulletin_id=b.id)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-{label}" + (f"-{unit_name}" if unit_name else "")
    (out / f"{stem}.pdf").write_bytes(pdf)
    (out / f"{stem}.xlsx").write_bytes(xlsx)
    click.echo(f"{number}: {out / (stem + '.pdf')} {out / (stem + '.xlsx')}")


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (check, bulletin)
