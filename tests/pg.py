"""A fresh PostgreSQL database per test, on the server ``./dev test`` starts.

``ECASE_TEST_POSTGRES_URL`` names that server (its ``postgres`` database); without it the
test is skipped. The database is dropped afterwards, with the connections still open to it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest


def server_url() -> str:
    """The server's URL, or skip the test."""
    url = os.environ.get("ECASE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ECASE_TEST_POSTGRES_URL is not set (./dev test starts a server)")
    return url


@contextlib.contextmanager
def fresh_database(prefix: str = "ecase", server: str | None = None) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it on the way out."""
    from sqlalchemy import create_engine, text

    url = server or server_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
