"""The ``postgresql`` search backend: :class:`PostgresIndex`.

Writes
------
:meth:`PostgresIndex.update` upserts rows by key (a replaced page takes a new ``seq``,
like a re-added Whoosh document) and deletes by key, in one transaction: the caller's
when the index was made with ``connection`` (the service's worker commits the pages
together with ``Volume.indexed_version``), else one of its own.

Rebuilding
----------
:meth:`PostgresIndex.reindex` never empties the index: it writes every page of the
source again, marked with a new generation (``gen``), committing each batch together
with its resume token in ``search_state``; when the source is done it deletes, in one
transaction, every row of an older generation (pages that are gone) and records the new
schema tag. Searches meanwhile see every page, rebuilt or not yet. Incremental writes
go on during a rebuild: they mark their rows with the generation being built, and an
upsert keeps the greater generation, so nothing written meanwhile is deleted at the end.
A killed rebuild resumes after its last committed batch. One rebuild at a time: a
second one finds the advisory lock taken and raises :class:`search.IndexLockedError`.

Searching
---------
One statement per search (:meth:`PostgresIndex.search`) finds the matching pages once
(:mod:`search.pg.compile`: scope and filters in the same ``WHERE``) and computes from
them the total, the scores, the page of hits and the groups by case and document; a
second reads the text of the hits shown. Both run in one ``REPEATABLE READ``
transaction on a connection of its own, so they see one snapshot, with
``enable_seqscan`` off (the conditions are made for the GIN index; a sequential scan
that tests the bigram array of every row is ten times slower, and the planner's
estimates for array containment are poor enough to choose one), ``jit`` off (compiling
took seconds and saved nothing) and ``work_mem`` 16 MB (bitmaps stay exact). Snippets
and highlight spans are made from the page text in Python, by the same code as for
Whoosh (:func:`search.searching.literal_spans`).
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from ..errors import IndexCorruptError, IndexLockedError, RebuildNeededError, SearchError
from ..index import RecordSource, ReindexReport, _records_after
from ..query import parse, positive_literals
from ..schema import PageRecord
from ..searching import CaseGroup, DocGroup, Filters, Hit, Scope, SearchResult, literal_spans, make_snippet
from .compile import Compiled, Params, compile_query, scope_filters
from .tables import PAGES, SCHEMA_TAG, SEQUENCE, STATE, qualified, to_row

log = logging.getLogger(__name__)

_COLUMNS = (
    "key", "body", "norm", "grams", "persons", "case_id", "unit_id", "case_no", "case_name",
    "case_name_norm", "case_kind", "volume_id", "volume_kind", "volume_no", "page", "label", "doc_key",
    "doc_type", "doc_no", "doc_date", "fields_norm",
)
_ARRAYS = {"grams", "persons"}
_HIT_COLUMNS = (
    "key", "body", "case_id", "case_no", "case_name", "volume_no", "volume_id", "volume_kind", "page", "label",
    "doc_type", "doc_no", "doc_key",
)
MAX_CASE_GROUPS = 200  # as search.searching._groups


class PostgresIndex:
    """The page index as tables of a PostgreSQL database (see the module docstring).

    ``engine``: a SQLAlchemy engine on the database (``postgresql+psycopg://``).
    ``connection``: a callable returning the connection whose transaction
    :meth:`update` joins (the caller commits); None: each write commits on its own.
    ``schema``: the PostgreSQL schema holding the tables (None: the search path's;
    tests and benchmarks use one of their own). ``lock_timeout``: seconds a write of its
    own waits for a locked row before :class:`search.IndexLockedError`.
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        connection: Callable[[], sa.Connection] | None = None,
        schema: str | None = None,
        lock_timeout: float = 10.0,
        work_mem_mb: int = 16,
    ) -> None:
        if engine.dialect.name != "postgresql":
            raise SearchError(f"the postgresql search backend needs a PostgreSQL database, not {engine.dialect.name}")
        self.name = "postgresql"
        self.engine = engine
        self.schema = schema
        self.lock_timeout = lock_timeout
        self.work_mem_mb = int(work_mem_mb)
        self._connection = connection
        self.pages = qualified(engine, PAGES, schema)
        self.state = qualified(engine, STATE, schema)
        self.sequence = qualified(engine, SEQUENCE, schema)
        self._lock_key = zlib.crc32(f"ecase-search-reindex:{schema or ''}".encode()) & 0x7FFFFFFF
        self._ensure_state()

    def __repr__(self) -> str:
        return f"PostgresIndex({self.engine.url.render_as_string(hide_password=True)!r}, schema={self.schema!r})"

    # -- state ------------------------------------------------------------------

    def _ensure_state(self) -> None:
        """The state row, made on first use (an index with pages but no state is unknown)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        f"INSERT INTO {self.state} (id, schema, live_gen) "
                        f"SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM {self.pages}) THEN 'unknown' ELSE :tag END, 1 "
                        "ON CONFLICT (id) DO NOTHING"
                    ),
                    {"tag": SCHEMA_TAG},
                )
        except sa_exc.ProgrammingError as e:
            raise IndexCorruptError(
                f"no search tables {self.pages}, {self.state} in the database (migrations not applied?): {e.orig}"
            ) from e

    def _schema_tag(self, conn: sa.Connection) -> str:
        return str(conn.execute(sa.text(f"SELECT schema FROM {self.state} WHERE id = 1")).scalar_one())

    def _check(self, conn: sa.Connection) -> None:
        tag = self._schema_tag(conn)
        if tag != SCHEMA_TAG:
            raise RebuildNeededError(f"search tables {self.pages} hold schema {tag}, code has {SCHEMA_TAG}: reindex")

    @property
    def needs_rebuild(self) -> bool:
        with self.engine.connect() as conn:
            return self._schema_tag(conn) != SCHEMA_TAG

    @property
    def generation(self) -> str:
        with self.engine.connect() as conn:
            return f"gen-{conn.execute(sa.text(f'SELECT live_gen FROM {self.state} WHERE id = 1')).scalar_one()}"

    def doc_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {self.pages}")).scalar_one())

    def close(self) -> None:
        """Nothing to close: connections belong to the engine's pool."""

    # -- writes -----------------------------------------------------------------

    def _upsert(self, gen: str) -> sa.TextClause:
        cols = ", ".join(_COLUMNS)
        values = ", ".join(f"CAST(:{c} AS text[])" if c in _ARRAYS else f":{c}" for c in _COLUMNS)
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "key")
        return sa.text(
            f"INSERT INTO {self.pages} (seq, gen, {cols}) VALUES (nextval('{self.sequence}'), {gen}, {values}) "
            f"ON CONFLICT (key) DO UPDATE SET seq = EXCLUDED.seq, "
            f"gen = greatest({self.pages}.gen, EXCLUDED.gen), {sets}"
        )

    def _write(self, conn: sa.Connection, rows: list[dict[str, Any]], keys: list[str], gen: str) -> int:
        removed = 0
        if keys:
            res = conn.execute(sa.text(f"DELETE FROM {self.pages} WHERE key = ANY(CAST(:keys AS text[]))"),
                               {"keys": keys})
            removed = int(res.rowcount)
        if rows:
            conn.execute(self._upsert(gen), [_literals(r) for r in rows])
        return removed

    @contextmanager
    def _own_transaction(self) -> Iterator[sa.Connection]:
        """A transaction of its own; a lock waited for over ``lock_timeout`` raises
        :class:`search.IndexLockedError`."""
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.text(f"SET LOCAL lock_timeout = '{int(self.lock_timeout * 1000)}ms'"))
                yield conn
        except sa_exc.OperationalError as e:
            if getattr(e.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise IndexLockedError(
                    f"{self.pages} is locked by another writer (waited {self.lock_timeout:g} s)"
                ) from e
            raise

    def update(self, records: Iterable[PageRecord] = (), deleted: Iterable[str] = ()) -> tuple[int, int]:
        """Add or replace ``records`` and delete pages by key, in one transaction: (added, deleted)."""
        rows = [to_row(r) for r in records]
        keys = list(deleted)
        gen = f"(SELECT coalesce(build_gen, live_gen) FROM {self.state} WHERE id = 1)"
        if self._connection is not None:
            conn = self._connection()
            self._check(conn)
            return len(rows), self._write(conn, rows, keys, gen)
        with self._own_transaction() as conn:
            self._check(conn)
            return len(rows), self._write(conn, rows, keys, gen)

    def add_pages(self, records: Iterable[PageRecord]) -> int:
        return self.update(records=records)[0]

    def delete_pages(self, keys: Iterable[str]) -> int:
        return self.update(deleted=keys)[1]

    # -- rebuild ----------------------------------------------------------------

    def reindex(
        self,
        source: RecordSource,
        *,
        checkpoint: Callable[[PageRecord], str] = lambda r: r.key,
        commit_every: int = 2000,
        **_whoosh_only: Any,
    ) -> ReindexReport:
        """Write every page of ``source`` again and drop the pages it no longer has (see the
        module docstring). Options of the Whoosh backend (``procs``, ``limitmb``,
        ``optimize``) are accepted and ignored."""
        with self.engine.connect() as lock:
            got = lock.execute(sa.text("SELECT pg_try_advisory_lock(7301060, :k)"), {"k": self._lock_key}).scalar()
            lock.commit()
            if not got:
                raise IndexLockedError(f"a reindex of {self.pages} is already running")
            try:
                return self._reindex_locked(source, checkpoint, commit_every)
            finally:
                lock.execute(sa.text("SELECT pg_advisory_unlock(7301060, :k)"), {"k": self._lock_key})
                lock.commit()

    def _reindex_locked(
        self, source: RecordSource, checkpoint: Callable[[PageRecord], str], commit_every: int
    ) -> ReindexReport:
        with self._own_transaction() as conn:
            live, build, token = conn.execute(
                sa.text(f"SELECT live_gen, build_gen, build_token FROM {self.state} WHERE id = 1 FOR UPDATE")
            ).one()
            if build is None or token is None:
                build, token = max(live, build or 0) + 1, None
                conn.execute(sa.text(f"UPDATE {self.state} SET build_gen = :g, build_token = NULL WHERE id = 1"),
                             {"g": build})
        if token is not None:
            log.info("resuming reindex of %s after %s", self.pages, token)
        gen = str(int(build))
        written = 0
        batch: list[PageRecord] = []

        def commit(last: str | None) -> None:
            with self._own_transaction() as conn:
                self._write(conn, [to_row(r) for r in batch], [], gen)
                if last is not None:
                    conn.execute(sa.text(f"UPDATE {self.state} SET build_token = :t WHERE id = 1"), {"t": last})
                else:
                    conn.execute(sa.text(f"DELETE FROM {self.pages} WHERE gen < {gen}"))
                    conn.execute(
                        sa.text(f"UPDATE {self.state} SET live_gen = {gen}, build_gen = NULL, build_token = NULL, "
                                "schema = :tag WHERE id = 1"),
                        {"tag": SCHEMA_TAG},
                    )

        for rec in _records_after(source, token, checkpoint):
            batch.append(rec)
            if len(batch) >= commit_every:
                commit(checkpoint(batch[-1]))
                written += len(batch)
                batch = []
        commit(None)
        written += len(batch)
        log.info("reindex of %s done: %d pages, generation %s", self.pages, written, gen)
        return ReindexReport(pages=written, resumed_from=token, generation=f"gen-{gen}")

    # -- searching ----------------------------------------------------------------

    @contextmanager
    def _searching(self) -> Iterator[sa.Connection]:
        """A transaction on one snapshot, planned for the GIN indexes (one round trip to
        set it up: the settings and the schema tag together)."""
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                tag = conn.execute(
                    sa.text(
                        "SELECT set_config('enable_seqscan', 'off', true), "
                        "set_config('jit', 'off', true), "  # compiling took seconds and saved nothing
                        "set_config('work_mem', :mem, true), "
                        f"(SELECT schema FROM {self.state} WHERE id = 1)"
                    ),
                    {"mem": f"{self.work_mem_mb}MB"},
                ).one()[3]
                if tag != SCHEMA_TAG:
                    raise RebuildNeededError(
                        f"search tables {self.pages} hold schema {tag}, code has {SCHEMA_TAG}: reindex")
                yield conn

    def search(
        self,
        query_string: str,
        scope: Scope,
        filters: Filters | None = None,
        limit: int = 20,
        offset: int = 0,
        *,
        groups: bool = True,
        near: bool = False,
    ) -> SearchResult:
        """Search for ``query_string`` as seen by ``scope`` (see :class:`search.backend.SearchBackend`)."""
        node = parse(query_string)
        empty = SearchResult(total=0, hits=[], groups=[])
        if node is None or scope.allows_nothing():
            return empty
        params = Params()
        compiled = compile_query(node, params, near=near)
        if compiled.where is None:
            return empty
        where = " AND ".join([*scope_filters(scope, filters, params), compiled.where])
        sql = self._statement(compiled, where, params, groups=groups)
        params.values.update(lim=max(0, int(limit)), off=max(0, int(offset)))
        with self._searching() as conn:
            row = conn.execute(sa.text(sql), params.values).mappings().one()
            if not row["total"]:
                return empty
            top = _json(row["top"])
            cols = ", ".join(_HIT_COLUMNS)
            pages = {
                r["key"]: r
                for r in conn.execute(
                    sa.text(f"SELECT {cols} FROM {self.pages} WHERE key = ANY(CAST(:keys AS text[]))"),
                    {"keys": [key for key, _, _ in top]},
                ).mappings()
            }
        literals = positive_literals(node)
        hits = [_hit(pages[key], score, not exact, literals) for key, exact, score in top]
        return SearchResult(total=int(row["total"]), hits=hits, groups=_groups(_json(row["cases"]), _json(row["docs"])))

    def search_keys(
        self, query_string: str, scope: Scope, filters: Filters | None = None, *, near: bool = False
    ) -> set[str]:
        """Keys of every allowed page that matches (no ranking, no snippets)."""
        node = parse(query_string)
        if node is None or scope.allows_nothing():
            return set()
        params = Params()
        compiled = compile_query(node, params, near=near)
        if compiled.where is None:
            return set()
        where = " AND ".join([*scope_filters(scope, filters, params), compiled.where])
        with self._searching() as conn:
            return set(conn.execute(sa.text(f"SELECT p.key FROM {self.pages} p WHERE {where}"), params.values).scalars())

    def _statement(self, compiled: Compiled, where: str, params: Params, *, groups: bool) -> str:
        """The one statement of a search (see the module docstring)."""
        tiers = compiled.exact is not None
        inner = ["p.seq", "p.key", "p.case_id", "p.case_no", "p.doc_key", "p.doc_type", "p.doc_no"]
        outer = ["q.seq", "q.key", "q.case_id", "q.case_no", "q.doc_key", "q.doc_type", "q.doc_no", "q.exact"]
        inner.append(f"({compiled.exact}) AS exact" if tiers else "true AS exact")
        dfs, weights, terms = [], [], []
        for i, s in enumerate(compiled.scored):
            value = params.add(s.stream)
            inner.append(  # bytes, not characters: octet_length need not walk the UTF-8
                f"CAST(octet_length(p.{s.column}) - octet_length(replace(p.{s.column}, {value}, '')) AS float8)"
                f" / {len(s.stream.encode())} AS tf{i}"
            )
            outer.append(f"q.tf{i}")
            tf = f"m.tf{i}"
            if tiers and s.near:  # found only nearly: one occurrence
                tf = f"CASE WHEN m.exact THEN m.tf{i} ELSE greatest(m.tf{i}, 1) END"
            found = f"({tf}) > 0"
            dfs.append(f"count(*) FILTER (WHERE {found}) AS df{i}")
            weights.append(f"ln(1 + CAST(n - df{i} + 0.5 AS float8) / (df{i} + 0.5)) * 2.2 AS w{i}")  # idf · (k1 + 1)
            terms.append(f"w.w{i} * ({tf}) / (({tf}) + 1.2)")
        score = " + ".join(terms) if terms else "0"
        ctes = [
            f"m AS MATERIALIZED (SELECT {', '.join(outer)} FROM "
            f"(SELECT {', '.join(inner)} FROM {self.pages} p WHERE {where}) q)",
            f"n AS (SELECT count(*) AS n{''.join(', ' + d for d in dfs)} FROM m)",
            f"w AS (SELECT n{''.join(', ' + x for x in weights)} FROM n)",
            f"s AS (SELECT m.seq, m.key, m.exact, CAST({score} AS float8) AS score FROM m CROSS JOIN w)",
            "top AS (SELECT seq, key, exact, score FROM s ORDER BY exact DESC, score DESC, seq LIMIT :lim OFFSET :off)",
        ]
        cases = docs = "NULL"
        if groups:
            # the cases with most pages (ties: met first), then their documents; no joins
            # (the planner's estimates for the bigram conditions are too low to pick them well)
            ctes.append(
                "cases AS (SELECT case_id, count(*) AS n FROM m GROUP BY case_id "
                f"ORDER BY count(*) DESC, min(seq) LIMIT {MAX_CASE_GROUPS})"
            )
            ctes.append(
                "docs AS (SELECT case_id, case_no, doc_key, doc_type, doc_no, count(*) AS n FROM m "
                "WHERE case_id = ANY(ARRAY(SELECT case_id FROM cases)) GROUP BY 1, 2, 3, 4, 5)"
            )
            cases = "(SELECT json_agg(json_build_array(case_id, n)) FROM cases)"
            docs = "(SELECT json_agg(json_build_array(case_id, case_no, doc_key, doc_type, doc_no, n)) FROM docs)"
        return (
            "WITH " + ",\n".join(ctes) + "\n"
            "SELECT (SELECT n FROM w) AS total, "
            "(SELECT json_agg(json_build_array(key, exact, score) ORDER BY exact DESC, score DESC, seq) FROM top) AS top, "
            f"{cases} AS cases, {docs} AS docs"
        )


def _array_literal(values: list[str]) -> str:
    """A ``text[]`` literal with every element quoted (psycopg's own list dumper looks at
    each element in Python and was half the time of a rebuild)."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _literals(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _array_literal(v) if k in _ARRAYS else v for k, v in row.items()}


def _hit(row: Any, score: float | None, near: bool, literals: list[Any]) -> Hit:
    body = str(row["body"] or "")
    spans, matched = literal_spans(body, literals, near=near)
    return Hit(
        key=str(row["key"]),
        case_no=str(row["case_no"]),
        case_id=int(row["case_id"]),
        case_name=str(row["case_name"]),
        volume=int(row["volume_no"]),
        volume_id=int(row["volume_id"]),
        volume_kind=str(row["volume_kind"]),
        page=int(row["page"]),
        label=str(row["label"]),
        doc_type=str(row["doc_type"]),
        doc_no=str(row["doc_no"]),
        doc_key=str(row["doc_key"]),
        snippet=make_snippet(body, spans),
        score=float(score or 0.0),
        matched=matched,
        spans=spans,
        near=near,
    )


def _groups(cases: list[Any], docs: list[Any]) -> list[CaseGroup]:
    """Case groups most pages first (ties: case id), their documents most pages first."""
    out = {int(cid): CaseGroup(case_id=int(cid), case_no="", count=int(n)) for cid, n in cases}
    for cid, case_no, doc_key, doc_type, doc_no, n in docs:
        g = out[int(cid)]
        g.case_no = str(case_no)
        g.docs.append(DocGroup(str(doc_key), str(doc_type), str(doc_no), int(n)))
    for g in out.values():
        g.docs.sort(key=lambda d: (-d.count, d.doc_key))
    return sorted(out.values(), key=lambda g: (-g.count, g.case_id))


def _json(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)
