"""Background work as Celery tasks.

The embedded default needs no extra server: the broker is kombu's SQLAlchemy transport
on a SQLite file in the data directory, and ``ecase run`` starts a worker beside the web
service. ``ECASE_BROKER_URL=redis://…`` moves the queue to Redis and lets workers run on
other machines, with no change to the code. ``ECASE_TASKS_EAGER=1`` runs tasks inline
(tests and one-shot CLI commands).

Every task runs in an app context and is its own commit point (``ecase.db.unit_of_work``).
Tasks are written to be safe to run twice: a restarted worker resumes where it stopped.
"""

from __future__ import annotations

from typing import Any

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
    )
    celery.flask_app = app  # type: ignore[attr-defined]
    app.extensions["celery"] = celery
    # importing the modules registers their tasks
    import ecase.intake.tasks  # noqa: F401

    return celery
