"""Writes of the audit area besides entries: anchoring the head outside the database and
rotating the signing key. Both flush only; the command commits, and writes the anchor
after its commit (an anchor must name an entry that exists)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ecase import db
from ecase.access import Actor
from ecase.audit import anchors, keys, record
from ecase.audit.chain import lock_head
from ecase.audit.keys import AuditKey
from ecase.models import AuditEntry

log = logging.getLogger(__name__)


def record_anchor(actor: Actor, paths: Sequence[Path]) -> AuditEntry:
    """The entry an anchor names: who anchored, and where the copies go."""
    return record(actor, "audit.anchor", "audit", "", {"files": [str(p) for p in paths]})


def write_anchor(entry: AuditEntry, paths: Sequence[Path]) -> str:
    """Append ``<UTC time> SEQ:HASH`` of a committed entry to every file of ``paths`` and
    log it; returns the line."""
    text = anchors.line(entry.seq, entry.hash, entry.at)
    for path in paths:
        anchors.append(path, text)
    log.info("audit anchor %s:%s written to %s", entry.seq, entry.hash,
             ", ".join(str(p) for p in paths))
    return text


def rotate_key(actor: Actor) -> AuditKey:
    """Add a new key to the key file, signing the next entry and every one after it
    (its own ``audit.rotate_key`` entry first). The old keys stay: they verify what they
    signed. Made under the ``audit_head`` lock, so no entry is signed with an old key
    after the new key's first entry."""
    seq, _hash = lock_head(db.session())
    old = keys.load(keys.configured_path()).newest
    key = keys.add_key(keys.configured_path(), seq + 1)
    record(actor, "audit.rotate_key", "audit", "",
           {"key_id": key.id, "previous": old.id if old else None, "first_seq": key.first_seq})
    return key
