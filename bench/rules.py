"""Benchmark: every supervision rule on a synthetic bureau, and the dashboard's first view.

At ``--scale 1`` the bureau has 1,000,000 incidents and 100,000 cases (with their
measures, documents, case-area records and outside decisions) from
``ledgers.synthetic``, plus recognised dossiers for 1% of the cases (so the cross-checks
run too). Measures, on SQLite in a temporary data directory:

- ``eval_s``: a full evaluation (SQL forms of the 11 rules + cross-checks) as of the
  bureau's last day — target < 10 s;
- ``record_s``: recording the findings (first time: all new) and the rate snapshots of the
  current period, as ``ecase check --record`` does;
- ``dashboard_ms``: the first GET of the dashboard in a freshly started app — target < 500 ms
  (``dashboard_cold_ms``: the same with the rate snapshot dropped, i.e. right after an import).

``*_cpu_*`` figures are this process's CPU time (SQLite runs in-process), which says more
than wall time on a machine shared with other work.

Usage: ``.venv/bin/python bench/rules.py [--scale 0.1] [--data DIR]`` (``--data`` keeps
and reuses the loaded database). Figures last, on one line, as key=value pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

END = dt.date(2018, 12, 31)


def load(data: Path, incidents: int, cases: int) -> dict[str, int]:
    from sqlalchemy import insert, select

    from ecase import create_app, db
    from ecase.demo import load_bureau
    from ecase.models import Case
    from ecase.models.dossiers import Document, DocumentField, Page, Scan, Volume, VolumePage, VolumeVersion
    from ledgers.synthetic import make_bureau

    app = create_app({"DATA_DIR": str(data), "TASKS_EAGER": True, "SECRET_KEY": "bench"})
    with app.app_context():
        s = db.session()
        if s.scalar(select(Case.id).limit(1)) is not None:
            return {}
        counts = load_bureau(s, make_bureau(1, units=18, end=END), incidents=incidents, cases=cases)
        s.commit()
        # recognised dossiers for 1% of the cases: their acceptance form, with a wrong date now and then
        rnd = random.Random(5)
        rows = s.execute(select(Case.id, Case.acceptance_doc_no, Case.accepted_at)
                         .where(Case.accepted_at.is_not(None)).limit(max(1, cases // 100))).all()
        for cid, doc_no, acc in rows:
            vol = Volume(case_id=cid, kind="criminal_main", number=1)
            s.add(vol)
            s.flush()
            scan = Scan(volume_id=vol.id, sha256="0" * 64, size=1, filename="x.pdf", media_type="application/pdf")
            ver = VolumeVersion(volume_id=vol.id, number=1, reason="bench")
            s.add_all([scan, ver])
            s.flush()
            page = Page(scan_id=scan.id, scan_index=1, state="done")
            s.add(page)
            s.flush()
            s.execute(insert(VolumePage).values(version_id=ver.id, position=1, page_id=page.id))
            doc = Document(version_id=ver.id, seq=1, type="acceptance_form", title="受案登记表",
                           first_position=1, last_position=1)
            s.add(doc)
            s.flush()
            day = (acc + dt.timedelta(hours=8)).date() + dt.timedelta(days=rnd.choice([0] * 9 + [1]))
            s.execute(insert(DocumentField), [
                {"document_id": doc.id, "name": "doc_no", "value": doc_no, "page_id": page.id, "box": [1, 2, 3, 4]},
                {"document_id": doc.id, "name": "accepted_on", "value": day.isoformat(), "page_id": page.id,
                 "box": [1, 9, 3, 12]}])
        s.commit()
        counts["dossiers"] = len(rows)
        return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 incidents and 100,000 cases")
    ap.add_argument("--data", default=None, help="data directory to keep and reuse")
    args = ap.parse_args()
    logging.disable(logging.INFO)
    incidents, cases = int(1_000_000 * args.scale), int(100_000 * args.scale)
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="bench-rules-"))
    t0 = time.perf_counter()
    counts = load(data, incidents, cases)
    load_s = time.perf_counter() - t0
    print(f"loaded {counts or 'existing data'} in {load_s:.1f}s", flush=True)

    from ecase import create_app, db
    from ecase.access import Actor
    from ecase.supervision import operations
    from ecase.supervision.evaluate import evaluate_db
    from ledgers.rules import DEFAULT_CONFIG

    app = create_app({"DATA_DIR": str(data), "TASKS_EAGER": True, "SECRET_KEY": "bench"})
    with app.app_context():
        s = db.session()
        timings: dict[str, float] = {}
        t0, c0 = time.perf_counter(), time.process_time()
        found = evaluate_db(s, END, DEFAULT_CONFIG, timings=timings)
        eval_s, eval_cpu_s = time.perf_counter() - t0, time.process_time() - c0
        for name, sec in timings.items():
            print(f"  {name}: {sec:.2f}s")
        by_rule: dict[str, int] = {}
        for f in found:
            by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
        print(f"findings: {len(found)} {dict(sorted(by_rule.items()))}")
        t0 = time.perf_counter()
        operations.record_findings(Actor.system(), found, END)
        # as `ecase check --record` does: the rate snapshots of the current periods
        from ecase.supervision import queries

        operations.refresh_rates(Actor.system(), DEFAULT_CONFIG, [f"{END:%Y-%m}", queries.latest_period(s, DEFAULT_CONFIG)])
        s.commit()
        record_s = time.perf_counter() - t0
        from ecase.accounts.operations import create_user
        from ecase.models import Unit

        unit = s.query(Unit).first()
        assert unit is not None
        user = s.query(db.Base.metadata.tables["users"]).filter_by(username="bench").first()
        if user is None:
            create_user("bench", "bench", unit, "reviewer", "correct horse battery")
            s.commit()
    # a freshly started app, as after a restart: the dashboard's first view
    app = create_app({"DATA_DIR": str(data), "TASKS_EAGER": True, "SECRET_KEY": "bench"})
    with app.app_context():
        from ecase.models import User

        uid = db.session().query(User.id).filter_by(username="bench").scalar()
    client = app.test_client()
    with client.session_transaction() as sess:
        from ecase.models._types import utcnow

        sess["user_id"] = uid
        sess["seen"] = utcnow().isoformat()
    t0, c0 = time.perf_counter(), time.process_time()
    resp = client.get("/supervision/")
    dashboard_ms, dashboard_cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
    assert resp.status_code == 200, resp.status_code
    t0 = time.perf_counter()
    client.get("/supervision/")
    again_ms = (time.perf_counter() - t0) * 1000
    with app.app_context():
        from ecase.models.supervision import RateSnapshot

        db.session().query(RateSnapshot).delete()
        db.session().commit()
    t0 = time.perf_counter()
    client.get("/supervision/")
    cold_ms = (time.perf_counter() - t0) * 1000
    if not args.data:
        shutil.rmtree(data, ignore_errors=True)
    print(f"incidents={incidents} cases={cases} findings={len(found)} load_s={load_s:.1f} eval_s={eval_s:.2f} "
          f"eval_cpu_s={eval_cpu_s:.2f} record_s={record_s:.2f} dashboard_ms={dashboard_ms:.0f} "
          f"dashboard_cpu_ms={dashboard_cpu_ms:.0f} dashboard_again_ms={again_ms:.0f} dashboard_cold_ms={cold_ms:.0f}")


if __name__ == "__main__":
    main()
