"""Benchmark the page index: indexing speed, query latency, recall; SQLite FTS5 alongside.

    .venv/bin/python bench/search.py                 # 100,000 pages (minutes)
    .venv/bin/python bench/search.py --pages 5000    # quick run
    .venv/bin/python bench/search.py --workdir /tmp/sb --reuse   # keep the index, reuse it next time
    .venv/bin/python bench/search.py --compare-analyzers   # jieba vs bigrams, recall/precision

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
rank). The last line holds the figures as key=value pairs.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search import Index, Scope, search  # noqa: E402
from search.analysis import normalise  # noqa: E402
from search.searching import search_keys  # noqa: E402
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

    ixdir = work / "whoosh"
    if args.reuse and (ixdir / "CURRENT").exists():
        ix = Index(ixdir, postings_cache_mb=args.postings_cache_mb)
        index_rate = index_cpu = float("nan")
        print(f"reusing index {ixdir} ({ix.doc_count()} pages)", flush=True)
    else:
        shutil.rmtree(ixdir, ignore_errors=True)
        ix = Index(ixdir, postings_cache_mb=args.postings_cache_mb)
        t = time.perf_counter()
        cpu0 = _cpu()
        ix.reindex(pages, commit_every=args.commit_every, procs=args.procs, limitmb=args.limitmb,
                   optimize=args.optimize)
        dt = time.perf_counter() - t
        index_cpu = _cpu() - cpu0
        index_rate = len(pages) / dt
        print(f"whoosh: indexed {len(pages)} pages in {dt:.1f} s = {index_rate:.0f} pages/s, "
              f"{index_cpu:.0f} CPU s = {len(pages) / index_cpu:.0f} pages per CPU second "
              f"(procs={args.procs}, limitmb={args.limitmb}, commit_every={args.commit_every}, "
              f"optimize={args.optimize})", flush=True)

    db = work / "fts5.sqlite"
    db.unlink(missing_ok=True)
    fdt = fts5_build(db, keys, streams)
    fts_rate = len(pages) / fdt
    print(f"fts5: indexed {len(pages)} pages in {fdt:.1f} s = {fts_rate:.0f} pages/s", flush=True)

    queries = make_queries([p.text for p in pages], names, doc_nos, args.queries, args.seed + 1)
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
            print(f"  recall {rec:.3f} for {q!r}: missed {sorted(truth - got)[:5]}", flush=True)

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
        got = {keys[r - 1] for r in rows}
        fts_recall.append(len(got & truth) / len(truth) if truth else 1.0)
    con.close()

    for kind, values in lat_by_kind.items():
        print(f"  {kind:7s} n={len(values):4d} p50={pct(values, 50):7.1f} ms p95={pct(values, 95):7.1f} ms "
              f"recall={statistics.mean(recall_by_kind[kind]):.4f}")
    p50, p95 = pct(lat, 50), pct(lat, 95)
    f50, f95 = pct(flat, 50), pct(flat, 95)
    print(f"whoosh p50={p50:.1f} ms p95={p95:.1f} ms; fts5 p50={f50:.1f} ms p95={f95:.1f} ms")
    pc = ix.postings_cache
    print(f"postings cache: {len(pc)} entries, {pc.nbytes / 2**20:.0f} of {pc.max_bytes / 2**20:.0f} MiB, "
          f"{pc.hits} hits, {pc.misses} misses (the searches and the recall checks together)")
    figures = {
        "pages": len(pages),
        "queries": len(queries),
        "index_pages_per_s": f"{index_rate:.0f}",
        "index_pages_per_cpu_s": f"{len(pages) / index_cpu:.0f}",
        "load_avg_1m": f"{os.getloadavg()[0]:.1f}",
        "p50_ms": f"{p50:.1f}",
        "p95_ms": f"{p95:.1f}",
        "max_ms": f"{max(lat):.1f}",
        "cpu_p50_ms": f"{pct(cpu_lat, 50):.1f}",
        "cpu_p95_ms": f"{pct(cpu_lat, 95):.1f}",
        "recall": f"{statistics.mean(r for v in recall_by_kind.values() for r in v):.4f}",
        "recall_phrase": f"{min(phrase_recall):.4f}",
        "precision": f"{statistics.mean(precision):.4f}",
        "precision_text": f"{statistics.mean(precision_text):.4f}",
        "fts5_index_pages_per_s": f"{fts_rate:.0f}",
        "fts5_p50_ms": f"{f50:.2f}",
        "fts5_p95_ms": f"{f95:.2f}",
        "fts5_cpu_p95_ms": f"{pct(fcpu, 95):.2f}",
        "fts5_recall": f"{statistics.mean(fts_recall):.4f}",
        "p95_ratio_whoosh_to_fts5": f"{p95 / f95:.1f}" if f95 else "inf",
        "cpu_p95_ratio_whoosh_to_fts5": f"{pct(cpu_lat, 95) / max(pct(fcpu, 95), 1e-3):.1f}",
        "index_ratio_whoosh_to_fts5": f"{index_rate / fts_rate:.3f}",
    }
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


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
    ap.add_argument("--compare-analyzers", action="store_true", help="jieba vs bigrams (use --pages 3000)")
    args = ap.parse_args()
    if args.compare_analyzers:
        compare_analyzers(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
