"""Scan intake: an upload becomes a stored scan, then pages, then OCR, then documents.

- ``operations``: ``accept_scan(actor, volume, stream, filename)`` stores the original
  bytes durably and queues the work; ``find_or_create_case`` / ``find_or_create_volume``.
- ``tasks``: the Celery tasks (cut the scan into pages, process each page, recognise the
  volume), each safe to run again after a crash.
- ``retry``: ``retry_job(actor, job_id)`` processes a failed scan again (重新处理).
- ``pages``: converting between the database rows and ``scanning.types``.
- ``views`` / ``blueprint``: the upload page and the JSON API.
"""
