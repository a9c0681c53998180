"""What other areas may hang on a change to a volume, without the dossiers area
importing them.

A listener registered with :func:`on_volume_changed` is called with the volume's id by
every write that changes what a volume's current version shows (a new version, its
documents, fields or labels), inside that write's transaction: it should only note or
queue work (``ecase.tasks.after_commit``), never commit. The search area registers the
re-indexing of the volume here (``ecase.search_views.indexing.init_app``).

Listeners belong to an app (``app.extensions``), so two apps in one process (tests) do
not share them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

VolumeListener = Callable[[int], None]

_KEY = "ecase.dossiers.volume_changed"


def on_volume_changed(app: Flask, listener: VolumeListener) -> None:
    """Call ``listener(volume_id)`` after each change to a volume in ``app`` (once, however
    often it is registered)."""
    listeners: list[VolumeListener] = app.extensions.setdefault(_KEY, [])
    if listener not in listeners:
        listeners.append(listener)


def volume_changed(volume_id: int) -> None:
    """Tell the current app's listeners that volume ``volume_id`` changed."""
    for listener in current_app.extensions.get(_KEY, ()):
        listener(volume_id)
