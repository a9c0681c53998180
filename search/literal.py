"""A fast exact-substring query over the bigram index (Whoosh's ``Phrase`` is too slow).

Whoosh's ``Phrase`` checks positions through its generic span machinery, one Python
object per posting per term: about 60 µs per candidate page, i.e. seconds for a phrase
of a printed form that is on a quarter of 100,000 pages. :class:`Literal` does the same
job per index segment with whole posting blocks:

1. cover the literal with bigrams at offsets 0, 2, 4, ... and the last one (every
   character is covered, so a page has the literal at ``p`` exactly when each cover
   bigram is at ``p + offset``: no false positives, half the terms of ``Phrase``);
2. read the postings of the rarest cover term block by block (ids and encoded
   positions come out of one unpickle per block), then narrow the candidates with the
   other terms' blocks by set intersection;
3. decode positions (int32 arrays, :class:`search.analysis.ArrayPositions`, decoded in
   C) only for pages that have every term, and keep those where the shifted position
   sets intersect;
4. give :mod:`search.evaluate` the ``{docnum: occurrences}`` per segment, or give
   Whoosh a ``ListMatcher`` with a BM25-like weight per page (occurrences and rarity;
   the text fields keep no lengths, see :mod:`search.schema`) when the query runs
   through Whoosh's own collectors.

A one-character literal is the union of the postings of every term starting with it
(the bigrams, and the closing single character, see :mod:`search.analysis`).

The block reading uses attributes of Whoosh's ``W3LeafMatcher`` (``_read_ids``,
``_read_values``, ``_next_block``); ``tests/search`` compares :class:`Literal` with a
brute-force scan, so a Whoosh change that broke this would fail there. When a matcher
lacks them, the public (slower) ``all_items()`` is used. Deleted documents are dropped
from each block (a segment with deletions wraps its postings in ``FilterMatcher``).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from itertools import repeat
from operator import sub
from typing import Any

from whoosh import query as wq

from .analysis import ArrayPositions
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher

_K1 = 1.2


def cover(terms: list[str]) -> list[tuple[int, str]]:
    """``(offset, bigram)`` pairs covering every character of the literal the terms spell."""
    n = len(terms)
    offsets = list(range(0, n, 2))
    if offsets[-1] != n - 1:
        offsets.append(n - 1)
    return [(o, terms[o]) for o in offsets]


def _blocks(
    matcher: Any, wanted: list[int] | None = None
) -> Iterator[tuple[tuple[int, ...], tuple[bytes, ...]]]:
    """Yield ``(ids, values)`` per posting block, leaving out deleted documents.

    A segment with deletions wraps its postings in ``FilterMatcher(exclude=True)``; the
    wrapped leaf is read block-wise and the deleted ids dropped here. With ``wanted``
    (sorted docnums), blocks whose id range holds none of them are skipped unread: the
    block header gives the last id, the previous header the first.
    """
    excluded: frozenset[int] | set[int] = frozenset()
    leaf = matcher
    if isinstance(matcher, FilterMatcher) and getattr(matcher, "_exclude", False):
        excluded = matcher._ids
        leaf = matcher.child
    if not all(hasattr(leaf, a) for a in ("_read_ids", "_read_values", "_next_block", "is_active")):
        items = list(matcher.all_items())
        yield tuple(i for i, _ in items), tuple(v for _, v in items)
        return
    prev_max = -1
    while leaf.is_active():
        if wanted is not None:
            block_max = leaf.block_max_id()
            i = bisect_right(wanted, prev_max)
            if i >= len(wanted):
                return
            prev_max = block_max
            if wanted[i] > block_max:
                leaf._next_block()
                continue
        leaf._read_ids()
        leaf._read_values()
        ids, values = tuple(leaf._ids), tuple(leaf._values)
        if excluded and not excluded.isdisjoint(ids):
            kept = [(i, v) for i, v in zip(ids, values) if i not in excluded]
            ids, values = tuple(i for i, _ in kept), tuple(v for _, v in kept)
        yield ids, values
        leaf._next_block()


def _shifted_positions(value: bytes, offset: int) -> set[int]:
    """Positions minus ``offset``, decoded in C from :class:`search.analysis.ArrayPositions`."""
    a = array("i")
    a.frombytes(value)
    if not offset:
        return set(a)
    return set(map(sub, a, repeat(offset, len(a))))


def _postings(reader: Any, field: str, term: str, only: set[int] | None = None) -> dict[int, bytes]:
    """``{docnum: encoded positions}`` for ``term``, restricted to ``only`` when given."""
    out: dict[int, bytes] = {}
    m = reader.postings(field, term)
    for ids, values in _blocks(m, None if only is None else sorted(only)):
        if only is None:
            out.update(zip(ids, values))  # type: ignore[arg-type]
        else:
            common = only.intersection(ids)
            if common:
                block = dict(zip(ids, values))  # type: ignore[arg-type]
                for i in common:
                    out[i] = block[i]
    return out


class Literal(wq.Query):
    """Pages whose normalised text contains the literal spelled by ``terms``.

    ``terms`` are the bigrams of the literal (from :func:`search.analysis.query_terms`),
    or one single character.
    """

    def __init__(self, fieldname: str, terms: list[str], boost: float = 1.0) -> None:
        self.fieldname = fieldname
        self.terms = list(terms)
        self.boost = boost

    def __repr__(self) -> str:
        return f"Literal({self.fieldname!r}, {self.terms!r})"

    def __unicode__(self) -> str:
        return f"{self.fieldname}:\"{self.literal}\""

    __str__ = __unicode__

    @property
    def literal(self) -> str:
        return self.terms[0] + "".join(t[-1] for t in self.terms[1:])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Literal)
            and other.fieldname == self.fieldname
            and other.terms == self.terms
            and other.boost == self.boost
        )

    def __hash__(self) -> int:
        return hash((self.fieldname, tuple(self.terms), self.boost))

    def has_terms(self) -> bool:
        return True

    def terms_iter(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        for t in self.terms:
            yield (self.fieldname, t)

    def iter_all_terms(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        return self.terms_iter(phrases)

    def _terms(self, phrases: bool = True) -> Iterator[tuple[str, str]]:
        return self.terms_iter(phrases)

    def estimate_size(self, ixreader: Any) -> int:
        try:
            return min(ixreader.doc_frequency(self.fieldname, t) for t in self.terms)
        except (KeyError, ValueError):
            return 0

    def normalize(self) -> wq.Query:
        return self if self.terms else wq.NullQuery

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        reader = searcher.reader()
        field = self.fieldname
        if not self.terms or field not in reader.schema:
            return NullMatcher()
        counts = self.counts(reader)
        if not counts:
            return NullMatcher()
        ids = sorted(counts)
        df = len(ids)
        n = max(1, reader.doc_count_all())
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scale = self.boost * idf * (_K1 + 1)
        weights = [scale * counts[d] / (counts[d] + _K1) for d in ids]
        return ListMatcher(ids, weights=weights)

    def counts(self, reader: Any, only: set[int] | None = None) -> dict[int, int]:
        """``{docnum: occurrences}`` of the literal in one segment's ``reader``.

        With ``only`` (segment docnums), pages outside it are neither read nor returned.
        """
        if not self.terms or self.fieldname not in reader.schema:
            return {}
        if only is not None and not only:
            return {}
        if len(self.terms) == 1 and len(self.terms[0]) == 1:
            counts = self._prefix_counts(reader)
            return counts if only is None else {d: n for d, n in counts.items() if d in only}
        return self._literal_counts(reader, only)

    def estimate(self, reader: Any) -> int:
        """Upper bound of the pages it matches (the rarest cover term's document count)."""
        if len(self.terms) == 1 and len(self.terms[0]) == 1:
            return reader.doc_count_all()  # type: ignore[no-any-return]
        try:
            return min(reader.doc_frequency(self.fieldname, t) for _, t in cover(self.terms))
        except KeyError:
            return 0

    def weight(self, reader: Any, df: int) -> float:
        """Score of one occurrence: BM25's idf and tf saturation at tf = 1."""
        n = max(1, reader.doc_count_all())
        return self.boost * math.log(1 + (n - df + 0.5) / (df + 0.5)) * (_K1 + 1)

    def _prefix_counts(self, reader: Any) -> dict[int, int]:
        """Pages with a term starting with the character; the count is how many such terms.

        (Counting distinct bigrams instead of decoding every posting keeps a common
        character cheap; the count only feeds the ranking.)
        """
        counts: Counter[int] = Counter()
        for term in reader.expand_prefix(self.fieldname, self.terms[0]):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            for ids, _ in _blocks(reader.postings(self.fieldname, text)):
                counts.update(ids)
        return counts

    def _literal_counts(self, reader: Any, only: set[int] | None = None) -> dict[int, int]:
        field = self.fieldname
        parts = cover(self.terms)
        try:
            freq = {t: reader.doc_frequency(field, t) for _, t in parts}
        except KeyError:
            return {}
        if any(f == 0 for f in freq.values()):
            return {}
        parts.sort(key=lambda p: freq[p[1]])
        fmt = reader.schema[field].format
        first_off, first_term = parts[0]
        post = _postings(reader, field, first_term, only)
        if len(parts) == 1:
            if isinstance(fmt, ArrayPositions):
                return {d: len(v) >> 2 for d, v in post.items()}
            return {d: fmt.decode_frequency(v) for d, v in post.items()}
        lists = [(first_off, post)]
        cand = set(post)
        for off, term in parts[1:]:
            p = _postings(reader, field, term, cand)
            cand &= p.keys()
            if not cand:
                return {}
            lists.append((off, p))
        counts: dict[int, int] = {}
        for d in cand:
            starts = _shifted_positions(lists[0][1][d], lists[0][0])
            for off, p in lists[1:]:
                starts &= _shifted_positions(p[d], off)
                if not starts:
                    break
            if starts:
                counts[d] = len(starts)
        return counts


def docset(searcher: Any, q: wq.Query) -> set[int]:
    """Global docnums matching a filter query, read block-wise for terms and their and/or.

    Used for the access scope and filters, which Whoosh would otherwise evaluate by
    stepping through every allowed page in Python on every search.
    """
    if isinstance(q, wq.Term):
        out: set[int] = set()
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            text = q.text if isinstance(q.text, str) else str(q.text)
            if (q.fieldname, text) not in reader:
                continue
            for ids, _ in _blocks(reader.postings(q.fieldname, text)):
                out.update(ids if not offset else (i + offset for i in ids))
        return out
    if isinstance(q, wq.Or):
        out = set()
        for sub in q.subqueries:
            out |= docset(searcher, sub)
        return out
    if isinstance(q, wq.And):
        sets = sorted((docset(searcher, sub) for sub in q.subqueries), key=len)
        out = sets[0] if sets else set()
        for s in sets[1:]:
            out &= s
        return out
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return set()
    return set(q.docs(searcher))
