"""The scale-out setup in one test (issue 16): what docs/deploy.md describes, started on
this machine by the test itself (``./dev test`` starts PostgreSQL and Redis; the test
starts the rest, see ``tests/scale/cluster.py``):

- S3: moto's server mode (``moto_server``, the ``moto[server]`` test dependency), one bucket;
- ``ecase serve --workers 2``: gunicorn with two processes;
- two ``ecase worker`` processes, each with a data directory of its own (as on other
  machines), ``ECASE_SEARCH_BACKEND=postgresql``, a shared ``ECASE_SECRET_KEY``,
  ``ECASE_AUDIT_KEY_FILE`` and rate limits counted in Redis.

Two clerks of different units upload 20 small scans at once through ``POST /api/scans``;
one worker is killed with SIGKILL while it holds work. Then: every acknowledged scan is
processed exactly once (every job done, each page once), every page's blob is in the
bucket and ``ecase storage verify`` passes, search from each of gunicorn's processes
finds every page of the clerk's unit and nothing of the other's, a case of each unit
exports and ``ecase verify`` passes, and ``ecase audit verify`` passes.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.scale import cluster as scale
from tests.soak import harness

pytestmark = [pytest.mark.scale, pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("scale")]

LEASE_S, SWEEP_S = 6, 3
SCANS, CASES = 20, 4  # two cases per unit


@pytest.fixture
def cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[scale.Cluster]:
    pg, redis = os.environ.get("ECASE_TEST_POSTGRES_URL"), os.environ.get("ECASE_TEST_REDIS_URL")
    if not pg or not redis:
        pytest.skip("ECASE_TEST_POSTGRES_URL and ECASE_TEST_REDIS_URL are not both set "
                    "(./dev test starts PostgreSQL and Redis on loopback)")
    with scale.moto_s3(tmp_path / "logs") as s3_env, \
            harness.postgres_backend(pg, redis, workers=2) as backend:
        for k, v in s3_env.items():  # this process reads the bucket too (create_app, boto3)
            monkeypatch.setenv(k, v)
        c = scale.Cluster(tmp_path, backend, s3_env, web_workers=2, web_threads=2,
                          lease_s=LEASE_S, sweep_s=SWEEP_S)
        try:
            c.first_start()
            c.start()
            yield c
        finally:
            c.stop()


def _get_json(url: str, token: str) -> Any:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def _search_all(base: str, token: str, q: str) -> set[tuple[str, int, int]]:
    """Every hit of ``q`` as (case_no, volume, page), paging through the API."""
    found: set[tuple[str, int, int]] = set()
    offset = 0
    while True:
        query = urllib.parse.urlencode({"q": q, "limit": 100, "offset": offset, "near": 0})
        data = _get_json(f"{base}/api/search?{query}", token)
        found |= {(h["case_no"], int(h["volume"]), int(h["page"])) for h in data["hits"]}
        offset += len(data["hits"])
        if not data["hits"] or offset >= data["total"]:
            return found


def _pages_by_case(c: scale.Cluster, case_nos: list[str]) -> dict[str, set[tuple[str, int, int]]]:
    """The database's pages of each case's current volume versions, as search names them."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Case, Volume

    out: dict[str, set[tuple[str, int, int]]] = {}
    with harness.service_app(c):
        s = db.session()
        for case_no in case_nos:
            case = s.scalars(select(Case).where(Case.case_no == case_no)).one()
            out[case_no] = {(case_no, vol.number, i + 1)
                            for vol in s.scalars(select(Volume).where(Volume.case_id == case.id))
                            if vol.current for i in range(len(vol.current.pages))}
    return out


def _leases_held(c: scale.Cluster, pids: set[int]) -> int:
    """Pages and jobs whose lease a process of ``pids`` holds now."""
    from sqlalchemy import select

    from ecase import db
    from ecase.models import Job, Page

    with harness.service_app(c):
        s = db.session()
        owners = [o for m in (Page, Job) for o in s.scalars(select(m.lease_owner).where(m.lease_owner.is_not(None)))]
    return sum(1 for o in owners if o.split(":")[1].isdigit() and int(o.split(":")[1]) in pids)


def test_scale_out(cluster: scale.Cluster, tmp_path: Path) -> None:
    c = cluster
    t0 = time.monotonic()
    report: list[str] = []
    deadline = time.monotonic() + 60  # gunicorn answers as soon as its first process has booted
    while len(c.web_processes()) < 2 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert len(c.web_processes()) == 2, c.tail("web")
    tokens = {u: harness.make_token(c.url, u) for u, _ in harness.UNITS}

    # --- 20 scans at once from the two clerks (1–2 pages each) ---------------------------------
    rng = random.Random(16)
    uploads = []
    for i in range(SCANS):
        case_i = i % CASES
        username = harness.UNITS[case_i % 2][0]
        scan = harness.make_scan(tmp_path / "scans" / f"scale-{i:02d}{'.pdf' if i % 2 else '.tif'}", i,
                                 1 + (i % 5 == 0), rng)
        uploads.append(harness.Upload(i, harness.case_number(case_i, 16), username, scan))
    barrier = threading.Barrier(SCANS)

    def send(up: harness.Upload) -> None:
        barrier.wait()
        harness.post_scan(c.url, tokens[up.username], up)

    senders = [threading.Thread(target=send, args=(u,)) for u in uploads]
    for t in senders:
        t.start()

    # --- kill worker 1 with SIGKILL while it holds work -----------------------------------------
    deadline = time.monotonic() + 90
    held = 0
    while time.monotonic() < deadline:
        held = _leases_held(c, c.group_pids("worker1"))
        if held:
            break
        time.sleep(0.3)
    jobs, finished, pages_done, _ = harness.job_progress(c)
    c.kill("worker1")
    report.append(f"killed worker1 at {time.monotonic() - t0:.0f} s holding {held} leases; "
                  f"{finished}/{jobs} jobs ended, {pages_done} pages processed")
    assert held > 0, "worker 1 never took any work: " + c.tail("worker1")
    for t in senders:
        t.join(timeout=180)
    assert all(u.outcome == "acknowledged" for u in uploads), [(u.filename, u.outcome, u.detail) for u in uploads]
    assert finished < SCANS, "every job had ended before the kill: the kill proved nothing"

    # --- every acknowledged scan processed exactly once ---------------------------------------
    waited, how = harness.wait_for_jobs(c, stall_s=LEASE_S + 3 * SWEEP_S + 40, cap_s=240)
    report.append(f"jobs {how} after {waited:.0f} s more")
    figures = harness.Figures(acknowledged=len(uploads))
    expected = harness.check_database(c, uploads, figures)
    detail = "\n".join(report + figures.problems[:30])
    assert how == "ended", detail + "\n" + c.tail("worker2")
    assert figures.lost == figures.stuck == figures.failed == figures.duplicated == figures.missing == 0, detail

    from sqlalchemy import func, select

    from ecase import db
    from ecase.models import Job, Page, Scan

    with harness.service_app(c):
        s = db.session()
        scans = list(s.scalars(select(Scan)))
        assert sorted(x.id for x in scans) == sorted(u.scan_id for u in uploads if u.scan_id)
        per_scan = dict(s.execute(select(Page.scan_id, func.count()).group_by(Page.scan_id)).all())
        want = {u.scan_id: u.scan.pages for u in uploads}
        assert per_scan == want, "pages per scan differ from the scans' page counts"
        assert all(j.state == "done" for j in s.scalars(select(Job).where(Job.kind == "ingest")))
        blobs = {x.sha256 for x in scans} | {k for p in s.scalars(select(Page))
                                             for k in (p.original_key, p.derived_key) if k}
        n_pages = sum(want.values())

    # --- every blob in S3, and it verifies; nothing written to the machines' disks ---------------
    in_bucket = scale.bucket_keys(c.s3_env, "blobs/")
    assert blobs <= in_bucket, f"not in the bucket: {sorted(blobs - in_bucket)[:5]}"
    r = c.cli("storage", "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    for d in (c.data_dir, c.worker_data_dir(1), c.worker_data_dir(2)):
        assert not (d / "blobs").exists() or not any((d / "blobs").rglob("*")), f"blobs on disk in {d}"

    # --- search from each of gunicorn's processes: every page of one's unit, none of the other's -
    behind = c.wait_indexed(timeout=LEASE_S + 3 * SWEEP_S + 60)
    assert not behind, f"volumes whose index is behind (id, indexed, current): {behind}"
    case_nos = sorted({u.case_no for u in uploads})
    pages = _pages_by_case(c, case_nos)
    assert sum(len(p) for p in pages.values()) == n_pages
    unit_cases = {user: sorted({u.case_no for u in uploads if u.username == user}) for user in tokens}
    every_page = set().union(*pages.values())

    def search_round(user: str) -> None:
        own = set().union(*(pages[n] for n in unit_cases[user]))
        for case_no in case_nos:  # every case: one's own in full, the other unit's not at all
            got = _search_all(c.url, tokens[user], f"case_no:{case_no}")
            assert got == (pages[case_no] if case_no in unit_cases[user] else set()), (user, case_no)
        # a phrase every synthetic page carries: only one's own unit's pages come back
        text_hits = _search_all(c.url, tokens[user], "测试")
        assert text_hits <= own, f"{user} found another unit's pages: {sorted(text_hits - own)[:5]}"
        assert text_hits, f"{user} found nothing for 测试"

    before = c.served_by("/api/search")
    rounds = 0
    with ThreadPoolExecutor(4) as pool:
        while rounds < 40:
            list(pool.map(search_round, [u for u in tokens for _ in range(2)]))
            rounds += 1
            served = c.served_by("/api/search") - before
            if len(served) == 2 and min(served.values()) >= 2 * len(case_nos):
                break
    served = c.served_by("/api/search") - before
    assert set(served) == set(c.web_processes()), f"searches served by {dict(served)}, processes {c.web_processes()}"
    assert min(served.values()) >= 2 * len(case_nos), dict(served)
    report.append(f"search rounds {rounds}, served per process {dict(served)}, {len(every_page)} pages")

    # --- exports verify, the audit trail verifies ---------------------------------------------------
    one_each = {n: expected[n] for n in (unit_cases[user][0] for user in tokens)}  # one case per unit
    harness.check_exports(c, one_each, tmp_path / "exports", figures)
    harness.check_audit(c, figures)
    assert figures.export_ok and figures.audit_ok, "\n".join(figures.problems)
    report.append(f"total {time.monotonic() - t0:.0f} s")
    print("\n".join(report))
