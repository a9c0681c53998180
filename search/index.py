"""The index on disk: open or create, incremental writes, and a resumable full rebuild.

Layout of an index directory ``path``::

    path/CURRENT            {"dir": "gen-000003"}: the live generation, replaced atomically
    path/gen-000003/        a Whoosh index + ECASE_SCHEMA (our schema version)
    path/build/             a reindex in progress (resumed when a reindex is started again)
    path/REINDEX.lock       held (flock) by the one running reindex

Why it is safe to kill a writer: Whoosh writes a new segment's files first and then the
table of contents (TOC) by writing a temporary file and renaming it, so a writer killed
at any moment leaves the previous TOC, i.e. the last committed state; the orphaned
segment files are removed by the next commit. Whoosh's write lock on ``FileStorage`` is a
``fcntl.flock`` on ``MAIN_WRITELOCK``, which the kernel drops when the holding process dies, so
there are no stale locks to break after a SIGKILL (the empty lock file stays; that is
harmless). ``tests/search/test_crash.py`` checks both by killing a writer mid-batch.

A reindex writes into ``build/``, committing every ``commit_every`` pages together with a
checkpoint document (key ``__checkpoint__``) holding the resume token of the last page in
the batch, so progress and pages are committed in one atomic step. A killed reindex is
resumed from that token. When the source is exhausted, the checkpoint is deleted,
``build/`` is renamed to a new generation and ``CURRENT`` is replaced (``os.replace``):
readers see either the old or the new index, never a half-built one. The live index's
write lock is held for the whole reindex, so incremental writers wait (and time out with
:class:`IndexLockedError`) instead of writing into a generation that is about to be
replaced; the caller retries them after the reindex.

Searching: one Whoosh searcher is kept open and replaced when a commit or a reindex
changed the index; :meth:`Index.searcher_cache` is a dict that lives as long as it (scope
masks, column codes). ``Index.postings_cache`` (:class:`search.postings.PostingsCache`,
``postings_cache_mb`` of decoded posting lists) outlives commits, because its entries are
keyed by segment and segments never change once written; it is emptied when a reindex
swaps in a new generation.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.writing import LockError

from .errors import IndexCorruptError, IndexLockedError, RebuildNeededError
from .postings import PostingsCache
from .schema import SCHEMA_VERSION, PageRecord, build_schema, to_document

if TYPE_CHECKING:
    from .searching import Filters, Scope, SearchResult

log = logging.getLogger(__name__)

CHECKPOINT_KEY = "__checkpoint__"
_MARKER = "ECASE_SCHEMA"

RecordSource = Iterable[PageRecord] | Callable[[str | None], Iterable[PageRecord]]


@dataclass(frozen=True, slots=True)
class ReindexReport:
    pages: int  # pages written by this call
    resumed_from: str | None  # the resume token a killed earlier run left, or None
    generation: str  # the directory now live


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class Index:
    """A page index in directory ``path`` (created when missing and ``create`` is true):
    the ``whoosh`` search backend (:class:`search.backend.SearchBackend`).

    ``needs_rebuild`` is true when the live generation was built with another schema
    version; writes and searches then raise :class:`RebuildNeededError` until
    :meth:`reindex` has run. ``lock_timeout`` is how long a writer waits for the lock.
    ``postings_cache_mb`` bounds the decoded posting lists kept for searches (0: none).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        lock_timeout: float = 10.0,
        postings_cache_mb: float = 128,
    ) -> None:
        self.name = "whoosh"
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.postings_cache = PostingsCache(int(postings_cache_mb * 1024 * 1024))
        self._mutex = threading.Lock()
        self._gen: str | None = None
        self._ix: windex.FileIndex | None = None
        self._searcher: Searcher | None = None
        self._cache: tuple[Searcher | None, dict[Any, Any]] = (None, {})
        if not (self.path / "CURRENT").exists():
            if not create:
                raise IndexCorruptError(f"no index at {self.path}")
            self._create_first()
        self._open_current()

    # -- opening --------------------------------------------------------------

    def _create_first(self) -> None:
        """Make the first generation; of processes (or threads) doing it at once, the
        first makes it and the others find it made."""
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / ".create.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if (self.path / "CURRENT").exists():
                    return
                gen = self._next_gen_name()
                self._new_whoosh_index(self.path / gen)
                _write_json_atomic(self.path / "CURRENT", {"dir": gen})
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _next_gen_name(self) -> str:
        nums = [int(p.name[4:]) for p in self.path.glob("gen-*") if p.name[4:].isdigit()]
        return f"gen-{max(nums, default=0) + 1:06d}"

    @staticmethod
    def _new_whoosh_index(where: Path) -> windex.FileIndex:
        where.mkdir(parents=True, exist_ok=True)
        ix = FileStorage(str(where)).create_index(build_schema())
        (where / _MARKER).write_text(f"{SCHEMA_VERSION}\n", encoding="ascii")
        return ix

    def _read_current(self) -> str:
        try:
            return str(json.loads((self.path / "CURRENT").read_text(encoding="utf-8"))["dir"])
        except (OSError, ValueError, KeyError) as e:
            raise IndexCorruptError(f"unreadable {self.path / 'CURRENT'}") from e

    def _open_current(self) -> None:
        gen = self._read_current()
        where = self.path / gen
        try:
            marker = int((where / _MARKER).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            marker = -1
        self.schema_version_on_disk = marker
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if gen != self._gen:
            self.postings_cache.clear()
        self._gen = gen
        if marker != SCHEMA_VERSION:
            log.warning("index %s has schema version %s, expected %s: rebuild needed", where, marker, SCHEMA_VERSION)
            self._ix = None
            return
        try:
            self._ix = windex.open_dir(str(where))
        except (OSError, windex.IndexError) as e:
            raise IndexCorruptError(f"cannot open index {where}: {e}") from e

    @property
    def needs_rebuild(self) -> bool:
        return self.schema_version_on_disk != SCHEMA_VERSION

    @property
    def generation(self) -> str:
        return self._gen or ""

    def _live(self) -> windex.FileIndex:
        if self._read_current() != self._gen:
            with self._mutex:
                if self._read_current() != self._gen:
                    self._open_current()
        if self._ix is None:
            raise RebuildNeededError(
                f"index at {self.path} has schema {self.schema_version_on_disk}, code has {SCHEMA_VERSION}: reindex"
            )
        return self._ix

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A Whoosh searcher on the latest committed state (kept open between calls)."""
        ix = self._live()
        with self._mutex:
            # A fresh searcher when the generation moved on: Whoosh's refresh() reuses
            # segment readers and misses deletions committed to an unchanged segment.
            if self._searcher is None or self._searcher.reader().generation() != ix.latest_generation():
                self._searcher = ix.searcher()
            s = self._searcher
        yield s

    def searcher_cache(self, searcher: Searcher) -> dict[Any, Any]:
        """A dict that lives as long as ``searcher`` is the current one (scope sets, columns)."""
        with self._mutex:
            if self._cache[0] is not searcher:
                self._cache = (searcher, {})
            return self._cache[1]

    def doc_count(self) -> int:
        with self.searcher() as s:
            return int(s.doc_count())

    # -- the search backend interface (search.backend.SearchBackend) -------------

    def search(
        self,
        query_string: str,
        scope: Scope,
        filters: Filters | None = None,
        limit: int = 20,
        offset: int = 0,
        *,
        groups: bool = True,
        near: bool = False,
    ) -> SearchResult:
        """:func:`search.searching.search` on this index."""
        from .searching import search

        return search(self, query_string, scope, filters, limit, offset, groups=groups, near=near)

    def search_keys(
        self, query_string: str, scope: Scope, filters: Filters | None = None, *, near: bool = False
    ) -> set[str]:
        """:func:`search.searching.search_keys` on this index."""
        from .searching import search_keys

        return search_keys(self, query_string, scope, filters, near=near)

    def close(self) -> None:
        with self._mutex:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- incremental writes ---------------------------------------------------

    def _writer(self, ix: windex.FileIndex, **kwargs: Any) -> Any:
        try:
            return ix.writer(timeout=self.lock_timeout, delay=0.05, **kwargs)
        except LockError as e:
            raise IndexLockedError(
                f"index {self.path} is locked by another writer or a reindex (waited {self.lock_timeout:g} s)"
            ) from e

    def update(self, records: Iterable[PageRecord] = (), deleted: Iterable[str] = ()) -> tuple[int, int]:
        """Add or replace ``records`` and delete pages by key, in one commit: (added, deleted)."""
        ix = self._live()
        w = self._writer(ix)
        added = removed = 0
        try:
            for key in deleted:
                removed += w.delete_by_term("key", key)
            for rec in records:
                w.update_document(**to_document(rec))
                added += 1
        except BaseException:
            w.cancel()
            raise
        w.commit()
        return added, removed

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        """Add pages, replacing any page with the same key. Returns how many were written."""
        return self.update(records=records)[0]

    def delete_pages(self, keys: Iterable[str]) -> int:
        """Delete pages by key. Returns how many index documents were removed."""
        return self.update(deleted=keys)[1]

    # -- full rebuild -----------------------------------------------------------

    def reindex(
        self,
        source: RecordSource,
        *,
        checkpoint: Callable[[PageRecord], str] = lambda r: r.key,
        commit_every: int = 2000,
        limitmb: int = 128,
        procs: int = 1,
        optimize: bool = False,
    ) -> ReindexReport:
        """Rebuild the whole index from ``source`` into a fresh directory and swap it in.

        ``source`` is an iterable of records in a stable order, or a callable taking the
        resume token (``None`` at the start) and returning the records after it. After each
        ``commit_every`` pages the batch is committed with ``checkpoint(last record)``; a
        reindex that was killed continues from there when called again (an iterable is
        skipped up to the record whose checkpoint equals the token). Memory is bounded by
        ``limitmb`` per writer process and one batch; ``procs`` > 1 uses Whoosh's
        multiprocess writer.
        """
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / "REINDEX.lock", "a+") as lockf:
            try:
                fcntl.flock(lockf.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                raise IndexLockedError(f"a reindex of {self.path} is already running") from e
            live_lock = self._lock_live()
            try:
                return self._reindex_locked(source, checkpoint, commit_every, limitmb, procs, optimize)
            finally:
                if live_lock is not None:
                    live_lock.release()

    def _lock_live(self) -> Any:
        where = self.path / self._read_current()
        if not where.is_dir():
            return None
        lock = FileStorage(str(where)).lock(f"{windex._DEF_INDEX_NAME}_WRITELOCK")  # as FileIndex.lock names it
        from whoosh.util import filelock

        if not filelock.try_for(lock.acquire, timeout=self.lock_timeout, delay=0.05):
            raise IndexLockedError(f"index {self.path} is being written; reindex not started")
        return lock

    def _reindex_locked(
        self,
        source: RecordSource,
        checkpoint: Callable[[PageRecord], str],
        commit_every: int,
        limitmb: int,
        procs: int,
        optimize: bool,
    ) -> ReindexReport:
        build = self.path / "build"
        token = self._resume_token(build)
        if token is None and build.exists():
            shutil.rmtree(build)
        ix = self._new_whoosh_index(build) if not build.exists() else windex.open_dir(str(build))
        if token is not None:
            log.info("resuming reindex of %s after %s", self.path, token)
        written = 0
        batch: list[PageRecord] = []
        for rec in _records_after(source, token, checkpoint):
            batch.append(rec)
            if len(batch) >= commit_every:
                self._commit_batch(ix, batch, checkpoint(batch[-1]), limitmb, procs)
                written += len(batch)
                batch = []
        w = self._writer(ix, limitmb=limitmb)
        for rec in batch:
            w.add_document(**to_document(rec))
        written += len(batch)
        w.delete_by_term("key", CHECKPOINT_KEY)
        w.commit(optimize=optimize)
        ix.close()
        gen = self._next_gen_name()
        os.rename(build, self.path / gen)
        _fsync_dir(self.path)
        old = self._read_current()
        _write_json_atomic(self.path / "CURRENT", {"dir": gen})
        with self._mutex:
            self._open_current()
        for stale in self.path.glob("gen-*"):
            if stale.name not in (gen,) and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        log.info("reindex of %s done: %d pages into %s (was %s)", self.path, written, gen, old)
        return ReindexReport(pages=written, resumed_from=token, generation=gen)

    def _commit_batch(self, ix: windex.FileIndex, batch: list[PageRecord], token: str, limitmb: int, procs: int) -> None:
        kwargs: dict[str, Any] = {"limitmb": limitmb}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        w = self._writer(ix, **kwargs)
        try:
            for rec in batch:
                w.add_document(**to_document(rec))
        except BaseException:
            w.cancel()
            raise
        w.delete_by_term("key", CHECKPOINT_KEY)
        w.add_document(key=CHECKPOINT_KEY, body=token)
        w.commit()

    @staticmethod
    def _resume_token(build: Path) -> str | None:
        if not (build / _MARKER).exists():
            return None
        try:
            if int((build / _MARKER).read_text(encoding="ascii")) != SCHEMA_VERSION:
                return None
            ix = windex.open_dir(str(build))
        except (OSError, ValueError, windex.IndexError):
            return None
        with ix.searcher() as s:
            found = s.document(key=CHECKPOINT_KEY)
        ix.close()
        return str(found["body"]) if found else None


def _records_after(
    source: RecordSource, token: str | None, checkpoint: Callable[[PageRecord], str]
) -> Iterator[PageRecord]:
    if callable(source):
        yield from source(token)
        return
    it = iter(source)
    if token is not None:
        for rec in it:
            if checkpoint(rec) == token:
                break
    yield from it


def every_page_query() -> wq.Query:
    """All real pages (the reindex checkpoint document is never live, but be explicit)."""
    return wq.AndNot(wq.Every(), wq.Term("key", CHECKPOINT_KEY))
