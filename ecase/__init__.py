"""ecase: the web service and the glue between scanning, search, ledgers and storage.

Nothing happens at import time: :func:`create_app` builds an app from settings
(``ecase.settings``), and each resource (database, blob store, index, task queue)
attaches itself with its own ``init_app``.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


class ECaseFlask(Flask):
    """Flask with one commit point: a request commits on success and rolls back on any
    exception (operations only flush)."""

    def dispatch_request(self) -> Any:  # type: ignore[override]
        from ecase.db import session

        try:
            rv = super().dispatch_request()
            session().commit()
            return rv
        except BaseException:
            session().rollback()
            raise


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    from ecase import settings

    values = settings.load(config)
    app = ECaseFlask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
    )
    app.config.update(values)
    Path(values["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = values["SECRET_KEY"] or _secret_key(Path(values["DATA_DIR"]))
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_UPLOAD_MB"] * 1024 * 1024
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = values["SECURE_COOKIES"]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    logging.basicConfig(level=values["LOG_LEVEL"],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("alembic", "pikepdf", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from ecase import blobs, db, errors, tasks, web

    db.init_app(app)
    blobs.init_app(app)
    tasks.init_app(app)
    errors.register(app)
    web.init_app(app)
    return app


def _secret_key(data_dir: Path) -> str:
    """A random key kept in the data directory, made on first use."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
