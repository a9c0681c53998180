"""``ecase audit``: verify the chain against its keys and anchors, list recent entries,
anchor the head outside the database, rotate the signing key (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ecase import db
from ecase.audit import anchors, operations, record
from ecase.audit.chain import VerifyResult, verify
from ecase.audit.keys import configured_path as key_path
from ecase.cli_support import clean_errors, shell_actor
from ecase.formatting import local_time
from ecase.models import AuditEntry


@click.group("audit", cls=AppGroup)
def audit() -> None:
    """The audit trail."""


def _summary(result: VerifyResult) -> str:
    signed = result.count - result.legacy
    keys = f" ({', '.join(result.key_ids)})" if result.key_ids else ""
    parts = [f"{result.count} entries", f"{signed} signed{keys}"]
    if result.legacy:
        parts.append(f"{result.legacy} legacy (SHA-256 only)")
    parts.append(f"{result.anchors} anchors")
    return ", ".join(parts) + f"; head {result.head_seq}:{result.head_hash}"


def _broken(result: VerifyResult) -> None:
    click.echo(f"审计日志已被篡改 / audit chain BROKEN at entry {result.bad_seq}: {result.reason}",
               err=True)
    sys.exit(1)


@audit.command("verify")
@click.option("--anchor", "given", multiple=True, metavar="SEQ:HASH",
              help="Also check this anchor, e.g. copied from the paper register (a hash "
                   f"prefix of at least {anchors.MIN_PREFIX} hex digits will do). Repeatable.")
@click.option("--anchors", "files", multiple=True, type=click.Path(dir_okay=False),
              help="Also check every anchor of this file (one written with `anchor --out`). "
                   "Repeatable.")
@clean_errors
def verify_cmd(given: tuple[str, ...], files: tuple[str, ...]) -> None:
    """Check the whole chain with the audit keys and against every anchor (the anchors
    file and the ones given); exit 1 naming the first bad entry or anchor."""
    wanted = anchors.read(anchors.configured_path())
    for f in files:
        if not Path(f).exists():
            raise click.BadParameter(f"no such file: {f}", param_hint="--anchors")
        wanted += anchors.read(Path(f))
    wanted += [anchors.parse(a, "--anchor") for a in given]
    result = verify(db.session(), anchors=wanted)
    if not result.ok:
        _broken(result)
    click.echo(f"审计日志完整 / audit chain OK: {_summary(result)}")
    if not result.anchors and result.count:
        click.echo("提示：尚无锚点，请定期运行 `ecase audit anchor` / hint: no anchors yet", err=True)


@audit.command("list")
@click.option("--limit", type=int, default=50, show_default=True)
def list_cmd(limit: int) -> None:
    """Print the latest entries, newest first (itself recorded)."""
    actor = shell_actor()
    with db.unit_of_work():
        record(actor, "view", "audit", "", {"limit": limit})
    q = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    for e in db.session().scalars(q):
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        click.echo(f"{e.seq:>7} {local_time(e.at, '%Y-%m-%d %H:%M:%S')} {e.username or '-':<12} "
                   f"{e.ip or '-':<15} {e.action:<10} {e.target_type}:{e.target_id} {detail}")


def _anchor(out: tuple[str, ...]) -> None:
    """Record an ``audit.anchor`` entry, commit it, write its SEQ:HASH outside."""
    paths = [anchors.configured_path(), *(Path(p) for p in out)]
    with db.unit_of_work():
        entry = operations.record_anchor(shell_actor(), paths)
    line = operations.write_anchor(entry, paths)
    click.echo(f"审计锚点 / audit anchor: {line}")
    click.echo(f"请抄入纸质登记簿 / for the paper register: {local_time(entry.at, '%Y-%m-%d %H:%M')} "
               f"{entry.seq}:{entry.hash[:anchors.MIN_PREFIX]}")


@audit.command("anchor")
@click.option("--out", "out", multiple=True, type=click.Path(dir_okay=False),
              help="Also append the anchor to this file (another machine's share, a USB "
                   "stick); check it later with `verify --anchors FILE`. Repeatable.")
@clean_errors
def anchor_cmd(out: tuple[str, ...]) -> None:
    """Verify the chain, then write its head (SEQ:HASH and the time) outside the database:
    appended to the anchors file, logged, and printed for the paper register.

    Run it from cron, e.g. hourly (docs/audit.md): `0 * * * * ecase audit anchor`."""
    result = verify(db.session())
    if not result.ok:
        _broken(result)
    _anchor(out)


@audit.command("rotate-key")
@clean_errors
def rotate_key_cmd() -> None:
    """Add a new audit key to the key file: it signs every entry from now on, the old
    keys stay to verify what they signed. The chain is verified first and anchored after.

    Every process that writes the trail picks the new key up at its next entry."""
    result = verify(db.session())
    if not result.ok:
        _broken(result)
    with db.unit_of_work():
        key = operations.rotate_key(shell_actor())
    click.echo(f"新审计密钥 / new audit key {key.id} in {key_path()}, signing from entry {key.first_seq}")
    _anchor(())


#: the area's commands, added to ``ecase`` by ``ecase.areas`` (no app is needed to find them)
COMMANDS = (audit,)
