"""Fixity: re-hash stored blobs and find the missing and the changed.

:func:`check` lists the store once, re-hashes every blob (or a random sample of them)
and compares the stored keys with the keys that must be there (``expected``: those the
database refers to). A blob's key is the SHA-256 of its bytes, so a blob whose bytes no
longer hash to its key was changed (bit rot, a partial write, tampering), and an expected
key the store does not list is missing. Blobs are read in chunks by ``jobs`` threads
(disk or network bound; boto3's clients are thread-safe).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from storage._pool import bounded_map
from storage.base import BlobNotFound, BlobStore, CorruptBlob, is_key

MISSING, CHANGED, UNREADABLE = "missing", "changed", "unreadable"


@dataclass(frozen=True)
class Problem:
    key: str
    kind: str  # MISSING, CHANGED or UNREADABLE
    detail: str = ""


@dataclass
class Report:
    stored: int = 0  # blobs the store lists
    checked: int = 0  # blobs re-hashed
    expected: int = 0  # keys that must be there
    unexpected: int = 0  # stored blobs nobody expects (harmless: e.g. an upload in flight)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check(store: BlobStore, expected: Iterable[str] | None = None, *, sample: int | None = None,
          jobs: int = 4, rng: random.Random | None = None,
          on_problem: Callable[[Problem], None] | None = None,
          on_progress: Callable[[int], None] | None = None) -> Report:
    """Re-hash the blobs of ``store`` and report every missing or changed one.

    ``expected``: keys that must be in the store (each one not listed is missing);
    ``sample``: re-hash only this many blobs, drawn at random from the stored ones that
    are expected (all stored ones when nothing is expected), instead of all; the check for
    missing keys is always complete (it needs the listing only). ``on_problem`` hears of
    each problem as it is found, ``on_progress`` of the count re-hashed so far.
    """
    report = Report()
    wanted = set(expected) if expected is not None else None
    report.expected = len(wanted) if wanted is not None else 0
    rng = rng or random.Random()

    def found(problem: Problem) -> None:
        report.problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    def listed() -> Iterator[str]:
        for key in store.keys():
            if not is_key(key):
                continue
            report.stored += 1
            if wanted is not None:
                if key in wanted:
                    wanted.discard(key)
                else:
                    report.unexpected += 1
                    if sample is not None:
                        continue  # a sample is drawn from the blobs that matter
            yield key

    to_hash: Iterable[str] = listed() if sample is None else _reservoir(listed(), sample, rng)
    for problem in _rehash(store, to_hash, jobs, report, on_progress):
        found(problem)
    for key in sorted(wanted or ()):
        found(Problem(key, MISSING, "not in the store"))
    report.problems.sort(key=lambda p: (p.kind, p.key))
    return report


def _reservoir(keys: Iterable[str], n: int, rng: random.Random) -> list[str]:
    """``n`` keys drawn uniformly from ``keys`` in one pass (all of them when fewer)."""
    chosen: list[str] = []
    for i, key in enumerate(keys):
        if i < n:
            chosen.append(key)
        else:
            j = rng.randrange(i + 1)
            if j < n:
                chosen[j] = key
    return sorted(chosen)


def _verify_one(store: BlobStore, key: str) -> Problem | None:
    try:
        store.verify(key)
    except CorruptBlob as e:
        return Problem(key, CHANGED, f"its bytes hash to {e.actual}")
    except BlobNotFound:
        return Problem(key, MISSING, "listed, but gone when read")
    except Exception as e:  # noqa: BLE001 - a store's own errors (OSError, botocore …) name the cause
        return Problem(key, UNREADABLE, f"{type(e).__name__}: {e}")
    return None


def _rehash(store: BlobStore, keys: Iterable[str], jobs: int, report: Report,
            on_progress: Callable[[int], None] | None) -> Iterator[Problem]:
    for problem in bounded_map(lambda key: _verify_one(store, key), keys, jobs):
        report.checked += 1
        if on_progress is not None:
            on_progress(report.checked)
        if problem is not None:
            yield problem
