from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from ecase import db
from ecase.access import Actor
from ecase.audit import record, verify
from ecase.models import AuditEntry, AuditHead


def _fill(n: int = 6) -> None:
    actor = Actor(7, 1, "clerk", "zhang")
    for i in range(n):
        record(actor, "view", "case", i, {"i": i, "名称": "测试"})
    db.session().commit()


def test_intact_chain_verifies(app: Any) -> None:
    _fill()
    result = verify(db.session())
    assert result.ok and result.count == 6 and result.head_seq == 6


@pytest.mark.parametrize("column,value", [
    ("action", "download"), ("username", "someone"), ("ip", "10.9.9.9"), ("target_id", "99"),
    ("detail", None), ("user_id", 8),
])
def test_altered_entry_is_named(app: Any, runner: Any, column: str, value: Any) -> None:
    _fill()
    db.session().execute(update(AuditEntry).where(AuditEntry.seq == 3).values({column: value}))
    db.session().commit()
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 3
    out = runner.invoke(args=["audit", "verify"])
    assert out.exit_code != 0 and "entry 3" in out.output


def test_altered_time_is_caught(app: Any) -> None:
    _fill()
    db.session().execute(text("UPDATE audit_entries SET at = '2020-01-01 00:00:00' WHERE seq = 2"))
    db.session().commit()
    assert verify(db.session()).bad_seq == 2


def test_removed_entry_is_caught(app: Any, runner: Any) -> None:
    _fill()
    db.session().execute(delete(AuditEntry).where(AuditEntry.seq == 4))
    db.session().commit()
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 4 and "missing" in result.reason


def test_rehashed_entry_breaks_the_next_link(app: Any) -> None:
    """Altering an entry and signing it again, even with the key, still breaks the next
    entry's link."""
    from ecase.audit import keys
    from ecase.audit.chain import _fields, entry_hash

    _fill()
    e = db.session().scalars(select(AuditEntry).where(AuditEntry.seq == 2)).one()
    e.action = "nothing"
    e.hash = entry_hash(_fields(e), keys.load(keys.configured_path()).newest)
    db.session().commit()
    assert verify(db.session()).bad_seq == 3


def test_removed_tail_is_caught(app: Any, runner: Any) -> None:
    _fill()
    db.session().execute(delete(AuditEntry).where(AuditEntry.seq >= 5))
    db.session().commit()
    result = verify(db.session())
    assert not result.ok and result.bad_seq == 5
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_cli_verify_ok(app: Any, runner: Any) -> None:
    _fill(2)
    out = runner.invoke(args=["audit", "verify"])
    assert out.exit_code == 0 and "2 entries" in out.output
    assert "zhang" in runner.invoke(args=["audit", "list"]).output


def test_rolled_back_action_leaves_no_entry(app: Any) -> None:
    record(Actor.system(), "import", "ledger", 1)
    db.session().rollback()
    assert db.session().scalars(select(AuditEntry)).first() is None
    assert db.session().get(AuditHead, 1).seq == 0
    assert verify(db.session()).ok


def test_concurrent_writers_do_not_fork(app: Any) -> None:
    """Threads, each with its own session and connection, append at once; the chain
    stays one line and verifies."""
    from sqlalchemy.orm import Session

    from ecase.audit.keys import configured_path

    engine = db.get_db().engine
    key_file = configured_path()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        from ecase.audit.chain import append

        try:
            for i in range(15):
                with Session(engine) as s:
                    append(s, user_id=k, username=f"w{k}", role="clerk", unit_id=1, ip="",
                           action="view", target_type="case", target_id=str(i), detail=None,
                           key_file=key_file)
                    s.commit()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    result = verify(db.session())
    assert result.ok and result.count == 60


def test_concurrent_processes_do_not_fork(app: Any, tmp_path: Path) -> None:
    """Separate processes (as web service and worker would be) append at once; the first
    of them makes the key file, the others sign with the same key."""
    import subprocess
    import sys

    from ecase.audit.keys import configured_path

    url = app.config["DATABASE_URL"]
    assert not configured_path().exists()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sqlalchemy.orm import Session\n"
        "from ecase.db import make_engine\n"
        "from ecase.audit.chain import append\n"
        "e = make_engine(sys.argv[1])\n"
        "for i in range(20):\n"
        "    with Session(e) as s:\n"
        "        append(s, user_id=1, username='p', role='clerk', unit_id=1, ip='', action='view',\n"
        "               target_type='case', target_id=str(i), detail={'pid': sys.argv[2]},\n"
        "               key_file=Path(sys.argv[3]))\n"
        "        s.commit()\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, url, str(k), str(configured_path())])
             for k in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    result = verify(db.session())
    assert result.ok and result.count == 60 and len(result.key_ids) == 1
