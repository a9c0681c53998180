"""``ecase export`` and ``ecase verify``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ecase.cli_support import actor_option, audited, clean_errors, resolve_actor


@click.command("export")
@with_appcontext
@click.argument("case_no")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Where to write the package (.zip).")
@click.option("--include-secondary", is_flag=True, help="Also export the secondary volume (副卷).")
@actor_option
@clean_errors
def export_cmd(case_no: str, out: str, include_secondary: bool, as_user: str | None) -> None:
    """Write the package of case CASE_NO for the procuratorate: one searchable PDF per
    volume, manifest.json and its checksum."""
    from ecase.exports.operations import export_case
    from ecase.intake.operations import find_case

    actor = resolve_actor(as_user)
    written = False
    try:  # export_case records the export; committed here, or the package is not handed out
        with audited(actor, "export", "case", case_no, by_operation=True):
            case = find_case(actor, case_no)
            manifest = export_case(actor, case, Path(out), include_secondary=include_secondary,
                                   progress=lambda msg: click.echo(msg, err=True))
            written = True
    except BaseException:
        if written:
            Path(out).unlink(missing_ok=True)
        raise
    vols = manifest.get("volumes", [])
    click.echo(f"已导出 {case_no}：{len(vols)} 卷，{sum(v.get('page_count', 0) for v in vols)} 页 → {out}")


@click.command("verify")
@with_appcontext
@click.argument("package", type=click.Path(exists=True, dir_okay=False))
@click.option("--offline", is_flag=True,
              help="Check the package alone, without comparing it with this ecase's database.")
def verify_cmd(package: str, offline: bool) -> None:
    """Check an export package: exit 0 when whole, otherwise name every file and page
    that differs from its manifest (exit 1). Where the case is in this ecase's database,
    also check that the package holds every page of every scan accepted into it."""
    from ecase.exports import verify_main
    from ecase.exports.operations import compare_with_db

    sys.exit(verify_main(package, database=None if offline else compare_with_db))


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (export_cmd, verify_cmd)
