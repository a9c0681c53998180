"""Copying blobs from one store to another (backups and restores), each one checked on
the way: the target store hashes what it receives, and a blob whose bytes do not hash to
its key is reported as changed instead of being copied under its old name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from storage._pool import bounded_map
from storage.base import BlobNotFound, BlobStore, is_key
from storage.fixity import CHANGED, MISSING, UNREADABLE, Problem


@dataclass
class CopyReport:
    copied: int = 0  # blobs written to the target
    present: int = 0  # blobs the target had already
    bytes: int = 0  # bytes written
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def copy(source: BlobStore, target: BlobStore, keys: Iterable[str] | None = None, *, jobs: int = 4,
         on_problem: Callable[[Problem], None] | None = None,
         on_progress: Callable[[int], None] | None = None) -> CopyReport:
    """Copy ``keys`` (default: every blob of ``source``) into ``target``, skipping those it
    has. A blob that arrives with another hash than its key is reported (``changed``) and
    its bytes are not kept under any name the database knows."""
    report = CopyReport()
    todo = (k for k in (source.keys() if keys is None else keys) if is_key(k))

    def one(key: str) -> tuple[str, int, Problem | None]:
        if target.exists(key):
            return "present", 0, None
        try:
            with source.open(key) as stream:
                info = target.put(stream)
        except BlobNotFound:
            return "problem", 0, Problem(key, MISSING, "not in the store copied from")
        except Exception as e:  # noqa: BLE001 - a store's own errors name the cause
            return "problem", 0, Problem(key, UNREADABLE, f"{type(e).__name__}: {e}")
        if info.key != key:
            return "problem", 0, Problem(key, CHANGED, f"its bytes hash to {info.key}")
        return "copied", info.size, None

    done = 0
    for outcome, size, problem in bounded_map(one, todo, jobs):
        done += 1
        if outcome == "copied":
            report.copied += 1
            report.bytes += size
        elif outcome == "present":
            report.present += 1
        elif problem is not None:
            report.problems.append(problem)
            if on_problem is not None:
                on_problem(problem)
        if on_progress is not None:
            on_progress(done)
    report.problems.sort(key=lambda p: (p.kind, p.key))
    return report
