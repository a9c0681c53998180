"""``ecase storage verify``: the blob store against the database's references."""

from __future__ import annotations

import hashlib
import os

from flask import Flask
from sqlalchemy import String

from ecase import db
from ecase.blobs import key_columns, store
from ecase.cli import main
from ecase.models import Job


def test_every_blob_column_is_checked() -> None:
    """A column that holds a blob key (``*_key`` or ``sha256``, 64 characters) is one
    that ``storage verify`` and ``backup`` look at."""
    from ecase.db import Base

    found = {(table.name, column.name) for table in Base.metadata.tables.values() for column in table.columns
             if (column.name.endswith("_key") or column.name == "sha256")
             and isinstance(column.type, String) and column.type.length == 64}
    listed = {(c.class_.__tablename__, c.property.columns[0].name) for c in key_columns()}
    assert found == listed


def test_verify_reports_missing_and_changed_blobs_with_their_rows(app: Flask) -> None:
    runner = app.test_cli_runner()
    s = store()
    good, bad = s.put_bytes(b"an export package").key, s.put_bytes(b"a bulletin").key
    gone = hashlib.sha256(b"never stored").hexdigest()
    jobs = [Job(kind="export", state="done", result_key=k) for k in (good, bad)]
    db.session().add_all(jobs)
    db.session().commit()

    result = runner.invoke(main, ["storage", "verify"])
    assert result.exit_code == 0, result.output
    assert "storage OK: 2 blobs" in result.output and "2 re-hashed" in result.output

    db.session().add(Job(kind="export", state="done", result_key=gone))
    db.session().commit()
    path = s.path(bad)  # type: ignore[attr-defined]
    os.chmod(path, 0o644)
    path.write_bytes(b"a bulletin, altered")
    result = runner.invoke(main, ["storage", "verify", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"changed    {bad}") and f"jobs.result_key #{jobs[1].id}" in line
               for line in lines), result.output
    assert any(line.startswith(f"missing    {gone}") and "jobs.result_key #3" in line for line in lines)
    assert "storage PROBLEMS: 1 changed, 1 missing" in result.output

    result = runner.invoke(main, ["storage", "verify", "--sample", "1"])
    assert result.exit_code == 1  # a sample still finds every missing blob
    assert f"missing    {gone}" in result.output and "(a sample of 1)" in result.output
