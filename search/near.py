"""Near matches: a phrase with one character misread by OCR.

OCR misreads a character now and then (羁 read as 霸), and a clerk searching
看守所羁押 wants the page that says 看守所霸押 too, after the pages that say it right.
A *near match* of a literal ``s`` (its normalised stream, see :mod:`search.analysis`) is
a string ``t`` in the page's normalised stream with ``len(t) == len(s)`` that differs
from ``s`` in at most one position ``j``, where

* ``s`` has at least :data:`MIN_NEAR` characters (shorter ones would find other names:
  张建国 near 张建华), and
* ``s[j]`` is not an ASCII letter or digit (a different number is a different
  document, year or sum, not a misreading worth showing);
* only plain text literals take part (words and "phrases"; not ``field:value`` ones,
  not document or case numbers, not literals under NOT).

Every exact occurrence is also a near match, so near matching only ever adds pages;
the searchers rank every page that matches the query exactly above every page that
needs a near match for it (:mod:`search.searching`, :mod:`search.pg`).

:func:`substitutable` gives the positions ``j``; :func:`find_near` finds near matches in
a page's text as spans (for highlights, and as the truth the backends are tested
against). :class:`NearLiteral` is the Whoosh query: for each ``j`` the part before and
the part after ``j`` are found with :class:`search.literal.Literal`'s position arrays
and joined with one free position between them; a part of a single character is
checked against the postings of the terms that start with it (the bigrams, and the
closing single character of a stream, see :mod:`search.analysis`), read only for the
pages still in the running.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np

from .analysis import normalise, normalise_with_offsets, query_terms
from .literal import Literal, _fetch
from .postings import EMPTY, PostingsCache, deleted_docs, live, member, position_of, runs

MIN_NEAR = 4
#: up to this many pages, a character at a position is looked up in the page text
STORED_CHECK = 64


def substitutable(stream: str) -> list[int]:
    """Positions of a normalised literal at which a near match may differ ([] if none may)."""
    if len(stream) < MIN_NEAR:
        return []
    return [j for j, c in enumerate(stream) if not (c.isascii() and c.isalnum())]


def near_pattern(stream: str) -> re.Pattern[str] | None:
    """A regular expression matching ``stream`` and its near matches (None: it has none)."""
    alts = [re.escape(stream[:j]) + "." + re.escape(stream[j + 1 :]) for j in substitutable(stream)]
    if not alts:
        return None
    return re.compile("(?=(" + "|".join(alts) + "))", re.S)


def find_near(
    text: str, literal: str, normalised: tuple[str, list[int]] | None = None
) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` in ``text`` of the near matches of ``literal`` (exact ones included)."""
    needle = normalise(literal)
    pattern = near_pattern(needle)
    if pattern is None:
        return []
    stream, offsets = normalised if normalised is not None else normalise_with_offsets(text)
    n = len(needle)
    return [(offsets[m.start()], offsets[m.start() + n - 1] + 1) for m in pattern.finditer(stream)]


class NearLiteral(Literal):
    """Pages whose normalised text contains the literal or a near match of it.

    ``stream`` is the normalised literal and ``positions`` its :func:`substitutable`
    positions (not empty). Every page found counts one occurrence: the searcher uses
    this query's scores only for pages without the exact literal, which rank among
    themselves by the query's other literals, then in index order (as in PostgreSQL).
    """

    def __init__(self, fieldname: str, stream: str, positions: list[int], boost: float = 1.0) -> None:
        super().__init__(fieldname, query_terms(stream), boost)
        self.stream = stream
        self.positions = list(positions)

    def __repr__(self) -> str:
        return f"NearLiteral({self.fieldname!r}, {self.stream!r}, {self.positions!r})"

    def __unicode__(self) -> str:
        return f"{self.fieldname}:~\"{self.stream}\""

    __str__ = __unicode__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, NearLiteral)
            and (other.fieldname, other.stream, other.positions, other.boost)
            == (self.fieldname, self.stream, self.positions, self.boost)
        )

    def __hash__(self) -> int:
        return hash(("near", self.fieldname, self.stream, tuple(self.positions), self.boost))

    def _parts(self, j: int) -> tuple[Literal | None, Literal | None]:
        left, right = self.stream[:j], self.stream[j + 1 :]
        return (
            Literal(self.fieldname, query_terms(left)) if len(left) >= 2 else None,
            Literal(self.fieldname, query_terms(right)) if len(right) >= 2 else None,
        )

    def estimate(self, reader: Any) -> int:
        """Upper bound: for each position, the rarer of its two parts; summed."""
        total = 0
        for j in self.positions:
            sizes = [p.estimate(reader) for p in self._parts(j) if p is not None]
            total += min(sizes) if sizes else reader.doc_count_all()
        return min(total, int(reader.doc_count_all()))

    def arrays(
        self, reader: Any, only: np.ndarray | None = None, cache: PostingsCache | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        if self.fieldname not in reader.schema or (only is not None and not len(only)):
            return EMPTY, EMPTY
        n = len(self.stream)
        docs = EMPTY
        # positions whose check needs a single character last: the pages found by the
        # others need no such check
        for j in sorted(self.positions, key=lambda j: j in (1, n - 2)):
            keys = self._starts(reader, j, only, cache, docs)
            if len(keys):
                docs = np.union1d(docs, keys >> 32)
        if len(docs) and reader.has_deletions():
            docs = docs[live(docs, deleted_docs(reader))]
        return docs, np.ones(len(docs), dtype=np.int64)

    def _starts(
        self, reader: Any, j: int, only: np.ndarray | None, cache: PostingsCache | None, have: np.ndarray = EMPTY
    ) -> np.ndarray:
        """Start keys (``docnum << 32 | position``) of the matches differing at most at ``j``
        (on pages already found, ``have``, a character is not checked: they may be left out)."""
        n = len(self.stream)
        left, right = self._parts(j)
        lk = left.start_keys(reader, only, cache) if left is not None else None
        rk = None
        if right is not None:
            rk = right.start_keys(reader, only, cache)
            rk = rk[position_of(rk) >= j + 1] - (j + 1)
        if lk is not None and rk is not None:
            return lk[member(lk, rk)]  # type: ignore[no-any-return]
        if rk is not None:  # j is 0 or 1
            if j == 1:
                rk = rk[~member(rk >> 32, have)]
                rk = rk[self._char_at(reader, self.stream[0], rk, cache)]
            return rk
        assert lk is not None  # j is n - 2 or n - 1
        if j == n - 2:
            lk = lk[~member(lk >> 32, have)]
            return lk[self._char_at(reader, self.stream[-1], lk + (n - 1), cache)]  # type: ignore[no-any-return]
        return lk[~self._ends_at(reader, self.stream[-2], lk + (n - 2), cache)]  # type: ignore[no-any-return]

    def _char_at(self, reader: Any, char: str, keys: np.ndarray, cache: PostingsCache | None) -> np.ndarray:
        """Mask of ``keys`` at whose position the stream has ``char``: read from the text
        of a few pages, else from the postings of every term starting with ``char`` (for
        a common character, hundreds of terms)."""
        if not len(keys):
            return np.zeros(0, dtype=bool)
        docs = np.unique(keys >> 32)
        if len(docs) <= STORED_CHECK and self.fieldname == "text":
            streams = {int(d): normalise(str(reader.stored_fields(int(d)).get("body", ""))) for d in docs.tolist()}
            at = position_of(keys).tolist()
            return np.array([p < len(streams[d]) and streams[d][p] == char
                             for d, p in zip((keys >> 32).tolist(), at)], dtype=bool)
        found = []
        for term in _prefix_terms(reader, self.fieldname, char):
            df = reader.doc_frequency(self.fieldname, term)
            p = _fetch(reader, self.fieldname, term, df, cache, lambda: docs)
            if p.keys is not None and len(p.keys):
                found.append(p.keys[member(p.keys >> 32, docs)])
        if not found:
            return np.zeros(len(keys), dtype=bool)
        return member(keys, np.unique(np.concatenate(found)))

    def _ends_at(self, reader: Any, char: str, keys: np.ndarray, cache: PostingsCache | None) -> np.ndarray:
        """Mask of ``keys`` at whose position the stream ends (with ``char``, the closing term)."""
        if not len(keys) or (self.fieldname, char) not in reader:
            return np.zeros(len(keys), dtype=bool)
        df = reader.doc_frequency(self.fieldname, char)
        p = _fetch(reader, self.fieldname, char, df, cache, lambda: np.unique(keys >> 32))
        if p.keys is None:
            return np.zeros(len(keys), dtype=bool)
        return member(keys, p.keys)


def _prefix_terms(reader: Any, field: str, char: str) -> Iterator[str]:
    for term in reader.expand_prefix(field, char):
        yield term.decode("utf-8") if isinstance(term, bytes) else term
