"""The app's blob store (``STORAGE_URL``), and which database columns hold blob keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, current_app, send_file
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage import BlobStore, LocalBlobStore, open_store


def init_app(app: Flask) -> None:
    app.extensions["ecase.blobs"] = open_store(app.config["STORAGE_URL"])


def store() -> BlobStore:
    s: BlobStore = current_app.extensions["ecase.blobs"]
    return s


def send_blob(key: str, mimetype: str, *, download_name: str | None = None,
              max_age: int = 86400) -> Response:
    """A response streaming the blob, cacheable by its key (which is its content hash)."""
    s = store()
    source: Any = s.path(key) if isinstance(s, LocalBlobStore) else s.open(key)
    resp = send_file(source, mimetype=mimetype, as_attachment=download_name is not None,
                     download_name=download_name, etag=key, max_age=max_age, conditional=True)
    resp.headers["Cache-Control"] = f"private, max-age={max_age}"
    return resp


def key_columns() -> list[InstrumentedAttribute[Any]]:
    """Every column whose value is the key of a blob that must stay in the store: the
    original uploads, the page images, export packages, bulletins. A new column that holds
    a blob key belongs here (a test finds ``*_key`` columns missing from this list)."""
    from ecase.models import Job, Page, Scan
    from ecase.models.supervision import Bulletin

    return [Scan.sha256, Page.original_key, Page.derived_key, Job.result_key,
            Bulletin.pdf_key, Bulletin.xlsx_key]


def referenced_keys(session: Session) -> set[str]:
    """The keys of every blob the database refers to."""
    keys: set[str] = set()
    for column in key_columns():
        keys.update(session.scalars(select(column).where(column.is_not(None)).distinct()))
    return keys


def referrers(session: Session, keys: Iterable[str], limit: int = 5) -> dict[str, list[str]]:
    """Which rows refer to each of ``keys``, as ``table.column #id`` (at most ``limit`` each)."""
    wanted = sorted(set(keys))
    found: dict[str, list[str]] = {k: [] for k in wanted}
    for column in key_columns():
        model = column.class_
        name = f"{model.__tablename__}.{column.key}"
        for start in range(0, len(wanted), 500):
            q = select(column, model.id).where(column.in_(wanted[start:start + 500])).order_by(model.id)
            for key, row_id in session.execute(q):
                if len(found[key]) < limit:
                    found[key].append(f"{name} #{row_id}")
    return found
