"""The audit chain on a real PostgreSQL server: concurrent appends from several
connections stay one chain (the head row's lock), and tampering is caught.

``./dev test`` starts a throw-away server on loopback and sets ECASE_TEST_POSTGRES_URL.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("ECASE_TEST_POSTGRES_URL")


@pytest.fixture
def pg_app(tmp_path: Path) -> Iterator[Any]:
    if not PG_URL:
        pytest.skip("ECASE_TEST_POSTGRES_URL is not set (./dev test starts a server)")
    name = f"ecase_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    from ecase import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": url, "TASKS_EAGER": True,
                      "TESTING": True, "SECRET_KEY": "test"})
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["ecase.db"].engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
