"""The backend interface: registration, both backends answering alike, and what the
PostgreSQL backend promises beyond the shared suite (writes in the caller's transaction,
seen by every other connection at commit)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from search import (
    BackendOptions,
    Index,
    PageRecord,
    RebuildNeededError,
    Scope,
    SearchBackend,
    SearchError,
    open_backend,
    register,
    search,
    search_keys,
)
from search.analysis import normalise
from search.backend import _FACTORIES, names
from search.synthetic import PageFactory

EVERYONE = Scope.everything()
postgres = pytest.mark.postgres


def test_whoosh_is_the_default_and_unknown_names_are_refused(tmp_path: Path) -> None:
    ix = open_backend(None, BackendOptions(path=str(tmp_path / "ix")))
    assert isinstance(ix, Index) and ix.name == "whoosh" and isinstance(ix, SearchBackend)
    assert {"whoosh", "postgresql"} <= set(names())
    with pytest.raises(SearchError, match="unknown search backend 'solr'"):
        open_backend("solr", BackendOptions())
    with pytest.raises(SearchError, match="needs a database engine"):
        open_backend("postgresql", BackendOptions())


def test_an_outside_backend_registers_like_the_built_in_ones(tmp_path: Path) -> None:
    made: list[BackendOptions] = []

    def factory(options: BackendOptions) -> SearchBackend:
        made.append(options)
        return Index(options.path or "")

    register("mine", factory)
    try:
        ix = open_backend("mine", BackendOptions(path=str(tmp_path / "ix")))
        assert made and ix.doc_count() == 0 and "mine" in names()
    finally:
        _FACTORIES.pop("mine")


def test_the_postgresql_backend_refuses_sqlite() -> None:
    from sqlalchemy import create_engine

    with pytest.raises(SearchError, match="needs a PostgreSQL database, not sqlite"):
        open_backend("postgresql", BackendOptions(engine=create_engine("sqlite://")))


def queries(pages: list[PageRecord], n: int, seed: int) -> list[str]:
    """A mix like bench/search.py's: fragments, two and three of them, phrases, names, numbers."""
    rng = random.Random(seed)
    out: list[str] = ["取保候审", "北园大街 OR 经十路", "中华人民共和国 NOT 取保候审", "羁", "-公安局", "date:2018 公安局",
                      "type:bail_decision 决定", "单位:2 刑事诉讼法", "case:盗窃", "字段:涉嫌", "kind:administrative 罚款"]
    while len(out) < n:
        text = normalise(pages[rng.randrange(len(pages))].text)
        pieces = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            k = rng.randint(2, 8)
            at = rng.randrange(max(1, len(text) - k))
            piece = text[at : at + k]
            if not set(piece) & set('"()-|&:：') and piece.upper() not in ("AND", "OR", "NOT"):
                pieces.append(piece)
        if pieces:
            out.append(" ".join(f'"{p}"' if rng.random() < 0.3 else p for p in pieces))
    page = pages[rng.randrange(len(pages))]
    out += [page.case_no, f"person:{page.persons[0]}", page.doc_no.replace("〔", "[").replace("〕", "]")]
    return out


@postgres
@pytest.mark.parametrize("near", [False, True])
def test_postgresql_answers_like_whoosh(pg_engine: Any, tmp_path: Path, pages: list[PageRecord], near: bool) -> None:
    """The same pages and queries: the same totals, hits, groups, snippets; the same
    ranking for one literal (a query of several weighs them by rarity among the pages found)."""
    from search.pg import PostgresIndex, create_schema

    create_schema(pg_engine, "agree")
    pg = PostgresIndex(pg_engine, schema="agree")
    ix = Index(tmp_path / "ix")
    for lo, hi in ((0, 200), (200, 450), (450, 600)):
        pg.add_pages(pages[lo:hi])
        ix.add_pages(pages[lo:hi])
    scopes = [EVERYONE, Scope(unit_ids=frozenset({1, 3})), Scope(all_units=True, case_ids=frozenset({2, 5, 9}))]
    for i, q in enumerate(queries(pages, 60, seed=3)):
        scope = scopes[i % len(scopes)]
        assert search_keys(ix, q, scope, near=near) == search_keys(pg, q, scope, near=near), q
        a = search(ix, q, scope, limit=40, near=near)
        b = search(pg, q, scope, limit=40, near=near)
        assert (a.total, a.groups) == (b.total, b.groups), q
        if len(q.split()) == 1 and ":" not in q and not q.startswith("-"):
            assert [h.key for h in a.hits] == [h.key for h in b.hits], q
        if a.total <= 40:  # every hit shown: the same pages, snippets and spans
            assert {(h.key, h.snippet, h.near, tuple(h.spans)) for h in a.hits} == {
                (h.key, h.snippet, h.near, tuple(h.spans)) for h in b.hits}, q
        page2 = search(pg, q, scope, limit=5, offset=5, near=near)
        assert [h.key for h in page2.hits] == [h.key for h in b.hits[5:10]], q


@postgres
def test_writes_join_the_callers_transaction(pg_engine: Any) -> None:
    """With ``connection``, pages are written in the caller's transaction: nobody sees them
    before it commits, everybody at once after, and a rollback leaves nothing."""
    from search.pg import PostgresIndex, create_schema

    create_schema(pg_engine, "joined")
    reader = PostgresIndex(pg_engine, schema="joined")
    recs = list(PageFactory(4).pages(10))
    with pg_engine.connect() as conn:
        writer = PostgresIndex(pg_engine, schema="joined", connection=lambda: conn)
        writer.update(recs[:5])
        assert reader.doc_count() == 0 and search(reader, "公安局", EVERYONE).total == 0
        conn.rollback()
        assert reader.doc_count() == 0
        writer.update(recs, deleted=["nothing"])
        conn.commit()
    assert reader.doc_count() == 10
    assert search_keys(reader, recs[0].case_no, EVERYONE) == {r.key for r in recs if r.case_no == recs[0].case_no}


@postgres
def test_postgresql_schema_tag_asks_for_a_rebuild(pg_engine: Any) -> None:
    from sqlalchemy import text

    from search.pg import SCHEMA_TAG, PostgresIndex, create_schema

    create_schema(pg_engine, "tagged")
    ix = PostgresIndex(pg_engine, schema="tagged")
    assert not ix.needs_rebuild
    with pg_engine.begin() as conn:
        conn.execute(text(f"UPDATE {ix.state} SET schema = 'old' WHERE id = 1"))
    with pytest.raises(RebuildNeededError, match=f"code has {SCHEMA_TAG}"):
        search(ix, "公安局", EVERYONE)
    ix.reindex(PageFactory(3).pages(4))
    assert not ix.needs_rebuild and ix.doc_count() == 4
    # pages without a state row: unknown, so rebuilt before use
    with pg_engine.begin() as conn:
        conn.execute(text(f"DELETE FROM {ix.state}"))
    assert PostgresIndex(pg_engine, schema="tagged").needs_rebuild


@postgres
def test_missing_tables_are_a_clear_error(pg_engine: Any) -> None:
    from search import IndexCorruptError
    from search.pg import PostgresIndex

    with pytest.raises(IndexCorruptError, match="migrations not applied"):
        PostgresIndex(pg_engine, schema="nowhere")
