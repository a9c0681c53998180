"""``ecase storage verify``: fixity of the blob store against the database.

Every blob the database refers to (``ecase.blobs.key_columns``) must be in the store, and
every stored blob's bytes must still hash to its key. The keys are read from the
database *before* the store is listed: a row is committed only after its blob was
stored, so a key read first is never reported missing because it was being written.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ecase.cli_support import clean_errors


@click.group("storage", cls=AppGroup)
def storage_group() -> None:
    """The blob store (ECASE_STORAGE_URL): original scans, page images, packages."""


@storage_group.command("verify")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="N",
              help="Re-hash only N blobs drawn at random from those the database refers to. "
                   "Whether each of them is in the store is checked in full all the same.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=4, show_default=True,
              help="Blobs read at once (threads).")
@clean_errors
def verify_cmd(sample: int | None, jobs: int) -> None:
    """Re-hash the stored blobs and report every missing or changed one, with the rows
    that refer to it; exit 1 if there is any. Works the same on local disk and S3."""
    from storage import fixity

    from ecase import db
    from ecase.blobs import referenced_keys, referrers, store

    session = db.session()
    expected = referenced_keys(session)
    session.rollback()  # hold no read transaction while the blobs are read

    def progress(n: int) -> None:
        if n % 1000 == 0:
            click.echo(f"  {n} …", err=True)

    def problem(p: fixity.Problem) -> None:
        where = ", ".join(referrers(session, [p.key])[p.key]) or "not referred to"
        session.rollback()
        click.echo(f"{p.kind:<10} {p.key}  {p.detail}; {where}")

    s = store()
    report = fixity.check(s, expected, sample=sample, jobs=jobs, on_problem=problem,
                          on_progress=progress)
    scope = f"{report.checked} re-hashed" + (f" (a sample of {sample})" if sample else "")
    summary = (f"{report.stored} blobs in {s!r}, {scope}; {report.expected} referred to by the "
               f"database, {report.unexpected} not referred to")
    if report.ok:
        click.echo(f"存储完好 / storage OK: {summary}")
        return
    kinds: dict[str, int] = {}
    for p in report.problems:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    click.echo(f"存储有问题 / storage PROBLEMS: {counts}; {summary}", err=True)
    sys.exit(1)


@storage_group.command("copy", with_appcontext=False)
@click.argument("target_url", metavar="TO_URL")
@click.option("--from", "source_url", metavar="URL", default=None,
              help="Copy from this store instead of ECASE_STORAGE_URL.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=4, show_default=True,
              help="Blobs copied at once (threads).")
@clean_errors
def copy_cmd(target_url: str, source_url: str | None, jobs: int) -> None:
    """Copy every blob into the store at TO_URL (a folder, file:///path or
    s3://bucket/prefix), each re-hashed on the way. Blobs it holds already are skipped and
    nothing is deleted, so copying again copies only what is new. No database is needed.

    The blob half of a PostgreSQL/S3 backup, and of its restore with --from
    (docs/deploy.md). Exit 1 if a blob is missing or changed."""
    from storage import fixity, open_store, transfer

    from ecase import settings

    source = open_store(source_url or settings.load()["STORAGE_URL"])
    target = open_store(target_url)

    def problem(p: fixity.Problem) -> None:
        click.echo(f"{p.kind:<10} {p.key}  {p.detail}", err=True)

    def progress(n: int) -> None:
        if n % 1000 == 0:
            click.echo(f"  {n} …", err=True)

    report = transfer.copy(source, target, jobs=jobs, on_problem=problem, on_progress=progress)
    click.echo(f"已复制 / copied {source!r} → {target!r}: {report.copied} blobs copied "
               f"({report.bytes} bytes), {report.present} there already, {len(report.problems)} problems")
    if not report.ok:
        sys.exit(1)
