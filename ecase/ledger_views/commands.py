"""``ecase import`` and ``ecase ledger-units``: the command-line doors to ledgers."""

from __future__ import annotations

import json
from typing import Any
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ecase import db
from ecase.cli_support import actor_option, audited, clean_errors, resolve_actor
from ecase.ledger_views import operations


def contract_json(full: dict[str, Any]) -> dict[str, Any]:
    """Exactly the shape the command promises: new/updated/unchanged counts per kind and
    the rejected rows as {file, row, column, reason} (an .xlsx sheet's name goes into the
    reason). The web report keeps the fuller form."""
    errors = []
    for e in full["errors"]:
        reason = e["reason"] if not e.get("sheet") else f"[工作表 {e['sheet']}] {e['reason']}"
        errors.append({"file": e["file"], "row": e["row"], "column": e["column"], "reason": reason})
    return {"new": full["new"], "updated": full["updated"], "unchanged": full["unchanged"], "errors": errors}


@click.command("import")
@with_appcontext
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--mode", type=click.Choice(["all", "good-rows"]), default="all", show_default=True,
              help="all: a file is committed whole or not at all; good-rows: good rows are "
                   "committed and bad rows reported.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@actor_option
@clean_errors
def import_cmd(files: tuple[str, ...], mode: str, as_json: bool, as_user: str | None) -> None:
    """Import system exports (FILES: .xlsx or .csv, UTF-8 or GB18030) into the ledgers.

    The kind of each file (or sheet) is detected from its headers. Importing the same
    export again changes nothing; a newer one updates records by 警情编号, 案件编号 and
    文号 and keeps their history. Exit status 1 when a row was rejected or a file could
    not be imported (notes on unknown header columns alone do not fail)."""
    actor = resolve_actor(as_user)
    last = {"n": 0}

    def progress(name: str, rows: int, fraction: float | None) -> None:
        if as_json or rows - last["n"] < 50_000 and fraction != 1.0:
            return
        last["n"] = rows
        pct = f" {fraction * 100:.0f}%" if fraction is not None else ""
        click.echo(f"  {name}: {rows} 行{pct}", err=True)

    with audited(actor, "import", "ledger", "", {"files": [Path(f).name for f in files],
                                                  "mode": mode}) as detail:
        run_id, report = operations.run_import(actor, [(Path(f), Path(f).name) for f in files], mode,
                                               progress=progress)
        detail.update(run_id=run_id, rows=report.rows, rejected=report.rejected_rows)
    if as_json:
        click.echo(json.dumps(contract_json(report.to_json()), ensure_ascii=False, indent=1))
    else:
        kinds = [k for k in report.new if report.new[k] or report.updated[k] or report.unchanged[k]]
        for k in kinds:
            click.echo(f"{k}: 新增 {report.new[k]}，更新 {report.updated[k]}，未变 {report.unchanged[k]}")
        for e in report.errors:
            sheet = f"[{e['sheet']}]" if e.get("sheet") else ""
            click.echo(f"{e['file']}{sheet} 第 {e['row']} 行 {e['column']}：{e['reason']}", err=True)
        click.echo(f"共 {report.rows} 行，拒绝 {report.rejected_rows} 行", err=True)
    if report.failed:
        sys.exit(1)


@click.command("ledger-units")
@with_appcontext
@click.option("--fix/--learn", default=None,
              help="--fix: the list of units is final, rows naming another unit are reported; "
                   "--learn: units named in exports are added (the default of a fresh installation).")
@actor_option
@clean_errors
def ledger_units(fix: bool | None, as_user: str | None) -> None:
    """Show or set whether the bureau's list of units is fixed for imports."""
    from ecase.ledger_views.queries import units_fixed

    actor = resolve_actor(as_user)
    if fix is not None:
        with audited(actor, "change", "setting", "units_fixed", {"fixed": fix}):
            operations.set_units_fixed(actor, fix)
    click.echo("单位名单已固定 / units fixed" if units_fixed() else "单位从导入中学习 / units learnt")


@click.command("ledger-demo")
@with_appcontext
@click.option("--incidents", type=int, default=5000, show_default=True, help="Incidents to make.")
@click.option("--cases", type=int, default=1500, show_default=True, help="Cases to make (with their records).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the synthetic bureau.")
@click.option("--exports", "exports_dir", type=click.Path(file_okay=False), default=None,
              help="Write the system exports (CSV) here instead of loading the database.")
def ledger_demo(incidents: int, cases: int, seed: int, exports_dir: str | None) -> None:
    """Make a synthetic bureau (made-up names) for a demo: load it straight into the
    database, or write its system exports to import with `ecase import`."""
    from ecase.demo import load_bureau
    from ledgers import synthetic

    bureau = synthetic.make_bureau(seed)
    if exports_dir:
        for path in synthetic.write_exports(bureau, Path(exports_dir), incidents=incidents, cases=cases):
            click.echo(str(path))
        return
    with db.unit_of_work() as s:
        counts = load_bureau(s, bureau, incidents=incidents, cases=cases)
    click.echo(json.dumps(counts, ensure_ascii=False))


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (import_cmd, ledger_units, ledger_demo)
