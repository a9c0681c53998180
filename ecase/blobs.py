"""The app's blob store (``STORAGE_URL``)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, send_file

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
