"""The array query path: postings decoding, the postings cache, ranking, groups, deletions, segments.

Everything is compared with something independent: Whoosh's own postings and collectors,
a brute-force scan of the page texts, or the dict/heapq/Counter code the arrays replaced.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from search import Index, PageRecord, Scope, search
from search import postings as postings_mod
from search.analysis import ArrayPositions, normalise
from search.literal import Literal, docnums
from search.postings import PostingsCache, load
from search.query import query_terms
from search.schema import GROUP_SEP
from search.searching import _Codes, _groups, _search_with_whoosh_collectors, _top, search_keys
from search.synthetic import PageFactory

EVERYONE = Scope.everything()
WORDS = ["取保候审", "北园大街", "中华人民共和国", "公安局", "分局", "决定", "羁押", "诉讼法", "刑", "济南市公安局天桥区分局"]


def occurrences(text: str, word: str) -> int:
    """Overlapping occurrences of ``word`` in ``text`` after normalisation."""
    stream, needle = normalise(text), normalise(word)
    return sum(1 for i in range(len(stream) - len(needle) + 1) if stream.startswith(needle, i))


def docnum_of(ix: Index) -> dict[str, int]:
    with ix.searcher() as s:
        return {str(f["key"]): d for d, f in ((d, s.stored_fields(d)) for d in s.reader().all_doc_ids())}


def segmented_index(path: Path, pages: list[PageRecord], cuts: list[int], **kwargs: object) -> Index:
    """An index written in several commits (segments; Whoosh may merge small ones)."""
    ix = Index(path, **kwargs)  # type: ignore[arg-type]
    for a, b in zip([0] + cuts, cuts + [len(pages)]):
        ix.add_pages(pages[a:b])
    return ix


@pytest.fixture(scope="module")
def many_segments(tmp_path_factory: pytest.TempPathFactory, pages: list[PageRecord]) -> Index:
    """Four commits without merging: four segments."""
    ix = Index(tmp_path_factory.mktemp("segs") / "ix")
    for a, b in ((0, 150), (150, 300), (300, 450), (450, 600)):
        w = ix._writer(ix._live())
        from search.schema import to_document

        for rec in pages[a:b]:
            w.add_document(**to_document(rec))
        w.commit(merge=False)
    with ix.searcher() as s:
        assert len(s.leaf_searchers()) == 4
    return ix


# -- decoding ------------------------------------------------------------------


def test_load_equals_whoosh_postings_for_every_term(built_index: Index) -> None:
    with built_index.searcher() as s:
        for sub, _ in s.leaf_searchers():
            reader = sub.reader()
            for field in ("text", "case_name", "unit_id", "persons"):
                fmt = reader.schema[field].format
                for term in list(reader.lexicon(field))[:400]:
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    got = load(reader, field, text)
                    items = list(reader.postings(field, text).all_items())
                    assert got.docs.tolist() == [d for d, _ in items]
                    if isinstance(fmt, ArrayPositions):
                        positions = [fmt.decode_positions(v) for _, v in items]
                        assert got.counts.tolist() == [len(p) for p in positions]
                        assert got.keys is not None
                        assert got.keys.tolist() == [(d << 32) | p for (d, _), ps in zip(items, positions) for p in ps]
                    else:
                        assert got.keys is None
                    only = got.docs[::3].copy()
                    part = load(reader, field, text, only)
                    assert part.docs.tolist() == only.tolist()
                    assert part.counts.tolist() == got.counts[::3].tolist()


def test_load_falls_back_to_all_items(built_index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    with built_index.searcher() as s:
        reader = s.leaf_searchers()[0][0].reader()
        fast = load(reader, "text", "公安")
        monkeypatch.setattr(postings_mod, "_readable", lambda leaf: False)
        slow = load(reader, "text", "公安")
    assert len(fast.docs) > 0
    assert fast.docs.tolist() == slow.docs.tolist() and fast.counts.tolist() == slow.counts.tolist()
    assert fast.keys is not None and slow.keys is not None and fast.keys.tolist() == slow.keys.tolist()


def test_arrays_and_counts_agree_with_brute_force_per_segment(many_segments: Index, pages: list[PageRecord]) -> None:
    numbers = docnum_of(many_segments)
    text_of = {numbers[p.key]: p.text for p in pages}
    cache = PostingsCache(1 << 30)
    with many_segments.searcher() as s:
        for word in WORDS:
            lit = Literal("text", query_terms(word))
            for sub, offset in s.leaf_searchers():
                reader = sub.reader()
                expected = {
                    d - offset: occurrences(text_of[d], word)
                    for d in range(offset, offset + reader.doc_count_all())
                    if occurrences(text_of[d], word)
                }
                if len(word) == 1:  # a single character counts the distinct bigrams it starts
                    assert set(lit.counts(reader)) == set(expected)
                    continue
                assert lit.counts(reader) == expected
                assert lit.counts(reader, cache=cache) == expected
                only = set(list(expected)[::2]) | {0, 1}
                assert lit.counts(reader, only) == {d: n for d, n in expected.items() if d in only}
                assert lit.counts(reader, only, cache) == {d: n for d, n in expected.items() if d in only}


# -- ranking, groups -----------------------------------------------------------


@pytest.mark.parametrize("word", ["公安局", "决定", "取保候审", "北园大街"])
def test_hits_are_ranked_by_occurrences_then_index_order(built_index: Index, pages: list[PageRecord], word: str) -> None:
    numbers = docnum_of(built_index)
    matching = [(occurrences(p.text, word), numbers[p.key], p.key) for p in pages if occurrences(p.text, word)]
    expected = [key for _, _, key in sorted(matching, key=lambda t: (-t[0], t[1]))]
    res = search(built_index, word, EVERYONE, limit=len(expected) + 5)
    assert [h.key for h in res.hits] == expected
    assert [h.key for h in search(built_index, word, EVERYONE, limit=7, offset=4).hits] == expected[4:11]


def test_top_equals_heapq_nlargest() -> None:
    rng = random.Random(3)
    for _ in range(300):
        n = rng.randrange(0, 60)
        docs = np.array(sorted(rng.sample(range(1000), n)), dtype=np.int64)
        scores = np.array([rng.choice([0.0, 0.5, 1.25, 2.0, rng.random()]) for _ in range(n)])
        k = rng.randrange(0, 70)
        by_doc = dict(zip(docs.tolist(), scores.tolist()))
        expected = heapq.nlargest(k, docs.tolist(), key=by_doc.__getitem__)
        assert [d for d, _ in _top(docs, scores, k)] == expected


def _groups_reference(docs: set[int], case_col: list[str], group_col: list[str], max_cases: int) -> list:
    """The Counter-based grouping the arrays replaced."""
    per_case = Counter(map(case_col.__getitem__, sorted(docs)))
    top = sorted(per_case.most_common(max_cases), key=lambda kv: (-kv[1], int(kv[0])))
    out: dict[str, list[Any]] = {str(cid): [int(cid), "", n, []] for cid, n in top}
    if len(out) < len(per_case):
        docs = {d for d in docs if case_col[d] in out}
    for value, n in Counter(map(group_col.__getitem__, docs)).items():
        case_id, case_no, doc_key, doc_type, doc_no = value.split(GROUP_SEP)
        out[case_id][1] = case_no
        out[case_id][3].append((doc_key, doc_type, doc_no, n))
    for g in out.values():
        g[3].sort(key=lambda d: (-d[3], d[0]))
    return list(out.values())


def test_groups_equal_the_counter_version_with_ties_and_a_case_limit() -> None:
    rng = random.Random(9)
    for _ in range(60):
        ndocs = rng.randrange(1, 400)
        case_col = [str(rng.randrange(1, 40)) for _ in range(ndocs)]
        group_col = [GROUP_SEP.join((c, f"A{c}", f"{c}:{rng.randrange(4)}", "t", "")) for c in case_col]
        docs = set(rng.sample(range(ndocs), rng.randrange(1, ndocs + 1)))

        def codes(col: list[str]) -> _Codes:
            seen: dict[str, int] = {}
            arr = np.array([seen.setdefault(v, len(seen)) for v in col], dtype=np.int64)
            return _Codes(arr, list(seen))

        max_cases = rng.choice([1, 3, 10, 200])
        got = _groups(np.array(sorted(docs), dtype=np.int64), codes(case_col), codes(group_col), max_cases)
        as_lists = [[g.case_id, g.case_no, g.count, [(d.doc_key, d.doc_type, d.doc_no, d.count) for d in g.docs]] for g in got]
        assert as_lists == _groups_reference(docs, case_col, group_col, max_cases)


# -- segments, deletions, the cache ---------------------------------------------


@pytest.mark.parametrize("q", ["取保候审", "北园大街 OR 经十路", "中华人民共和国 NOT 取保候审", '"决定对其取保候审"', "羁", "-公安局"])
def test_many_segments_agree_with_whoosh_collectors(many_segments: Index, pages: list[PageRecord], q: str) -> None:
    scope = Scope(unit_ids=frozenset({1, 3}))
    total, keys, groups = _search_with_whoosh_collectors(many_segments, q, scope, limit=1000)
    res = search(many_segments, q, scope, limit=1000)
    assert res.total == total > 0 and {h.key for h in res.hits} == set(keys)
    assert {d.doc_key: d.count for g in res.groups for d in g.docs} == {k.split(GROUP_SEP)[2]: n for k, n in groups.items()}
    unit_of = {p.key: p.unit_id for p in pages}
    assert {unit_of[h.key] for h in res.hits} <= {1, 3}


def test_deleted_and_replaced_pages_are_never_found_while_their_segment_stays_cached(tmp_path: Path) -> None:
    recs = list(PageFactory(31).pages(240, units=3))
    ix = segmented_index(tmp_path / "ix", recs, [80, 160])
    word = "公安局"
    before = search(ix, word, EVERYONE, limit=500)
    assert before.total == sum(1 for r in recs if occurrences(r.text, word))
    with ix.searcher() as s:
        old_segments = {postings_mod.segment_id(sub.reader()) for sub, _ in s.leaf_searchers()}
    assert len(old_segments) == 3
    gone = [r for r in recs[:160:7] if occurrences(r.text, word)]
    changed = PageRecord(key=recs[3].key, text="改过的内容：鑫淼", case_id=recs[3].case_id, unit_id=recs[3].unit_id)
    ix.update(records=[changed], deleted=[r.key for r in gone])
    current = [changed if r.key == changed.key else r for r in recs if r not in gone]
    with ix.searcher() as s:
        readers = [sub.reader() for sub, _ in s.leaf_searchers()]
        kept = [r for r in readers if postings_mod.segment_id(r) in old_segments]
        assert len(kept) == 3 and sum(r.has_deletions() for r in kept) == 2  # deletions in two cached segments
        assert all(ix.postings_cache.peek(r, "text", "公安") is not None for r in kept)
    hits_before = ix.postings_cache.hits
    for q in (word, f'"{word}"', "取保候审 公安局", "鑫淼", recs[3].persons[0], "羁", "-公安局"):
        res = search(ix, q, EVERYONE, limit=1000)
        expected = search_keys(ix, q, EVERYONE)
        assert {h.key for h in res.hits} == expected and res.total == len(expected)
        assert sum(g.count for g in res.groups) == res.total
        words = q.strip('"').lstrip("-").split()
        truth = {r.key for r in current if all(normalise(w) in normalise(r.text) for w in words)}
        if q.startswith("-"):
            truth = {r.key for r in current} - truth
        if q == recs[3].persons[0]:
            assert truth <= expected  # the person field finds more pages
        else:
            assert expected == truth, q
    assert ix.postings_cache.hits > hits_before  # unchanged segments were read from the cache


def test_a_reindex_empties_the_cache_and_searches_see_the_new_pages(tmp_path: Path) -> None:
    first = list(PageFactory(41).pages(60))
    ix = Index(tmp_path / "ix")
    ix.add_pages(first)
    word = "公安局"
    assert search(ix, word, EVERYONE).total == sum(1 for r in first if occurrences(r.text, word))
    assert len(ix.postings_cache) > 0
    second = [PageRecord(key=f"n{i}", text=f"第{i}页 公安局 鑫淼", case_id=1, unit_id=1) for i in range(5)]
    ix.reindex(second)
    assert search(ix, word, EVERYONE).total == 5
    assert search(ix, "鑫淼 公安局", EVERYONE).total == 5
    other = Index(tmp_path / "ix")  # another handle on the same directory follows CURRENT
    assert search(other, "鑫淼", EVERYONE).total == 5


@pytest.mark.parametrize("budget_mb", [0, 0.002, 64])
def test_results_do_not_depend_on_the_cache_budget(tmp_path: Path, pages: list[PageRecord], budget_mb: float) -> None:
    ix = segmented_index(tmp_path / "ix", pages[:300], [100, 200], postings_cache_mb=budget_mb)
    ref = segmented_index(tmp_path / "ref", pages[:300], [100, 200])
    for q in ["取保候审", "公安局 决定", "北园大街 OR 经十路", '"中华人民共和国刑事诉讼法"', "刑", "公安局 NOT 羁押"]:
        for scope in (EVERYONE, Scope(unit_ids=frozenset({2}))):
            a, b = search(ix, q, scope, limit=30), search(ref, q, scope, limit=30)
            assert (a.total, [(h.key, h.score, h.snippet) for h in a.hits], a.groups) == (
                b.total, [(h.key, h.score, h.snippet) for h in b.hits], b.groups)
    assert ix.postings_cache.nbytes <= ix.postings_cache.max_bytes
    if budget_mb == 0:
        assert len(ix.postings_cache) == 0


def test_cache_evicts_least_recently_used(built_index: Index) -> None:
    with built_index.searcher() as s:
        reader = s.leaf_searchers()[0][0].reader()
        sizes = {t: load(reader, "text", t).nbytes for t in ("公安", "分局", "决定")}
        cache = PostingsCache(sizes["公安"] + sizes["分局"] + 10)
        cache.get(reader, "text", "公安")
        cache.get(reader, "text", "分局")
        cache.get(reader, "text", "公安")  # now the most recently used
        cache.get(reader, "text", "决定")
        assert cache.peek(reader, "text", "分局") is None
        assert cache.peek(reader, "text", "公安") is not None
        assert cache.nbytes <= cache.max_bytes


def test_a_common_word_after_a_rare_one_reads_only_candidate_blocks(tmp_path: Path) -> None:
    """A term not cached whose candidates are few is read block-wise and not kept."""
    recs = list(PageFactory(51).pages(1200, units=2))
    ix = Index(tmp_path / "ix")
    ix.add_pages(recs)
    rare = next(n for r in recs for n in r.persons if sum(n in x.text for x in recs) == 1)
    q = f"{rare} 公安局"
    expected = {r.key for r in recs if rare in r.text and "公安局" in r.text}
    assert search_keys(ix, q, EVERYONE) == expected and expected
    with ix.searcher() as s:
        reader = s.leaf_searchers()[0][0].reader()
        assert ix.postings_cache.peek(reader, "text", "公安") is None  # read in part, not kept
    assert search_keys(ix, "公安局", EVERYONE) == {r.key for r in recs if "公安局" in r.text}


def test_scope_holds_when_the_cache_was_filled_by_a_wider_search(built_index: Index, pages: list[PageRecord]) -> None:
    word = "中华人民共和国"
    search(built_index, word, EVERYONE, limit=100)  # fills the postings cache with every unit's pages
    mine = Scope(unit_ids=frozenset({2}))
    res = search(built_index, word, mine, limit=1000)
    expected = {p.key for p in pages if p.unit_id == 2 and occurrences(p.text, word)}
    assert {h.key for h in res.hits} == expected and res.total == len(expected)
    assert {g.case_id for g in res.groups} <= {p.case_id for p in pages if p.unit_id == 2}


def test_docnums_of_filter_queries(many_segments: Index, pages: list[PageRecord]) -> None:
    from whoosh import query as wq

    numbers = docnum_of(many_segments)
    with many_segments.searcher() as s:
        q = wq.And([wq.Or([wq.Term("unit_id", "1"), wq.Term("unit_id", "2")]), wq.Term("doc_type", "bail_decision")])
        got = docnums(s, q, many_segments.postings_cache)
        assert got.tolist() == sorted(
            numbers[p.key] for p in pages if p.unit_id in (1, 2) and p.doc_type == "bail_decision"
        )
        assert docnums(s, wq.Term("unit_id", "99")).tolist() == []
