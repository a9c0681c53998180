"""A bounded thread pool over a stream of work: at most a few items in flight, so a
listing of millions of keys is never held in memory as futures."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(fn: Callable[[T], R], items: Iterable[T], jobs: int) -> Iterator[R]:
    """``fn`` over ``items`` in ``jobs`` threads; results in the order they finish."""
    jobs = max(1, jobs)
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="blobs") as pool:
        pending: set[Future[R]] = set()
        for item in items:
            pending.add(pool.submit(fn, item))
            if len(pending) >= jobs * 4:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield fut.result()
