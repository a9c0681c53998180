"""The audit trail: who viewed, downloaded, exported, searched, corrected, imported or
changed a right, when, from where, and on what.

Parts:
- ``chain``: the append-only, hash-chained log (``append``, ``verify``, the canonical
  serialisation), each entry signed with HMAC-SHA256. Appends are serialised by the
  single ``audit_head`` row.
- ``keys``: the signing keys, kept in a key file outside the database (rotatable).
- ``anchors``: copies of the chain's head kept outside the database, which ``verify``
  checks the chain against.
- ``operations``: anchoring the head and rotating the key.
- ``hooks``: a central ``after_request`` hook recording reads and writes of case data by
  endpoint name and view arguments, so no view has to remember to.
- ``views``/``queries``/``blueprint``: the reviewers' browse page (``audit.browse``);
  nothing in ecase edits or deletes entries.
- ``commands``: ``ecase audit verify``, ``list``, ``anchor`` and ``rotate-key``.

docs/audit.md says where the key lives, how to rotate it, anchor and verify, and what
this protects against.

Other areas call :func:`record` for what the central hook cannot see (an export's
contents, an import's file, a right changed …). An explicit record in a request stops
the hook from adding its generic entry for the same request. Recorded by a command
(``ecase.cli_support.resolve_actor`` ran), the entry also names the shell user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecase.access import Actor
from ecase.audit.chain import VerifyResult, verify
from ecase.audit.errors import AuditError, BrokenChain

if TYPE_CHECKING:
    from ecase.models import AuditEntry

__all__ = ["AuditError", "BrokenChain", "VerifyResult", "record", "verify"]


def record(actor: Actor | None, action: str, target_type: str = "", target_id: Any = "",
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry for ``actor`` (None: the system) in the current transaction.

    Called inside a request, the client's IP is recorded and the central hook adds no
    generic entry for this request. The entry is committed with the caller's work (the
    request's or command's commit point), so a rolled-back action leaves no entry.
    """
    from flask import g, has_app_context, has_request_context, request

    from ecase import db
    from ecase.audit.chain import append

    ip = ""
    if has_request_context():
        ip = request.remote_addr or ""
        g.audit_recorded = True
    elif has_app_context() and g.get("audit_shell_user"):
        detail = {**(detail or {}), "via": "cli", "shell_user": g.audit_shell_user}
    actor = actor or Actor.system()
    return append(db.session(), user_id=actor.user_id, username=actor.name, role=actor.role,
           unit_id=actor.unit_id, ip=ip, action=action, target_type=target_type,
           target_id="" if target_id is None else str(target_id), detail=detail)
