"""The sweeper: rings again for unfinished work that no live worker holds.

Every worker runs it at its start and every ``SWEEP_INTERVAL_S`` seconds (a Celery
bootstep, :class:`SweepStep`); running it on several workers at once is harmless, since
a message only makes a worker look, and the lease decides who works (``ecase.leases``).

What it rings for:
- an ingest job waiting to be cut into pages (``ingest_scan``), or whose pages are all
  done while the job still says so (it moves on at once), or waiting for recognition
  (``finish_scan``);
- a page still pending (``process_page``);
- an export or bulletin job not finished (``build_export`` with the job's own
  parameters, ``build_bulletin``);
- a volume whose current version is not the one the full-text index holds
  (``index_volume``).

What is rung is what :func:`ecase.leases.due` says is due: a row never rung, one whose
worker died holding it (its message is gone), and one rung but never taken only when
the queue is empty (so its message cannot be waiting there): a long queue after a crash
is not flooded with copies of what it already holds.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from flask import Flask, current_app
from sqlalchemy import and_, func, or_, select

from ecase import db, leases
from ecase.models import Job, Page, Volume, VolumeVersion
from ecase.models._types import utcnow

log = logging.getLogger(__name__)


def sweep(*, at_start: bool = False) -> Counter[str]:
    """Ring for every free, unfinished job, page and stale volume index that is due;
    returns what was rung, by kind."""
    from ecase.exports.tasks import build_export
    from ecase.intake.tasks import _maybe_finish, finish_scan, ingest_scan, ring_pages
    from ecase.search_views.tasks import index_volume
    from ecase.supervision.tasks import build_bulletin

    interval = float(current_app.config["SWEEP_INTERVAL_S"])
    empty = queue_empty()
    now = utcnow()
    rung: Counter[str] = Counter()
    s = db.session()
    freed = leases.reap_dead_owners((Job, Page))
    if freed:
        log.info("sweep: %d leases of processes gone from this machine ended", freed)
    # pages first: where tasks run inline (tests) they are then done when jobs are looked at
    pages = [p.id for p in s.execute(select(Page.id, Page.rung_at, Page.rings, Page.lease_owner)
                                     .where(Page.state == "pending", leases.free(Page, now))
                                     .order_by(Page.id))
             if leases.due(p, now, interval, queue_empty=empty)]
    s.rollback()
    if pages:
        ring_pages(0, pages)
        rung["ecase.process_page"] += len(pages)
    jobs = list(s.execute(select(Job.id, Job.kind, Job.state, Job.params, Job.rung_at, Job.rings,
                                 Job.lease_owner)
                          .where(Job.state.notin_(("done", "failed")), leases.free(Job, now))
                          .order_by(Job.id)))
    s.rollback()
    for job in jobs:
        if job.kind == "ingest" and job.state == "processing":
            _maybe_finish(job.id)  # pages done, job not moved on: a worker died in between
            continue
        if not leases.due(job, now, interval, queue_empty=empty):
            continue
        if job.kind == "ingest" and job.state in ("queued", "splitting"):
            task, args, kwargs = ingest_scan, (job.id,), {}
        elif job.kind == "ingest" and job.state == "recognizing":
            task, args, kwargs = finish_scan, (job.id,), {}
        elif job.kind == "export":
            task, args, kwargs = build_export, (job.id,), dict(job.params or {})
        elif job.kind == "bulletin":
            task, args, kwargs = build_bulletin, (job.id,), {}
        else:
            continue
        with db.unit_of_work():
            leases.mark_rung(Job, [job.id])
        task.apply_async(args, kwargs)
        rung[task.name] += 1
    # an index behind its volume is rung only when the queue is empty: the volume's own
    # message may be waiting in it, and a copy every sweep flooded a long queue
    for volume_id in (stale_indexes() if empty is not False else []):
        index_volume.delay(volume_id)
        rung["ecase.index_volume"] += 1
    if rung:
        log.info("sweep%s: rang %s", " at start" if at_start else "",
                 ", ".join(f"{k} ×{v}" for k, v in sorted(rung.items())))
    return rung


def queue_empty() -> bool | None:
    """Whether the broker's queue holds no message (None: the broker cannot say).
    Messages a worker has reserved are not counted, on Redis and the SQLAlchemy
    transport alike."""
    from kombu.exceptions import ChannelError

    from ecase.tasks import celery

    try:
        with celery.connection_for_write() as conn, conn.channel() as channel:
            try:
                ok = channel.queue_declare(queue=celery.conf.task_default_queue, passive=True)
            except ChannelError as e:
                if "NOT_FOUND" in str(e):  # Redis keeps no empty list: no queue, no message
                    return True
                raise
            return int(ok.message_count) == 0
    except Exception as e:  # noqa: BLE001 - fall back to ringing with back-off
        log.info("queue length unknown: %s", e)
        return None


def stale_indexes() -> list[int]:
    """Volumes whose current version is not the one indexed, made over a sweep interval
    ago (a fresh version's own message is still on its way)."""
    s = db.session()
    latest = (select(VolumeVersion.volume_id, func.max(VolumeVersion.number).label("number"),
                     func.max(VolumeVersion.created_at).label("at"))
              .group_by(VolumeVersion.volume_id).subquery())
    older = utcnow() - dt.timedelta(seconds=float(current_app.config["SWEEP_INTERVAL_S"]))
    ids = list(s.scalars(select(Volume.id).join(latest, latest.c.volume_id == Volume.id)
                         .where(or_(Volume.indexed_version.is_(None), Volume.indexed_version != latest.c.number),
                                and_(latest.c.at < older))
                         .order_by(Volume.id)))
    s.rollback()
    return ids


def sweep_in(app: Flask, *, at_start: bool = False) -> None:
    """One sweep in an app context of its own; never raises (the next one tries again)."""
    try:
        with app.app_context():
            sweep(at_start=at_start)
    except Exception:  # noqa: BLE001 - a sweep that fails is retried at the next interval
        log.exception("sweep failed")


def install(celery: Any) -> None:
    """Add :class:`SweepStep` to the Celery app's worker (once)."""
    from celery import bootsteps

    class SweepStep(bootsteps.StartStopStep):  # type: ignore[misc]
        """Sweeps once when the worker starts, then every SWEEP_INTERVAL_S seconds, on the
        worker's own timer (no thread or process of ours)."""

        requires = {"celery.worker.components:Timer"}

        def __init__(self, worker: Any, **kwargs: Any) -> None:
            super().__init__(worker, **kwargs)
            self.tref: Any = None

        def start(self, worker: Any) -> None:
            app = worker.app.flask_app
            sweep_in(app, at_start=True)
            self.tref = worker.timer.call_repeatedly(float(app.config["SWEEP_INTERVAL_S"]),
                                                     sweep_in, (app,), priority=10)

        def stop(self, worker: Any) -> None:
            if self.tref is not None:
                self.tref.cancel()
                self.tref = None

    if not any(getattr(step, "__name__", "") == "SweepStep" for step in celery.steps["worker"]):
        celery.steps["worker"].add(SweepStep)
