"""Load: the production setup under 50 simulated users, and how fast it ingests.

    .venv/bin/python bench/load.py                       # 50 users for 60 s (about 5 minutes in all)
    .venv/bin/python bench/load.py --duration 30 --scans 6
    .venv/bin/python bench/load.py --think 0             # no pause between a user's requests

Needs PostgreSQL and Redis (``ECASE_TEST_POSTGRES_URL``, ``ECASE_TEST_REDIS_URL``, as
``./dev test`` starts them: ``bash -c 'source <(sed -n "/^start_services()/,/^}/p" dev);
start_services'``). Starts what ``tests/scale/test_scale_out.py`` starts
(``tests/scale/cluster.py``): moto's S3 server, ``ecase serve`` (gunicorn,
``--web-workers`` processes of ``--web-threads`` threads) and ``ecase worker`` processes
with data directories of their own, ``ECASE_SEARCH_BACKEND=postgresql``, on a fresh
PostgreSQL database and an empty Redis database.

1. **Ingest**: two clerks of two units upload ``--scans`` synthetic scans (2 pages each)
   at once through ``POST /api/scans`` with one worker running, then as many again to
   other cases with two; pages per second from the first upload to the last job done.
   Each worker runs one process (``--concurrency 1``).
2. **Load**: ``--users`` threads, each logged in through the login form as one of the
   clerks (half each), repeat for ``--duration`` seconds: pick a kind — ``viewer`` (a page
   of a volume, ``/volumes/ID/pages/N``), ``image`` (``/pages/ID/image``), ``search`` (the
   search page with one of a few queries), ``cases`` (the case list) — send it over the
   user's own keep-alive connection, then pause ``--think`` seconds (uniform between 0
   and twice it: a person reading). A response other than 200, or none, is an error.

Prints p50/p95/max per kind as the client measured it (queueing included) and as gunicorn
logged it (``%(M)s``, time in the app), the request rate, the errors, the load average,
and the CPU time gunicorn's processes spent per request (``web_cpu_ms_per_request``: the
machine's cores divided by it bound the requests per second);
the last line is every figure as key=value. Targets: p95 ≤ 300 ms for viewer pages and
search, 0 errors. The load generator runs on the same machine and takes CPU from the server.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repo, not bench/

KINDS = ("viewer", "image", "search", "cases")
WEIGHTS = (0.35, 0.30, 0.20, 0.15)
QUERIES = ("测试", "受案登记表", "询问笔录", "立案决定书", "济南市", "合成文字", "编号", "传唤证 姓名")


def log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def session_cookie(base: str, username: str, password: str) -> str:
    """Log in through the form; the Cookie header that carries the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login", timeout=60).read().decode()
    m = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert m, "no CSRF token on the login page"
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": m.group(1)})
    opener.open(f"{base}/login", data=form.encode(), timeout=60).read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert "session=" in cookies, f"{username} was not logged in"
    return cookies


def ingest(cluster: Any, uploads: list[Any], tokens: dict[str, str]) -> tuple[int, float]:
    """Upload all at once, wait for every job; (pages, seconds)."""
    from tests.soak import harness

    from_jobs, _, _, _ = harness.job_progress(cluster)
    t0 = time.monotonic()
    threads = [threading.Thread(target=harness.post_scan, args=(cluster.url, tokens[u.username], u))
               for u in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [(u.filename, u.outcome, u.detail[:200]) for u in uploads if u.outcome != "acknowledged"]
    if bad:
        raise RuntimeError(f"uploads refused: {bad}")
    waited, how = harness.wait_for_jobs(cluster, stall_s=120, cap_s=1800, log=log)
    if how != "ended":
        raise RuntimeError(f"ingest did not end ({how})")
    return sum(u.scan.pages for u in uploads), time.monotonic() - t0


class User(threading.Thread):
    def __init__(self, n: int, port: int, cookie: str, targets: dict[str, list[str]], until: float,
                 think: float, results: dict[str, list[float]], errors: dict[str, list[str]]) -> None:
        super().__init__(name=f"user-{n}", daemon=True)
        self.rng = random.Random(n)
        self.port = port
        self.cookie = cookie
        self.targets = targets
        self.until = until
        self.think = think
        self.results = results
        self.errors = errors
        self.conn: http.client.HTTPConnection | None = None

    def request(self, path: str) -> int:
        for attempt in (1, 2):  # a keep-alive connection the server closed is opened again once
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("GET", path, headers={"Cookie": self.cookie})
                resp = self.conn.getresponse()
                resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return resp.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, max(self.think, 0.5)))  # do not all start in one instant
        while time.monotonic() < self.until:
            kind = self.rng.choices(KINDS, WEIGHTS)[0]
            path = self.rng.choice(self.targets[kind])
            t0 = time.monotonic()
            try:
                status = self.request(path)
                ms = (time.monotonic() - t0) * 1000
                if status == 200:
                    self.results[kind].append(ms)
                else:
                    self.errors[kind].append(f"{status} {path}")
            except Exception as e:  # noqa: BLE001 - every failure is counted, named
                self.errors[kind].append(f"{type(e).__name__}: {e} {path}")
            if self.think > 0:
                time.sleep(self.rng.uniform(0, 2 * self.think))


def targets_for(cluster: Any, unit_name: str) -> dict[str, list[str]]:
    """The URLs a clerk of ``unit_name`` opens: the unit's volume pages and page images."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Case, Unit, Volume
    from tests.soak import harness

    with harness.service_app(cluster):
        s = db.session()
        unit = s.scalars(select(Unit).where(Unit.name == unit_name)).one()
        viewer, image = [], []
        for vol in s.scalars(select(Volume).join(Case, Volume.case_id == Case.id).where(Case.unit_id == unit.id)):
            if vol.current is None:
                continue
            for i, vp in enumerate(vol.current.pages, start=1):
                viewer.append(f"/volumes/{vol.id}/pages/{i}")
                image.append(f"/pages/{vp.page_id}/image")
    if not viewer:
        raise RuntimeError(f"no pages of {unit_name}")
    return {"viewer": viewer, "image": image, "cases": ["/cases", "/cases?page=1"],
            "search": [f"/search?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean pause between a user's requests, seconds (default 1; 0: none)")
    ap.add_argument("--scans", type=int, default=8, help="2-page scans ingested with each worker count (default 8)")
    ap.add_argument("--web-workers", type=int, default=2, help="gunicorn processes (default 2)")
    ap.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn process (default 4)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the data and logs here")
    args = ap.parse_args()

    pg, redis = os.environ.get("ECASE_TEST_POSTGRES_URL"), os.environ.get("ECASE_TEST_REDIS_URL")
    if not pg or not redis:
        print("ECASE_TEST_POSTGRES_URL and ECASE_TEST_REDIS_URL must be set (see --help)", file=sys.stderr)
        return 2
    from tests.scale import cluster as scale
    from tests.soak import harness

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ecase-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"work directory {workdir}")
    figures: dict[str, Any] = {"users": args.users, "duration_s": args.duration, "think_s": args.think,
                               "web_workers": args.web_workers, "web_threads": args.web_threads}
    rng = random.Random(16)
    with scale.moto_s3(workdir / "logs") as s3_env, harness.postgres_backend(pg, redis, workers=2) as backend:
        os.environ.update(s3_env)
        c = scale.Cluster(workdir, backend, s3_env, web_workers=args.web_workers, web_threads=args.web_threads,
                          lease_s=60, sweep_s=30)
        try:
            c.first_start()
            from ecase import settings

            figures["ocr_engine"] = settings.load(environ=c.env)["OCR_ENGINE"]  # as the workers see it
            c.start(workers=1)
            tokens = {u: harness.make_token(c.url, u) for u, _ in harness.UNITS}
            serial = 0
            for n_workers in (1, 2):
                if n_workers == 2:
                    c.start_workers()
                uploads = []
                for i in range(args.scans):
                    username = harness.UNITS[i % 2][0]
                    path = workdir / "scans" / f"load-{serial:03d}{'.pdf' if serial % 2 else '.tif'}"
                    uploads.append(harness.Upload(serial, harness.case_number(n_workers * 10 + i % 4, 7), username,
                                                  harness.make_scan(path, serial, 2, rng)))
                    serial += 1
                pages, seconds = ingest(c, uploads, tokens)
                figures[f"ingest_pages_{n_workers}w"] = pages
                figures[f"ingest_s_{n_workers}w"] = round(seconds, 1)
                figures[f"ingest_pps_{n_workers}w"] = round(pages / seconds, 3)
                log(f"{n_workers} worker(s): {pages} pages in {seconds:.1f} s = {pages / seconds:.3f} pages/s")
            figures["ingest_speedup"] = round(figures["ingest_pps_2w"] / figures["ingest_pps_1w"], 2)

            # ---- load ----
            behind = c.wait_indexed(timeout=120)
            if behind:
                raise RuntimeError(f"volumes not indexed after 120 s: {behind}")
            targets = {u: targets_for(c, unit) for u, unit in harness.UNITS}
            cookies = {}
            for n in range(args.users):
                username = harness.UNITS[n % 2][0]
                cookies[n] = session_cookie(c.url, username, harness.PASSWORD)
            access_before = len(c.access_log())
            results: dict[str, list[float]] = defaultdict(list)
            errors: dict[str, list[str]] = defaultdict(list)
            load0 = os.getloadavg()[0]
            web_pids = c.web_processes()
            cpu0 = cpu_seconds(web_pids)
            t0 = time.monotonic()
            until = t0 + args.duration
            users = [User(n, c.port, cookies[n], targets[harness.UNITS[n % 2][0]], until, args.think,
                          results, errors) for n in range(args.users)]
            log(f"{args.users} users for {args.duration:.0f} s (load average before {load0:.2f})")
            for u in users:
                u.start()
            time.sleep(max(0.0, args.duration - 5))
            figures["loadavg_1m"] = round(os.getloadavg()[0], 2)
            for u in users:
                u.join(timeout=120)
            elapsed = time.monotonic() - t0
            web_cpu = cpu_seconds(web_pids) - cpu0
            served = c.access_log()[access_before:]
        finally:
            c.stop()

    server_ms: dict[str, list[float]] = defaultdict(list)
    for _, method, path, status, ms in served:
        kind = ("viewer" if path.startswith("/volumes/") else "image" if path.startswith("/pages/")
                else "search" if path.startswith("/search") else "cases" if path.startswith("/cases") else None)
        if kind and status == 200:
            server_ms[kind].append(float(ms))
    total = sum(len(v) for v in results.values())
    n_errors = sum(len(v) for v in errors.values())
    print(f"{'kind':8} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7} "
          f"{'app p50':>8} {'app p95':>8}")
    for kind in KINDS:
        v = results[kind]
        sv = server_ms[kind]
        print(f"{kind:8} {len(v):6d} {pct(v, 50):8.0f} {pct(v, 95):8.0f} {max(v, default=0):8.0f} "
              f"{len(errors[kind]):7d} {pct(sv, 50):8.0f} {pct(sv, 95):8.0f}")
        figures[f"{kind}_n"] = len(v)
        figures[f"{kind}_p50_ms"] = round(pct(v, 50))
        figures[f"{kind}_p95_ms"] = round(pct(v, 95))
        figures[f"{kind}_app_p95_ms"] = round(pct(sv, 95)) if sv else -1
        figures[f"{kind}_errors"] = len(errors[kind])
    for kind in KINDS:
        for e in errors[kind][:5]:
            print(f"error {kind}: {e}")
    figures["requests"] = total
    figures["rps"] = round(total / elapsed, 1)
    figures["errors"] = n_errors
    # CPU the web processes spent per request: what the machine's load does not change much
    figures["web_cpu_s"] = round(web_cpu, 1)
    figures["web_cpu_ms_per_request"] = round(1000 * web_cpu / max(1, len(served)), 1)
    figures["pages_in_db"] = sum(len(t["viewer"]) for t in targets.values())
    ok = n_errors == 0 and figures["viewer_p95_ms"] <= 300 and figures["search_p95_ms"] <= 300
    figures["targets_met"] = int(ok)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
