"""A parsed query as the ``WHERE`` condition of one SQL statement over ``search_pages``.

The condition has two halves, ``index AND check``. ``index`` is what the indexes answer
(GIN on the bigram array, B-trees on the numbers): a superset of the pages, made only of
containments and equalities in the query's AND/OR shape, so that PostgreSQL builds one
bitmap for it and knows it needs no second look at the rows. ``check`` is the exact
condition on the text of each row found (``p`` is the ``search_pages`` row):

==========================  ===========================================  =================
literal                     ``index``                                    ``check``
==========================  ===========================================  =================
text, 1 character           (none: every page is read)                   ``strpos(p.norm,
                                                                         c) > 0``
text, 2 or more characters  ``p.grams @> {its bigrams}``                 ``strpos(p.norm,
                                                                         s) > 0``
near (``near=True``)        ``p.grams @> {s's bigrams} OR ⋁_j p.grams    ``strpos`` or
                            @> {bigrams without s[j], ~s[j-1]s[j+1]}``   ``p.norm ~ 's[:j]
                            (longer than 5: the bigrams of either half)  .s[j+1:]|…'``
``person:``                 ``p.persons @> {name}`` or the text's        the same
``case:``, ``fields:``      (none)                                       ``strpos`` on
                                                                         ``case_name_norm``
                                                                         / ``fields_norm``
``doc_no:``, ``case_no:``   equality with the normalised number; a       the same
                            plain word that looks like one also
                            matches it, as in Whoosh
``type:``, ``unit:``,       (none)                                       equality with the
``kind:``, ``date:``                                                     stored value, the
                                                                         range of dates
NOT x                       (none)                                       ``NOT`` x's check
==========================  ===========================================  =================

An AND has the index of those of its parts that have one; an OR only when all its parts
do. Literals that come to nothing are dropped exactly as :func:`search.query.to_whoosh`
drops them, so both backends match the same pages. The access scope and the filters
are further conditions of the same ``WHERE`` (:func:`scope_filters`). The exact tier of
a near search is the check of the query without near matches.

Scoring follows :mod:`search.evaluate`: each literal outside NOT contributes
``idf · tf / (tf + 1.2)`` with ``tf`` its occurrences on the page (counted with
``replace``: overlapping occurrences of a literal like 哈哈 in 哈哈哈 count once, not
twice as in Whoosh; a page found only by a near match of it counts one) and ``idf``
from how many of the pages found have it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..analysis import normalise
from ..query import And, Lit, Node, Not, date_bounds, near_form
from ..schema import CASE_NO_RE, DOC_NO_RE, normalise_case_no, normalise_doc_no, normalise_name
from ..searching import Filters, Scope
from .tables import PAIR, grams


#: near matching of literals up to this long looks for candidates position by position
PER_POSITION = 5


class Params:
    """Bound values of one statement, named ``p0``, ``p1``, …"""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"

    def array(self, values: list[str]) -> str:
        return f"CAST({self.add(sorted(set(values)))} AS text[])"


@dataclass(slots=True)
class Scored:
    """A literal that adds to a page's score: its column, normalised value, and whether
    it takes near matches (a page found only by one counts one occurrence)."""

    column: str
    stream: str
    near: bool = False


@dataclass(slots=True)
class Compiled:
    """``where``: the match condition (None: nothing matches); ``exact``: with near
    matching, the condition of the exact tier, checked on rows found (None without);
    ``scored``: the literals that score, in query order."""

    where: str | None
    exact: str | None
    scored: list[Scored] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cond:
    """``index``: what the indexes answer, a superset (None: no index helps); ``check``:
    the exact condition on a row."""

    index: str | None
    check: str

    @property
    def where(self) -> str:
        return f"{self.index} AND {self.check}" if self.index else self.check


def compile_query(node: Node | None, params: Params, *, near: bool = False) -> Compiled:
    """The condition for a parsed query (see the module docstring)."""
    scored: list[Scored] = []
    cond = _node(node, params, scored, near=near, negated=False)
    if cond is None:
        return Compiled(None, None, scored)
    exact = None
    if near and any(s.near for s in scored):
        exact_cond = _node(node, params, [], near=False, negated=False)
        exact = exact_cond.check if exact_cond is not None else None
    return Compiled(cond.where, exact, scored)


def scope_filters(scope: Scope, filters: Filters | None, params: Params) -> list[str]:
    """The access scope and the filters as conditions (all must hold)."""
    out: list[str] = []
    if not scope.all_units:
        out.append(f"p.unit_id = ANY(CAST({params.add(sorted(scope.unit_ids))} AS int[]))")
    if scope.case_ids is not None:
        out.append(f"p.case_id = ANY(CAST({params.add(sorted(scope.case_ids))} AS int[]))")
    f = filters or Filters()
    for column, values, cast in (
        ("unit_id", f.unit_ids, "int[]"),
        ("case_id", f.case_ids, "int[]"),
        ("case_kind", f.case_kinds, "text[]"),
        ("doc_type", f.doc_types, "text[]"),
        ("volume_kind", f.volume_kinds, "text[]"),
    ):
        if values:
            out.append(f"p.{column} = ANY(CAST({params.add(sorted(values))} AS {cast}))")
    if f.date_from or f.date_to:
        out.append(_date_condition(f.date_from, f.date_to, params))
    return out


def _date_condition(lo: Any, hi: Any, params: Params) -> str:
    parts = ["p.doc_date IS NOT NULL"]
    if lo is not None:
        parts.append(f"p.doc_date >= {params.add(lo)}")
    if hi is not None:
        parts.append(f"p.doc_date <= {params.add(hi)}")
    return "(" + " AND ".join(parts) + ")"


def _node(node: Node | None, params: Params, scored: list[Scored], *, near: bool, negated: bool) -> Cond | None:
    if node is None:
        return None
    if isinstance(node, Lit):
        return _lit(node, params, scored, near=near and not negated, negated=negated)
    if isinstance(node, Not):
        child = _node(node.child, params, scored, near=False, negated=True)
        return Cond(None, f"NOT {child.check}") if child is not None else None
    subs = [c for c in (_node(ch, params, scored, near=near, negated=negated) for ch in node.children) if c]
    if not subs:
        return None
    if len(subs) == 1:
        return subs[0]
    joiner = " AND " if isinstance(node, And) else " OR "
    check = "(" + joiner.join(c.check for c in subs) + ")"
    indexes = [c.index for c in subs if c.index]
    if isinstance(node, And):
        index = "(" + " AND ".join(indexes) + ")" if indexes else None
    else:
        index = "(" + " OR ".join(indexes) + ")" if len(indexes) == len(subs) else None
    return Cond(index, check)


def _either(a: Cond, b: Cond) -> Cond:
    return Cond(f"({a.index} OR {b.index})" if a.index and b.index else None, f"({a.check} OR {b.check})")


def _lit(lit: Lit, params: Params, scored: list[Scored], *, near: bool, negated: bool) -> Cond | None:
    v = lit.value
    if lit.field == "text":
        form = near_form(lit) if near else None
        cond = _near_text(form[0], form[1], params, scored) if form else _text("norm", v, params, scored, negated)
        if cond is not None and not lit.phrase:
            if DOC_NO_RE.match(v.strip()):
                cond = _either(cond, _equal("p.doc_no", normalise_doc_no(v), params))
            elif CASE_NO_RE.match(v.strip()):
                cond = _either(cond, _equal("p.case_no", normalise_case_no(v), params))
        return cond
    if lit.field == "doc_no":
        return _equal("p.doc_no", normalise_doc_no(v), params)
    if lit.field == "case_no":
        return _equal("p.case_no", normalise_case_no(v), params)
    if lit.field == "person":
        kw = f"p.persons @> {params.array([normalise_name(v)])}"
        text = _text("norm", v, params, scored, negated)
        return _either(Cond(kw, kw), text) if text is not None else Cond(kw, kw)
    if lit.field == "case_name":
        return _text("case_name_norm", v, params, scored, negated, indexed=False)
    if lit.field == "fields":
        return _text("fields_norm", v, params, scored, negated, indexed=False)
    if lit.field == "doc_date":
        lo, hi = date_bounds(v)
        return Cond(None, _date_condition(lo.date() if lo else None, hi.date() if hi else None, params))
    column = {"doc_type": "p.doc_type", "unit_id": "CAST(p.unit_id AS text)", "case_kind": "p.case_kind"}.get(lit.field)
    if column is None:  # a field Whoosh has no terms for matches nothing there either
        return Cond(None, "false")
    return Cond(None, f"{column} = {params.add(v.strip())}")


def _equal(column: str, value: str, params: Params) -> Cond:
    cond = f"{column} = {params.add(value)}"
    return Cond(cond, cond)


def _text(column: str, value: str, params: Params, scored: list[Scored], negated: bool, *,
          indexed: bool = True) -> Cond | None:
    stream = normalise(value)
    if not stream:
        return None
    if not negated:
        scored.append(Scored(column, stream))
    check = f"strpos(p.{column}, {params.add(stream)}) > 0"
    if not indexed or len(stream) == 1:
        return Cond(None, check)
    return Cond(f"p.grams @> {params.array(grams(stream))}", check)


def _near_text(stream: str, positions: list[int], params: Params, scored: list[Scored]) -> Cond:
    """The literal or one of its near matches (see the module docstring).

    The candidates: up to :data:`PER_POSITION` characters, for each position ``j`` the
    pages with every bigram that does not cover ``j`` and the pair around it (the pair
    keeps 公安机关's candidates from being every page with 公安); longer, the pages with
    every bigram of its first half or of its second (one of them is intact): two index
    scans instead of one per position."""
    n = len(stream)
    alts = [_regex_escape(stream[:j]) + "." + _regex_escape(stream[j + 1 :]) for j in positions]
    if n > PER_POSITION:
        half = n // 2
        candidates = [f"p.grams @> {params.array(grams(stream[:half]))}",
                      f"p.grams @> {params.array(grams(stream[half:]))}"]
    else:
        candidates = [f"p.grams @> {params.array(grams(stream))}"]
        for j in positions:
            needed = grams(stream[:j]) + grams(stream[j + 1 :])
            if 0 < j < n - 1:
                needed.append(PAIR + stream[j - 1] + stream[j + 1])
            candidates.append(f"p.grams @> {params.array(needed)}")
    pattern = "|".join(alts)
    scored.append(Scored("norm", stream, near=True))
    return Cond(
        "(" + " OR ".join(candidates) + ")",
        f"(strpos(p.norm, {params.add(stream)}) > 0 OR p.norm ~ {params.add(pattern)})",
    )


def _regex_escape(s: str) -> str:
    """``s`` as a literal in a PostgreSQL regular expression (ARE)."""
    return "".join(c if c.isalnum() else "\\" + c for c in s)


__all__ = ["Compiled", "Params", "Scored", "compile_query", "scope_filters"]
