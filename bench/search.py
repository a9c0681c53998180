"""Benchmark the page index: indexing speed, query latency, recall; SQLite FTS5 alongside.

    .venv/bin/python bench/search.py                 # Whoosh, 100,000 pages (minutes)
    .venv/bin/python bench/search.py --pages 5000    # quick run
    .venv/bin/python bench/search.py --backend both --pg-url postgresql+psycopg://…   # Whoosh and PostgreSQL
    .venv/bin/python bench/search.py --backend postgresql --pg-trgm   # and pg_trgm beside the bigram arrays
    .venv/bin/python bench/search.py --workdir /tmp/sb --reuse   # keep the index, reuse it next time
    .venv/bin/python bench/search.py --compare-analyzers   # jieba vs bigrams, recall/precision

``--backend`` chooses the search backend(s) measured (``whoosh``, ``postgresql`` or
``both``); SQLite FTS5 is measured in the same run beside them. The PostgreSQL backend
works in a schema of its own (``--pg-schema``, replaced, dropped afterwards unless
``--keep``) of the database of ``--pg-url`` (default ``ECASE_TEST_POSTGRES_URL``); its
indexing rate is the rebuild the service runs (``PostgresIndex.reindex``), and its CPU
figure counts this process only, not the server's.

Pages are synthetic (``search.synthetic``: FORMS.md wording, random names, places,
numbers). Queries are a fixed, seeded mix drawn from the pages: one, two and three words
(AND), quoted phrases, person names, document numbers written with other brackets.
Ground truth: the pages containing every word literally (after the index's
normalisation: white space, width and bracket variants). Latency is the library call a
user makes: ``search(..., limit=20)`` with groups, total and snippets; it is reported
as wall time and as CPU time of the query (the machine is shared, and CPU time is what
a query costs whatever else runs). Indexing is reported per wall second and per CPU
second (this process and its writer processes). The index is opened as the service
opens it, with its postings cache (``--postings-cache-mb``, default 128 like
``search.Index``; 0 makes every query read its postings from the index files). A
measured search finds in the cache what earlier queries decoded: the 10 warm-up queries
(which are also the first 10 measured), and each earlier query and its recall check
(``search_keys``, run after the query is timed). The cache's size, hits and misses
are printed. SQLite FTS5 with
the trigram tokenizer indexes the same normalised text and runs the same queries
(``MATCH`` for words of 3+ characters, ``LIKE`` for shorter ones, count + top 20 by
rank).

Near matches: every query is timed again with ``near=True`` (``near_p50_ms``,
``near_p95_ms``), and ``--misread`` quoted phrases of 4-8 characters taken from the
pages with one Chinese character replaced are searched with it: ``misread_recall``
against a brute-force scan (:func:`search.near.near_pattern` over every page), and
``misread_exact_first`` counts the searches whose exact hits all came first.

The last line holds the figures as key=value pairs: Whoosh's unprefixed as before,
PostgreSQL's with ``pg_``, FTS5's with ``fts5_``, pg_trgm's with ``trgm_``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import Index, Scope, search, search_keys  # noqa: E402
from search.analysis import normalise  # noqa: E402
from search.near import near_pattern  # noqa: E402
from search.synthetic import PageFactory  # noqa: E402

PUNCT = set("，。：；、？！（）()《》〔〕[]“”\"'…")


def make_queries(texts: list[str], names: list[str], doc_nos: list[str], n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` queries as ``(kind, query string)``, the same for a given seed and page set."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []

    def fragment(text: str, lo: int, hi: int) -> str:
        for _ in range(50):
            length = rng.randint(lo, hi)
            stream = normalise(text)
            if len(stream) <= length:
                continue
            at = rng.randrange(len(stream) - length)
            frag = stream[at : at + length]
            if not (set(frag) & PUNCT) and frag[0] not in "-" and frag.upper() not in ("AND", "OR", "NOT"):
                return frag
        return normalise(text)[:2]

    kinds = ["one", "two", "three", "phrase", "name", "doc_no"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        text = texts[rng.randrange(len(texts))]
        if kind == "one":
            q = fragment(text, 2, 4)
        elif kind == "two":
            q = " ".join(fragment(text, 2, 4) for _ in range(2))
        elif kind == "three":
            q = " ".join(fragment(text, 2, 3) for _ in range(3))
        elif kind == "phrase":
            q = '"' + fragment(text, 5, 10) + '"'
        elif kind == "name":
            q = names[rng.randrange(len(names))]
        else:
            q = doc_nos[rng.randrange(len(doc_nos))].replace("（", "(").replace("）", ")").replace("〔", "[").replace("〕", "]")
        out.append((kind, q))
    return out


def words_of(q: str) -> list[str]:
    return [normalise(w) for w in q.replace('"', " ").split() if normalise(w)]


def ground_truth(streams: list[str], keys: list[str], q: str) -> set[str]:
    words = words_of(q) if not q.startswith('"') else [normalise(q.strip('"'))]
    return {k for k, s in zip(keys, streams) if all(w in s for w in words)}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the writer processes)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def fts5_build(db: Path, keys: list[str], streams: list[str]) -> float:
    """Plain table ``docs`` + external-content FTS5 trigram index over it."""
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE docs(id INTEGER PRIMARY KEY, text TEXT)")
    con.execute("CREATE VIRTUAL TABLE pages USING fts5(text, content='docs', content_rowid='id', tokenize='trigram')")
    t = time.perf_counter()
    rows = [(i + 1, s) for i, s in enumerate(streams)]
    con.executemany("INSERT INTO docs(id, text) VALUES (?, ?)", rows)
    con.executemany("INSERT INTO pages(rowid, text) VALUES (?, ?)", rows)
    con.commit()
    dt = time.perf_counter() - t
    con.close()
    return dt


def fts5_query(con: sqlite3.Connection, q: str, limit: int | None) -> tuple[int, list[int]]:
    """Words of 3+ characters through the trigram index; shorter ones by instr() on the rows.

    (SQLite 3.40's trigram ``LIKE`` with patterns under 3 characters returns nothing and
    can crash, so short words are checked on the content table instead.)
    """
    words = words_of(q) if not q.startswith('"') else [normalise(q.strip('"'))]
    long = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    where, args = [], []
    if long:
        where.append("pages MATCH ?")
        args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long))
    for w in short:
        where.append("instr(docs.text, ?) > 0")
        args.append(w)
    cond = " AND ".join(where)
    if long:
        frm = "pages JOIN docs ON docs.id = pages.rowid"
        order = "ORDER BY pages.rank"
    else:
        frm, order = "docs", ""
    total = con.execute(f"SELECT count(*) FROM {frm} WHERE {cond}", args).fetchone()[0]
    lim = f"LIMIT {limit}" if limit else ""
    rows = con.execute(f"SELECT docs.id FROM {frm} WHERE {cond} {order} {lim}", args).fetchall()
    return total, [r[0] for r in rows]


def misread_queries(texts: list[str], n: int, seed: int) -> list[str]:
    """``n`` quoted phrases of 4-8 characters from the pages with one Chinese character
    replaced (what a page misread by OCR looks like to a user typing it right)."""
    rng = random.Random(seed)
    pool = "霸申甲乙丙丁戊己庚辛壬癸"
    out: list[str] = []
    while len(out) < n:
        stream = normalise(texts[rng.randrange(len(texts))])
        k = rng.randint(4, 8)
        if len(stream) <= k:
            continue
        at = rng.randrange(len(stream) - k)
        frag = stream[at : at + k]
        spots = [i for i, c in enumerate(frag) if "\u4e00" <= c <= "\u9fff"]
        if set(frag) & PUNCT or not spots:
            continue
        i = rng.choice(spots)
        out.append('"' + frag[:i] + rng.choice([c for c in pool if c != frag[i]]) + frag[i + 1 :] + '"')
    return out


def near_truth(streams: list[str], keys: list[str], q: str) -> set[str]:
    pattern = near_pattern(normalise(q.strip('"')))
    assert pattern is not None
    return {k for k, s in zip(keys, streams) if pattern.search(s)}


def open_pg(args: argparse.Namespace) -> tuple[Any, str]:
    """An engine on the database of --pg-url and a fresh schema of the bench's own there."""
    from sqlalchemy import create_engine

    from search.pg import create_schema, drop_schema

    url = args.pg_url or os.environ.get("ECASE_TEST_POSTGRES_URL") or os.environ.get("ECASE_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("--backend postgresql needs --pg-url (or ECASE_TEST_POSTGRES_URL) with a postgresql+psycopg:// URL")
    engine = create_engine(url)
    if not args.reuse:
        drop_schema(engine, args.pg_schema)
    create_schema(engine, args.pg_schema)
    return engine, args.pg_schema


def build(name: str, args: argparse.Namespace, work: Path, pages: list[Any]) -> tuple[Any, float, float]:
    """The index of backend ``name`` over ``pages`` (rebuilt unless --reuse finds one):
    the index, pages per wall second and CPU seconds of this process and its children."""
    if name == "whoosh":
        ixdir = work / "whoosh"
        if args.reuse and (ixdir / "CURRENT").exists():
            ix = Index(ixdir, postings_cache_mb=args.postings_cache_mb)
            print(f"whoosh: reusing index {ixdir} ({ix.doc_count()} pages)", flush=True)
            return ix, float("nan"), float("nan")
        shutil.rmtree(ixdir, ignore_errors=True)
        ix = Index(ixdir, postings_cache_mb=args.postings_cache_mb)
        kwargs: dict[str, Any] = dict(commit_every=args.commit_every, procs=args.procs, limitmb=args.limitmb,
                                      optimize=args.optimize)
        how = f"procs={args.procs}, limitmb={args.limitmb}, commit_every={args.commit_every}, optimize={args.optimize}"
    else:
        from search.pg import PostgresIndex

        engine, schema = open_pg(args)
        ix = PostgresIndex(engine, schema=schema)
        if args.reuse and ix.doc_count() == len(pages):
            print(f"postgresql: reusing schema {schema} ({len(pages)} pages)", flush=True)
            return ix, float("nan"), float("nan")
        kwargs = dict(commit_every=args.pg_commit_every)
        how = f"commit_every={args.pg_commit_every}; the server's own CPU is not counted"
    t = time.perf_counter()
    cpu0 = _cpu()
    ix.reindex(pages, **kwargs)
    dt = time.perf_counter() - t
    cpu = _cpu() - cpu0
    if name == "postgresql":
        from sqlalchemy import text

        with ix.engine.begin() as conn:
            conn.execute(text(f"ANALYZE {ix.pages}"))
    print(f"{name}: indexed {len(pages)} pages in {dt:.1f} s = {len(pages) / dt:.0f} pages/s, "
          f"{cpu:.0f} CPU s here = {len(pages) / max(cpu, 1e-9):.0f} pages per CPU second ({how})", flush=True)
    return ix, len(pages) / dt, cpu


def measure(name: str, ix: Any, queries: list[tuple[str, str]], misread: list[str], streams: list[str],
            keys: list[str]) -> dict[str, Any]:
    """Latency (wall and CPU of this process) with near matching off and on, recall and
    precision of the exact search, and recall of the near search on misread phrases."""
    scope = Scope.everything()
    for _, q in queries[:10]:
        search(ix, q, scope, limit=20)  # warm caches
    lat: list[float] = []
    cpu_lat: list[float] = []
    lat_by_kind: dict[str, list[float]] = {}
    recall_by_kind: dict[str, list[float]] = {}
    precision: list[float] = []
    precision_text: list[float] = []
    phrase_recall: list[float] = []
    for kind, q in queries:
        t, c = time.perf_counter(), time.process_time()
        search(ix, q, scope, limit=20)
        ms = (time.perf_counter() - t) * 1000
        cpu_lat.append((time.process_time() - c) * 1000)
        lat.append(ms)
        lat_by_kind.setdefault(kind, []).append(ms)
        truth = ground_truth(streams, keys, q)
        got = search_keys(ix, q, scope)
        rec = len(got & truth) / len(truth) if truth else 1.0
        recall_by_kind.setdefault(kind, []).append(rec)
        precision.append(len(got & truth) / len(got) if got else 1.0)
        if kind != "doc_no":  # a document number also finds its document's other pages, by design
            precision_text.append(precision[-1])
        if kind in ("phrase", "name", "one"):
            phrase_recall.append(rec)
        if rec < 1.0:
            print(f"  {name}: recall {rec:.3f} for {q!r}: missed {sorted(truth - got)[:5]}", flush=True)
    near_lat: list[float] = []
    for _, q in queries:
        t = time.perf_counter()
        search(ix, q, scope, limit=20, near=True)
        near_lat.append((time.perf_counter() - t) * 1000)
    misread_lat: list[float] = []
    misread_recall: list[float] = []
    ranked_ok = 0
    for q in misread:
        t = time.perf_counter()
        res = search(ix, q, scope, limit=20, near=True)
        misread_lat.append((time.perf_counter() - t) * 1000)
        truth = near_truth(streams, keys, q)
        got = search_keys(ix, q, scope, near=True)
        misread_recall.append(len(got & truth) / len(truth) if truth else 1.0)
        flags = [h.near for h in res.hits]
        ranked_ok += flags == sorted(flags)
    for kind, values in lat_by_kind.items():
        print(f"  {name:10s} {kind:7s} n={len(values):4d} p50={pct(values, 50):7.1f} ms p95={pct(values, 95):7.1f} ms "
              f"recall={statistics.mean(recall_by_kind[kind]):.4f}")
    return {
        "p50_ms": f"{pct(lat, 50):.1f}",
        "p95_ms": f"{pct(lat, 95):.1f}",
        "max_ms": f"{max(lat):.1f}",
        "cpu_p50_ms": f"{pct(cpu_lat, 50):.1f}",
        "cpu_p95_ms": f"{pct(cpu_lat, 95):.1f}",
        "recall": f"{statistics.mean(r for v in recall_by_kind.values() for r in v):.4f}",
        "recall_phrase": f"{min(phrase_recall):.4f}",
        "precision": f"{statistics.mean(precision):.4f}",
        "precision_text": f"{statistics.mean(precision_text):.4f}",
        "near_p50_ms": f"{pct(near_lat, 50):.1f}",
        "near_p95_ms": f"{pct(near_lat, 95):.1f}",
        "misread_p50_ms": f"{pct(misread_lat, 50):.1f}",
        "misread_p95_ms": f"{pct(misread_lat, 95):.1f}",
        "misread_recall": f"{statistics.mean(misread_recall):.4f}",
        "misread_exact_first": f"{ranked_ok}/{len(misread)}",
    }


def run(args: argparse.Namespace) -> None:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="ecase-search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    pages = list(PageFactory(args.seed).pages(args.pages))
    print(f"generated {len(pages)} pages in {time.perf_counter() - t:.1f} s", flush=True)
    keys = [p.key for p in pages]
    streams = [normalise(p.text) for p in pages]
    names = sorted({n for p in pages for n in p.persons})
    doc_nos = sorted({p.doc_no for p in pages})
    queries = make_queries([p.text for p in pages], names, doc_nos, args.queries, args.seed + 1)
    misread = misread_queries([p.text for p in pages], args.misread, args.seed + 2)
    backends = ["whoosh", "postgresql"] if args.backend == "both" else [args.backend]

    figures: dict[str, Any] = {"pages": len(pages), "queries": len(queries), "misread_queries": len(misread)}
    measured: dict[str, dict[str, Any]] = {}
    for name in backends:
        ix, rate, cpu = build(name, args, work, pages)
        got = measure(name, ix, queries, misread, streams, keys)
        measured[name] = got
        prefix = "" if name == "whoosh" else "pg_"
        figures[f"{prefix}index_pages_per_s"] = f"{rate:.0f}"
        figures[f"{prefix}index_pages_per_cpu_s"] = f"{len(pages) / cpu:.0f}" if cpu == cpu else "nan"
        figures.update({f"{prefix}{k}": v for k, v in got.items()})
        if name == "whoosh":
            pc = ix.postings_cache
            print(f"postings cache: {len(pc)} entries, {pc.nbytes / 2**20:.0f} of {pc.max_bytes / 2**20:.0f} MiB, "
                  f"{pc.hits} hits, {pc.misses} misses (the searches and the recall checks together)")
        elif args.pg_trgm:
            figures.update(pg_trgm(ix, queries, streams, keys))
        if name == "postgresql" and not args.keep:
            from search.pg import drop_schema

            drop_schema(ix.engine, args.pg_schema)

    db = work / "fts5.sqlite"
    db.unlink(missing_ok=True)
    fdt = fts5_build(db, keys, streams)
    fts_rate = len(pages) / fdt
    print(f"fts5: indexed {len(pages)} pages in {fdt:.1f} s = {fts_rate:.0f} pages/s", flush=True)
    con = sqlite3.connect(db)
    flat: list[float] = []
    fcpu: list[float] = []
    fts_recall: list[float] = []
    for _, q in queries:
        t, c = time.perf_counter(), time.process_time()
        fts5_query(con, q, 20)
        flat.append((time.perf_counter() - t) * 1000)
        fcpu.append((time.process_time() - c) * 1000)
        truth = ground_truth(streams, keys, q)
        _, rows = fts5_query(con, q, None)
        got_keys = {keys[r - 1] for r in rows}
        fts_recall.append(len(got_keys & truth) / len(truth) if truth else 1.0)
    con.close()
    f50, f95 = pct(flat, 50), pct(flat, 95)
    for name, got in measured.items():
        print(f"{name} p50={got['p50_ms']} ms p95={got['p95_ms']} ms (near on: p50={got['near_p50_ms']} "
              f"p95={got['near_p95_ms']}); misread phrases: recall {got['misread_recall']}, "
              f"p95={got['misread_p95_ms']} ms")
    print(f"fts5 p50={f50:.1f} ms p95={f95:.1f} ms")
    figures.update({
        "load_avg_1m": f"{os.getloadavg()[0]:.1f}",
        "fts5_index_pages_per_s": f"{fts_rate:.0f}",
        "fts5_p50_ms": f"{f50:.2f}",
        "fts5_p95_ms": f"{f95:.2f}",
        "fts5_cpu_p95_ms": f"{pct(fcpu, 95):.2f}",
        "fts5_recall": f"{statistics.mean(fts_recall):.4f}",
    })
    for name, got in measured.items():
        prefix = "" if name == "whoosh" else "pg_"
        figures[f"p95_ratio_{name}_to_fts5"] = f"{float(got['p95_ms']) / f95:.1f}" if f95 else "inf"
        rate = figures[f"{prefix}index_pages_per_s"]
        figures[f"index_ratio_{name}_to_fts5"] = f"{float(rate) / fts_rate:.3f}"
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


def pg_trgm(ix: Any, queries: list[tuple[str, str]], streams: list[str], keys: list[str]) -> dict[str, str]:
    """The same queries through pg_trgm (a GIN trigram index on the normalised text,
    ``LIKE '%…%'`` per word, count and top 20 by occurrences), beside the bigram arrays."""
    from sqlalchemy import text

    with ix.engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        t = time.perf_counter()
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS bench_trgm ON {ix.pages} USING gin (norm gin_trgm_ops)"))
        print(f"pg_trgm: index built in {time.perf_counter() - t:.1f} s", flush=True)
        conn.execute(text(f"ANALYZE {ix.pages}"))
    lat: list[float] = []
    lat_by_kind: dict[str, list[float]] = {}
    recall: list[float] = []
    with ix.engine.connect() as conn:
        conn.execute(text("SET jit = off"))
        for kind, q in queries:
            words = words_of(q) if not q.startswith('"') else [normalise(q.strip('"'))]
            cond = " AND ".join(f"p.norm LIKE :w{i}" for i in range(len(words)))
            args = {f"w{i}": "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                    for i, w in enumerate(words)}
            tf = " + ".join(f"(length(p.norm) - length(replace(p.norm, :v{i}, '')))" for i in range(len(words)))
            args.update({f"v{i}": w for i, w in enumerate(words)})
            sql = (f"WITH m AS MATERIALIZED (SELECT p.seq, p.key, {tf} AS tf FROM {ix.pages} p WHERE {cond}) "
                   "SELECT (SELECT count(*) FROM m), (SELECT array_agg(key) FROM "
                   "(SELECT key FROM m ORDER BY tf DESC, seq LIMIT 20) t)")
            t = time.perf_counter()
            conn.execute(text(sql), args).one()
            ms = (time.perf_counter() - t) * 1000
            lat.append(ms)
            lat_by_kind.setdefault(kind, []).append(ms)
            got = set(conn.execute(text(f"SELECT p.key FROM {ix.pages} p WHERE {cond}"), args).scalars())
            truth = ground_truth(streams, keys, q)
            recall.append(len(got & truth) / len(truth) if truth else 1.0)
    for kind, values in lat_by_kind.items():
        print(f"  pg_trgm    {kind:7s} n={len(values):4d} p50={pct(values, 50):7.1f} ms p95={pct(values, 95):7.1f} ms")
    with ix.engine.begin() as conn:
        conn.execute(text(f"DROP INDEX IF EXISTS {ix.engine.dialect.identifier_preparer.quote(ix.schema)}.bench_trgm"))
    return {"trgm_p50_ms": f"{pct(lat, 50):.1f}", "trgm_p95_ms": f"{pct(lat, 95):.1f}",
            "trgm_recall": f"{statistics.mean(recall):.4f}"}


def compare_analyzers(args: argparse.Namespace) -> None:
    """Recall and precision of jieba's ChineseAnalyzer vs character bigrams on literal containment."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields
    from whoosh import query as wq
    from whoosh.filedb.filestore import RamStorage

    import jieba

    jieba.setLogLevel(60)
    pages = list(PageFactory(args.seed).pages(args.pages))
    streams = [normalise(p.text) for p in pages]
    keys = [p.key for p in pages]
    names = sorted({n for p in pages for n in p.persons})
    doc_nos = sorted({p.doc_no for p in pages})
    queries = [(k, q) for k, q in make_queries([p.text for p in pages], names, doc_nos, args.queries, args.seed + 1)
               if k != "doc_no"]
    jieba_an = ChineseAnalyzer()
    schema = fields.Schema(key=fields.ID(stored=True), text=fields.TEXT(analyzer=jieba_an))
    ram = RamStorage().create_index(schema)
    w = ram.writer()
    for p in pages:
        w.add_document(key=p.key, text=p.text)
    w.commit()
    bix = Index(Path(tempfile.mkdtemp(prefix="ecase-an-")))
    bix.add_pages(pages)
    results: dict[str, tuple[list[float], list[float]]] = {"jieba": ([], []), "bigram": ([], [])}
    by_kind: dict[tuple[str, str], list[float]] = {}
    with ram.searcher() as s:
        for kind, q in queries:
            truth = ground_truth(streams, keys, q)
            terms = [t.text for w_ in words_of(q) for t in jieba_an(w_)]
            jq = wq.And([wq.Term("text", t) for t in terms]) if terms else wq.NullQuery
            got_j = {s.stored_fields(d)["key"] for d in jq.docs(s)}
            got_b = search_keys(bix, q, Scope.everything())
            for name, got in (("jieba", got_j), ("bigram", got_b)):
                results[name][0].append(len(got & truth) / len(truth) if truth else 1.0)
                results[name][1].append(len(got & truth) / len(got) if got else (1.0 if not truth else 0.0))
                by_kind.setdefault((name, kind), []).append(results[name][0][-1])
    shutil.rmtree(bix.path, ignore_errors=True)
    for (name, kind), rec in sorted(by_kind.items()):
        print(f"  {name:7s} {kind:7s} n={len(rec):4d} recall={statistics.mean(rec):.3f}")
    out = {"pages": len(pages), "queries": len(queries)}
    for name, (rec, prec) in results.items():
        print(f"{name:7s} recall={statistics.mean(rec):.3f} precision={statistics.mean(prec):.3f} "
              f"queries_with_recall_below_1={sum(r < 1 for r in rec)}")
        out[f"{name}_recall"] = f"{statistics.mean(rec):.3f}"  # type: ignore[assignment]
        out[f"{name}_precision"] = f"{statistics.mean(prec):.3f}"  # type: ignore[assignment]
    print(" ".join(f"{k}={v}" for k, v in out.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--procs", type=int, default=2, help="Whoosh writer processes")
    ap.add_argument("--optimize", action="store_true", help="merge into one segment after indexing")
    ap.add_argument("--limitmb", type=int, default=256, help="Whoosh writer memory per process")
    ap.add_argument("--commit-every", type=int, default=20_000)
    ap.add_argument("--workdir", help="keep the indexes here (default: a temporary directory, removed)")
    ap.add_argument("--reuse", action="store_true", help="reuse the Whoosh index in --workdir")
    ap.add_argument("--postings-cache-mb", type=float, default=128,
                    help="Index(postings_cache_mb=...): decoded postings kept between queries (0: none)")
    ap.add_argument("--backend", choices=("whoosh", "postgresql", "both"), default="whoosh",
                    help="which search backend(s) to measure, SQLite FTS5 beside them in the same run")
    ap.add_argument("--pg-url", help="postgresql+psycopg:// URL (default ECASE_TEST_POSTGRES_URL, else ECASE_DATABASE_URL)")
    ap.add_argument("--pg-schema", default="ecase_search_bench", help="schema the bench's tables go in (replaced)")
    ap.add_argument("--pg-commit-every", type=int, default=2000, help="pages per committed batch of the rebuild")
    ap.add_argument("--pg-trgm", action="store_true", help="also run the queries through a pg_trgm index")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (for --reuse)")
    ap.add_argument("--misread", type=int, default=60, help="phrases with one character misread, searched with near")
    ap.add_argument("--compare-analyzers", action="store_true", help="jieba vs bigrams (use --pages 3000)")
    args = ap.parse_args()
    if args.compare_analyzers:
        compare_analyzers(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
