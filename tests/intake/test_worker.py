"""The background path for real: a Celery worker process takes the pages from the broker.

Embedded default (kombu's SQLAlchemy transport on SQLite, no server) and Redis (the
server ``./dev test`` starts) run the same code; only ECASE_BROKER_URL differs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

pytestmark = [pytest.mark.xdist_group("worker")]


def _run_worker_and_ingest(tmp_path: Path, template_db: Path, scan: Path, case_no: str,
                           broker: str | None) -> None:
    from ecase import create_app, db
    from ecase.intake import operations
    from ecase.access import Actor
    from ecase.models import Job, Volume

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "ecase.sqlite")
    env = {**os.environ, "ECASE_DATA_DIR": str(data), "ECASE_WORKER_CONCURRENCY": "2"}
    config: dict[str, Any] = {"DATA_DIR": str(data), "SECRET_KEY": "test", "TASKS_EAGER": False}
    if broker:
        env["ECASE_BROKER_URL"] = broker
        config["BROKER_URL"] = broker
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "ecase.worker:celery", "worker",
                               "--loglevel", "INFO", "--without-heartbeat", "--without-gossip",
                               "--without-mingle", "--concurrency", "2"],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    app = create_app(config)
    try:
        with app.app_context():
            with db.unit_of_work():
                case = operations.find_or_create_case(Actor.system(), case_no)
                vol = operations.find_or_create_volume(Actor.system(), case)
                with open(scan, "rb") as f:
                    _scan, job = operations.accept_scan(Actor.system(), vol, f, scan.name)
            operations.queue_job(job)
            deadline = time.monotonic() + 240
            while True:
                db.session().expire_all()
                state = db.session().get(Job, job.id)
                assert state is not None
                if state.finished:
                    break
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "worker did not finish in time:\n" + \
                    (tmp_path / "worker.log").read_text()[-3000:]
                time.sleep(0.5)
            assert state.state == "done", state.error
            vol = db.session().scalars(select(Volume)).one()
            assert vol.current is not None and all(vp.page.state == "done" for vp in vol.current.pages)
            assert any(d.type == "filing_decision" for d in vol.current.documents)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        log.close()
        app.extensions["ecase.db"].engine.dispose()


@pytest.mark.slow
def test_embedded_worker_on_sqlite_broker(tmp_path: Path, template_db: Path, small_scan: Any) -> None:
    path, info = small_scan
    _run_worker_and_ingest(tmp_path, template_db, path, info["case_no"], None)


@pytest.mark.slow
@pytest.mark.redis
def test_worker_on_redis_broker(tmp_path: Path, template_db: Path, small_scan: Any) -> None:
    url = os.environ.get("ECASE_TEST_REDIS_URL")
    if not url:
        pytest.skip("ECASE_TEST_REDIS_URL is not set (./dev test starts a Redis server)")
    path, info = small_scan
    _run_worker_and_ingest(tmp_path, template_db, path, info["case_no"], url)


def test_app_on_a_broker_used_before_gets_an_open_pool(tmp_path: Path) -> None:
    """Tests (and one process serving several apps) move between brokers: coming back to a
    broker used before must not hand out the pool closed when the process left it (CI once
    failed with "Acquire on closed pool" on the Redis test run after the SQLite one)."""
    from ecase import create_app
    from ecase.tasks import celery

    first = f"sqla+sqlite:///{tmp_path / 'first.sqlite'}"
    second = f"sqla+sqlite:///{tmp_path / 'second.sqlite'}"
    for broker in (first, second, first):
        data = tmp_path / broker.rsplit("/", 1)[1].split(".")[0]
        data.mkdir(exist_ok=True)
        create_app({"DATA_DIR": str(data), "SECRET_KEY": "test", "TASKS_EAGER": False,
                    "BROKER_URL": broker})
        assert celery.conf.broker_url == broker
        with celery.producer_or_acquire() as producer:
            assert producer.connection.as_uri().endswith(broker.rsplit("/", 1)[1])
        conn = celery.pool.acquire(block=False)
        conn.release()
