"""Running a query: access scope, filters, hits with snippets, groups by case and document.

Access is enforced inside the engine, never after it: the scope and the filters become
one Whoosh query, evaluated into the set of allowed page numbers
(:func:`search.literal.docnums`, kept as a boolean mask over the docnums while the
searcher is current), and that mask is applied to the matching pages before anything is
counted, ranked, grouped or turned into a snippet (:mod:`search.evaluate`). The total,
the hits, the groups and therefore the snippets are computed from allowed pages only. A
scope that allows nothing returns an empty result without touching the index.

The matching pages and their scores are numpy arrays: the top hits are the
``offset + limit`` highest scores (``np.partition`` for the threshold, then a sort of
those above it; ties in index order, exactly like ``heapq.nlargest`` over ascending
docnums), and the groups are ``np.bincount`` over the ``case_id`` and ``group`` columns,
read once per searcher and turned into integer codes. Only the hits shown read their
stored fields and get a snippet (the page text is normalised once per hit for all the
query's literals).

Why not ``Searcher.search(filter=...)``: it gives the same guarantee (its
``FilterCollector`` wraps every other collector), but it steps through every matching
page in Python, which at 100,000 pages made a common phrase take a quarter of a second.
``_search_with_whoosh_collectors`` keeps that path as the reference the tests compare
:func:`search` with.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import sorting

from .analysis import find_literal, normalise_with_offsets
from .index import Index
from .evaluate import column_values, evaluate
from .literal import docnums
from .near import find_near
from .postings import member
from .query import Lit, Node, has_near, near_form, parse, positive_literals, to_whoosh
from .schema import GROUP_SEP, normalise_case_no, normalise_doc_no


@dataclass(frozen=True, slots=True)
class Scope:
    """What the searching user may see.

    A page is visible when (``all_units`` or its unit is in ``unit_ids``) and
    (``case_ids`` is None or its case is in ``case_ids``). To grant single cases of other
    units, pass ``all_units=True`` with the allowed ``case_ids``.
    """

    all_units: bool = False
    unit_ids: frozenset[int] = frozenset()
    case_ids: frozenset[int] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(all_units=True)

    def allows_nothing(self) -> bool:
        return (not self.all_units and not self.unit_ids) or (self.case_ids is not None and not self.case_ids)

    def to_query(self) -> wq.Query | None:
        parts: list[wq.Query] = []
        if not self.all_units:
            parts.append(_any_of("unit_id", (str(u) for u in sorted(self.unit_ids))))
        if self.case_ids is not None:
            parts.append(_any_of("case_id", (str(c) for c in sorted(self.case_ids))))
        return _all_of(parts)


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing chosen in the search form; ``None`` or empty means no narrowing."""

    unit_ids: frozenset[int] | None = None
    case_ids: frozenset[int] | None = None
    case_kinds: frozenset[str] | None = None
    doc_types: frozenset[str] | None = None
    volume_kinds: frozenset[str] | None = None
    date_from: date | None = None
    date_to: date | None = None

    def to_query(self) -> wq.Query | None:
        parts: list[wq.Query] = []
        for fname, values in (
            ("unit_id", self.unit_ids),
            ("case_id", self.case_ids),
            ("case_kind", self.case_kinds),
            ("doc_type", self.doc_types),
            ("volume_kind", self.volume_kinds),
        ):
            if values:
                parts.append(_any_of(fname, (str(v) for v in sorted(values))))
        if self.date_from or self.date_to:
            lo = datetime.combine(self.date_from, time.min) if self.date_from else None
            hi = datetime.combine(self.date_to, time.max) if self.date_to else None
            parts.append(wq.DateRange("doc_date", lo, hi))
        return _all_of(parts)


def _any_of(fname: str, values: Iterable[str]) -> wq.Query:
    terms = [wq.Term(fname, v) for v in values]
    if not terms:
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _all_of(parts: list[wq.Query]) -> wq.Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


@dataclass(slots=True)
class Hit:
    """One matching page, with what the viewer needs to show and highlight it."""

    key: str
    case_no: str
    case_id: int
    case_name: str
    volume: int  # volume number within the case (第N卷)
    volume_id: int
    volume_kind: str
    page: int  # 1-based position in its volume
    label: str  # paper page number as printed
    doc_type: str
    doc_no: str
    doc_key: str
    snippet: str  # HTML: escaped text with <mark> around matches
    score: float
    matched: list[str] = field(default_factory=list)  # query literals found on the page
    spans: list[tuple[int, int]] = field(default_factory=list)  # character offsets in the page text
    near: bool = False  # found only thanks to a near match (ranked after every exact hit)


@dataclass(slots=True)
class DocGroup:
    doc_key: str
    doc_type: str
    doc_no: str
    count: int


@dataclass(slots=True)
class CaseGroup:
    case_id: int
    case_no: str
    count: int
    docs: list[DocGroup] = field(default_factory=list)


@dataclass(slots=True)
class SearchResult:
    total: int
    hits: list[Hit]
    groups: list[CaseGroup]

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: ``{"total": n, "hits": [{case_no, volume, page, label, doc_type, doc_no, snippet}]}``."""
        keys = ("case_no", "volume", "page", "label", "doc_type", "doc_no", "snippet")
        return {"total": self.total, "hits": [{k: getattr(h, k) for k in keys} for h in self.hits]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def as_full_dict(self) -> dict[str, Any]:
        """Everything, for an API that wants spans and groups too."""
        return {"total": self.total, "hits": [asdict(h) for h in self.hits], "groups": [asdict(g) for g in self.groups]}


def _literals(query: str | Node | None) -> list[Lit]:
    node = parse(query) if isinstance(query, str) else query
    return positive_literals(node)


def _highlight_values(lit: Lit) -> list[str]:
    if lit.field in ("text", "person"):
        return [lit.value]
    if lit.field == "doc_no":
        return [lit.value, normalise_doc_no(lit.value)]
    if lit.field == "case_no":
        return [lit.value, normalise_case_no(lit.value)]
    return []


def match_spans(text: str, query: str | Node | None, *, near: bool = False) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` character offsets in ``text`` of what ``query`` matches.

    Only literals that make a page match count (not those under NOT, not filters such
    as ``type:`` or ``date:``). Matching ignores white space and bracket/width variants
    exactly like the index, so a span may cover spaces the OCR put between characters.
    With ``near``, a literal not on the page exactly is highlighted where it is nearly.
    """
    return literal_spans(text, _literals(query), near=near)[0]


def literal_spans(
    text: str, literals: list[Lit], *, near: bool = False
) -> tuple[list[tuple[int, int]], list[str]]:
    """Merged spans of ``literals`` in ``text``, and the values of the literals found.

    With ``near``, a literal that takes near matches (:func:`search.query.near_form`)
    and is not on the page exactly is looked for nearly (:func:`search.near.find_near`).
    """
    spans: list[tuple[int, int]] = []
    matched: list[str] = []
    normalised = normalise_with_offsets(text) if literals else None
    for lit in literals:
        found = [sp for v in _highlight_values(lit) for sp in find_literal(text, v, normalised)]
        if not found and near and near_form(lit) is not None:
            found = find_near(text, lit.value, normalised)
        if found:
            matched.append(lit.value)
            spans.extend(found)
    return _merge(spans), matched


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def make_snippet(text: str, spans: list[tuple[int, int]], *, context: int = 30, max_marks: int = 5) -> str:
    """HTML snippet around the first matches: escaped text, ``<mark>`` around each span."""
    if not spans:
        head = " ".join(text.split())[: 2 * context]
        return html.escape(head) + ("…" if len(text) > len(head) else "")
    start = max(0, spans[0][0] - context)
    end = min(len(text), spans[0][1] + context)
    shown = [sp for sp in spans[:max_marks] if sp[0] >= start and sp[1] <= end + 2 * context]
    if shown:
        end = max(end, min(len(text), shown[-1][1] + 10))
    parts: list[str] = ["…" if start > 0 else ""]
    at = start
    for s, e in shown:
        parts.append(html.escape(text[at:s]))
        parts.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        at = e
    parts.append(html.escape(text[at:end]))
    parts.append("…" if end < len(text) else "")
    return " ".join("".join(parts).split("\n"))


def search(
    index: Index,
    query_string: str,
    scope: Scope,
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
    *,
    groups: bool = True,
    near: bool = False,
) -> SearchResult:
    """Search ``index`` for ``query_string`` as seen by ``scope``.

    Hits are ordered by relevance (occurrences and rarity of the matched literals, BM25's
    idf and tf saturation), ties by index order. ``groups`` counts every allowed matching
    page by case and by document (``groups=False`` skips that work). ``near`` finds
    near matches too (:mod:`search.near`): the pages that match the query exactly come
    first, in the order they have without ``near``, then those found only nearly.
    """
    node = parse(query_string)
    if node is None or scope.allows_nothing():
        return SearchResult(total=0, hits=[], groups=[])
    fq = _filter_query(scope, filters)
    literals = positive_literals(node)
    with index.searcher() as s:
        docs, scores, nearly = _matching_near(index, s, node, fq, near)
        total = len(docs)
        top = _top_tiers(docs, scores, nearly, offset + limit)[offset:]
        hits = [_to_hit(s.stored_fields(d), score, literals, tier) for d, score, tier in top]
        case_groups: list[CaseGroup] = []
        if groups and total:
            case_groups = _groups(docs, _codes(index, s, "case_id"), _codes(index, s, "group"))
    return SearchResult(total=total, hits=hits, groups=case_groups)


def _matching_near(
    index: Index, s: Any, node: Node, fq: wq.Query | None, near: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Allowed matching docnums, their scores, and which of them match only nearly
    (None without near matching). Exact pages keep their exact scores."""
    docs, scores = _matching(index, s, to_whoosh(node), fq)
    if not (near and has_near(node)):
        return docs, scores, None
    loose, loose_scores = _matching(index, s, to_whoosh(node, near=True), fq)
    exact = member(loose, docs)
    loose_scores = loose_scores.copy()
    loose_scores[exact] = scores[member(docs, loose)]
    return loose, loose_scores, ~exact


def _top_tiers(
    docs: np.ndarray, scores: np.ndarray, nearly: np.ndarray | None, k: int
) -> list[tuple[int, float, bool]]:
    """The ``k`` best ``(docnum, score, near)``: exact pages first, each tier by :func:`_top`."""
    if nearly is None:
        return [(d, sc, False) for d, sc in _top(docs, scores, k)]
    out = [(d, sc, False) for d, sc in _top(docs[~nearly], scores[~nearly], k)]
    if len(out) < k:
        out += [(d, sc, True) for d, sc in _top(docs[nearly], scores[nearly], k - len(out))]
    return out


def _top(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best ``(docnum, score)``: highest score first, ties by docnum (index order)."""
    n = len(docs)
    if k <= 0 or not n:
        return []
    if n > k:
        kth = np.partition(scores, n - k)[n - k]
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(n)
    best = cand[np.lexsort((docs[cand], -scores[cand]))][:k]
    return list(zip(docs[best].tolist(), scores[best].tolist()))


def _search_with_whoosh_collectors(
    index: Index, query_string: str, scope: Scope, filters: Filters | None = None, limit: int = 20
) -> tuple[int, list[str], dict[Any, int]]:
    """Reference path for the tests: the same search through ``Searcher.search(filter=...)``.

    Slower (a Python step per hit) but entirely Whoosh's own collectors; the tests check
    that :func:`search` agrees with it on totals, groups and the set of hits.
    """
    node = parse(query_string)
    if node is None or scope.allows_nothing():
        return 0, [], {}
    with index.searcher() as s:
        fq = _filter_query(scope, filters)
        res = s.search(
            to_whoosh(node), limit=limit, filter=fq, groupedby={"g": sorting.FieldFacet("group")}, maptype=sorting.Count
        )
        return len(res), [str(h["key"]) for h in res], dict(res.groups("g"))


def _filter_query(scope: Scope, filters: Filters | None) -> wq.Query | None:
    """Scope AND filters as one query; None when nothing is restricted."""
    fparts = [p for p in (scope.to_query(), (filters or Filters()).to_query()) if p is not None]
    if not fparts:
        return None
    return wq.And(fparts) if len(fparts) > 1 else fparts[0]


def _allowed(index: Index, searcher: Any, fq: wq.Query | None) -> np.ndarray | None:
    """Which docnums ``fq`` allows, as a boolean mask (cached while the searcher is current)."""
    if fq is None:
        return None
    cache = index.searcher_cache(searcher)
    key = ("allowed", repr(fq))
    found = cache.get(key)
    if found is None:
        if sum(1 for k in cache if k[0] == "allowed") >= 64:
            for k in [k for k in cache if k[0] == "allowed"]:
                del cache[k]
        found = np.zeros(searcher.reader().doc_count_all(), dtype=bool)
        found[docnums(searcher, fq, index.postings_cache)] = True
        found.flags.writeable = False
        cache[key] = found
    return found  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class _Codes:
    """A column as integer codes by docnum, and the value of each code."""

    codes: np.ndarray
    values: list[Any]


def _codes(index: Index, searcher: Any, field: str) -> _Codes:
    """A sortable column as codes by docnum, read once while the searcher is current."""
    cache = index.searcher_cache(searcher)
    found = cache.get(("codes", field))
    if found is None:
        col = column_values(searcher, field)
        seen: dict[Any, int] = {}
        codes = np.fromiter((seen.setdefault(v, len(seen)) for v in col), dtype=np.int64, count=len(col))
        codes.flags.writeable = False
        found = cache[("codes", field)] = _Codes(codes, list(seen))
    return found  # type: ignore[no-any-return]


def search_keys(
    index: Index, query_string: str, scope: Scope, filters: Filters | None = None, *, near: bool = False
) -> set[str]:
    """Keys of every allowed page that matches (no ranking, no snippets): for exports and checks."""
    node = parse(query_string)
    if node is None or scope.allows_nothing():
        return set()
    with index.searcher() as s:
        docs = _matching(index, s, to_whoosh(node, near=near), _filter_query(scope, filters))[0]
        return {str(s.stored_fields(d)["key"]) for d in docs.tolist()}


def _matching(index: Index, s: Any, q: wq.Query, fq: wq.Query | None) -> tuple[np.ndarray, np.ndarray]:
    """Allowed matching docnums (ascending) and their scores."""
    allowed = _allowed(index, s, fq)
    if allowed is not None and not allowed.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    docs, scores = evaluate(s, q, cache=index.postings_cache, memo=index.searcher_cache(s))
    if allowed is not None:
        keep = allowed[docs]
        docs, scores = docs[keep], scores[keep]
    return docs, scores


def _to_hit(stored: dict[str, Any], score: float | None, literals: list[Lit], near: bool = False) -> Hit:
    body = str(stored.get("body", ""))
    spans, matched = literal_spans(body, literals, near=near)
    return Hit(
        key=str(stored["key"]),
        case_no=str(stored.get("case_no", "")),
        case_id=int(stored.get("case_id", 0)),
        case_name=str(stored.get("case_name", "")),
        volume=int(stored.get("volume_no", 0)),
        volume_id=int(stored.get("volume_id", 0)),
        volume_kind=str(stored.get("volume_kind", "")),
        page=int(stored.get("page", 0)),
        label=str(stored.get("label", "")),
        doc_type=str(stored.get("doc_type", "")),
        doc_no=str(stored.get("doc_no", "")),
        doc_key=str(stored.get("doc_key", "")),
        snippet=make_snippet(body, spans),
        score=float(score or 0.0),
        matched=matched,
        spans=spans,
        near=near,
    )


def _groups(docs: np.ndarray, case: _Codes, group: _Codes, max_cases: int = 200) -> list[CaseGroup]:
    """Case groups (most pages first, at most ``max_cases``) with their documents' page counts.

    When more cases match, those kept are the ones with most pages, ties going to the
    case met first in index order.
    """
    case_codes = case.codes[docs]
    present, first = np.unique(case_codes, return_index=True)
    per_case = np.bincount(case_codes, minlength=len(case.values))[present]
    kept = np.lexsort((first, -per_case))[:max_cases]
    top = sorted(
        ((case.values[c], n) for c, n in zip(present[kept].tolist(), per_case[kept].tolist())),
        key=lambda kv: (-kv[1], int(kv[0])),
    )
    out = {str(cid): CaseGroup(case_id=int(cid), case_no="", count=n) for cid, n in top}
    if len(kept) < len(present):
        wanted = np.zeros(len(case.values), dtype=bool)
        wanted[present[kept]] = True
        docs = docs[wanted[case_codes]]
    group_codes = group.codes[docs]
    per_group = np.bincount(group_codes, minlength=len(group.values))
    for code in np.flatnonzero(per_group).tolist():
        case_id, case_no, doc_key, doc_type, doc_no = str(group.values[code]).split(GROUP_SEP)
        g = out[case_id]
        g.case_no = case_no
        g.docs.append(DocGroup(doc_key, doc_type, doc_no, int(per_group[code])))
    for g in out.values():
        g.docs.sort(key=lambda d: (-d.count, d.doc_key))
    return list(out.values())
