"""Fault soak: the real service killed with SIGKILL at random moments during uploads.

    .venv/bin/python bench/soak.py                         # 50 kills, 120 scans, SQLite (half an hour)
    .venv/bin/python bench/soak.py --kills 5 --scans 15    # quick run
    .venv/bin/python bench/soak.py --backend postgres      # PostgreSQL + Redis, two `ecase worker`s
                                                           # (ECASE_TEST_POSTGRES_URL, ECASE_TEST_REDIS_URL)

``ecase run`` is started as a user starts it, in a temporary data directory (or
``--workdir``, kept), with short leases (``--lease``, ``--sweep``); two units with a clerk
each are made with ``ecase users create`` and each clerk makes an API token through the
web pages. Synthetic 2–4 page scans (PDF and TIFF, drawn with a CJK font, made-up text)
are uploaded from several threads through ``POST /api/scans`` while the service's process
group is killed (``os.killpg(pgid, SIGKILL)``; with separate workers sometimes one worker
only) and started again. After the last start the jobs are waited for (given up after
LEASE + 3 × SWEEP + ``--stall`` seconds without progress, or after ``--wait-cap``: then
``wait_end=capped`` says the jobs left were still moving); then the database is read through
ecase's own app, every case is exported and verified, and the audit trail is checked.

Figures: ``acknowledged`` uploads answered 2xx with a job; ``unanswered`` whose connection
died with the service (``unanswered_stored`` of them reached the database anyway; neither
is an error); ``errors`` answered otherwise; ``lost`` acknowledged but not stored; ``stuck``
jobs not ended after the wait; ``failed`` jobs of these valid scans that failed, and pages
given up; ``duplicated`` pages twice in a volume; ``missing`` pages of finished acknowledged
scans not in their volume; ``export_ok`` every case exported, verified and with the
database's page counts; ``audit_ok`` the audit chain verifies. The last line holds the
figures as key=value pairs; the exit status is 0 when the run was clean.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repo, not bench/


def main() -> int:
    from tests.soak import harness

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=50, help="kill -9 this many times (default 50)")
    ap.add_argument("--scans", type=int, default=None, help="scans to upload (default 2.4 per kill, at least 12)")
    ap.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite",
                    help="sqlite: embedded defaults; postgres: PostgreSQL + Redis with two `ecase worker`s")
    ap.add_argument("--seed", type=int, default=13, help="random seed (kill moments, pages, text)")
    ap.add_argument("--lease", type=int, default=6, help="ECASE_LEASE_S of the service (default 6)")
    ap.add_argument("--sweep", type=int, default=3, help="ECASE_SWEEP_INTERVAL_S of the service (default 3)")
    ap.add_argument("--threads", type=int, default=3, help="uploading threads (default 3)")
    ap.add_argument("--stall", type=float, default=60.0,
                    help="seconds without progress, beyond LEASE + 3 x SWEEP, before the rest counts as stuck")
    ap.add_argument("--wait-cap", type=float, default=None,
                    help="longest wait for the jobs after the last start (default 15 s a scan, at least 900)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the data, logs and packages here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every problem found")
    args = ap.parse_args()

    scans = args.scans if args.scans is not None else max(12, int(args.kills * 2.4))
    opts = harness.SoakOptions(kills=args.kills, scans=scans, seed=args.seed, lease_s=args.lease,
                               sweep_s=args.sweep, threads=args.threads, stall_s=args.stall,
                               wait_cap_s=args.wait_cap or max(900.0, 15.0 * scans),
                               cases=max(4, min(12, scans // 6)))
    if args.backend == "postgres":
        pg, redis = os.environ.get("ECASE_TEST_POSTGRES_URL"), os.environ.get("ECASE_TEST_REDIS_URL")
        if not pg or not redis:
            ap.error("--backend postgres needs ECASE_TEST_POSTGRES_URL and ECASE_TEST_REDIS_URL "
                     "(./dev test starts both on loopback)")
        backend_cm = harness.postgres_backend(pg, redis, workers=2)
    else:
        backend_cm = harness.sqlite_backend()

    with tempfile.TemporaryDirectory(prefix="ecase-soak-") as tmp:
        workdir = args.workdir or Path(tmp)
        with backend_cm as backend:
            figures = harness.run_soak(workdir, opts, backend)
        problems = figures.problems if args.verbose else figures.problems[:30]
        for p in problems:
            print(p)
        if len(problems) < len(figures.problems):
            print(f"… and {len(figures.problems) - len(problems)} more (-v lists them all)")
        if args.workdir:
            print(f"data, logs and packages kept in {workdir}")
    print(f"{figures.line()} backend={args.backend} scans={scans}")
    return 0 if figures.clean else 1


if __name__ == "__main__":
    sys.exit(main())
