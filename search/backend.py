"""The search-backend interface, and the one place backends are registered and chosen.

A backend keeps the pages' index and answers queries about it. What the service needs
of one is :class:`SearchBackend`: write pages (``update``), rebuild from a record source
(``reindex``), say when its stored form is not this code's (``needs_rebuild``), and
search as a scope sees it (``search``, ``search_keys``) with the same query language,
highlights, groups and ranking rules everywhere:

* the access scope and the filters are part of the query the backend runs: totals,
  hits, groups and snippets are computed from allowed pages only;
* hits are ranked by the matched literals' occurrences and rarity, ties in the order
  the pages were written (a replaced page counts as written again);
* with ``near=True`` a phrase of :data:`search.near.MIN_NEAR` or more characters also
  finds the phrase with one character misread (:mod:`search.near`); every page that
  matches exactly ranks above every page found only that way.

Built-in backends, registered exactly as an outside one would be (or through the
``ecase.search_backends`` entry point group, a callable taking :class:`BackendOptions`):

``whoosh``       :class:`search.index.Index`, a directory on local disk (the embedded
                 default: one machine, or one writer and readers sharing the disk)
``postgresql``   :class:`search.pg.PostgresIndex`, tables in the service's PostgreSQL
                 database: every process on every machine sees every committed page

:func:`open_backend` makes one from its name and :class:`BackendOptions`.
:func:`search` and :func:`search_keys` are the package-level calls, for any backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .errors import SearchError

if TYPE_CHECKING:
    from .index import RecordSource, ReindexReport
    from .schema import PageRecord
    from .searching import Filters, Scope, SearchResult

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "whoosh"


@runtime_checkable
class SearchBackend(Protocol):
    """What ``ecase`` asks of a page index (see the module docstring for the rules)."""

    #: the name it is registered under ("whoosh", "postgresql")
    name: str

    @property
    def needs_rebuild(self) -> bool:
        """The stored index was built by another schema or analysis: run :meth:`reindex`
        (until then writes and searches raise :class:`search.RebuildNeededError`)."""
        ...

    @property
    def generation(self) -> str:
        """Which build of the index is live (changes when a rebuild completes)."""
        ...

    def update(self, records: Iterable[PageRecord] = (), deleted: Iterable[str] = ()) -> tuple[int, int]:
        """Add or replace ``records`` (by key) and delete pages by key, at once: (added, deleted)."""
        ...

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        ...

    def delete_pages(self, keys: Iterable[str]) -> int:
        ...

    def reindex(self, source: RecordSource, *, checkpoint: Callable[[PageRecord], str] = ...,
                commit_every: int = ...) -> ReindexReport:
        """Rebuild from ``source`` (an iterable in a stable order, or a callable taking the
        resume token); progress is committed every ``commit_every`` pages and a killed
        rebuild resumes there. Searches see the old pages until the rebuild is done."""
        ...

    def doc_count(self) -> int:
        ...

    def search(self, query_string: str, scope: Scope, filters: Filters | None = None, limit: int = 20,
               offset: int = 0, *, groups: bool = True, near: bool = False) -> SearchResult:
        ...

    def search_keys(self, query_string: str, scope: Scope, filters: Filters | None = None, *,
                    near: bool = False) -> set[str]:
        """Keys of every allowed page that matches (unranked): for exports and checks."""
        ...

    def close(self) -> None:
        ...


@dataclass(frozen=True, slots=True)
class BackendOptions:
    """What a backend is made with; each uses the options that concern it.

    ``path``: the Whoosh index directory. ``engine``: a SQLAlchemy engine of the
    PostgreSQL database. ``connection``: when given, a callable returning the connection
    whose transaction incremental writes and searches join (the caller commits), so a
    worker commits its pages together with its own bookkeeping; without it each call
    runs and commits on its own. ``lock_timeout``: seconds a writer waits for a lock.
    ``postings_cache_mb``: Whoosh's decoded postings kept between searches.
    """

    path: str | None = None
    engine: Any = None
    connection: Callable[[], Any] | None = None
    lock_timeout: float = 10.0
    postings_cache_mb: float = 128


Factory = Callable[[BackendOptions], SearchBackend]
_FACTORIES: dict[str, Factory] = {}
_ENTRY_POINTS_LOADED = False


def register(name: str, factory: Factory) -> None:
    """Make a backend known by ``name`` (a later registration of a name replaces it)."""
    _FACTORIES[name] = factory


def _load_entry_points() -> None:
    global _ENTRY_POINTS_LOADED
    if _ENTRY_POINTS_LOADED:
        return
    _ENTRY_POINTS_LOADED = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="ecase.search_backends"):
        if ep.name not in _FACTORIES:
            try:
                register(ep.name, ep.load())
            except Exception:  # noqa: BLE001 - a broken plug-in must not stop the built-in backends
                log.exception("search backend plug-in %s could not be loaded", ep.name)


def names() -> list[str]:
    """Every registered backend's name."""
    _load_entry_points()
    return sorted(_FACTORIES)


def open_backend(name: str | None, options: BackendOptions) -> SearchBackend:
    """A backend called ``name`` (default ``whoosh``) made with ``options``."""
    name = name or DEFAULT_BACKEND
    _load_entry_points()
    factory = _FACTORIES.get(name)
    if factory is None:
        raise SearchError(f"unknown search backend {name!r} (known: {', '.join(names())})")
    return factory(options)


def _whoosh(options: BackendOptions) -> SearchBackend:
    from .index import Index

    if not options.path:
        raise SearchError("the whoosh search backend needs a directory (path)")
    return Index(options.path, lock_timeout=options.lock_timeout, postings_cache_mb=options.postings_cache_mb)


def _postgresql(options: BackendOptions) -> SearchBackend:
    from .pg import PostgresIndex

    if options.engine is None:
        raise SearchError("the postgresql search backend needs a database engine")
    return PostgresIndex(options.engine, connection=options.connection, lock_timeout=options.lock_timeout)


register("whoosh", _whoosh)
register("postgresql", _postgresql)


def search(backend: SearchBackend, query_string: str, scope: Scope, filters: Filters | None = None,
           limit: int = 20, offset: int = 0, *, groups: bool = True, near: bool = False) -> SearchResult:
    """Search ``backend`` for ``query_string`` as seen by ``scope`` (see :class:`SearchBackend`)."""
    return backend.search(query_string, scope, filters, limit, offset, groups=groups, near=near)


def search_keys(backend: SearchBackend, query_string: str, scope: Scope, filters: Filters | None = None,
                *, near: bool = False) -> set[str]:
    """Keys of every allowed page of ``backend`` that matches (no ranking, no snippets)."""
    return backend.search_keys(query_string, scope, filters, near=near)
