"""Evaluate a query as arrays of document numbers: total, ranking and groups without a Python loop per hit.

Whoosh's collectors call a matcher, a scorer and (for groups) a facet categorizer once
per matching page in Python: about 10 µs a page, so a phrase of a printed form that is
on 25,000 of 100,000 pages costs a quarter of a second. Here a query evaluates to a pair
of numpy arrays: the matching global docnums (ascending) and their scores (aligned;
zeros for parts that do not score). Each literal gives per segment its
``(docnums, occurrences)`` (:meth:`search.literal.Literal.arrays`), the boolean operators
become sorted-array operations, filters and the access scope are sorted arrays too
(:func:`search.literal.docnums`). :mod:`search.searching` intersects the result with the
allowed pages before anything is counted, ranked or grouped, exactly like Whoosh's
``filter=``.

Scores are sums of each literal's ``idf * tf / (tf + 1.2)`` added in the order of the
query's parts, the same float operations in the same order as the dict-based version
this replaced, so rankings (and their ties) do not change.

``cache`` is the index's :class:`search.postings.PostingsCache`; ``memo`` a dict that
lives as long as the searcher (it keeps the array of live docnums for NOT).

Queries of other kinds (date ranges) fall back to Whoosh's own ``docs()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh import query as wq

from .literal import Literal, docnums
from .postings import EMPTY, PostingsCache, deleted_docs, intersect, live, member

Matches = tuple[np.ndarray, np.ndarray]  # (sorted global docnums, float64 scores aligned with them)

_NONE: Matches = (EMPTY, np.zeros(0))


def evaluate(
    searcher: Any,
    q: wq.Query,
    within: np.ndarray | None = None,
    *,
    cache: PostingsCache | None = None,
    memo: dict[Any, Any] | None = None,
) -> Matches:
    """Global docnums matching ``q`` (inside the sorted array ``within`` when given) and their scores.

    ``And`` evaluates its most selective part first and each further part only inside
    the pages still in the running, so a common word next to a rare one costs little.
    """
    if within is not None and not len(within):
        return _NONE
    if memo is None:
        memo = {}
    if isinstance(q, Literal):
        return _literal(searcher, q, within, cache)
    if isinstance(q, wq.And):
        parts = sorted(q.subqueries, key=lambda sub: _estimate(searcher, sub))
        docs = within
        results: list[Matches] = []
        for sub in parts:
            found = evaluate(searcher, sub, docs, cache=cache, memo=memo)
            results.append(found)
            docs = found[0]
            if not len(docs):
                return _NONE
        assert docs is not None
        return docs, _sum_scores(docs, results)
    if isinstance(q, wq.Or):
        results = [evaluate(searcher, sub, within, cache=cache, memo=memo) for sub in q.subqueries]
        if not results:
            return _NONE
        docs = np.unique(np.concatenate([r[0] for r in results]))
        return docs, _sum_scores(docs, results)
    if isinstance(q, wq.AndNot):
        pos, scores = evaluate(searcher, q.a, within, cache=cache, memo=memo)
        neg, _ = evaluate(searcher, q.b, pos, cache=cache, memo=memo)
        keep = ~member(pos, neg)
        return pos[keep], scores[keep]
    if isinstance(q, wq.Not):
        neg, _ = evaluate(searcher, q.query, within, cache=cache, memo=memo)
        docs = _restrict(_all_docs(searcher, memo), within)
        return _unscored(docs[~member(docs, neg)])
    if isinstance(q, wq.Every):
        return _unscored(_restrict(_all_docs(searcher, memo), within))
    if isinstance(q, wq.Term):
        return _unscored(_restrict(docnums(searcher, q, cache), within))
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return _NONE
    return _unscored(_restrict(np.array(sorted(set(q.docs(searcher))), dtype=np.int64), within))


def _unscored(docs: np.ndarray) -> Matches:
    return docs, np.zeros(len(docs))


def _restrict(docs: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    return docs if within is None else intersect(docs, within)


def _estimate(searcher: Any, q: wq.Query) -> int:
    reader = searcher.reader()
    if isinstance(q, Literal):
        return q.estimate(reader)
    if isinstance(q, wq.Term):
        try:
            return int(reader.doc_frequency(q.fieldname, q.text))
        except (KeyError, ValueError):
            return 0
    if isinstance(q, wq.And):
        return min((_estimate(searcher, s) for s in q.subqueries), default=0)
    if isinstance(q, wq.Or):
        return sum(_estimate(searcher, s) for s in q.subqueries)
    if isinstance(q, wq.AndNot):
        return _estimate(searcher, q.a)
    return int(reader.doc_count_all())


def _literal(searcher: Any, q: Literal, within: np.ndarray | None, cache: PostingsCache | None) -> Matches:
    per_leaf = []
    df = 0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        only = None
        if within is not None:
            lo, hi = np.searchsorted(within, [offset, offset + reader.doc_count_all()])
            only = within[lo:hi] - offset
            if not len(only):
                continue
        docs, tf = q.arrays(reader, only, cache)
        df += len(docs)
        if len(docs):
            per_leaf.append((docs + offset, tf))
    if not per_leaf:
        return _NONE
    unit = q.weight(searcher.reader(), df)
    docs = np.concatenate([d for d, _ in per_leaf])
    tf = np.concatenate([t for _, t in per_leaf]).astype(np.float64)
    return docs, unit * tf / (tf + 1.2)


def _sum_scores(docs: np.ndarray, results: list[Matches]) -> np.ndarray:
    """Each result's scores on ``docs`` (0 where it has none), added in order."""
    acc = np.zeros(len(docs))
    for found, scores in results:
        if not len(found) or not scores.any():
            continue
        if len(found) == len(docs):  # the same docnums: ``docs`` is a subset of ``found``
            acc += scores
            continue
        idx = np.searchsorted(found, docs)
        idx[idx == len(found)] = 0
        hit = found[idx] == docs
        acc[hit] += scores[idx[hit]]
    return acc


def _all_docs(searcher: Any, memo: dict[Any, Any]) -> np.ndarray:
    """Every live global docnum, ascending (kept in ``memo`` for the searcher's life)."""
    found = memo.get(("all_docs",))
    if found is None:
        parts = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            docs = np.arange(reader.doc_count_all(), dtype=np.int64)
            if reader.has_deletions():
                docs = docs[live(docs, deleted_docs(reader))]
            parts.append(docs + offset)
        found = memo[("all_docs",)] = np.concatenate(parts) if parts else EMPTY
        found.flags.writeable = False
    return found  # type: ignore[no-any-return]


def column_values(searcher: Any, field: str) -> list[Any]:
    """The sortable column ``field`` as a list indexed by global docnum."""
    reader = searcher.reader()
    if not reader.has_column(field):
        return [None] * reader.doc_count_all()
    return list(reader.column_reader(field))
