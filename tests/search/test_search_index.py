"""Index lifecycle: incremental writes, locking, schema versions, resumable reindex.

Every backend, except where a test says what is Whoosh's own (its write lock held during
a rebuild, its writer processes, its generation directories). Where the backends differ
by design the test says how: a PostgreSQL rebuild writes into the live tables, so the
pages it has rebuilt are searchable before it ends and incremental writes go on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import Index, IndexLockedError, PageRecord, RebuildNeededError, Scope, SearchBackend, search, search_keys
from search.analysis import normalise
from search.index import CHECKPOINT_KEY
from search.synthetic import PageFactory

from tests.search.conftest import Backends, all_keys

EVERYONE = Scope.everything()


def make_stale(ix: SearchBackend) -> None:
    """Mark the stored index as built by another schema version."""
    if isinstance(ix, Index):
        (ix.path / ix.generation / "ECASE_SCHEMA").write_text("0\n")
        return
    from sqlalchemy import text

    with ix.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(text(f"UPDATE {ix.state} SET schema = '0' WHERE id = 1"))  # type: ignore[attr-defined]


def test_add_replace_delete(any_index: SearchBackend) -> None:
    index = any_index
    recs = list(PageFactory(2).pages(30))
    assert index.add_pages(recs) == 30
    assert index.doc_count() == 30
    changed = PageRecord(key=recs[0].key, text="改过的内容：鑫淼", case_id=recs[0].case_id, unit_id=recs[0].unit_id)
    index.add_pages([changed])
    assert index.doc_count() == 30  # replaced by key, not added
    assert search_keys(index, "鑫淼", EVERYONE) == {recs[0].key}
    # the replaced page's old words are gone (deleted postings are skipped block-wise too)
    current = [changed] + recs[1:]
    for word in (f'"{recs[0].doc_no}"', recs[0].persons[0], recs[0].text[:3]):
        expected = {r.key for r in current if normalise(word.strip('"')) in normalise(r.text)}
        assert search_keys(index, word, EVERYONE) == expected, word
    assert index.delete_pages([recs[0].key, "no-such-key"]) == 1
    assert search(index, "鑫淼", EVERYONE).total == 0
    assert index.update(records=[changed], deleted=[recs[1].key]) == (1, 1)
    assert all_keys(index) == {changed.key} | {r.key for r in recs[2:]}


def test_replaced_pages_rank_as_written_last(any_index: SearchBackend) -> None:
    recs = [PageRecord(key=f"k{i}", text="公安局", case_id=i, unit_id=1) for i in range(4)]
    any_index.add_pages(recs)
    any_index.add_pages([recs[1]])
    assert [h.key for h in search(any_index, "公安局", EVERYONE).hits] == ["k0", "k2", "k3", "k1"]


@pytest.mark.parametrize("backends", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_second_writer_times_out_with_a_clear_error_postgresql(backends: Backends) -> None:
    """A row another transaction holds: the write waits ``lock_timeout``, then says so."""
    from sqlalchemy import text

    index = backends.new(lock_timeout=0.3)
    rec = next(iter(PageFactory(1).pages(1)))
    index.add_pages([rec])
    with backends.engine.begin() as other:
        other.execute(text(f"SELECT 1 FROM {index.pages} WHERE key = :k FOR UPDATE"), {"k": rec.key})  # type: ignore[attr-defined]
        t = time.monotonic()
        with pytest.raises(IndexLockedError, match="locked"):
            index.add_pages([rec])
        assert time.monotonic() - t < 5
    assert index.add_pages([rec]) == 1  # free again


def test_second_writer_times_out_with_a_clear_error(index: Index) -> None:
    w = index._live().writer()
    try:
        t = time.monotonic()
        with pytest.raises(IndexLockedError, match="locked"):
            index.add_pages(PageFactory(1).pages(1))
        assert time.monotonic() - t < 5
    finally:
        w.cancel()
    assert index.add_pages(PageFactory(1).pages(1)) == 1  # free again


def test_other_schema_version_asks_for_a_rebuild(backends: Backends, tmp_path: Path) -> None:
    ix = backends.new()
    ix.add_pages(PageFactory(3).pages(10))
    make_stale(ix)
    old = backends.again(ix)
    assert old.needs_rebuild
    with pytest.raises(RebuildNeededError):
        search(old, "公安局", EVERYONE)
    with pytest.raises(RebuildNeededError):
        old.add_pages(PageFactory(3).pages(1))
    recs = list(PageFactory(3).pages(10))
    report = old.reindex(recs, commit_every=4)
    assert not old.needs_rebuild and report.pages == 10
    assert old.doc_count() == 10
    assert search(old, "公安局", EVERYONE).total == sum("公安局" in r.text for r in recs) > 0
    if isinstance(old, Index):
        assert [p.name for p in old.path.glob("gen-*")] == [report.generation]


def test_reindex_swaps_in_a_new_generation_seen_by_open_indexes(backends: Backends) -> None:
    writer = backends.new()
    reader = backends.again(writer)
    writer.add_pages(PageFactory(4).pages(5))
    assert reader.doc_count() == 5
    before = writer.generation
    writer.reindex(PageFactory(5).pages(12), commit_every=5)
    assert writer.generation != before
    assert reader.doc_count() == 12  # the other handle follows CURRENT
    assert CHECKPOINT_KEY not in all_keys(reader)
    assert all_keys(reader) == {r.key for r in PageFactory(5).pages(12)}  # the first 5 pages are gone


class Crash(Exception):
    pass


def failing_after(records: list[PageRecord], n: int) -> Iterator[PageRecord]:
    for i, rec in enumerate(records):
        if i == n:
            raise Crash
        yield rec


def test_reindex_resumes_after_a_crash(backends: Backends) -> None:
    recs = list(PageFactory(6).pages(53))
    ix = backends.new()
    ix.add_pages(recs[:3])
    with pytest.raises(Crash):
        ix.reindex(failing_after(recs, 37), commit_every=10)
    if isinstance(ix, Index):
        assert ix.doc_count() == 3  # the live index is untouched by a failed reindex
    else:  # the rebuilt pages are live at once, the old ones stay until the rebuild ends
        assert all_keys(ix) == {r.key for r in recs[:30]}
    seen: list[str | None] = []

    def source(after: str | None) -> Iterator[PageRecord]:
        seen.append(after)
        start = 0 if after is None else [r.key for r in recs].index(after) + 1
        return iter(recs[start:])

    report = ix.reindex(source, commit_every=10)
    assert seen == [recs[29].key] and report.resumed_from == recs[29].key
    assert report.pages == 53 - 30
    assert all_keys(ix) == {r.key for r in recs} and ix.doc_count() == 53  # each page exactly once
    assert search_keys(ix, recs[40].case_no, EVERYONE) == {r.key for r in recs if r.case_no == recs[40].case_no}


def test_reindex_resumes_from_a_plain_iterable(backends: Backends) -> None:
    recs = list(PageFactory(7).pages(25))
    ix = backends.new()
    with pytest.raises(Crash):
        ix.reindex(failing_after(recs, 12), commit_every=5)
    report = ix.reindex(iter(recs), commit_every=5)
    assert report.resumed_from == recs[9].key
    assert all_keys(ix) == {r.key for r in recs}


def test_a_second_reindex_is_refused_while_one_runs(backends: Backends) -> None:
    ix = backends.new(lock_timeout=0.2)
    other = backends.again(ix, lock_timeout=0.2)
    recs = list(PageFactory(8).pages(6))
    extra = PageRecord(key="written-meanwhile", text="改过的内容：鑫淼", case_id=1, unit_id=1)

    def source(after: str | None) -> Iterator[PageRecord]:
        with pytest.raises(IndexLockedError, match="already running"):
            other.reindex(recs)
        if isinstance(other, Index):
            with pytest.raises(IndexLockedError):
                other.add_pages(recs[:1])  # the live index is locked during a reindex
        else:  # writes go on, and outlive the end of the rebuild
            assert other.add_pages([extra]) == 1
        return iter(recs)

    ix.reindex(source)
    expected = {r.key for r in recs} | (set() if isinstance(other, Index) else {extra.key})
    assert all_keys(other) == expected and other.doc_count() == len(expected)


def test_reindex_with_two_writer_processes(tmp_path: Path) -> None:
    recs = list(PageFactory(9).pages(80))
    ix = Index(tmp_path / "ix")
    report = ix.reindex(recs, commit_every=30, procs=2)
    assert report.pages == 80
    assert sorted(all_keys(ix)) == sorted(r.key for r in recs)
    assert search_keys(ix, recs[5].case_no, EVERYONE) == {r.key for r in recs if r.case_no == recs[5].case_no}
