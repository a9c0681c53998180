"""Supervision rules: records and an "as of" date in, findings out.

Purity rule (as Flask's ``sansio`` package states for itself): nothing in this package
does IO. No Flask, no SQLAlchemy, no files, no clock — the caller passes every record and
the date to judge by, so the same data and the same date always give the same findings,
and any past date can be asked. The web service (``ecase.supervision``) loads records
from the database and also holds a set-wise SQL form of each time-limit and
missing-document rule for speed; a test checks that both forms agree.

Parts:
- ``records``: the input dataclasses (incidents, cases, measures, documents issued,
  outside decisions, recognised dossier documents) and the output :class:`Finding`.
- ``config``: limits, holidays, grades and the deduction table, with defaults from
  RULES.md; a bureau's configuration file overrides them.
- ``calendar``: counting days and months ("from the day after the starting event").
- ``time_limits``: the eight time-limit rules of RULES.md.
- ``documents``: the three "documents that must exist" rules.
- ``crosscheck``: dossier-versus-ledger cross-checks (codes in ``CROSSCHECK_CODES``).

Entry point: :func:`evaluate`.
"""

from __future__ import annotations

import datetime as dt

from ledgers.rules.config import DEFAULT_CONFIG, RulesConfig
from ledgers.rules.crosscheck import CROSSCHECK_CODES, cross_check
from ledgers.rules.documents import DOCUMENT_RULES, document_rules
from ledgers.rules.records import (
    CaseRecord,
    DossierDocument,
    FieldValue,
    Finding,
    Incident,
    IssuedDocument,
    Measure,
    OutsideDecision,
    Records,
)
from ledgers.rules.time_limits import TIME_LIMIT_RULES, time_limit_rules

#: every rule code of RULES.md, in the order of its tables.
RULE_CODES: tuple[str, ...] = TIME_LIMIT_RULES + DOCUMENT_RULES


def evaluate(records: Records, as_of: dt.date | dt.datetime,
             config: RulesConfig = DEFAULT_CONFIG, *, cross_checks: bool = True) -> list[Finding]:
    """Every rule (and, unless told otherwise, every cross-check) on ``records`` as of
    ``as_of``, sorted by their stable key."""
    out = time_limit_rules(records, as_of, config) + document_rules(records, as_of, config)
    if cross_checks:
        out += cross_check(records, as_of, config)
    return sorted(out, key=lambda f: f.key)


__all__ = [
    "CROSSCHECK_CODES", "CaseRecord", "DEFAULT_CONFIG", "DOCUMENT_RULES", "DossierDocument",
    "FieldValue", "Finding", "Incident", "IssuedDocument", "Measure", "OutsideDecision",
    "RULE_CODES", "Records", "RulesConfig", "TIME_LIMIT_RULES", "cross_check",
    "document_rules", "evaluate", "time_limit_rules",
]
