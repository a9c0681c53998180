"""A ledger as an .xlsx workbook, streamed row by row (openpyxl write-only)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import Workbook

from ecase.access import Actor
from ecase.ledger_views import queries
from ledgers.definitions import LedgerDef


def ledger_xlsx(actor: Actor, led: LedgerDef, f: queries.Filters) -> Path:
    """Write the whole filtered ledger to a temporary .xlsx and return its path."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(led.title[:31])
    heads = queries.headers(led)
    ws.append([label for _, label in heads])
    for row in queries.ledger_rows(actor, led, f):
        ws.append([row.get(name, "") for name, _ in heads])
    fd = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    fd.close()
    wb.save(fd.name)
    return Path(fd.name)
