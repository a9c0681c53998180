"""The audit chain on a real PostgreSQL server: concurrent appends from several
connections stay one chain (the head row's lock), and tampering is caught — the attack
of issue 13 without the key, and a rewrite with the key before an anchor.

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
    from ecase.audit.keys import configured_path
    from ecase.models import AuditEntry

    engine = db.get_db().engine
    key_file = configured_path()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(20):
                with Session(engine) as s:
                    append(s, user_id=k, username=f"w{k}", role="clerk", unit_id=1, ip="127.0.0.1",
                           action="view", target_type="case", target_id=str(i),
                           detail={"线程": k, "i": i}, key_file=key_file)
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
    assert result.ok and result.count == 80 and len(result.key_ids) == 1
    s.execute(update(AuditEntry).where(AuditEntry.seq == 41).values(ip="10.0.0.1"))
    s.commit()
    assert verify(s).bad_seq == 41


def _attack(forge: Any, **kw: Any) -> None:
    from ecase import db

    db.session().close()
    raw = db.get_db().engine.raw_connection()
    try:
        forge(raw.driver_connection, param="%s", **kw)
    finally:
        raw.close()


def test_the_issue_attack_and_anchors_on_postgres(pg_app: Any, forge: Any) -> None:
    from ecase import db
    from ecase.access import Actor
    from ecase.audit import keys, record, verify

    actor = Actor(7, 1, "clerk", "zhang")
    for i in range(8):
        record(actor, "view", "case", i, {"i": i, "名称": "测试"})
    db.session().commit()
    runner = pg_app.test_cli_runner()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0  # entry 9
    record(actor, "view", "case", 99)
    db.session().commit()
    assert verify(db.session()).ok

    _attack(forge)  # the issue's attack: SHA-256, posing as legacy entries
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 1

    key = keys.load(keys.configured_path()).newest
    assert key is not None
    _attack(forge, rename=None, delete=None, key=(key.id, key.secret))  # repaired with the key
    assert verify(db.session(), anchors=[]).ok
    result = verify(db.session())  # but not as anchored
    assert not result.ok and result.bad_seq == 9 and "anchor" in result.reason
    out = runner.invoke(args=["audit", "verify"])
    assert out.exit_code == 1 and "BROKEN at entry 9" in out.output
