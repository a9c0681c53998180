"""Entry point of a Celery worker: ``celery -A ecase.worker:celery worker``."""

from __future__ import annotations

from ecase import create_app
from ecase.tasks import celery

app = create_app()

__all__ = ["app", "celery"]
