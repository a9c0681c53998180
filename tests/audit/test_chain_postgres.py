"""The audit chain on a real PostgreSQL server: concurrent appends from several
connections stay one chain (the head row's lock), and tampering is caught.

``./dev test`` starts a throw-away server on loopback and sets ECASE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

pytestmark = pytest.mark.postgres


def test_concurrent_appends_and_tampering_on_postgres(pg_app: Any) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from ecase import db
    from ecase.audit import verify
    from ecase.audit.chain import append
    from ecase.models import AuditEntry

    engine = db.get_db().engine
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(20):
                with Session(engine) as s:
                    append(s, user_id=k, username=f"w{k}", role="clerk", unit_id=1, ip="127.0.0.1",
                           action="view", target_type="case", target_id=str(i),
                           detail={"线程": k, "i": i})
                    s.commit()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    s = db.session()
    result = verify(s)
    assert result.ok and result.count == 80
    s.execute(update(AuditEntry).where(AuditEntry.seq == 41).values(ip="10.0.0.1"))
    s.commit()
    assert verify(s).bad_seq == 41
