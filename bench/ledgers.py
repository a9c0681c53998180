"""Benchmark of ledger imports and pages.

Writes a synthetic bureau's system exports (1,000,000 incidents and 100,000 cases with
their measures, documents and case-area records at ``--scale 1``), imports them from CSV
and from .xlsx into fresh databases (each import in its own process, so its peak memory is
its own), then times the first page of the largest ledger filtered by one unit.

Targets: >= 20,000 rows/s from CSV, peak memory < 500 MB, a ledger page < 300 ms.
The figures come last on one line as key=value pairs.

    .venv/bin/python bench/ledgers.py --scale 0.1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _app(data: Path):  # type: ignore[no-untyped-def]
    from ecase import create_app

    return create_app({"DATA_DIR": str(data), "SECRET_KEY": "bench", "TASKS_EAGER": True,
                       "LOG_LEVEL": "WARNING"})


def phase_import(data: Path, files: list[str]) -> None:
    """Child process: import ``files`` into a fresh database, print rows, seconds, peak MB."""
    app = _app(data)
    with app.app_context():
        from ecase.access import Actor
        from ecase.ledger_views import operations

        t, c = time.perf_counter(), time.process_time()
        _run, report = operations.run_import(Actor.system(), [(Path(f), Path(f).name) for f in files], "all")
        secs, cpu = time.perf_counter() - t, time.process_time() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": report.rows, "secs": secs, "cpu": cpu, "peak_mb": peak, "errors": len(report.errors),
                      "new": report.new}))


def phase_page(data: Path) -> None:
    """Child process: time the first page of the largest ledger filtered by its busiest unit."""
    app = _app(data)
    with app.app_context():
        from sqlalchemy import func, select

        from ecase import db
        from ecase.accounts.operations import create_user
        from ecase.models import Unit
        from ecase.models.ledgers import Incident

        s = db.session()
        unit_id, _n = s.execute(select(Incident.unit_id, func.count()).group_by(Incident.unit_id)
                                .order_by(func.count().desc())).first()
        user, _ = create_user("bench_reviewer", "bench", s.get(Unit, unit_id), "reviewer", "bench password 1")
        s.commit()
        client = app.test_client()
        with client.session_transaction() as sess:
            from ecase.models._types import utcnow

            sess["user_id"] = user.id
            sess["seen"] = utcnow().isoformat()
        times = []
        for code in ("admin_incidents", "admin_incidents", "criminal_incidents"):
            t = time.perf_counter()
            resp = client.get(f"/ledgers/l/{code}?unit={unit_id}")
            times.append(time.perf_counter() - t)
            assert resp.status_code == 200
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            resp = client.get(f"/ledgers/l/admin_incidents?unit={unit_id}")
            runs.append(time.perf_counter() - t)
        print(json.dumps({"page_ms": statistics.median(runs) * 1000, "first_ms": times[0] * 1000}))


def _child(args: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 incidents and 100,000 cases")
    p.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx import")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    p.add_argument("--phase", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.phase == "import":
        phase_import(Path(a.data), a.files)
        return
    if a.phase == "page":
        phase_page(Path(a.data))
        return

    from ledgers import synthetic

    incidents, cases = int(1_000_000 * a.scale), int(100_000 * a.scale)
    work = Path(tempfile.mkdtemp(prefix="bench-ledgers-"))
    try:
        b = synthetic.make_bureau(3, units=12, officers_per_unit=25, end=dt.date(2026, 6, 30))
        t = time.perf_counter()
        csv_files = synthetic.write_exports(b, work / "csv", incidents=incidents, cases=cases)
        print(f"wrote CSV exports in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        r_csv = _child(["--phase", "import", "--data", str(work / "db_csv"), *map(str, csv_files)])
        print(f"CSV import: {r_csv}", file=sys.stderr)
        r_page = _child(["--phase", "page", "--data", str(work / "db_csv")])
        print(f"page: {r_page}", file=sys.stderr)
        r_xlsx = {"rows": 0, "secs": 0.0, "cpu": 0.0, "peak_mb": 0.0}
        if not a.no_xlsx:
            t = time.perf_counter()
            xlsx = synthetic.write_exports(b, work / "xlsx", incidents=incidents, cases=cases, fmt="xlsx")
            print(f"wrote XLSX export in {time.perf_counter() - t:.1f}s", file=sys.stderr)
            r_xlsx = _child(["--phase", "import", "--data", str(work / "db_xlsx"), *map(str, xlsx)])
            print(f"XLSX import: {r_xlsx}", file=sys.stderr)
        figures = {
            "scale": a.scale, "incidents": incidents, "cases": cases, "rows": r_csv["rows"],
            "csv_secs": round(r_csv["secs"], 1), "csv_rows_per_s": round(r_csv["rows"] / r_csv["secs"]),
            "csv_cpu_rows_per_s": round(r_csv["rows"] / r_csv["cpu"]),
            "csv_peak_mb": round(r_csv["peak_mb"]),
            "xlsx_secs": round(r_xlsx["secs"], 1),
            "xlsx_rows_per_s": round(r_xlsx["rows"] / r_xlsx["secs"]) if r_xlsx["secs"] else 0,
            "xlsx_cpu_rows_per_s": round(r_xlsx["rows"] / r_xlsx["cpu"]) if r_xlsx["cpu"] else 0,
            "xlsx_peak_mb": round(r_xlsx["peak_mb"]),
            "page_ms": round(r_page["page_ms"], 1), "first_page_ms": round(r_page["first_ms"], 1),
            "errors": int(r_csv["errors"]), "load_avg": round(__import__("os").getloadavg()[0], 1),
        }
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
