"""Fixtures for the search tests: a few hundred synthetic pages in a shared small index,
for each search backend.

``built`` and ``backends`` are parametrized by backend: ``whoosh`` always, and
``postgresql`` (marked ``postgres``) on a database of its own made on the server of
``ECASE_TEST_POSTGRES_URL``, skipped when that is not set. Each PostgreSQL index lives
in a schema of its own, so tests never see each other's pages. ``built_index`` and
``index`` are the Whoosh ones, for the tests of Whoosh's own machinery.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search import Index, PageRecord, SearchBackend
from search.synthetic import PageFactory
from tests.pg import fresh_database

BACKENDS = [pytest.param("whoosh", id="whoosh"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pages() -> list[PageRecord]:
    return list(PageFactory(11).pages(600, units=3))


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Any]:
    """An engine on a fresh database (dropped afterwards); skipped without a server."""
    from sqlalchemy import create_engine

    with fresh_database("ecase_search") as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


class Backends:
    """Makes empty indexes of one backend kind, and second handles on them."""

    def __init__(self, kind: str, root: Path, engine: Any = None) -> None:
        self.kind = kind
        self.root = root
        self.engine = engine
        self.made: list[SearchBackend] = []

    def new(self, **kwargs: Any) -> SearchBackend:
        name = f"ix{uuid.uuid4().hex[:8]}"
        if self.kind == "whoosh":
            ix: SearchBackend = Index(self.root / name, **kwargs)
        else:
            from search.pg import PostgresIndex, create_schema

            create_schema(self.engine, name)
            ix = PostgresIndex(self.engine, schema=name, **kwargs)
        self.made.append(ix)
        return ix

    def again(self, ix: SearchBackend, **kwargs: Any) -> SearchBackend:
        """Another handle on the same index (another process would open it like this)."""
        if isinstance(ix, Index):
            return Index(ix.path, **kwargs)
        from search.pg import PostgresIndex

        return PostgresIndex(self.engine, schema=ix.schema, **kwargs)  # type: ignore[attr-defined]


def make_backends(request: pytest.FixtureRequest, root: Path) -> Backends:
    kind = request.param
    engine = request.getfixturevalue("pg_engine") if kind == "postgresql" else None
    return Backends(kind, root, engine)


def all_keys(ix: SearchBackend) -> set[str]:
    """Every page key the index holds (read from its storage, not through a search)."""
    if isinstance(ix, Index):
        with ix.searcher() as s:
            return {str(f["key"]) for f in s.all_stored_fields()}
    from sqlalchemy import text

    with ix.engine.connect() as conn:  # type: ignore[attr-defined]
        return set(conn.execute(text(f"SELECT key FROM {ix.pages}")).scalars())  # type: ignore[attr-defined]


@pytest.fixture(params=BACKENDS)
def backends(request: pytest.FixtureRequest, tmp_path: Path) -> Backends:
    return make_backends(request, tmp_path)


@pytest.fixture(scope="session", params=BACKENDS)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pages: list[PageRecord]) -> SearchBackend:
    """Built once per session and backend with two commits (two Whoosh segments)."""
    ix = make_backends(request, tmp_path_factory.mktemp("built")).new()
    ix.add_pages(pages[:250])
    ix.add_pages(pages[250:])
    return ix


@pytest.fixture
def any_index(backends: Backends) -> SearchBackend:
    """An empty index of each backend."""
    return backends.new(lock_timeout=0.3)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, pages: list[PageRecord]) -> Index:
    """Whoosh, built once per session with two commits (two segments) to exercise multi-segment reads."""
    ix = Index(tmp_path_factory.mktemp("search") / "ix")
    ix.add_pages(pages[:250])
    ix.add_pages(pages[250:])
    return ix


@pytest.fixture
def index(tmp_path: Path) -> Index:
    return Index(tmp_path / "ix", lock_timeout=0.3)
