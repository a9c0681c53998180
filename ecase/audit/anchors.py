"""Anchors: copies of the chain's head kept outside the database.

An anchor is ``SEQ:HASH``, the sequence number and hash of an entry. ``ecase audit
anchor`` appends one a line to the anchors file (setting ``AUDIT_ANCHORS_FILE``, default
``DATA_DIR/audit-anchors.log``) as ``<UTC time> SEQ:HASH``, logs it and prints it for the
paper register. ``ecase audit verify`` then requires entry SEQ to exist and to have that
hash: whoever rewrites or cuts the chain before an anchor, even holding the key, is
caught by it. An anchor copied from paper may keep only the first 16 hex digits of the
hash (64 bits: still out of reach of anyone trying to forge a matching entry).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ecase.audit.errors import AnchorError

MIN_PREFIX = 16
_ANCHOR = re.compile(r"(?<![\w:])(\d+):([0-9a-fA-F]{16,64})(?![\w:])")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str  # the whole hash, or a prefix of at least MIN_PREFIX hex digits
    source: str  # where it was read: "audit-anchors.log line 3", "--anchor"

    def matches(self, entry_hash: str) -> bool:
        return entry_hash.lower().startswith(self.hash)

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash} ({self.source})"


def configured_path() -> Path:
    """The anchors file of the current app: ``AUDIT_ANCHORS_FILE``, else
    ``DATA_DIR/audit-anchors.log``."""
    from flask import current_app

    cfg = current_app.config
    return Path(cfg.get("AUDIT_ANCHORS_FILE") or Path(cfg["DATA_DIR"]) / "audit-anchors.log")


def parse(text: str, source: str) -> Anchor:
    """``SEQ:HASH`` anywhere in ``text`` (a line of the anchors file, a log line, what
    was copied from paper)."""
    found = _ANCHOR.findall(text.strip())
    if len(found) != 1 or int(found[0][0]) < 1:
        raise AnchorError(f"不是审计锚点（应为 条目号:哈希，哈希至少 {MIN_PREFIX} 位十六进制）：{source}")
    return Anchor(int(found[0][0]), found[0][1].lower(), source)


def read(path: Path) -> list[Anchor]:
    """Every anchor of an anchors file (none when it does not exist); a line that is
    neither blank, a # comment nor an anchor is an error, not skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as e:
        raise AnchorError(f"审计锚点文件无法读取：{path}（{e}）") from e
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(parse(line, f"{path.name} line {n}"))
    return out


def line(seq: int, entry_hash: str, at: dt.datetime) -> str:
    stamp = at.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    return f"{stamp}Z {seq}:{entry_hash}"


def append(path: Path, text: str) -> None:
    """Append one line and flush it to disk (the file is made when absent)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (text + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        raise AnchorError(f"审计锚点文件无法写入：{path}（{e.strerror}）") from e
