"""Near matches (one character of a phrase misread by OCR), on every backend.

The truth is a brute-force scan of the normalised page texts written here, independent
of :mod:`search.near`: a page nearly has a literal of four or more characters when a
stretch of it as long as the literal differs from it in at most one place, and that
place is not an ASCII letter or digit of the literal.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from search import PageRecord, Scope, SearchBackend, match_spans, search, search_keys
from search.analysis import normalise
from search.synthetic import PageFactory
from tests.search.conftest import BACKENDS, make_backends

EVERYONE = Scope.everything()
MISREAD = "霸申甲乙丙丁戊己庚辛壬癸"


def nearly(text: str, word: str) -> bool:
    s, t = normalise(word), normalise(text)
    n = len(s)
    if n < 4:
        return s in t
    free = {j for j, c in enumerate(s) if not (c.isascii() and c.isalnum())}
    for i in range(len(t) - n + 1):
        diff = [j for j in range(n) if t[i + j] != s[j]]
        if not diff or (len(diff) == 1 and diff[0] in free):
            return True
    return False


def exactly(text: str, word: str) -> bool:
    return normalise(word) in normalise(text)


def misread(rng: random.Random, text: str) -> str:
    """The text with one Chinese character replaced, as OCR would misread it."""
    spots = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    i = rng.choice(spots)
    return text[:i] + rng.choice([c for c in MISREAD if c != text[i]]) + text[i + 1 :]


@pytest.fixture(scope="module")
def corpus() -> list[PageRecord]:
    """Synthetic pages, every third one with a character misread; and the example of the issue."""
    rng = random.Random(17)
    pages = list(PageFactory(23).pages(360, units=3))
    out = [replace(p, text=misread(rng, p.text)) if i % 3 == 0 else p for i, p in enumerate(pages)]
    extra = [
        ("near-a", "兹决定对犯罪嫌疑人执行拘留，送济南市看守所霸押。", 1),
        ("near-b", "送济南市看守所羁押。", 1),
        ("near-c", "收到2019年款项", 2),
        ("near-d", "收到2018年款项，张建华", 2),
        ("near-e", "看守所霸押（外单位）", 3),
    ]
    for key, text, unit in extra:
        out.append(PageRecord(key=key, text=text, case_id=900 + unit, unit_id=unit, case_no=f"A{unit}"))
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def near_index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               corpus: list[PageRecord]) -> SearchBackend:
    ix = make_backends(request, tmp_path_factory.mktemp("near")).new()
    ix.add_pages(corpus)
    return ix


def truth(pages: list[PageRecord], word: str, near: bool = True) -> set[str]:
    test = nearly if near else exactly
    return {p.key for p in pages if test(p.text, word)}


def test_the_misread_phrase_is_found_below_the_exact_ones(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    res = search(near_index, "看守所羁押", EVERYONE, limit=500, near=True)
    exact = truth(corpus, "看守所羁押", near=False)
    assert {h.key for h in res.hits} == truth(corpus, "看守所羁押") and res.total == len(res.hits)
    assert {"near-a", "near-e"} <= {h.key for h in res.hits if h.near}
    assert [h.near for h in res.hits] == sorted(h.near for h in res.hits)  # every exact hit first
    assert {h.key for h in res.hits if not h.near} == exact
    off = search(near_index, "看守所羁押", EVERYONE, limit=500)
    assert [h.key for h in off.hits] == [h.key for h in res.hits if not h.near]  # same order as without
    hit = next(h for h in res.hits if h.key == "near-a")
    assert "<mark>看守所霸押</mark>" in hit.snippet and hit.matched == ["看守所羁押"]
    assert sum(g.count for g in res.groups) == res.total


def test_off_finds_exactly(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    for word in ("看守所羁押", "取保候审", "中华人民共和国"):
        assert search_keys(near_index, word, EVERYONE) == truth(corpus, word, near=False)
        assert search(near_index, word, EVERYONE, near=False).total == len(truth(corpus, word, near=False))


def test_random_misread_fragments_are_found(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    """Fragments of 4-10 characters with one character changed find exactly the brute-force truth."""
    rng = random.Random(5)
    checked = 0
    while checked < 60:
        page = corpus[rng.randrange(len(corpus))]
        stream = normalise(page.text)
        n = rng.randint(4, 10)
        at = rng.randrange(max(1, len(stream) - n))
        frag = stream[at : at + n]
        if len(frag) < 4 or set(frag) & set('"()-|&:：') or not any("\u4e00" <= c <= "\u9fff" for c in frag):
            continue
        word = misread(rng, frag)
        assert search_keys(near_index, f'"{word}"', EVERYONE, near=True) == truth(corpus, word), word
        if checked % 6 == 0:
            res = search(near_index, f'"{word}"', EVERYONE, limit=1000, near=True)
            assert {h.key for h in res.hits} == truth(corpus, word)
            assert {h.key for h in res.hits if not h.near} == truth(corpus, word, near=False)
            assert all(h.spans for h in res.hits)
        checked += 1


def test_and_or_and_not(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    a, b = "看守所羁押", "中华人民共和国"
    ta, tb = truth(corpus, a), truth(corpus, b)
    assert search_keys(near_index, f"{a} {b}", EVERYONE, near=True) == ta & tb
    assert search_keys(near_index, f"{a} OR {b}", EVERYONE, near=True) == ta | tb
    # a literal under NOT stays exact: a page that nearly has it is not left out
    everyone = {p.key for p in corpus}
    assert search_keys(near_index, f"-{a}", EVERYONE, near=True) == everyone - truth(corpus, a, near=False)
    res = search(near_index, f"{b} {a}", EVERYONE, limit=1000, near=True)
    exact_both = truth(corpus, a, near=False) & truth(corpus, b, near=False)
    assert {h.key for h in res.hits if not h.near} == exact_both
    assert [h.near for h in res.hits] == sorted(h.near for h in res.hits)


def test_what_never_takes_near_matches(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    # a different digit is a different number, not a misreading
    assert search_keys(near_index, "2018年款项", EVERYONE, near=True) == {"near-d"}
    assert search_keys(near_index, "2018年款顶", EVERYONE, near=True) == {"near-d"}
    # three characters are too few (another name, not a misread one)
    assert search_keys(near_index, "张建国", EVERYONE, near=True) == truth(corpus, "张建国", near=False)
    # document numbers, case numbers and field values are exact
    page = next(p for p in corpus if p.doc_no and "〔" in p.doc_no)
    wrong = page.doc_no.replace("公", "分", 1)
    assert search_keys(near_index, wrong, EVERYONE, near=True) == truth(corpus, wrong, near=False)
    assert search_keys(near_index, f"person:{page.persons[0]}x", EVERYONE, near=True) == set()


def test_near_hits_stay_inside_the_scope(near_index: SearchBackend, corpus: list[PageRecord]) -> None:
    mine = Scope(unit_ids=frozenset({1, 2}))
    res = search(near_index, "看守所羁押", mine, limit=1000, near=True)
    unit = {p.key: p.unit_id for p in corpus}
    assert "near-e" not in {h.key for h in res.hits} and {unit[h.key] for h in res.hits} <= {1, 2}
    assert res.total == len({k for k in truth(corpus, "看守所羁押") if unit[k] in (1, 2)})
    assert {g.case_id for g in res.groups} <= {p.case_id for p in corpus if p.unit_id in (1, 2)}


def test_pagination_keeps_the_tiers(near_index: SearchBackend) -> None:
    everything = search(near_index, "看守所羁押", EVERYONE, limit=1000, near=True).hits
    paged = [h for off in range(0, len(everything), 7)
             for h in search(near_index, "看守所羁押", EVERYONE, limit=7, offset=off, near=True).hits]
    assert [(h.key, h.near) for h in paged] == [(h.key, h.near) for h in everything]


def test_match_spans_near() -> None:
    text = "送看守所霸押，另看守所羁押"
    assert [text[s:e] for s, e in match_spans(text, "看守所羁押")] == ["看守所羁押"]
    assert [text[s:e] for s, e in match_spans(text, "看守所羁押", near=True)] == ["看守所羁押"]
    text = "送看守所霸押"
    assert match_spans(text, "看守所羁押") == []
    assert [text[s:e] for s, e in match_spans(text, "看守所羁押", near=True)] == ["看守所霸押"]


@pytest.mark.parametrize("stored_check", [0, 10_000])
def test_whoosh_checks_a_character_by_postings_or_by_text_alike(
        tmp_path_factory: pytest.TempPathFactory, corpus: list[PageRecord], stored_check: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoosh looks a single character up in the page text for a few pages, in the postings
    of every term starting with it for more: both give the brute-force truth."""
    from search import Index
    from search import near as near_mod

    monkeypatch.setattr(near_mod, "STORED_CHECK", stored_check)
    ix = Index(tmp_path_factory.mktemp("near-check") / "ix")
    ix.add_pages(corpus[:200])
    ix.add_pages(corpus[200:])  # two segments
    for word in ("看守所霸押", "看霸所羁押", "取霸候审", "取保霸审", "乙分局2018", "询问笔霸", "决定对其取保候申",
                 ",电话13", "取保候审"):
        assert truth(corpus, word), word
        assert search_keys(ix, f'"{word}"', EVERYONE, near=True) == truth(corpus, word), word
