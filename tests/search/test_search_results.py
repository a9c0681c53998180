"""Searching a small index: exact recall and precision, booleans, filters, snippets, groups
(every backend; the comparison with Whoosh's own collectors is Whoosh's)."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest

from search import Filters, Index, PageRecord, Scope, SearchBackend, search, search_keys
from search.analysis import normalise

EVERYONE = Scope.everything()


def truth(pages: list[PageRecord], *words: str) -> set[str]:
    return {p.key for p in pages if all(normalise(w) in normalise(p.text) for w in words)}


def fragments(pages: list[PageRecord], n: int, seed: int) -> list[str]:
    """Random substrings of page texts (1 to 12 characters, across line ends too)."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        text = pages[rng.randrange(len(pages))].text
        length = rng.choice([1, 2, 2, 3, 4, 5, 8, 12])
        at = rng.randrange(max(1, len(text) - length))
        frag = text[at : at + length]
        if normalise(frag) and '"' not in frag and not set(frag) & set("()（）-|&"):
            out.append("".join(frag.split()))
    return out


def test_every_substring_is_found_exactly(built: SearchBackend, pages: list[PageRecord]) -> None:
    for frag in fragments(pages, 150, seed=3):
        assert search_keys(built, f'"{frag}"', EVERYONE) == truth(pages, frag), frag


def test_strings_not_on_any_page_find_nothing(built: SearchBackend, pages: list[PageRecord]) -> None:
    for q in ["取保候审决定书立案", "北园大街北园大街", "zzz", "鑫"]:
        assert truth(pages, q) == set()
        assert search(built, q, EVERYONE).total == 0


def test_boolean_operators_are_set_algebra(built: SearchBackend, pages: list[PageRecord]) -> None:
    a, b = "取保候审", "北园大街"
    ta, tb = truth(pages, a), truth(pages, b)
    assert ta and tb and ta != tb
    assert search_keys(built, f"{a} {b}", EVERYONE) == ta & tb
    assert search_keys(built, f"{a} AND {b}", EVERYONE) == ta & tb
    assert search_keys(built, f"{a} OR {b}", EVERYONE) == ta | tb
    assert search_keys(built, f"{a} NOT {b}", EVERYONE) == ta - tb
    assert search_keys(built, f"-{b}", EVERYONE) == {p.key for p in pages} - tb


def test_document_number_with_other_brackets_finds_the_document(built: SearchBackend, pages: list[PageRecord]) -> None:
    page = next(p for p in pages if "〔" in p.doc_no)
    typed = page.doc_no.replace("（", "(").replace("）", ")").replace("〔", "[").replace("〕", "]")
    keys = search_keys(built, typed, EVERYONE)
    same_doc = {p.key for p in pages if p.doc_no == page.doc_no}
    assert same_doc <= keys  # every page of the document, via the keyword field
    assert truth(pages, page.doc_no) <= keys  # and every page that prints it
    assert search_keys(built, f"文号:{typed}", EVERYONE) == same_doc


def test_case_number_and_person(built: SearchBackend, pages: list[PageRecord]) -> None:
    page = pages[40]
    assert search_keys(built, page.case_no, EVERYONE) == {p.key for p in pages if p.case_no == page.case_no}
    name = page.persons[0]
    named = {p.key for p in pages if name in p.persons}
    assert named <= search_keys(built, f"person:{name}", EVERYONE)


def test_filters(built: SearchBackend, pages: list[PageRecord]) -> None:
    word = "中华人民共和国"
    f = Filters(doc_types=frozenset({"bail_decision"}))
    assert search_keys(built, word, EVERYONE, f) == {
        k for k in truth(pages, word) if next(p for p in pages if p.key == k).doc_type == "bail_decision"
    }
    lo, hi = date(2018, 1, 1), date(2018, 12, 31)
    dated = {p.key for p in pages if p.doc_date and lo <= p.doc_date <= hi}
    assert search_keys(built, word, EVERYONE, Filters(date_from=lo, date_to=hi)) == truth(pages, word) & dated
    assert search_keys(built, f"{word} date:2018", EVERYONE) == truth(pages, word) & dated
    unit2 = {p.key for p in pages if p.unit_id == 2}
    assert search_keys(built, word, EVERYONE, Filters(unit_ids=frozenset({2}))) == truth(pages, word) & unit2


def test_foreign_unit_pages_leave_no_trace(built: SearchBackend, pages: list[PageRecord]) -> None:
    mine = Scope(unit_ids=frozenset({1, 2}))

    def units_printing(word: str) -> set[int]:
        return {p.unit_id for p in pages if normalise(word) in normalise(p.text)}

    # a name printed only on pages of unit 3, and one printed in unit 3 and elsewhere
    names = sorted({n for p in pages for n in p.persons})
    only3 = next(n for n in names if units_printing(n) == {3})
    shared = next(n for n in names if 3 in units_printing(n) and len(units_printing(n)) > 1)
    assert search(built, only3, EVERYONE).total > 0
    for q in (only3, f'"{only3}"', f"{only3} OR 鑫淼", f"person:{only3}"):
        res = search(built, q, mine)
        assert (res.total, res.hits, res.groups) == (0, [], []), q
    res = search(built, shared, mine, limit=100)
    expected = {p.key for p in pages if normalise(shared) in normalise(p.text) and p.unit_id != 3}
    assert res.total == len(expected) and {h.key for h in res.hits} == expected
    assert sum(g.count for g in res.groups) == res.total
    assert {g.case_id for g in res.groups} <= {p.case_id for p in pages if p.unit_id != 3}
    assert search(built, shared, Scope()).total == 0  # a scope that allows nothing
    one_case = next(p.case_id for p in pages if p.unit_id == 3 and normalise(shared) in normalise(p.text))
    case_scope = Scope(all_units=True, case_ids=frozenset({one_case}))
    assert {h.case_id for h in search(built, shared, case_scope, limit=100).hits} == {one_case}


def test_groups_count_every_match_by_case_and_document(built: SearchBackend, pages: list[PageRecord]) -> None:
    res = search(built, "取保候审", EVERYONE, limit=5)
    expected = truth(pages, "取保候审")
    assert res.total == len(expected) and len(res.hits) == 5
    assert sum(g.count for g in res.groups) == res.total
    by_doc: dict[str, int] = {}
    for p in pages:
        if p.key in expected:
            by_doc[p.doc_key] = by_doc.get(p.doc_key, 0) + 1
    assert {d.doc_key: d.count for g in res.groups for d in g.docs} == by_doc
    first = res.groups[0]
    assert first.case_no == next(p.case_no for p in pages if p.case_id == first.case_id)


def test_pagination_is_stable(built: SearchBackend) -> None:
    all_hits = search(built, "中华人民共和国", EVERYONE, limit=30).hits
    page2 = search(built, "中华人民共和国", EVERYONE, limit=10, offset=10).hits
    assert [h.key for h in page2] == [h.key for h in all_hits[10:20]]


def test_hits_snippets_spans_and_json(built: SearchBackend, pages: list[PageRecord]) -> None:
    res = search(built, "取保候审 NOT 解除", EVERYONE, limit=3)
    hit = res.hits[0]
    body = next(p.text for p in pages if p.key == hit.key)
    assert hit.spans and all(normalise(body[s:e]) == "取保候审" for s, e in hit.spans)
    assert "<mark>取保候审</mark>" in hit.snippet and "解除" not in "".join(hit.matched)
    data = json.loads(res.to_json())
    assert set(data) == {"total", "hits"} and data["total"] == res.total
    assert set(data["hits"][0]) == {"case_no", "volume", "page", "label", "doc_type", "doc_no", "snippet"}
    assert isinstance(data["hits"][0]["page"], int) and data["hits"][0]["volume"] == 1


def test_snippet_escapes_html(any_index: SearchBackend) -> None:
    rec = PageRecord(key="x1", text="备注：<script>alert(1)</script> 张三 & 李四", case_id=1, unit_id=1, case_no="A1")
    any_index.add_pages([rec])
    hit = search(any_index, "张三", EVERYONE).hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>张三</mark>" in hit.snippet and "&amp;" in hit.snippet


@pytest.mark.parametrize("q", ["", "   ", "NOT"])
def test_empty_or_bad_queries(built: SearchBackend, q: str) -> None:
    if q == "NOT":
        from search import QuerySyntaxError

        with pytest.raises(QuerySyntaxError):
            search(built, q, EVERYONE)
    else:
        assert search(built, q, EVERYONE).total == 0


@pytest.mark.parametrize(
    "q",
    ["取保候审", "北园大街 OR 经十路", "中华人民共和国 NOT 取保候审", '"决定对其取保候审"', "羁", "date:2018 公安局", "-公安局"],
)
def test_search_agrees_with_whoosh_collectors(built_index: Index, q: str) -> None:
    from search.searching import _search_with_whoosh_collectors

    scope = Scope(unit_ids=frozenset({1, 3}))
    total, keys, groups = _search_with_whoosh_collectors(built_index, q, scope, limit=1000)
    res = search(built_index, q, scope, limit=1000)
    assert res.total == total > 0
    assert {h.key for h in res.hits} == set(keys)
    assert {d.doc_key: d.count for g in res.groups for d in g.docs} == {
        k.split("\x1f")[2]: n for k, n in groups.items()
    }


def test_several_words_from_one_page_are_anded_exactly(built: SearchBackend, pages: list[PageRecord]) -> None:
    rng = random.Random(5)
    for _ in range(40):
        page = pages[rng.randrange(len(pages))]
        words = fragments([page], rng.choice([2, 3]), seed=rng.randrange(10**6))
        q = " ".join(f'"{w}"' for w in words)
        assert search_keys(built, q, EVERYONE) == truth(pages, *words), q
        assert search(built, q, EVERYONE, groups=False).total == len(truth(pages, *words))
