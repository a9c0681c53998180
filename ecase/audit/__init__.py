"""The audit trail: who viewed, downloaded, exported, searched, corrected, imported or
changed a right, when, from where, and on what.

Parts:
- ``chain``: the append-only, hash-chained log (``append``, ``verify``, the canonical
  serialisation). Appends are serialised by the single ``audit_head`` row.
- ``hooks``: a central ``after_request`` hook recording reads and writes of case data by
  endpoint name and view arguments, so no view has to remember to.
- ``views``/``queries``/``blueprint``: the reviewers' browse page (``audit.browse``);
  nothing in ecase edits or deletes entries.
- ``commands``: ``ecase audit verify`` and ``ecase audit list``.

Other areas call :func:`record` for what the central hook cannot see (an export's
contents, an import's file, a right changed …). An explicit record in a request stops
the hook from adding its generic entry for the same request.
"""

from __future__ import annotations

from typing import Any

from ecase.access import Actor
from ecase.audit.chain import AuditError, BrokenChain, VerifyResult, verify

__all__ = ["AuditError", "BrokenChain", "VerifyResult", "record", "verify"]


def record(actor: Actor | None, action: str, target_type: str = "", target_id: Any = "",
           detail: dict[str, Any] | None = None) -> None:
    """Append one entry for ``actor`` (None: the system) in the current transaction.

    Called inside a request, the client's IP is recorded and the central hook adds no
    generic entry for this request. The entry is committed with the caller's work (the
    request's or command's commit point), so a rolled-back action leaves no entry.
    """
    from flask import g, has_request_context, request

    from ecase import db
    from ecase.audit.chain import append

    ip = ""
    if has_request_context():
        ip = request.remote_addr or ""
        g.audit_recorded = True
    actor = actor or Actor.system()
    append(db.session(), user_id=actor.user_id, username=actor.name, role=actor.role,
           unit_id=actor.unit_id, ip=ip, action=action, target_type=target_type,
           target_id="" if target_id is None else str(target_id), detail=detail)
