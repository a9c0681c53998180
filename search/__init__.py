"""Full-text search over scanned pages: schema, Chinese analysis, queries, highlights.

No Flask and nothing of ``ecase``: the caller turns its pages into :class:`PageRecord`
objects and passes the searching user's access as a :class:`Scope`. The index lives in
one of two backends behind one interface (:mod:`search.backend`): a Whoosh directory
(``whoosh``, the embedded default) or tables in PostgreSQL (``postgresql``, through
SQLAlchemy Core on an engine the caller gives), which every process on every machine
searches.

Parts
-----
``backend``    :class:`SearchBackend`, the interface both backends implement; the
               registry (:func:`register`, :func:`open_backend`); :func:`search`
``analysis``   normalisation and the character-bigram tokenizer (why bigrams, not jieba,
               with the measurement, is in its docstring)
``schema``     :class:`PageRecord`, the Whoosh schema, document/case number normal forms
``query``      the query language (words, "phrases", AND/OR/NOT, field:value) -> Whoosh
``index``      :class:`Index`: open/create, schema-version check, locked incremental
               writes, resumable reindex into a fresh directory swapped in atomically
``postings``   a term's postings in a segment as numpy arrays (docnums, counts,
               ``docnum << 32 | position`` keys) and :class:`~search.postings.PostingsCache`,
               the index's LRU of them within a memory budget
``literal``    :class:`~search.literal.Literal`, the exact-substring query over bigrams
               (position checks as sorted-array intersections; Whoosh's ``Phrase`` was
               10x slower), and ``docnums`` for scope and filter queries
``evaluate``   queries as arrays of page numbers and scores: total, ranking, scope
``searching``  :class:`Scope`, :class:`Filters`, Whoosh's :func:`search.searching.search`,
               :func:`match_spans`, :class:`SearchResult`, :class:`Hit`, groups by case
               and document
``near``       near matches (one character of a phrase misread by OCR): the rule,
               :func:`search.near.find_near`, and Whoosh's :class:`~search.near.NearLiteral`
``pg``         the ``postgresql`` backend: tables, the query as SQL, :class:`~search.pg.PostgresIndex`
               (why bigram arrays and not pg_trgm, with the measurement, is in its docstring)
``synthetic``  made-up pages in FORMS.md's wording for tests and ``bench/search.py``
``errors``     :class:`SearchError` and its subclasses

Public API
----------
::

    PageRecord(key, text, case_id, unit_id, case_no="", case_name="", case_kind="",
               volume_id=0, volume_kind="", volume_no=1, page=1, label="", doc_key="",
               doc_type="", doc_no="", doc_date=None, persons=(), fields={})
    Scope(all_units=False, unit_ids=frozenset(), case_ids=None)   # Scope.everything()
    Filters(unit_ids, case_ids, case_kinds, doc_types, volume_kinds, date_from, date_to)
    ix = open_backend("whoosh" | "postgresql", BackendOptions(path=..., engine=...,
                      connection=None, lock_timeout=10.0, postings_cache_mb=128))
    ix = Index(path, lock_timeout=10.0, postings_cache_mb=128)   # whoosh; creates the directory
    ix = search.pg.PostgresIndex(engine, connection=None, schema=None)   # postgresql
    ix.needs_rebuild                             # stored schema/analysis differs from the code's
    ix.add_pages(records) -> int                 # add or replace by key, one commit
    ix.delete_pages(keys) -> int
    ix.update(records=(), deleted=()) -> (added, deleted)
    ix.reindex(source, *, checkpoint=lambda r: r.key, commit_every=2000) -> ReindexReport
                                                 # whoosh also: limitmb=128, procs=1, optimize=False
    search(ix, query_string, scope, filters=None, limit=20, offset=0, *, groups=True, near=False)
        -> SearchResult(total, hits: list[Hit], groups: list[CaseGroup])
    SearchResult.to_dict() / .to_json()          # {"total", "hits": [{case_no, volume,
                                                 #   page, label, doc_type, doc_no, snippet}]}
    search_keys(ix, query_string, scope, filters=None, *, near=False) -> set[str]   # unranked
    match_spans(text, query, *, near=False) -> list[(start, end)]   # offsets in the page
                                                 # text to map onto OCR word boxes
    normalise_doc_no("济天公(刑)立字[2018]123号") == "济天公（刑）立字〔2018〕123号"

``Hit`` has ``key, case_no, case_id, case_name, volume, volume_id, volume_kind, page
(1-based in its volume), label (paper number), doc_type, doc_no, doc_key, snippet (HTML,
escaped, <mark>), score, matched (literals found), spans, near`` (found only by a near
match: such hits come after every exact one).

Errors: :class:`QuerySyntaxError` (tell the user), :class:`IndexLockedError` (retry
later), :class:`RebuildNeededError` (run a reindex), :class:`IndexCorruptError`.

Measured (``bench/search.py --workdir``, 100,000 synthetic pages, 300 queries, on the
shared 2-core machine beside OCR jobs, load average 2.7, 2026-11-27): indexing 324
pages/s wall (``procs=2``, 20,000 pages a commit, no optimize); queries p50 15 ms /
p95 64 ms wall, 14 ms / 59 ms CPU, with the index's 128 MB postings cache (3,400 posting
lists kept, 13,500 hits and 4,600 misses over the queries and their recall checks);
recall 1.000 on every kind, exact phrases included; precision 1.000 on text queries (a
document number also finds its document's other pages, by design: 0.951 overall).
SQLite FTS5 trigram on the same pages and queries, same run: p95 81 ms wall / 80 ms
CPU. What is left of the p95 is the first read of a common term's postings (about
0.4 µs a posting, 70 % of it Whoosh's ``zlib`` + ``pickle`` per block of 128): with
``--postings-cache-mb 0`` every query reads its postings and p95 is 214 ms wall /
150 ms CPU; with every list already decoded, p95 is about 10 ms CPU.

Both backends, one run (``bench/search.py --backend both --pg-trgm``, 100,000 pages, 300
queries and 60 phrases with one character misread, 2-core machine shared with other
jobs, load average 4-8, PostgreSQL 15 on the same machine with its default settings,
2026-12-03)::

                        index pages/s   p50 / p95 ms   near on p50 / p95   misread p50 / p95   recall
    whoosh                        429     9.7 /  41     10.6 /  67          20 /  70            1.000
    postgresql                  2,395    17.9 / 193     21.1 / 242          91 / 344            1.000
    SQLite FTS5 trigram        26,825    15.9 / 103          -                   -              1.000

Near matches found every page the brute-force scan finds (``misread_recall`` 1.000 on
both), every exact hit first (60 of 60). PostgreSQL's p95 is the queries of two to four
characters found on a third of the pages or more: every matching row is read for its
occurrences and its case (Whoosh keeps those as cached arrays). Its CPU in this process
is 4 / 11 ms; the rest is the server's.

Whoosh fork: ``whoosh-reloaded`` 2.7.5, the maintained community fork with the classic
2.7 API that Whoosh's documentation describes. ``whoosh-ng`` was not adopted: it is a
one-person fork with a changed API and nothing we need (our analysis is our own
tokenizer; locking, segments and BM25F are the same as in 2.7).
"""

from __future__ import annotations

from .backend import BackendOptions, SearchBackend, open_backend, register, search, search_keys
from .errors import (
    IndexCorruptError,
    IndexLockedError,
    QuerySyntaxError,
    RebuildNeededError,
    SearchError,
)
from .index import Index, ReindexReport
from .schema import SCHEMA_VERSION, PageRecord, normalise_case_no, normalise_doc_no
from .searching import (
    CaseGroup,
    DocGroup,
    Filters,
    Hit,
    Scope,
    SearchResult,
    make_snippet,
    match_spans,
)

__all__ = [
    "SCHEMA_VERSION",
    "BackendOptions",
    "CaseGroup",
    "DocGroup",
    "Filters",
    "Hit",
    "Index",
    "IndexCorruptError",
    "IndexLockedError",
    "PageRecord",
    "QuerySyntaxError",
    "RebuildNeededError",
    "ReindexReport",
    "Scope",
    "SearchBackend",
    "SearchError",
    "SearchResult",
    "make_snippet",
    "match_spans",
    "normalise_case_no",
    "normalise_doc_no",
    "open_backend",
    "register",
    "search",
    "search_keys",
]
