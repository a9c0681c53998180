"""A fast exact-substring query over the bigram index (Whoosh's ``Phrase`` is too slow).

Whoosh's ``Phrase`` checks positions through its generic span machinery, one Python
object per posting per term: about 60 µs per candidate page, i.e. seconds for a phrase
of a printed form that is on a quarter of 100,000 pages. :class:`Literal` does the same
job per index segment with numpy arrays (:mod:`search.postings`):

1. cover the literal with bigrams at offsets 0, 2, 4, ... and the last one (every
   character is covered, so a page has the literal at ``p`` exactly when each cover
   bigram is at ``p + offset``: no false positives, half the terms of ``Phrase``);
2. take the postings of the rarest cover term as ``docnum << 32 | position`` keys
   minus its offset: the candidate starts (inside ``only`` when given);
3. for each other cover term keep the starts whose key plus the term's offset is one of
   its keys (``searchsorted`` on sorted arrays, the rarest first so the starts shrink);
4. the surviving starts, run-length counted per page, are the occurrences; deleted
   documents are dropped last (the postings are read as stored, see
   :mod:`search.postings`). A literal whose cover is a single bigram needs no positions:
   its occurrences are the term's counts.

:meth:`Literal.arrays` gives :mod:`search.evaluate` the ``(docnums, occurrences)`` arrays
per segment, :meth:`Literal.start_keys` the surviving starts themselves (near matches,
:mod:`search.near`, join two literals with a gap); :meth:`Literal.matcher` gives Whoosh a ``ListMatcher`` with a BM25-like
weight per page (occurrences and rarity; the text fields keep no lengths, see
:mod:`search.schema`) when the query runs through Whoosh's own collectors.

Postings come from the index's :class:`search.postings.PostingsCache` when one is passed
(decoded once, kept within a memory budget); a term not in the cache whose candidates
are few compared with its posting blocks is read only in the blocks holding candidates,
and not kept. Without a cache every term is read from the index.

A one-character literal is the union of the postings of every term starting with it
(the bigrams, and the closing single character, see :mod:`search.analysis`).

:func:`docnums` evaluates the scope and filter queries (terms and their and/or) the same
way, as sorted arrays of global docnums.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher

from .postings import (
    EMPTY,
    PostingsCache,
    TermPostings,
    deleted_docs,
    intersect,
    live,
    load,
    member,
    position_of,
    runs,
)

_K1 = 1.2
_BLOCK = 128  # postings per block (Whoosh's W3Codec default)


def cover(terms: list[str]) -> list[tuple[int, str]]:
    """``(offset, bigram)`` pairs covering every character of the literal the terms spell."""
    n = len(terms)
    offsets = list(range(0, n, 2))
    if offsets[-1] != n - 1:
        offsets.append(n - 1)
    return [(o, terms[o]) for o in offsets]


def _fetch(
    reader: Any, field: str, term: str, df: int, cache: PostingsCache | None, candidates: Any = None
) -> TermPostings:
    """A term's postings in one segment: cached, or read (all of it, or the blocks of the candidates).

    ``candidates`` is a callable giving the sorted segment docnums still in the running
    (called only when the term is not cached). With a cache: when the candidates are
    fewer than half the term's posting blocks, only their blocks are read and nothing is
    kept; otherwise the whole list is read and kept. Without a cache: the candidates'
    blocks are read whenever there are candidates.
    """
    if cache is not None:
        found = cache.peek(reader, field, term)
        if found is not None:
            return found
    only = candidates() if candidates is not None else None
    if only is not None and (cache is None or 2 * len(only) < -(-df // _BLOCK)):
        return load(reader, field, term, only)
    if cache is None:
        return load(reader, field, term)
    return cache.get(reader, field, term)


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
        docs, tf = self.arrays(reader)
        if not len(docs):
            return NullMatcher()
        ids = docs.tolist()
        df = len(ids)
        n = max(1, reader.doc_count_all())
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scale = self.boost * idf * (_K1 + 1)
        weights = [scale * c / (c + _K1) for c in tf.tolist()]
        return ListMatcher(ids, weights=weights)

    def counts(self, reader: Any, only: set[int] | None = None, cache: PostingsCache | None = None) -> dict[int, int]:
        """``{docnum: occurrences}`` of the literal in one segment's ``reader`` (see :meth:`arrays`)."""
        wanted = None if only is None else np.array(sorted(only), dtype=np.int64)
        docs, tf = self.arrays(reader, wanted, cache)
        return dict(zip(docs.tolist(), tf.tolist()))

    def arrays(
        self, reader: Any, only: np.ndarray | None = None, cache: PostingsCache | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Segment docnums (ascending) with the literal, and its occurrences on each.

        With ``only`` (sorted segment docnums), pages outside it are not returned (and
        their postings are not read when that saves work). Deleted pages never are.
        """
        if not self.terms or self.fieldname not in reader.schema:
            return EMPTY, EMPTY
        if only is not None and not len(only):
            return EMPTY, EMPTY
        if len(self.terms) == 1 and len(self.terms[0]) == 1:
            docs, tf = self._prefix_arrays(reader, cache)
            if only is not None:
                keep = member(docs, only)
                docs, tf = docs[keep], tf[keep]
        else:
            docs, tf = self._literal_arrays(reader, only, cache)
        if len(docs) and reader.has_deletions():
            keep = live(docs, deleted_docs(reader))
            docs, tf = docs[keep], tf[keep]
        return docs, tf

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

    def _prefix_arrays(self, reader: Any, cache: PostingsCache | None) -> tuple[np.ndarray, np.ndarray]:
        """Pages with a term starting with the character; the count is how many such terms.

        (Counting distinct bigrams instead of decoding every posting keeps a common
        character cheap; the count only feeds the ranking.)
        """
        field = self.fieldname
        lists = []
        for term in reader.expand_prefix(field, self.terms[0]):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            p = cache.get(reader, field, text) if cache is not None else load(reader, field, text)
            lists.append(p.docs)
        if not lists:
            return EMPTY, EMPTY
        return runs(np.sort(np.concatenate(lists), kind="stable"))

    def _literal_arrays(
        self, reader: Any, only: np.ndarray | None, cache: PostingsCache | None
    ) -> tuple[np.ndarray, np.ndarray]:
        found = self._first(reader, only, cache)
        if found is None:
            return EMPTY, EMPTY
        parts, first, freq = found
        if len(parts) == 1 or first.keys is None:
            docs, tf = first.docs, first.counts
            if only is not None:
                keep = member(docs, only)
                docs, tf = docs[keep], tf[keep]
            return docs, tf
        return runs(self._follow(reader, parts, first.keys, freq, only, cache) >> 32)

    def start_keys(
        self, reader: Any, only: np.ndarray | None = None, cache: PostingsCache | None = None
    ) -> np.ndarray:
        """Where the literal starts in one segment, as sorted ``docnum << 32 | position``
        keys (deleted pages included; two or more characters). Used by near matches."""
        if len(self.terms) == 1 and len(self.terms[0]) == 1:
            raise ValueError("start_keys needs a literal of two or more characters")
        if self.fieldname not in reader.schema or (only is not None and not len(only)):
            return EMPTY
        found = self._first(reader, only, cache)
        if found is None:
            return EMPTY
        parts, first, freq = found
        if first.keys is None:
            return EMPTY
        return self._follow(reader, parts, first.keys, freq, only, cache)

    def _first(
        self, reader: Any, only: np.ndarray | None, cache: PostingsCache | None
    ) -> tuple[list[tuple[int, str]], TermPostings, dict[str, int]] | None:
        """The cover, sorted rarest first, with the rarest term's postings (None: no match)."""
        field = self.fieldname
        parts = cover(self.terms)
        try:
            freq = {t: reader.doc_frequency(field, t) for _, t in parts}
        except KeyError:
            return None
        if any(f == 0 for f in freq.values()):
            return None
        parts.sort(key=lambda p: freq[p[1]])
        first_term = parts[0][1]
        first = _fetch(reader, field, first_term, freq[first_term], cache, (lambda: only) if only is not None else None)
        return parts, first, freq

    def _follow(
        self,
        reader: Any,
        parts: list[tuple[int, str]],
        starts: np.ndarray,
        freq: dict[str, int],
        only: np.ndarray | None,
        cache: PostingsCache | None,
    ) -> np.ndarray:
        """The start keys left after checking every other cover term at its offset."""
        field = self.fieldname
        first_off = parts[0][0]
        if only is not None:
            starts = starts[member(starts >> 32, only)]
        if first_off:
            starts = starts[position_of(starts) >= first_off] - first_off
        for off, term in parts[1:]:
            if not len(starts):
                return EMPTY
            p = _fetch(reader, field, term, freq[term], cache, lambda: runs(starts >> 32)[0])
            if p.keys is None or not len(p.keys):
                return EMPTY
            starts = starts[member(starts + off, p.keys)]
        return starts


def docnums(searcher: Any, q: wq.Query, cache: PostingsCache | None = None) -> np.ndarray:
    """Global docnums (sorted array) matching a filter query: terms and their and/or, read whole.

    Used for the access scope and filters, which Whoosh would otherwise evaluate by
    stepping through every allowed page in Python on every search.
    """
    if isinstance(q, wq.Term):
        found = []
        text = q.text if isinstance(q.text, str) else str(q.text)
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            p = cache.get(reader, q.fieldname, text) if cache is not None else load(reader, q.fieldname, text)
            docs = p.docs
            if len(docs) and reader.has_deletions():
                docs = docs[live(docs, deleted_docs(reader))]
            found.append(docs + offset)
        return np.concatenate(found) if found else EMPTY
    if isinstance(q, wq.Or):
        parts = [docnums(searcher, sub, cache) for sub in q.subqueries]
        return np.unique(np.concatenate(parts)) if parts else EMPTY
    if isinstance(q, wq.And):
        sets = sorted((docnums(searcher, sub, cache) for sub in q.subqueries), key=len)
        if not sets:
            return EMPTY
        out = sets[0]
        for s in sets[1:]:
            out = intersect(out, s)
        return out
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return EMPTY
    return np.array(sorted(set(q.docs(searcher))), dtype=np.int64)
