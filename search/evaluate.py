"""Evaluate a query as sets of document numbers: total, ranking and groups without a Python loop per hit.

Whoosh's collectors call a matcher, a scorer and (for groups) a facet categorizer once
per matching page in Python: about 10 µs a page, so a phrase of a printed form that is
on 25,000 of 100,000 pages costs a quarter of a second. Here each literal yields a
``{docnum: occurrences}`` dict per segment (:meth:`search.literal.Literal.counts`), the
boolean operators become set operations, the access scope is one more intersection
(:func:`search.literal.docset`, cached per searcher), the top hits come from
``heapq.nlargest`` and the groups from a ``Counter`` over the ``group`` column read once
per searcher. The scope is intersected before anything is counted, ranked or grouped,
exactly like Whoosh's ``filter=``.

Queries of other kinds (date ranges) fall back to Whoosh's own ``docs()``.
"""

from __future__ import annotations

from typing import Any

from whoosh import query as wq

from .literal import Literal, docset

Scores = dict[int, float]


def evaluate(searcher: Any, q: wq.Query) -> tuple[set[int], Scores]:
    """Global docnums matching ``q`` and a score for those that literals matched."""
    if isinstance(q, Literal):
        scores: Scores = {}
        per_leaf = []
        df = 0
        for sub, offset in searcher.leaf_searchers():
            counts = q.counts(sub.reader())
            df += len(counts)
            per_leaf.append((offset, counts))
        unit = q.weight(searcher.reader(), df) if df else 0.0
        for offset, counts in per_leaf:
            for d, tf in counts.items():
                scores[d + offset] = unit * tf / (tf + 1.2)
        return set(scores), scores
    if isinstance(q, (wq.And, wq.Or)):
        parts = [evaluate(searcher, sub) for sub in q.subqueries]
        if not parts:
            return set(), {}
        if isinstance(q, wq.And):
            docs = set.intersection(*(p[0] for p in sorted(parts, key=lambda p: len(p[0]))))
        else:
            docs = set.union(*(p[0] for p in parts))
        return docs, _sum_scores(docs, [p[1] for p in parts])
    if isinstance(q, wq.AndNot):
        pos, scores = evaluate(searcher, q.a)
        neg, _ = evaluate(searcher, q.b)
        return pos - neg, scores
    if isinstance(q, wq.Not):
        neg, _ = evaluate(searcher, q.query)
        return _all_docs(searcher) - neg, {}
    if isinstance(q, wq.Every):
        return _all_docs(searcher), {}
    if isinstance(q, wq.Term):
        return docset(searcher, q), {}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return set(), {}
    return set(q.docs(searcher)), {}


def _sum_scores(docs: set[int], score_maps: list[Scores]) -> Scores:
    maps = [m for m in score_maps if m]
    if not maps:
        return {}
    if len(maps) == 1:
        return maps[0]
    out: Scores = {}
    for m in maps:
        for d, v in m.items():
            if d in docs:
                out[d] = out.get(d, 0.0) + v
    return out


def _all_docs(searcher: Any) -> set[int]:
    return set(searcher.reader().all_doc_ids())


def column_values(searcher: Any, field: str) -> list[Any]:
    """The sortable column ``field`` as a list indexed by global docnum."""
    reader = searcher.reader()
    if not reader.has_column(field):
        return [None] * reader.doc_count_all()
    return list(reader.column_reader(field))
