"""``ecase audit``: verify the hash chain, list recent entries."""

from __future__ import annotations

import json
import sys

import click
from sqlalchemy import select

from ecase import db
from ecase.audit.blueprint import bp
from ecase.audit.chain import verify
from ecase.formatting import local_time
from ecase.models import AuditEntry


@bp.cli.group("audit")
def audit() -> None:
    """The audit trail."""


@audit.command("verify")
def verify_cmd() -> None:
    """Check the whole hash chain; exit 1 naming the first bad entry."""
    result = verify(db.session())
    if result.ok:
        click.echo(f"审计日志完整 / audit chain OK: {result.count} entries, "
                   f"head {result.head_seq} {result.head_hash}")
        return
    click.echo(f"审计日志已被篡改 / audit chain BROKEN at entry {result.bad_seq}: {result.reason}",
               err=True)
    sys.exit(1)


@audit.command("list")
@click.option("--limit", type=int, default=50, show_default=True)
def list_cmd(limit: int) -> None:
    """Print the latest entries, newest first."""
    q = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    for e in db.session().scalars(q):
        detail = json.dumps(e.detail, ensure_ascii=False) if e.detail else ""
        click.echo(f"{e.seq:>7} {local_time(e.at, '%Y-%m-%d %H:%M:%S')} {e.username or '-':<12} "
                   f"{e.ip or '-':<15} {e.action:<10} {e.target_type}:{e.target_id} {detail}")
