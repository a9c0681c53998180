"""The chain: each entry's hash covers a canonical serialisation of its fields and the
previous entry's hash, and is an HMAC-SHA256 under a key kept outside the database.

Appending first bumps the single ``audit_head`` row (id 1) with an UPDATE. That UPDATE
takes the row lock on PostgreSQL and the database write lock on SQLite (pysqlite begins
its transaction at the first write, so the lock is taken with a fresh snapshot and
waits under ``busy_timeout``); the lock is held until the caller commits, so a second
writer reads the head only after the first one's entry is in: the chain cannot fork.

Why a key. A plain SHA-256 chain proves nothing against whoever can write the database:
they change an entry, delete another, recompute every later hash and the head, and the
chain is whole again. Each entry is therefore signed with HMAC-SHA256 under the newest
key of the key file (:mod:`ecase.audit.keys`), and records that key's id (``key_id``,
itself covered by the signature). Without the key file nobody can make an entry that
verifies; with it, anchors (:mod:`ecase.audit.anchors`) still catch a rewrite of what
was anchored.

What ``verify`` requires of entry *n*, besides its place in the chain:

- signed entries: the key is in the key file and the HMAC matches;
- keys never go back: an entry is signed with the same key as the entry before it or a
  newer one (after a rotation, a leaked old key cannot re-sign later entries);
- no entry is signed with a key older than the newest key whose first entry is at or
  before *n* (that key was in the file before entry *n* was written, see ``keys``), so
  re-signing everything after a rotation with the old key is caught too;
- legacy entries: entries written before keys existed carry no ``key_id`` and keep
  their plain SHA-256. They are allowed only before the first key's first entry, which
  the key file (outside the database) fixes when the key is made: turning signed
  entries into "legacy" ones is caught. The legacy entries themselves cannot be
  changed either, since the first signed entry covers the last legacy hash
  (``prev_hash``) and only the key holder can re-sign it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ecase.audit import anchors as anchors_mod
from ecase.audit import keys as keys_mod
from ecase.audit.anchors import Anchor
from ecase.audit.errors import AuditError, BrokenChain
from ecase.audit.keys import AuditKey, KeyRing
from ecase.models import AuditEntry, AuditHead
from ecase.models._types import utcnow
from ecase.models.audit import GENESIS

__all__ = ["AuditError", "BrokenChain", "VerifyResult", "append", "verify"]

#: the fields a legacy (unkeyed) entry's SHA-256 covers, in the order they are documented.
HASHED_FIELDS = ("seq", "at", "user_id", "username", "role", "unit_id", "ip", "action",
                 "target_type", "target_id", "detail", "prev_hash")
#: the fields a signed entry's HMAC covers: the same and the key's id.
KEYED_FIELDS = (*HASHED_FIELDS, "key_id")


def _normalise(detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the JSON column gives back, so the hash is computed on what is stored."""
    if detail is None:
        return None
    out: dict[str, Any] = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
    return out


def canonical(fields: dict[str, Any], *, keyed: bool = False) -> bytes:
    """Sorted-key compact JSON of the hashed fields; times as ISO 8601 with microseconds."""
    values = {k: fields[k] for k in (KEYED_FIELDS if keyed else HASHED_FIELDS)}
    at = values["at"]
    if isinstance(at, dt.datetime):
        values["at"] = at.replace(tzinfo=None).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: dict[str, Any], key: AuditKey | None = None) -> str:
    """HMAC-SHA256 under ``key`` of the fields with the key's id; without a key, the
    plain SHA-256 of a legacy entry."""
    if key is None:
        return hashlib.sha256(canonical(fields)).hexdigest()
    if fields.get("key_id") != key.id:
        raise AuditError(f"entry signed with key {key.id} names key {fields.get('key_id')}")
    return hmac.new(key.secret, canonical(fields, keyed=True), hashlib.sha256).hexdigest()


def _fields(e: AuditEntry) -> dict[str, Any]:
    return {k: getattr(e, k) for k in KEYED_FIELDS}


def lock_head(s: Session) -> tuple[int, str]:
    """Take the ``audit_head`` lock (held until the caller commits or rolls back) and
    return the last entry's sequence number and hash."""
    locked = s.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq)
                       .execution_options(synchronize_session=False))
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise AuditError("审计日志头记录缺失（audit_head）")
    seq, head_hash = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    return seq, head_hash


def append(s: Session, *, user_id: int | None, username: str, role: str, unit_id: int | None,
           ip: str, action: str, target_type: str, target_id: str,
           detail: dict[str, Any] | None, key_file: Path | None = None) -> AuditEntry:
    """Add the next entry to the chain, signed with the newest key of ``key_file``
    (default: the app's, made on first use); flushes, the caller commits."""
    path = key_file or keys_mod.configured_path()
    bumped = s.execute(update(AuditHead).where(AuditHead.id == 1)
                       .values(seq=AuditHead.seq + 1)
                       .execution_options(synchronize_session=False))
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        raise AuditError("审计日志头记录缺失（audit_head）")
    seq, prev = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    key = keys_mod.ensure_key(path, seq)  # under the lock: see ecase.audit.keys
    fields = {"seq": seq, "at": utcnow(), "user_id": user_id, "username": username or "",
              "role": role or "", "unit_id": unit_id, "ip": (ip or "")[:64], "action": action,
              "target_type": target_type or "", "target_id": (target_id or "")[:64],
              "detail": _normalise(detail), "prev_hash": prev, "key_id": key.id}
    digest = entry_hash(fields, key)
    entry = AuditEntry(**fields, hash=digest)
    s.add(entry)
    s.flush()
    s.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=digest)
              .execution_options(synchronize_session=False))
    return entry


def _check(e: AuditEntry, expected_seq: int, prev: str, ring: KeyRing,
           last_key: int) -> tuple[str, int]:
    """Why ``e`` breaks the chain at this point ('' when it does not), and the index of
    its key in the ring (-1: a legacy entry)."""
    if e.seq != expected_seq:
        what = "missing" if e.seq > expected_seq else "duplicated"
        return f"entry {expected_seq} is {what} (next entry found is {e.seq})", last_key
    if e.prev_hash != prev:
        return f"entry {e.seq} does not link to entry {e.seq - 1} (prev_hash differs)", last_key
    if e.key_id is None:
        index, key = -1, None
    else:
        found = ring.index(e.key_id)
        if found is None:
            where = "holds no such key" if ring.keys else "does not exist"
            return (f"entry {e.seq} is signed with key {e.key_id}, but the key file "
                    f"{ring.path} {where}"), last_key
        index, key = found, ring.keys[found]
    name = key.id if key else "no key (plain SHA-256)"
    if index < last_key:
        return (f"entry {e.seq} is signed with {name} after entries signed with the newer key "
                f"{ring.keys[last_key].id}"), last_key
    least = ring.least_index(e.seq)
    if index < least:
        return (f"entry {e.seq} is signed with {name}, but every entry from "
                f"{ring.keys[least].first_seq} on must be signed with {ring.keys[least].id} "
                f"or a newer key"), last_key
    if not hmac.compare_digest(entry_hash(_fields(e), key), e.hash):
        return f"entry {e.seq} was altered (its hash does not match its content)", index
    return "", index


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    head_seq: int
    head_hash: str
    bad_seq: int | None = None
    reason: str = ""
    legacy: int = 0  #: entries with a plain SHA-256 (written before keys)
    key_ids: tuple[str, ...] = ()  #: the keys the entries are signed with
    anchors: int = 0  #: anchors checked


def verify(s: Session, *, key_file: Path | None = None,
           anchors: Iterable[Anchor] | None = None) -> VerifyResult:
    """Walk the chain from the first entry up to the head; stop at the first bad entry.

    Detects an altered entry (its hash no longer matches its fields: without the key
    nobody can make it match), a removed or inserted entry (a gap in ``seq`` or a
    ``prev_hash`` that does not match), entries cut off the end (the head row is ahead
    of the last entry, entries lie beyond the head, or the chain is shorter than it was
    when the newest key was made), entries signed with the wrong
    key or none (see the module docstring), and any anchor the chain does not pass
    through: an anchor whose entry has another hash, or lies beyond the chain's end.

    ``anchors`` default to those of the app's anchors file.
    """
    ring = keys_mod.load(key_file or keys_mod.configured_path())
    wanted = list(anchors_mod.read(anchors_mod.configured_path()) if anchors is None else anchors)
    by_seq: dict[int, list[Anchor]] = {}
    for a in wanted:
        by_seq.setdefault(a.seq, []).append(a)
    head = s.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is None:
        return VerifyResult(False, 0, 0, "", 0, "audit_head row is missing")
    head_seq, head_hash = head
    expected_seq, prev, count, last_key, legacy = 1, GENESIS, 0, -1, 0
    used: list[str] = []

    def broken(bad_seq: int, reason: str) -> VerifyResult:
        return VerifyResult(False, count, head_seq, head_hash, bad_seq, reason, legacy,
                            tuple(used), len(wanted))

    # entries appended while we walk lie beyond the head we read: not ours to judge
    q = (select(AuditEntry).where(AuditEntry.seq <= head_seq).order_by(AuditEntry.seq)
         .execution_options(yield_per=1000))
    rows = s.scalars(q)  # a server-side cursor on PostgreSQL: closed however we leave
    try:
        for e in rows:
            bad, last_key = _check(e, expected_seq, prev, ring, last_key)
            if bad:
                return broken(expected_seq, bad)
            for a in by_seq.pop(e.seq, []):
                if not a.matches(e.hash):
                    return broken(e.seq, f"anchor {a} does not match entry {e.seq} "
                                         f"({e.hash[:16]}…): the chain was rewritten")
            if e.key_id is None:
                legacy += 1
            elif e.key_id not in used:
                used.append(e.key_id)
            prev = e.hash
            expected_seq += 1
            count += 1
    finally:
        rows.close()
    if head_seq != count or head_hash != prev:
        return broken(count + 1, f"the head says {head_seq} entries but the chain ends at entry "
                                 f"{count}: entries after {count} were removed or the head was altered")
    made_at = ring.newest  # keys are in the order of their first entries
    if made_at is not None and count < made_at.first_seq - 1:
        # a key is made while entry first_seq - 1 is the committed head: the key file
        # is a small anchor of its own
        return broken(count + 1, f"the chain ends at entry {count}, but key {made_at.id} was made "
                                 f"after entry {made_at.first_seq - 1}: entries were removed "
                                 f"(or an older backup restored, see docs/audit.md)")
    beyond = s.scalar(select(func.max(AuditEntry.seq)))
    if beyond is not None and beyond > head_seq:
        now = s.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
        if beyond > now:
            return broken(head_seq + 1, f"entries {head_seq + 1}–{beyond} lie beyond the head "
                                        f"(the head was set back)")
    if by_seq:
        seq = min(by_seq)
        return broken(seq, f"anchor {by_seq[seq][0]} lies beyond the chain's end (entry {count}): "
                           f"entries were removed")
    return VerifyResult(True, count, head_seq, head_hash, legacy=legacy, key_ids=tuple(used),
                        anchors=len(wanted))
