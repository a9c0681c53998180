"""Audit trail cost: appends per second (one transaction each, as the request hook does)
and verification speed, on SQLite in a temporary data directory.

    .venv/bin/python bench/audit_chain.py [N]

Prints its figures last on one line as key=value pairs.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the repo, not bench/ (bench/ledgers.py)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    from ecase import create_app, db
    from ecase.audit import verify
    from ecase.audit.chain import append

    with tempfile.TemporaryDirectory() as d:
        app = create_app({"DATA_DIR": d, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING"})
        with app.app_context():
            s = db.session()
            t0 = time.perf_counter()
            for i in range(n):
                append(s, user_id=1, username="bench", role="clerk", unit_id=1, ip="127.0.0.1",
                       action="view", target_type="case", target_id=str(i),
                       detail={"endpoint": "dossiers.case_detail", "status": 200, "args": {"case_id": i}})
                s.commit()
            t_append = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = verify(s)
            t_verify = time.perf_counter() - t0
            assert result.ok and result.count == n
        app.extensions["ecase.db"].engine.dispose()
    print(f"entries={n} append_ms={1000 * t_append / n:.2f} appends_per_s={n / t_append:.0f} "
          f"verify_s={t_verify:.3f} verify_per_s={n / t_verify:.0f}")


if __name__ == "__main__":
    main()
