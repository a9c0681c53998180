"""The query language, parsed into a small tree and turned into a Whoosh query.

Syntax (what a clerk types into the search box)::

    张建国 北园大街            both (AND is implicit)
    张建国 OR 李明             either (also ``|``); AND (also ``&``) may be written
    张建国 NOT 取保候审         NOT (also a leading ``-``: ``-取保候审``); brackets group
    "决定对其 取保候审"          a phrase; inside quotes white space is ignored like on the page
    济天公(刑)立字[2018]123号   a document number: matches its text and the ``doc_no`` field
    A3701050200002018010012   a case number: matches its text and the ``case_no`` field
    field:value               文号/doc_no, 案件编号/case_no, 人员/person, 案由/case (case name),
                              类型/type (doc_type), 单位/unit, 案件类别/kind (case_kind),
                              字段/fields (extracted fields), 日期/date (2018, 2018-03,
                              2018-01-01..2018-06-30)

A word is searched as a literal: every word of two or more characters becomes the
phrase of its bigrams (see :mod:`search.analysis`), so 张建国 matches exactly the pages on
which 张建国 is printed. Round brackets inside a word (a document number) are part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from whoosh import query as wq

from .analysis import normalise, query_terms
from .errors import QuerySyntaxError
from .literal import Literal
from .near import NearLiteral, substitutable
from .schema import CASE_NO_RE, DOC_NO_RE, normalise_case_no, normalise_doc_no, normalise_name

FIELD_ALIASES = {
    "text": "text",
    "文本": "text",
    "doc_no": "doc_no",
    "文号": "doc_no",
    "case_no": "case_no",
    "案件编号": "case_no",
    "person": "person",
    "name": "person",
    "人员": "person",
    "姓名": "person",
    "case": "case_name",
    "case_name": "case_name",
    "案由": "case_name",
    "案件名称": "case_name",
    "type": "doc_type",
    "doc_type": "doc_type",
    "类型": "doc_type",
    "unit": "unit_id",
    "单位": "unit_id",
    "kind": "case_kind",
    "案件类别": "case_kind",
    "fields": "fields",
    "字段": "fields",
    "date": "doc_date",
    "日期": "doc_date",
}

_FIELD_RE = re.compile(r"^([A-Za-z_]+|[\u4e00-\u9fff]+)[:：](.+)$", re.S)
_OPS = {"AND": "AND", "&": "AND", "&&": "AND", "OR": "OR", "|": "OR", "||": "OR", "NOT": "NOT"}
_QUOTES = {'"': '"', "“": "”", "「": "」"}


@dataclass(frozen=True, slots=True)
class Lit:
    """One searched value; ``field`` is ``"text"`` for plain words and phrases."""

    field: str
    value: str
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Lit | Not | And | Or


def _lex(qs: str) -> list[tuple[str, str]]:
    """Tokens as ``(kind, text)``: kind is ``word``, ``phrase``, ``op``, ``(`` or ``)``."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(qs)
    while i < n:
        ch = qs[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _QUOTES or (ch == "-" and i + 1 < n and qs[i + 1] in _QUOTES):
            if ch == "-":
                out.append(("op", "NOT"))
                i += 1
                ch = qs[i]
            end = qs.find(_QUOTES[ch], i + 1)
            if end < 0:
                raise QuerySyntaxError(f"unclosed quote in {qs!r}")
            out.append(("phrase", qs[i + 1 : end]))
            i = end + 1
            continue
        j = i
        while j < n and not qs[j].isspace() and qs[j] not in _QUOTES:
            j += 1
        out.extend(_split_word(qs[i:j]))
        i = j
    return out


def _split_word(word: str) -> list[tuple[str, str]]:
    """Peel grouping brackets off a word; brackets balanced inside it belong to it."""
    head: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    while word.startswith("(") and word.count("(") > word.count(")"):
        head.append(("(", "("))
        word = word[1:]
    while word.endswith(")") and word.count(")") > word.count("("):
        tail.append((")", ")"))
        word = word[:-1]
    while word.startswith("(") and word.endswith(")") and len(word) >= 2:
        head.append(("(", "("))
        tail.append((")", ")"))
        word = word[1:-1]
    mid: list[tuple[str, str]] = []
    if word:
        if word in _OPS:
            mid.append(("op", _OPS[word]))
        elif word.startswith("-") and len(word) > 1:
            mid.extend([("op", "NOT"), ("word", word[1:])])
        else:
            mid.append(("word", word))
    return head + mid + tail


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.toks = tokens
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok == ("op", "OR"):
            self.take()
            parts.append(self.and_expr())
        kept = tuple(p for p in parts if p is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self) -> Node | None:
        parts: list[Node | None] = []
        while (tok := self.peek()) is not None and tok[0] != ")" and tok != ("op", "OR"):
            if tok == ("op", "AND"):
                self.take()
                continue
            parts.append(self.unary())
        kept = tuple(p for p in parts if p is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else And(kept)

    def unary(self) -> Node | None:
        kind, text = self.take()
        if (kind, text) == ("op", "NOT"):
            if self.peek() is None:
                raise QuerySyntaxError("NOT at the end of the query")
            child = self.unary()
            return Not(child) if child is not None else None
        if kind == "(":
            node = self.or_expr()
            if self.peek() is None or self.take()[0] != ")":
                raise QuerySyntaxError("unclosed bracket")
            return node
        if kind == ")":
            raise QuerySyntaxError("unmatched closing bracket")
        if kind == "phrase":
            return Lit("text", text, phrase=True) if text.strip() else None
        m = _FIELD_RE.match(text)
        if m and m.group(1).lower() in FIELD_ALIASES:
            return Lit(FIELD_ALIASES[m.group(1).lower()], m.group(2))
        if m and m.group(1) in FIELD_ALIASES:
            return Lit(FIELD_ALIASES[m.group(1)], m.group(2))
        return Lit("text", text)


def parse(qs: str) -> Node | None:
    """Parse a query string into a tree; ``None`` for an empty query."""
    return _Parser(_lex(qs)).parse()


def positive_literals(node: Node | None, negated: bool = False) -> list[Lit]:
    """Literals that make a page match (those under an odd number of NOTs are left out)."""
    if node is None:
        return []
    if isinstance(node, Lit):
        return [] if negated else [node]
    if isinstance(node, Not):
        return positive_literals(node.child, not negated)
    out: list[Lit] = []
    for child in node.children:
        out.extend(positive_literals(child, negated))
    return out


def _text_query(field: str, value: str) -> wq.Query | None:
    terms = query_terms(value)
    if not terms:
        return None
    return Literal(field, terms)


def near_form(lit: Lit) -> tuple[str, list[int]] | None:
    """The normalised stream of a literal that takes near matches, with the positions at
    which one may differ (see :mod:`search.near`); None for every other literal."""
    if lit.field != "text":
        return None
    v = lit.value.strip()
    if DOC_NO_RE.match(v) or CASE_NO_RE.match(v):
        return None
    stream = normalise(lit.value)
    positions = substitutable(stream)
    return (stream, positions) if positions else None


def has_near(node: Node | None) -> bool:
    """Whether near matching could find more than the exact query (a literal takes it)."""
    return any(near_form(lit) is not None for lit in positive_literals(node))


def date_bounds(value: str) -> tuple[datetime | None, datetime | None]:
    """The first and last instant of a ``date:`` value (2018, 2018-03, 2018-01-01..2018-06-30)."""
    lo_s, sep, hi_s = value.partition("..")
    try:
        lo = _parse_date(lo_s, end=False) if lo_s else None
        hi = _parse_date(hi_s if sep else lo_s, end=True) if (hi_s or not sep) else None
    except ValueError as e:
        raise QuerySyntaxError(f"bad date {value!r}: use 2018, 2018-03 or 2018-01-01..2018-06-30") from e
    return lo, hi


def _date_range(value: str) -> wq.Query:
    lo, hi = date_bounds(value)
    return wq.DateRange("doc_date", lo, hi)


def _parse_date(s: str, *, end: bool) -> datetime:
    s = s.strip().replace("/", "-").replace(".", "-")
    parts = [int(p) for p in s.split("-")]
    if len(parts) == 1:
        start, nxt = datetime(parts[0], 1, 1), datetime(parts[0] + 1, 1, 1)
    elif len(parts) == 2:
        start = datetime(parts[0], parts[1], 1)
        nxt = datetime(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
    elif len(parts) == 3:
        start = datetime(parts[0], parts[1], parts[2])
        nxt = start + timedelta(days=1)
    else:
        raise ValueError(s)
    return nxt - timedelta(microseconds=1) if end else start


def lit_query(lit: Lit, near: bool = False) -> wq.Query | None:
    """The Whoosh query for one literal (``near``: with its near matches, when it takes them)."""
    v = lit.value
    if lit.field == "text":
        form = near_form(lit) if near else None
        q = NearLiteral("text", *form) if form is not None else _text_query("text", v)
        if not lit.phrase and q is not None:
            if DOC_NO_RE.match(v.strip()):
                q = wq.Or([q, wq.Term("doc_no", normalise_doc_no(v))])
            elif CASE_NO_RE.match(v.strip()):
                q = wq.Or([q, wq.Term("case_no", normalise_case_no(v))])
        return q
    if lit.field == "doc_no":
        return wq.Term("doc_no", normalise_doc_no(v))
    if lit.field == "case_no":
        return wq.Term("case_no", normalise_case_no(v))
    if lit.field == "person":
        kw = wq.Term("persons", normalise_name(v))
        text = _text_query("text", v)
        return wq.Or([kw, text]) if text is not None else kw
    if lit.field in ("case_name", "fields"):
        return _text_query(lit.field, v)
    if lit.field == "doc_date":
        return _date_range(v)
    return wq.Term(lit.field, v.strip())


def to_whoosh(node: Node | None, near: bool = False) -> wq.Query:
    """The Whoosh query for a parsed tree (``NullQuery`` for an empty one). With ``near``
    the literals that take near matches (not those under NOT) find them too."""
    q = _convert(node, near)
    return q if q is not None else wq.NullQuery


def _convert(node: Node | None, near: bool = False) -> wq.Query | None:
    if node is None:
        return None
    if isinstance(node, Lit):
        return lit_query(node, near)
    if isinstance(node, Not):
        child = _convert(node.child)  # negated literals stay exact
        return wq.And([wq.Every(), wq.Not(child)]) if child is not None else None
    subs = [q for q in (_convert(c, near) for c in node.children) if q is not None]
    if not subs:
        return None
    if len(subs) == 1:
        return subs[0]
    if isinstance(node, Or):
        return wq.Or(subs)
    positives = [q for q in subs if not _is_pure_not(q)]
    negatives = [q for q in subs if _is_pure_not(q)]
    if positives and negatives:
        return wq.AndNot(wq.And(positives) if len(positives) > 1 else positives[0],
                         wq.Or([n.subqueries[1].query for n in negatives]))  # type: ignore[attr-defined]
    return wq.And(subs)


def _is_pure_not(q: wq.Query) -> bool:
    return (
        isinstance(q, wq.And)
        and len(q.subqueries) == 2
        and isinstance(q.subqueries[0], wq.Every)
        and isinstance(q.subqueries[1], wq.Not)
    )
