"""The ``postgresql`` search backend: the page index as tables of the service's database.

Parts
-----
``tables``    ``search_pages`` (a row per page: text, normalised text, its bigrams and
              one-apart pairs for the GIN index, the page's case and document) and
              ``search_state``; a record as a row
``compile``   the query language as one SQL condition (the access scope and filters in
              the same ``WHERE``), near matches included
``index``     :class:`PostgresIndex`: writes in the caller's transaction or its own, a
              rebuild that never empties the index and resumes after a kill, searching
              in one statement

Why bigram arrays and not pg_trgm
---------------------------------
pg_trgm indexes trigrams of "words", which for Chinese text depend on the server's
``LC_CTYPE`` classing Han characters as letters (a ``C`` locale gives none), and it
cannot use its index for a string of two characters: the names and words users type
most (高磊, 羁押) scan every row. Bigrams made by ecase itself are the same on every
server, and a two-character literal is exactly one of them. Measured on 100,000
synthetic pages and ``bench/search.py``'s 300 queries (2-core machine shared with
other jobs, load average 7-11, 2026-12-04; the same pages, both indexes on one
table, query latency p50 / p95 in ms, count and top 20 only)::

    method                                    all          names        2-4 characters
    pg_trgm GIN, LIKE '%…%'                   29.6 / 757   5.4 / 1275   319 / 1815
    bigram text[] GIN, @> and strpos          23.9 / 457   3.2 / 12.9   142 / 665

What is left of the p95 is reading the rows of a literal found on most pages (公安 on
58,000 of 100,000): the condition, the occurrences for the ranking and the groups are
computed from every matching row.

Consistency: PostgreSQL's snapshot is the index's. A page written by
:meth:`PostgresIndex.update` in the worker's transaction is seen by every process on
every machine the moment that transaction commits, and not before.
"""

from __future__ import annotations

from .index import PostgresIndex
from .tables import SCHEMA_TAG, create_schema, define_tables, drop_schema

__all__ = ["SCHEMA_TAG", "PostgresIndex", "create_schema", "define_tables", "drop_schema"]
