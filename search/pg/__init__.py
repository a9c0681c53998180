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
synthetic pages with ``bench/search.py``'s 300 queries (``--backend both
--pg-trgm``, 2-core machine shared with other jobs, PostgreSQL 15 with its default
settings, 2026-12-03; latency p50 / p95 in ms; pg_trgm on the same table, counting and
ranking the top 20 only, without groups and snippets, so it does less)::

    queries                 n   bigram arrays (the backend)   pg_trgm, LIKE '%…%'
    one word, 2-4 chars    50    64 / 311                     114 / 559
    two words              50    36 / 175                      31 / 534
    three words            50    31 / 210                      38 / 285
    phrase, 5-10 chars     50    33 / 193                      11 / 154
    person name            50     5 /  11                       1 / 524
    document number        50    12 /  23                       3 /   8
    all                   300    18 / 193                      10 / 512

pg_trgm is quicker where a literal of three or more characters is rare, and takes half
a second wherever a query has a two-character word, as names and short words do.
What is left of the backend's p95 is reading the rows of a literal found on many pages
(公安 on 58,000 of 100,000): its occurrences for the ranking and its case for the
groups come from every matching row.

Consistency: PostgreSQL's snapshot is the index's. A page written by
:meth:`PostgresIndex.update` in the worker's transaction is seen by every process on
every machine the moment that transaction commits, and not before.
"""

from __future__ import annotations

from .index import PostgresIndex
from .tables import SCHEMA_TAG, create_schema, define_tables, drop_schema

__all__ = ["SCHEMA_TAG", "PostgresIndex", "create_schema", "define_tables", "drop_schema"]
