"""The app's blob store (``STORAGE_URL``)."""

from __future__ import annotations

from flask import Flask, current_app

from storage import BlobStore, open_store


def init_app(app: Flask) -> None:
    app.extensions["ecase.blobs"] = open_store(app.config["STORAGE_URL"])


def store() -> BlobStore:
    s: BlobStore = current_app.extensions["ecase.blobs"]
    return s
