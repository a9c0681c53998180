"""The index is derived data: every page of every volume's current version, with its
case, document and fields. Rebuilt by ``ecase search reindex``; kept current by
``ecase.search_views.tasks.index_volume`` after each change to a volume.

Where it lives is the ``SEARCH_BACKEND`` setting (:mod:`search.backend`). With
``postgresql`` the pages are written in the worker task's own transaction, the one that
records ``Volume.indexed_version``: the version the database says is indexed is exactly
what every web process finds, from the moment the task commits. (Writing them in the
transaction that makes the version would close the remaining gap, the task's queueing
time, but every writer of versions, documents, fields and corrections would then have
to build search rows inside its request; the sweeper already re-queues a volume whose
indexed version lags.)"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from ecase import db
from ecase.models import Case, Document, Volume
from ecase.models.dossiers import DATE_FIELDS
from search import BackendOptions, PageRecord, SearchBackend, open_backend

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    from ecase.dossiers.hooks import on_volume_changed
    from ecase.search_views.tasks import index_later

    app.extensions["ecase.index"] = None  # opened on first use, in the process that uses it
    on_volume_changed(app, index_later)  # a volume's new version is re-indexed


def get_index() -> SearchBackend:
    """The app's index (``SEARCH_BACKEND``), rebuilt from the database first when its
    schema version is not this code's (an upgrade changed the schema or the analysis)."""
    ix: SearchBackend | None = current_app.extensions.get("ecase.index")
    if ix is None:
        ix = open_backend(current_app.config["SEARCH_BACKEND"], BackendOptions(
            path=current_app.config["INDEX_DIR"], engine=db.get_db().engine,
            connection=lambda: db.session().connection()))
        if ix.needs_rebuild:
            log.warning("search index schema changed: rebuilding it from the database")
            ix.reindex(all_records)
        current_app.extensions["ecase.index"] = ix
    return ix


def page_key(volume_id: int, position: int) -> str:
    return f"v{volume_id}p{position}"


def _date(values: dict[str, Any]) -> dt.date | None:
    """The first date field that reads as a date (a reviewer's correction may not)."""
    for name in DATE_FIELDS:
        v = values.get(name)
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v[:10])
            except ValueError:
                continue
    return None


def volume_records(volume: Volume) -> Iterator[PageRecord]:
    version = volume.current
    if version is None:
        return
    case: Case = volume.case
    by_position: dict[int, Document] = {}
    for d in version.documents:
        for p in range(d.first_position, d.last_position + 1):
            by_position[p] = d
    for vp in version.pages:
        doc = by_position.get(vp.position)
        values = doc.values() if doc else {}
        plain = {k: v for k, v in values.items() if k != "entries"}
        yield PageRecord(
            key=page_key(volume.id, vp.position), text=vp.page.text or "",
            case_id=case.id, unit_id=case.unit_id, case_no=case.case_no, case_name=case.name,
            case_kind=case.kind, volume_id=volume.id, volume_kind=volume.kind,
            volume_no=volume.number, page=vp.position, label=vp.label or "",
            doc_key=f"d{doc.id}" if doc else "", doc_type=doc.type if doc else "",
            doc_no=str(values.get("doc_no") or ""), doc_date=_date(values), fields=plain)


def index_volume_now(volume: Volume, previous_pages: int | None = None) -> None:
    """Replace the volume's pages in the index by those of its current version."""
    records = list(volume_records(volume))
    count = len(records)
    if previous_pages is None:
        versions = volume.versions
        previous_pages = max((len(v.pages) for v in versions), default=0)
    stale = [page_key(volume.id, p) for p in range(count + 1, previous_pages + 1)]
    get_index().update(records, stale)
    log.info("indexed volume %s: %d pages, %d removed", volume.id, count, len(stale))


def all_records(after: str | None = None) -> Iterator[PageRecord]:
    """Every page of every volume in a stable order (volume id, then position), starting
    after the page key ``after``: the source of a resumable reindex."""
    s = db.session()
    start_vol, start_pos = 0, 0
    if after:
        vid, _, pos = after[1:].partition("p")
        start_vol, start_pos = int(vid), int(pos)
    ids = list(s.scalars(select(Volume.id).where(Volume.id >= start_vol).order_by(Volume.id)))
    for vid in ids:
        vol = s.get(Volume, vid)
        if vol is not None:
            for record in volume_records(vol):
                if vid == start_vol and record.page <= start_pos:
                    continue
                yield record
        s.expunge_all()  # bounded memory: one volume's rows at a time
