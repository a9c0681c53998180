"""Leases: the database is the truth of background work, the queue only a doorbell.

A job or page that is not finished belongs to nobody until a worker takes its lease: a
conditional UPDATE that succeeds only while no live lease exists (none, or one past its
expiry). The worker renews the lease from a heartbeat thread while it works and gives
it back when it is done, whatever happened. A worker killed with ``kill -9`` simply
stops renewing: its lease runs out after ``LEASE_S`` seconds and the row is free again.

Messages only say "look at job 7" or "look at page 42". One may be lost (a worker dies
holding it; kombu's SQLAlchemy transport never hands a taken message out again), one
may come twice (Redis redelivers unacknowledged messages): neither matters, because the
sweeper (:mod:`ecase.sweeper`) sends another message for every unfinished row that no
live lease holds, and every task first takes the lease and checks the state, so a
duplicate finds the work taken or done and returns.

``rung_at``/``rings`` record when a message was last sent for a row and how many were
sent, so the sweeper does not send a message a minute for work that is only waiting
its turn in a long queue (see :func:`due`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.engine import Engine

from ecase import db
from ecase.models._types import utcnow

log = logging.getLogger(__name__)

_OWNER: tuple[int, str] | None = None


def owner() -> str:
    """``host:pid:token`` of this process (a new token after a fork)."""
    global _OWNER
    pid = os.getpid()
    if _OWNER is None or _OWNER[0] != pid:
        _OWNER = (pid, f"{socket.gethostname()[:60]}:{pid}:{secrets.token_hex(4)}")
    return _OWNER[1]


def lease_seconds() -> int:
    return max(2, int(current_app.config["LEASE_S"]))


def free(model: Any, now: dt.datetime) -> ColumnElement[bool]:
    """No live lease: none was taken, or it has run out."""
    return or_(model.lease_expires_at.is_(None), model.lease_expires_at < now)


def take(model: Any, row_id: int, *conditions: Any, count_attempt: bool = True) -> bool:
    """Take the lease on row ``row_id`` when it is free and ``conditions`` hold, committed
    at once (so other workers see it). True when this process now holds it."""
    now = utcnow()
    values: dict[str, Any] = {"lease_owner": owner(),
                              "lease_expires_at": now + dt.timedelta(seconds=lease_seconds())}
    if count_attempt and hasattr(model, "attempts"):
        values["attempts"] = model.attempts + 1
    with db.unit_of_work() as s:
        result = s.execute(update(model).where(model.id == row_id, free(model, now), *conditions)
                           .values(**values).execution_options(synchronize_session=False))
        taken = result.rowcount == 1  # type: ignore[attr-defined]
    if taken:
        db.session().expire_all()  # what this session read before the lease may be stale
    return taken


def _renew(engine: Engine, model: Any, row_id: int, me: str, seconds: int) -> bool:
    with engine.begin() as conn:
        result = conn.execute(update(model).where(model.id == row_id, model.lease_owner == me)
                              .values(lease_expires_at=utcnow() + dt.timedelta(seconds=seconds)))
        return result.rowcount == 1  # type: ignore[attr-defined]


def release(model: Any, row_id: int) -> None:
    """Give the lease back (only if this process still holds it), committed at once."""
    engine = db.get_db().engine
    with engine.begin() as conn:
        conn.execute(update(model).where(model.id == row_id, model.lease_owner == owner())
                     .values(lease_owner=None, lease_expires_at=None))


class Lease:
    """Hold the lease on one row while the ``with`` block runs: taken on entry (``held``
    says whether it was), renewed by a heartbeat thread every third of ``LEASE_S``, given
    back on exit, also when the block raises.

    A heartbeat that finds the lease gone (the worker stalled past its lease and another
    took the row) sets ``lost``; stores are conditional on the row's state anyway, so the
    slower of two workers finds the work done and drops its result."""

    def __init__(self, model: Any, row_id: int, *conditions: Any, count_attempt: bool = True) -> None:
        self.model, self.row_id, self.conditions = model, row_id, conditions
        self.count_attempt = count_attempt
        self.held = False
        self.lost = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Lease:
        self.held = take(self.model, self.row_id, *self.conditions, count_attempt=self.count_attempt)
        if self.held:
            engine, me, seconds = db.get_db().engine, owner(), lease_seconds()
            self._thread = threading.Thread(target=self._beat, args=(engine, me, seconds),
                                            name=f"lease-{self.model.__tablename__}-{self.row_id}", daemon=True)
            self._thread.start()
        return self

    def _beat(self, engine: Engine, me: str, seconds: int) -> None:
        while not self._stop.wait(seconds / 3):
            try:
                if not _renew(engine, self.model, self.row_id, me, seconds):
                    self.lost = True
                    log.warning("lease on %s %s lost", self.model.__tablename__, self.row_id)
                    return
            except Exception as e:  # noqa: BLE001 - a busy database: try again at the next beat
                log.warning("lease on %s %s not renewed: %s", self.model.__tablename__, self.row_id, e)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self.held:
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        try:
            release(self.model, self.row_id)
        except Exception as e:  # noqa: BLE001 - the lease then simply runs out
            log.warning("lease on %s %s not released: %s", self.model.__tablename__, self.row_id, e)


def reap_dead_owners(models: Iterable[Any]) -> int:
    """End the leases held by processes of this machine that no longer exist (a worker
    killed with ``kill -9`` on this host): their rows are free at once instead of after
    ``LEASE_S``. Returns how many rows were freed. Leases of other machines run out by
    themselves."""
    host = socket.gethostname()[:60]
    now = utcnow()
    freed = 0
    for model in models:
        owners = db.session().scalars(select(model.lease_owner).distinct()
                                      .where(model.lease_owner.is_not(None), model.lease_expires_at >= now))
        for who in list(owners):
            name, _, rest = who.partition(":")
            pid = rest.partition(":")[0]
            if name != host or not pid.isdigit() or _alive(int(pid)):
                continue
            with db.unit_of_work() as s:
                freed += s.execute(update(model).where(model.lease_owner == who)
                                   .values(lease_expires_at=now - dt.timedelta(seconds=1))
                                   .execution_options(synchronize_session=False)).rowcount
        db.session().rollback()
    return freed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def mark_rung(model: Any, ids: Iterable[int]) -> None:
    """Record that a message was sent for these rows now (in the current transaction).

    A lease that ran out is cleared with it: the row is now one rung and not yet taken,
    which :func:`due` leaves alone while the queue holds messages. (Left on the row, the
    dead worker's name made every sweep ring it again until a worker took the message.)"""
    ids = list(ids)
    now = utcnow()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session().execute(update(model).where(model.id.in_(chunk))
                             .values(rung_at=now, rings=model.rings + 1)
                             .execution_options(synchronize_session=False))
        db.session().execute(update(model).where(model.id.in_(chunk), model.lease_owner.is_not(None),
                                                 model.lease_expires_at < now)
                             .values(lease_owner=None, lease_expires_at=None)
                             .execution_options(synchronize_session=False))


def due(row: Any, now: dt.datetime, interval: float, *, queue_empty: bool | None = None) -> bool:
    """Whether the sweeper sends another message for a free, unfinished row.

    Always for a row never rung, or whose lease ran out (a worker took its message and
    died). A row rung but never taken has its message waiting in the queue, unless a
    worker that died had reserved it: so it is rung again when the queue is empty (its
    message cannot be waiting) once an interval has passed. While the queue holds
    messages, only after 16 intervals, then 32, 64 … up to 256 after each further ring:
    a backlog that takes longer to drain than 16 intervals (a crash with thousands of
    pages queued, a loaded machine) is not filled with a copy of every row each time.
    Where the queue's length is unknown (``queue_empty`` None), one interval after the
    first message, then twice as long after each further one, up to the same limit."""
    if row.rung_at is None or row.lease_owner is not None:
        return True
    waited = now - row.rung_at
    rings = max(1, row.rings or 1)
    if queue_empty:
        return waited >= dt.timedelta(seconds=interval)
    limit = 16 * 2 ** min(4, rings - 1)
    wait = limit if queue_empty is False else min(limit, 2 ** (rings - 1))
    return waited >= dt.timedelta(seconds=interval * wait)
