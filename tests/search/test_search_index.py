"""Index lifecycle: incremental writes, locking, schema versions, resumable reindex."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import Index, IndexLockedError, PageRecord, RebuildNeededError, Scope, search
from search.analysis import normalise
from search.index import CHECKPOINT_KEY
from search.searching import search_keys
from search.synthetic import PageFactory

EVERYONE = Scope.everything()


def all_keys(ix: Index) -> list[str]:
    with ix.searcher() as s:
        return [str(f["key"]) for f in s.all_stored_fields()]


def test_add_replace_delete(index: Index) -> None:
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
    assert sorted(all_keys(index)) == sorted([changed.key] + [r.key for r in recs[2:]])


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


def test_other_schema_version_asks_for_a_rebuild(tmp_path: Path) -> None:
    ix = Index(tmp_path / "ix")
    ix.add_pages(PageFactory(3).pages(10))
    (tmp_path / "ix" / ix.generation / "ECASE_SCHEMA").write_text("0\n")
    old = Index(tmp_path / "ix")
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
    assert [p.name for p in (tmp_path / "ix").glob("gen-*")] == [report.generation]


def test_reindex_swaps_in_a_new_generation_seen_by_open_indexes(tmp_path: Path) -> None:
    writer = Index(tmp_path / "ix")
    reader = Index(tmp_path / "ix")
    writer.add_pages(PageFactory(4).pages(5))
    assert reader.doc_count() == 5
    before = writer.generation
    writer.reindex(PageFactory(5).pages(12), commit_every=5)
    assert writer.generation != before
    assert reader.doc_count() == 12  # the other handle follows CURRENT
    assert CHECKPOINT_KEY not in all_keys(reader)


class Crash(Exception):
    pass


def failing_after(records: list[PageRecord], n: int) -> Iterator[PageRecord]:
    for i, rec in enumerate(records):
        if i == n:
            raise Crash
        yield rec


def test_reindex_resumes_after_a_crash(tmp_path: Path) -> None:
    recs = list(PageFactory(6).pages(53))
    ix = Index(tmp_path / "ix")
    ix.add_pages(recs[:3])
    with pytest.raises(Crash):
        ix.reindex(failing_after(recs, 37), commit_every=10)
    assert ix.doc_count() == 3  # the live index is untouched by a failed reindex
    seen: list[str | None] = []

    def source(after: str | None) -> Iterator[PageRecord]:
        seen.append(after)
        start = 0 if after is None else [r.key for r in recs].index(after) + 1
        return iter(recs[start:])

    report = ix.reindex(source, commit_every=10)
    assert seen == [recs[29].key] and report.resumed_from == recs[29].key
    assert report.pages == 53 - 30
    keys = all_keys(ix)
    assert sorted(keys) == sorted(r.key for r in recs)  # each page exactly once


def test_reindex_resumes_from_a_plain_iterable(tmp_path: Path) -> None:
    recs = list(PageFactory(7).pages(25))
    ix = Index(tmp_path / "ix")
    with pytest.raises(Crash):
        ix.reindex(failing_after(recs, 12), commit_every=5)
    report = ix.reindex(iter(recs), commit_every=5)
    assert report.resumed_from == recs[9].key
    assert sorted(all_keys(ix)) == sorted(r.key for r in recs)


def test_a_second_reindex_is_refused_while_one_runs(tmp_path: Path) -> None:
    ix = Index(tmp_path / "ix", lock_timeout=0.2)
    other = Index(tmp_path / "ix", lock_timeout=0.2)
    recs = list(PageFactory(8).pages(6))

    def source(after: str | None) -> Iterator[PageRecord]:
        with pytest.raises(IndexLockedError, match="already running"):
            other.reindex(recs)
        with pytest.raises(IndexLockedError):
            other.add_pages(recs[:1])  # the live index is locked during a reindex
        return iter(recs)

    ix.reindex(source)
    assert other.doc_count() == 6


def test_reindex_with_two_writer_processes(tmp_path: Path) -> None:
    recs = list(PageFactory(9).pages(80))
    ix = Index(tmp_path / "ix")
    report = ix.reindex(recs, commit_every=30, procs=2)
    assert report.pages == 80
    assert sorted(all_keys(ix)) == sorted(r.key for r in recs)
    assert search_keys(ix, recs[5].case_no, EVERYONE) == {r.key for r in recs if r.case_no == recs[5].case_no}
