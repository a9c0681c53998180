"""The attacker of issue 13, as a fixture: with nothing but the standard library and a
database connection, rewrite one entry's user, delete another, renumber and re-hash
every later entry and the head, the way the chain was documented (SHA-256 over sorted
compact JSON), or, given a key, with its HMAC."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest

LEGACY = ("seq", "at", "user_id", "username", "role", "unit_id", "ip", "action",
          "target_type", "target_id", "detail", "prev_hash")


def forge_chain(conn: Any, *, param: str = "?", rename: tuple[int, str] | None = (3, "nobody"),
                delete: int | None = 5, key: tuple[str, bytes] | None = None,
                keep_key_id: bool = False) -> None:
    """Rewrite the chain through the DB-API connection ``conn`` (sqlite3 or psycopg) and
    commit. ``key``: sign with this (id, secret); else plain SHA-256, and the entries'
    key id is cleared (they pose as legacy entries) unless ``keep_key_id``."""
    cur = conn.cursor()
    p = param
    if rename:
        cur.execute(f"UPDATE audit_entries SET username = {p} WHERE seq = {p}", (rename[1], rename[0]))
    if delete:
        cur.execute(f"DELETE FROM audit_entries WHERE seq = {p}", (delete,))
    cur.execute("SELECT * FROM audit_entries ORDER BY seq")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    has_key_id = "key_id" in names
    prev = "0" * 64
    for new_seq, row in enumerate(rows, start=1):
        at = row["at"] if isinstance(row["at"], dt.datetime) else dt.datetime.fromisoformat(row["at"])
        detail = json.loads(row["detail"]) if isinstance(row["detail"], str) else row["detail"]
        values = {**{k: row[k] for k in LEGACY}, "seq": new_seq, "prev_hash": prev, "detail": detail,
                  "at": at.replace(tzinfo=None).isoformat(timespec="microseconds")}
        key_id = row.get("key_id") if keep_key_id else None
        if key:
            key_id = values["key_id"] = key[0]
        body = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        digest = (hmac.new(key[1], body, hashlib.sha256) if key else hashlib.sha256(body)).hexdigest()
        sets, args = f"seq = {p}, prev_hash = {p}, hash = {p}", [new_seq, prev, digest]
        if has_key_id:
            sets += f", key_id = {p}"
            args.append(key_id)
        cur.execute(f"UPDATE audit_entries SET {sets} WHERE seq = {p}", (*args, row["seq"]))
        prev = digest
    cur.execute(f"UPDATE audit_head SET seq = {p}, hash = {p} WHERE id = 1", (len(rows), prev))
    conn.commit()


@pytest.fixture
def forge() -> Callable[..., None]:
    return forge_chain
