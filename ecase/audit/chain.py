"""The hash chain: each entry's hash covers a canonical serialisation of its fields and
the previous entry's hash.

Appending first bumps the single ``audit_head`` row (id 1) with an UPDATE. That UPDATE
takes the row lock on PostgreSQL and the database write lock on SQLite (pysqlite begins
its transaction at the first write, so the lock is taken with a fresh snapshot and
waits under ``busy_timeout``); the lock is held until the caller commits, so a second
writer reads the head only after the first one's entry is in: the chain cannot fork.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ecase.errors import ECaseError
from ecase.models import AuditEntry, AuditHead
from ecase.models._types import utcnow
from ecase.models.audit import GENESIS

#: the fields an entry's hash covers, in the order they are documented.
HASHED_FIELDS = ("seq", "at", "user_id", "username", "role", "unit_id", "ip", "action",
                 "target_type", "target_id", "detail", "prev_hash")


class AuditError(ECaseError):
    status = 500
    code = "audit"
    message = "审计日志写入失败"


class BrokenChain(AuditError):
    code = "audit_broken"
    message = "审计日志的哈希链已损坏"


def _normalise(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the JSON column gives back, so the hash is computed on what is stored."""
    if detail is None:
        return None
    out: dict[str, Any] = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
    return out


def canonical(fields: dict[str, Any]) -> bytes:
    """Sorted-key compact JSON of the hashed fields; times as ISO 8601 with microseconds."""
    values = {k: fields[k] for k in HASHED_FIELDS}
    at = values["at"]
    if isinstance(at, dt.datetime):
        values["at"] = at.replace(tzinfo=None).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {k: getattr(e, k) for k in HASHED_FIELDS}


def append(s: Session, *, user_id: int | None, username: str, role: str, unit_id: int | None,
           ip: str, action: str, target_type: str, target_id: str,
           detail: dict[str, Any] | None) -> AuditEntry:
    """Add the next entry to the chain (flushes; the caller commits)."""
    bumped = s.execute(update(AuditHead).where(AuditHead.id == 1)
                       .values(seq=AuditHead.seq + 1)
                       .execution_options(synchronize_session=False))
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        raise AuditError("审计日志头记录缺失（audit_head）")
    seq, prev = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    fields = {"seq": seq, "at": utcnow(), "user_id": user_id, "username": username or "",
              "role": role or "", "unit_id": unit_id, "ip": (ip or "")[:64], "action": action,
              "target_type": target_type or "", "target_id": (target_id or "")[:64],
              "detail": _normalise(detail), "prev_hash": prev}
    digest = entry_hash(fields)
    entry = AuditEntry(**fields, hash=digest)
    s.add(entry)
    s.flush()
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest)
              .execution_options(synchronize_session=False))
    return entry


def _check(e: AuditEntry, expected_seq: int, prev: str) -> str:
    """Why ``e`` breaks the chain at this point, or '' when it does not."""
    if e.seq != expected_seq:
        what = "missing" if e.seq > expected_seq else "duplicated"
        return f"entry {expected_seq} is {what} (next entry found is {e.seq})"
    if e.prev_hash != prev:
        return f"entry {e.seq} does not link to entry {e.seq - 1} (prev_hash differs)"
    if entry_hash(_fields(e)) != e.hash:
        return f"entry {e.seq} was altered (its hash does not match its content)"
    return ""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""


def verify(s: Session) -> VerifyResult:
    """Walk the chain from the first entry; stop at the first bad one.

    Detects an altered entry (its hash no longer matches its fields), a removed or
    inserted entry (a gap in ``seq`` or a ``prev_hash`` that does not match), and entries
    cut off the end (the head row is ahead of the last entry).
    """
    head = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None:
        return VerifyResult(False, 0, 0, "", 0, "audit_head row is missing")
    head_seq, head_hash = head
    expected_seq, prev, count = 1, GENESIS, 0
    q = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
    rows = s.scalars(q)  # a server-side cursor on PostgreSQL: closed however we leave
    try:
        for e in rows:
            bad = _check(e, expected_seq, prev)
            if bad:
                return VerifyResult(False, count, head_seq, head_hash, expected_seq, bad)
            prev = e.hash
            expected_seq += 1
            count += 1
    finally:
        rows.close()
    if head_seq != count or head_hash != prev:
        return VerifyResult(False, count, head_seq, head_hash, count + 1,
                            f"the head says {head_seq} entries but the chain ends at entry {count}: "
                            f"entries after {count} were removed or the head was altered")
    return VerifyResult(True, count, head_seq, head_hash)
