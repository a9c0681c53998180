"""Background work as Celery tasks.

The embedded default needs no extra server: the broker is kombu's SQLAlchemy transport
on a SQLite file in the data directory, and ``ecase run`` starts a worker beside the web
service. ``ECASE_BROKER_URL=redis://…`` moves the queue to Redis and lets workers run on
other machines, with no change to the code. ``ECASE_TASKS_EAGER=1`` runs tasks inline
(tests and one-shot CLI commands).

Every task runs in an app context and is its own commit point (``ecase.db.unit_of_work``).
Tasks are written to be safe to run twice: a restarted worker resumes where it stopped.
The database's rows are the truth and a message only a doorbell: tasks take a lease on
their row first (``ecase.leases``), and every worker sweeps for unfinished rows no live
lease holds, at its start and every ``SWEEP_INTERVAL_S`` (``ecase.sweeper``).
"""

from __future__ import annotations

from typing import Any

import kombu.pools
from celery import Celery, Task
from flask import Flask, has_app_context


class AppTask(Task):  # type: ignore[misc]
    """Runs in the app context of the app that configured Celery (or the current one)."""

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return self.run(*args, **kwargs)
        with self.app.flask_app.app_context():
            return self.run(*args, **kwargs)


celery = Celery("ecase", task_cls=AppTask)


def init_app(app: Flask) -> Celery:
    if celery.conf.broker_url and celery.conf.broker_url != app.config["BROKER_URL"]:
        # Another app in this process (tests) used another broker: drop its pools. kombu
        # keeps them in process-wide registries keyed by the broker: closing one and leaving
        # it there would hand the closed pool to the next app on that broker again.
        kombu.pools.reset()
        celery._pool = None
        celery.amqp._producer_pool = None
    celery.conf.update(
        broker_url=app.config["BROKER_URL"],
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=app.config["TASKS_EAGER"],
        task_eager_propagates=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=app.config["WORKER_CONCURRENCY"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        task_default_queue="ecase",
        # a task that runs away is stopped: its lease runs out and the sweeper hands the
        # work out again, until the row's attempts are used up (ecase.leases)
        task_time_limit=app.config["TASK_TIME_LIMIT_S"],
        task_soft_time_limit=max(1, app.config["TASK_TIME_LIMIT_S"] - 30),
        task_annotations={"ecase.process_page": {
            "time_limit": app.config["PAGE_TIMEOUT_S"],
            "soft_time_limit": max(1, app.config["PAGE_TIMEOUT_S"] - 10)}},
        # Redis gives an unacknowledged message out again after this: above the longest task
        # (kombu's SQLAlchemy transport hands its options to create_engine: none there)
        broker_transport_options=(
            {"visibility_timeout": 2 * max(app.config["TASK_TIME_LIMIT_S"], app.config["PAGE_TIMEOUT_S"])}
            if app.config["BROKER_URL"].startswith(("redis", "rediss")) else {}),
        worker_max_memory_per_child=(app.config["WORKER_MAX_MEMORY_MB"] * 1024) or None,
    )
    celery.flask_app = app  # type: ignore[attr-defined]
    app.extensions["celery"] = celery
    # importing every area's tasks module registers its tasks
    from ecase import areas, sweeper

    areas.modules("tasks")

    sweeper.install(celery)

    return celery


def after_commit(task: Any, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (never if it rolls back),
    so a worker never reads data that is not there yet."""
    from ecase import db

    db.session().info.setdefault("ecase.after_commit", []).append((task, args))


def _send_pending(session: Any) -> None:
    pending = session.info.pop("ecase.after_commit", [])
    seen = set()
    for task, args in pending:
        key = (task.name, repr(args))
        if key in seen:
            continue
        seen.add(key)
        if celery.conf.task_always_eager:
            # The committing session may not run SQL inside this event: run the task in
            # a thread of its own (with its own session) and wait for it.
            import threading

            errors: list[BaseException] = []

            def run(task: Any = task, args: tuple[Any, ...] = args) -> None:
                try:
                    task.apply(args, throw=True)
                except BaseException as e:  # re-raised below, in the caller's thread
                    errors.append(e)

            t = threading.Thread(target=run, name=f"eager-{task.name}")
            t.start()
            t.join()
            if errors:
                raise errors[0]
        else:
            task.delay(*args)


def _drop_pending(session: Any) -> None:
    session.info.pop("ecase.after_commit", None)


def _install_session_hooks() -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _drop_pending(s))


_install_session_hooks()
