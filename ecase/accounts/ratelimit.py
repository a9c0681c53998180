"""Request, login and upload limits per user (or per IP before logging in).

Fixed windows counted in memory (one process) or in Redis (``RATE_LIMIT_STORAGE``, by
default the broker's Redis when there is one: shared by every web process on every
machine). Over the limit answers 429 with ``Retry-After``.

The login throttle (a user name's growing wait after failures from one address,
``ecase.accounts.operations``) lives in the database, so every process and machine on one
database shares it already.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, Response, current_app, g, request

from ecase.errors import error_response

_UNITS = {"second": 1, "minute": 60, "hour": 3600}


def _now() -> float:
    """The clock of the windows (tests pin it so a window cannot roll over mid-test)."""
    return time.time()


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        m = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour)s?\s*", text)
        if not m:
            raise ValueError(f"rate limit must look like 600/minute, not {text!r}")
        return cls(int(m.group(1)), _UNITS[m.group(2)])


class Counter(Protocol):
    def hit(self, key: str, window: int) -> int:
        """Count one hit of ``key`` in the current window of ``window`` seconds."""


class MemoryCounter:
    """Counts of the current window per (key, window length); stale windows are reset on
    the next hit and pruned when many keys pile up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, int], tuple[int, int]] = {}

    def hit(self, key: str, window: int) -> int:
        now = int(_now())
        slot = now // window
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == now // k[1]}
            last, n = self._counts.get((key, window), (slot, 0))
            n = n + 1 if last == slot else 1
            self._counts[(key, window)] = (slot, n)
            return n


class RedisCounter:
    def __init__(self, url: str) -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url)

    def hit(self, key: str, window: int) -> int:
        slot = int(_now()) // window
        name = f"ecase:rl:{key}:{window}:{slot}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window + 1)
        n, _ = pipe.execute()
        return int(n)


def _who() -> str:
    user = g.get("user")
    return f"user:{user.id}" if user is not None else f"ip:{request.remote_addr or '-'}"


def _too_many(limit: Limit) -> Response:
    resp = error_response(429, "rate_limited",
                          f"请求过于频繁：每 {limit.seconds} 秒最多 {limit.count} 次，请稍后再试")
    resp.headers["Retry-After"] = str(limit.seconds - int(_now()) % limit.seconds)
    return resp


def check() -> Response | None:
    endpoint = request.endpoint or ""
    if endpoint in ("static", "healthz"):
        return None
    cfg = current_app.extensions["ecase.ratelimit"]
    counter: Counter = cfg["counter"]
    checks: list[tuple[str, Limit]] = [(_who(), cfg["all"])]
    if endpoint == "accounts.login" and request.method == "POST":
        checks.append((f"login:{request.remote_addr or '-'}", cfg["login"]))
    if request.method == "POST" and "upload" in endpoint:
        checks.append((f"upload:{_who()}", cfg["upload"]))
    for key, limit in checks:
        if counter.hit(key, limit.seconds) > limit.count:
            return _too_many(limit)
    return None


def _is_redis(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("redis://", "rediss://"))


def storage_url(config: Any) -> str:
    """Where the counters live: ``RATE_LIMIT_STORAGE``, else the broker's Redis (so that
    several processes and machines count together as soon as there is a Redis), else
    each process's memory."""
    storage = config.get("RATE_LIMIT_STORAGE")
    if storage:
        return str(storage)
    broker = config.get("BROKER_URL")
    return str(broker) if _is_redis(broker) else "memory://"


def init_app(app: Flask) -> None:
    storage = storage_url(app.config)
    counter: Counter = RedisCounter(storage) if _is_redis(storage) else MemoryCounter()
    app.extensions["ecase.ratelimit"] = {
        "counter": counter,
        "all": Limit.parse(app.config["RATE_LIMIT"]),
        "login": Limit.parse(app.config["RATE_LIMIT_LOGIN"]),
        "upload": Limit.parse(app.config["RATE_LIMIT_UPLOAD"]),
    }
    app.before_request(check)
