"""Uploaded imports run as a Celery task, like every other piece of background work: the
files come from the blob store, progress is published at most once a second (see
``write_progress``) and the page polls it."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from ecase import db
from ecase.access import Actor
from ecase.blobs import store
from ecase.models import User
from ecase.models._types import utcnow
from ecase.models.ledgers import ImportRun
from ecase.tasks import celery

log = logging.getLogger(__name__)


def _progress_file(run_id: int) -> Path:
    from flask import current_app

    return Path(current_app.config["DATA_DIR"]) / "progress" / f"import-{run_id}.json"


def write_progress(run_id: int, progress: dict[str, object] | None) -> None:
    """Publish an import's progress while its own transaction is still open.

    On PostgreSQL a second session updates the run row. SQLite allows one writer at a
    time and the import holds the write lock, so there the progress goes to a small file
    in the data directory (which the embedded mode's web process shares)."""
    import json

    if db.get_db().engine.dialect.name == "sqlite":
        path = _progress_file(run_id)
        if progress is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(progress, ensure_ascii=False))
        os.replace(tmp, path)
        return
    s = db.get_db().factory()
    try:
        run = s.get(ImportRun, run_id)
        if run is not None:
            run.progress = progress
            s.commit()
    finally:
        s.close()


def read_progress(run: ImportRun) -> dict[str, object] | None:
    import json

    if run.state not in ("queued", "running"):
        return None
    if db.get_db().engine.dialect.name == "sqlite":
        try:
            data: dict[str, object] = json.loads(_progress_file(run.id).read_text())
            return data
        except (OSError, ValueError):
            return None
    return run.progress


@celery.task(name="ecase.ledger_import")
def import_uploaded(run_id: int, files: list[tuple[str, str]], mode: str) -> None:
    from ecase.ledger_views.operations import run_import

    s = db.session()
    run = s.get(ImportRun, run_id)
    if run is None or run.state not in ("queued", "running"):
        return
    user = s.get(User, run.user_id) if run.user_id else None
    actor = Actor.of(user) if user else Actor.system()
    last = [0.0]

    def progress(name: str, rows: int, fraction: float | None) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0 or fraction == 1.0:
            last[0] = now
            write_progress(run_id, {"file": name, "rows": rows, "fraction": fraction})

    with tempfile.TemporaryDirectory(prefix="import-") as tmp:
        local: list[tuple[Path, str]] = []
        for i, (key, name) in enumerate(files):
            # readers tell CSV from XLSX by the name's extension: keep it
            path = Path(tmp) / f"{i}{os.path.splitext(name)[1].lower()}"
            with open(path, "wb") as out:
                for chunk in store().iter_chunks(key):
                    out.write(chunk)
            local.append((path, name))
        try:
            run_import(actor, local, mode, run_id=run_id, progress=progress)
        except Exception:  # recorded on the run by run_import
            log.warning("upload import %s failed", run_id)
    write_progress(run_id, None)
    s = db.session()
    run = s.get(ImportRun, run_id)
    if run is not None and run.finished_at is None:
        run.finished_at = utcnow()
        s.commit()
