"""The search area's task: keep the index current after a volume changes."""

from __future__ import annotations

from ecase import db
from ecase.models import Volume
from ecase.search_views.indexing import index_volume_now
from ecase.tasks import after_commit, celery
from search import IndexLockedError


@celery.task(name="ecase.index_volume", autoretry_for=(IndexLockedError,), retry_backoff=2,
             max_retries=12)
def index_volume(volume_id: int) -> None:
    """Re-index one volume (retried while a reindex holds the writer lock), and note the
    version indexed, so the sweeper knows the index is current."""
    from sqlalchemy import update

    s = db.session()
    vol = s.get(Volume, volume_id)
    if vol is None:
        return
    number = vol.current.number if vol.current else None
    index_volume_now(vol)
    s.execute(update(Volume).where(Volume.id == volume_id).values(indexed_version=number)
              .execution_options(synchronize_session=False))
    s.commit()


def index_later(volume_id: int) -> None:
    """Re-index the volume once the current transaction commits (the listener of
    ``ecase.dossiers.hooks.on_volume_changed``)."""
    after_commit(index_volume, volume_id)
