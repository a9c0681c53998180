"""The audit keys: secrets kept outside the database that sign the chain (HMAC-SHA256).

The key file (setting ``AUDIT_KEY_FILE``, default ``DATA_DIR/audit.key``) is plain text,
one key a line, oldest first::

    # comment
    k1-3fa2b9c0 1 5e8f…(64 hex digits)
    k2-aa01ff32 5012 9c1d…

Each line is the key's id, the first entry it signs, and the secret. The newest (last)
key signs new entries; older keys are kept because they still verify the entries they
signed. The id ends with the first eight hex digits of the secret's SHA-256, so two key
files made apart (a second machine given no copy) never pass one key off as another.

The file is made, with mode 0600, by the first append that finds it absent; ``ecase
audit rotate-key`` adds a key (:func:`add_key`). Both happen while the appender holds the
``audit_head`` row lock, and every append looks at the file again under that lock
(cheaply: a ``stat``), so the entry at a key's first sequence number and every entry
after it are signed with that key or a newer one — :mod:`ecase.audit.chain` checks this.
Lines are only ever appended to the file, which keeps its owner and mode.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ecase.audit.errors import AuditKeyError

log = logging.getLogger(__name__)

HEADER = (
    "# ecase audit-trail keys (HMAC-SHA256). Keep this file secret and out of reach of whoever\n"
    "# can write the database; never delete a line: an old key still verifies what it signed.\n"
    "# id  first-entry  secret (hex). The last key signs new entries (ecase audit rotate-key).\n"
)
_LINE = re.compile(r"^(k\d+-[0-9a-f]{8})\s+(\d+)\s+([0-9a-f]{64,128})$")


@dataclass(frozen=True)
class AuditKey:
    id: str
    first_seq: int
    secret: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class KeyRing:
    """The keys of one key file, oldest first (empty: the file does not exist)."""

    path: Path
    keys: tuple[AuditKey, ...] = ()

    @property
    def newest(self) -> AuditKey | None:
        return self.keys[-1] if self.keys else None

    def index(self, key_id: str) -> int | None:
        for i, k in enumerate(self.keys):
            if k.id == key_id:
                return i
        return None

    def least_index(self, seq: int) -> int:
        """The oldest key allowed to sign entry ``seq``: the newest key whose first entry
        is at or before it (-1 when none is: unkeyed legacy entries are allowed there)."""
        least = -1
        for i, k in enumerate(self.keys):
            if k.first_seq <= seq:
                least = i
        return least


_cache: dict[Path, tuple[tuple[int, int, int], KeyRing]] = {}
_lock = threading.Lock()


def configured_path() -> Path:
    """The key file of the current app: ``AUDIT_KEY_FILE``, else ``DATA_DIR/audit.key``."""
    from flask import current_app, has_app_context

    if not has_app_context():
        raise AuditKeyError("审计密钥文件未指定（在应用之外追加或校验审计日志须给出 key_file）")
    cfg = current_app.config
    return Path(cfg.get("AUDIT_KEY_FILE") or Path(cfg["DATA_DIR"]) / "audit.key")


def load(path: Path) -> KeyRing:
    """The key file's keys, read again only when the file changed."""
    try:
        st = path.stat()
    except FileNotFoundError:
        _cache.pop(path, None)
        return KeyRing(path)
    except OSError as e:
        raise AuditKeyError(f"审计密钥文件无法读取：{path}（{e.strerror}）") from e
    sig = (st.st_ino, st.st_size, st.st_mtime_ns)
    cached = _cache.get(path)
    if cached and cached[0] == sig:
        return cached[1]
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO) & ~stat.S_IRGRP:
        log.warning("audit key file %s is accessible to other users (mode %o)", path,
                    stat.S_IMODE(st.st_mode))
    ring = KeyRing(path, _parse(path))
    _cache[path] = (sig, ring)
    return ring


def _parse(path: Path) -> tuple[AuditKey, ...]:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as e:
        raise AuditKeyError(f"审计密钥文件无法读取：{path}（{e}）") from e
    keys: list[AuditKey] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:  # the message names the line, never its content (it may hold a secret)
            raise AuditKeyError(f"审计密钥文件第 {n} 行格式有误：{path}（应为：编号 起始条目 十六进制密钥）")
        key = AuditKey(m.group(1), int(m.group(2)), bytes.fromhex(m.group(3)))
        if _fingerprint(key.secret) != key.id.partition("-")[2]:
            raise AuditKeyError(f"审计密钥文件第 {n} 行的编号与密钥不符：{path}")
        if any(k.id == key.id for k in keys):
            raise AuditKeyError(f"审计密钥文件第 {n} 行的编号重复：{path}")
        if keys and key.first_seq < keys[-1].first_seq:
            raise AuditKeyError(f"审计密钥文件第 {n} 行的起始条目早于上一行：{path}")
        keys.append(key)
    return tuple(keys)


def _fingerprint(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:8]


def _new_key(ring: KeyRing, first_seq: int) -> tuple[AuditKey, str]:
    secret = secrets.token_bytes(32)
    key = AuditKey(f"k{len(ring.keys) + 1}-{_fingerprint(secret)}", first_seq, secret)
    return key, f"{key.id} {first_seq} {secret.hex()}\n"


def ensure_key(path: Path, first_seq: int) -> AuditKey:
    """The newest key, made (with the file, mode 0600) when there is none yet.

    Called by an appender holding the ``audit_head`` lock, with the sequence number of
    the entry it is about to write. The file appears whole or not at all (written aside,
    then hard-linked into place, which fails if another process made it first)."""
    ring = load(path)
    if ring.newest is not None:
        return ring.newest
    if path.exists():  # made by hand, comments only
        return _append(path, ring, first_seq)
    with _lock:
        key, line = _new_key(ring, first_seq)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(HEADER + line)
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # made meanwhile by another process: use theirs
        except OSError as e:
            raise AuditKeyError(f"审计密钥文件无法创建：{path}（{e.strerror}）") from e
        finally:
            tmp.unlink(missing_ok=True)
    newest = load(path).newest
    if newest is None:
        raise AuditKeyError(f"审计密钥文件中没有密钥：{path}")
    if newest.id == key.id:
        log.info("audit key %s made in %s (signs entries from %d)", key.id, path, first_seq)
    return newest


def add_key(path: Path, first_seq: int) -> AuditKey:
    """Append a new key signing entries from ``first_seq`` on (the caller holds the
    ``audit_head`` lock). Makes the file when it does not exist."""
    ring = load(path)
    if not path.exists():
        return ensure_key(path, first_seq)
    return _append(path, ring, first_seq)


def _append(path: Path, ring: KeyRing, first_seq: int) -> AuditKey:
    if ring.newest is not None:  # a key file ahead of the database (a restored backup)
        first_seq = max(first_seq, ring.newest.first_seq)
    key, line = _new_key(ring, first_seq)
    try:
        if path.read_bytes()[-1:] not in (b"", b"\n"):
            line = "\n" + line  # a hand-edited file without its last newline
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, line.encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise AuditKeyError(f"审计密钥文件无法写入：{path}（{e.strerror}）") from e
    log.info("audit key %s added to %s (signs entries from %d)", key.id, path, first_seq)
    return key
