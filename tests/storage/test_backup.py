"""``ecase backup DIR`` / ``ecase restore DIR``: back up the embedded defaults, restore
into a new data directory, and there the blobs verify and the audit chain verifies."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask

from ecase import db
from ecase.blobs import store
from ecase.cli import main
from ecase.models import Job
from tests.pg import fresh_database


def _restore(folder: Path, data: Path, **env: str) -> Any:
    return CliRunner().invoke(main, ["restore", str(folder)],
                              env={"ECASE_DATA_DIR": str(data), **env}, catch_exceptions=False)


@contextmanager
def _opened(data: Path) -> Iterator[Flask]:
    """The app of a restored data directory (as `ecase` there would build it)."""
    from ecase import create_app

    app = create_app({"DATA_DIR": str(data), "TASKS_EAGER": True, "TESTING": True})
    try:
        with app.app_context():
            yield app
    finally:
        app.extensions["ecase.db"].engine.dispose()


def _some_data(app: Flask) -> list[str]:
    """Blobs referred to by rows, an orphan blob, audit entries and an anchor, the bureau's
    files in the data directory."""
    runner = app.test_cli_runner()
    s = store()
    keys = [s.put_bytes(f"export package {i}".encode()).key for i in range(3)]
    s.put_bytes(b"an upload whose row was never committed")
    db.session().add_all([Job(kind="export", state="done", result_key=k) for k in keys])
    db.session().commit()
    assert runner.invoke(main, ["search", "天桥"]).exit_code == 0  # an audited read
    assert runner.invoke(main, ["audit", "anchor"]).exit_code == 0
    data = Path(app.config["DATA_DIR"])
    (data / "names.txt").write_text("岱槐市公安局\n", encoding="utf-8")
    (data / "supervision.toml").write_text("# the bureau's rules\n", encoding="utf-8")
    return keys


def test_backup_then_restore_into_a_new_data_dir(app: Flask, tmp_path: Path) -> None:
    keys = _some_data(app)
    folder = tmp_path / "backup"
    result = app.test_cli_runner().invoke(main, ["backup", str(folder)])
    assert result.exit_code == 0, result.output
    assert "4 blobs (4 copied now" in result.output
    manifest = json.loads((folder / "ecase-backup.json").read_text())
    assert set(manifest["files"]) == {"audit.key", "audit-anchors.log", "names.txt", "supervision.toml"}
    assert manifest["files"]["audit.key"]["mode"] == "0600"
    assert manifest["database"]["revision"] and manifest["problems"] == []
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    head = manifest["database"]["audit_head"]
    with sqlite3.connect(folder / "ecase.sqlite") as conn:  # the backup's own entry is in the copy
        assert conn.execute("SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1").fetchone() == ("backup",)
        assert conn.execute("SELECT seq FROM audit_head").fetchone() == (head["seq"],)

    new = tmp_path / "restored"
    result = _restore(folder, new)
    assert result.exit_code == 0, result.output
    assert "restore done" in result.output and "reindexed" in result.output
    assert (new / "index").is_dir()  # rebuilt
    assert oct((new / "audit.key").stat().st_mode & 0o777) == "0o600"
    assert (new / "names.txt").read_text(encoding="utf-8") == "岱槐市公安局\n"

    with _opened(new) as restored:
        runner = restored.test_cli_runner()
        verified = runner.invoke(main, ["storage", "verify"])
        assert verified.exit_code == 0, verified.output
        assert "storage OK: 4 blobs" in verified.output and "3 referred to" in verified.output
        audit = runner.invoke(main, ["audit", "verify"])
        assert audit.exit_code == 0, audit.output
        assert f"head {head['seq']}:{head['hash']}" in audit.output and "1 anchors" in audit.output
        assert sorted(str(j.result_key) for j in db.session().query(Job)) == sorted(keys)

    again = _restore(folder, new)
    assert again.exit_code != 0 and "restore only fills a new data directory" in again.output


def test_a_second_backup_copies_only_new_blobs_and_reports_damage(app: Flask, tmp_path: Path) -> None:
    _some_data(app)
    folder = tmp_path / "backup"
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["backup", str(folder)]).exit_code == 0
    s = store()
    new_key = s.put_bytes(b"a new page").key
    damaged = s.put_bytes(b"a page that will rot").key
    db.session().add_all([Job(kind="export", state="done", result_key=k) for k in (new_key, damaged)])
    db.session().commit()
    path = s.path(damaged)  # type: ignore[attr-defined]
    os.chmod(path, 0o644)
    path.write_bytes(b"rotten")

    result = runner.invoke(main, ["backup", str(folder)])
    assert result.exit_code == 1
    assert f"changed    {damaged}" in result.output and f"missing    {damaged}" in result.output
    assert "1 copied now" in result.output  # the new page only
    manifest = json.loads((folder / "ecase-backup.json").read_text())
    assert {p["kind"] for p in manifest["problems"]} == {"changed", "missing"}


def test_restore_refuses_a_damaged_backup_and_a_non_backup(app: Flask, tmp_path: Path) -> None:
    _some_data(app)
    folder = tmp_path / "backup"
    assert app.test_cli_runner().invoke(main, ["backup", str(folder)]).exit_code == 0
    (folder / "names.txt").write_text("someone else's names\n", encoding="utf-8")
    result = _restore(folder, tmp_path / "new")
    assert result.exit_code != 0 and "names.txt is damaged" in result.output
    assert not (tmp_path / "new" / "ecase.sqlite").exists()

    result = _restore(tmp_path, tmp_path / "new2")
    assert result.exit_code != 0 and "not an ecase backup" in result.output
    other = tmp_path / "not-empty"
    other.mkdir()
    (other / "x").write_text("x")
    result = app.test_cli_runner().invoke(main, ["backup", str(other)])
    assert result.exit_code != 0 and "not an ecase backup" in result.output


def test_an_audit_key_kept_apart_stays_apart(app_config: dict[str, Any], template_db: Path,
                                             tmp_path: Path) -> None:
    import shutil

    from ecase import create_app

    secrets = tmp_path / "etc-ecase"
    secrets.mkdir(mode=0o700)
    app_config["AUDIT_KEY_FILE"] = str(secrets / "audit.key")
    data = Path(app_config["DATA_DIR"])
    data.mkdir(parents=True)
    shutil.copy(template_db, data / "ecase.sqlite")
    app = create_app(app_config)
    try:
        with app.app_context():
            _some_data(app)
            folder = tmp_path / "backup"
            result = app.test_cli_runner().invoke(main, ["backup", str(folder)])
            assert result.exit_code == 0, result.output
            assert f"not in the backup: AUDIT_KEY_FILE {secrets / 'audit.key'}" in result.output
            assert not (folder / "audit.key").exists()
    finally:
        app.extensions["ecase.db"].engine.dispose()
    new = tmp_path / "restored"
    result = _restore(folder, new)
    assert result.exit_code == 0, result.output
    assert "put the audit key file back" in result.output and not (new / "audit.key").exists()
    result = _restore(folder, tmp_path / "restored2", ECASE_AUDIT_KEY_FILE=str(secrets / "audit.key"))
    assert result.exit_code == 0 and "put the audit key file back" not in result.output


def test_backup_refuses_postgresql(pg_app: Flask, tmp_path: Path) -> None:
    result = pg_app.test_cli_runner().invoke(main, ["backup", str(tmp_path / "b")])
    assert result.exit_code != 0 and "pg_dump" in result.output


@pytest.mark.slow
def test_a_restored_volume_is_found_by_search(app: Flask, small_scan: Any, tmp_path: Path) -> None:
    """A real scan ingested, backed up, restored: its pages verify and are found again
    (the index was rebuilt), and the audit chain verifies."""
    path, info = small_scan
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["ingest", str(path), "--case", info["case_no"], "--wait"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["backup", str(tmp_path / "backup")]).exit_code == 0
    new = tmp_path / "restored"
    result = _restore(tmp_path / "backup", new)
    assert result.exit_code == 0, result.output
    with _opened(new) as restored:
        runner = restored.test_cli_runner()
        assert runner.invoke(main, ["storage", "verify"]).exit_code == 0
        assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
        found = runner.invoke(main, ["search", f"case:{info['case_no']}", "--json"])
        assert found.exit_code == 0, found.output
        assert json.loads(found.output.splitlines()[-1])["total"] == info["pages"]


def _pg_bin(name: str) -> str:
    """The client of the newest PostgreSQL installed (the one ``./dev test`` serves)."""
    import glob
    import shutil

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    path = found[-1] if found else shutil.which(name)
    if not path:
        pytest.skip(f"{name} is not installed")
    return path


def test_the_documented_postgresql_backup_and_restore(pg_app: Flask, tmp_path: Path) -> None:
    """docs/deploy.md, Backups, PostgreSQL and S3: the anchors file, pg_dump, `ecase storage
    copy`; restored with pg_restore, `storage copy --from`, `search reindex`; then the blobs
    and the audit chain verify."""
    import shutil
    import subprocess

    keys = _some_data(pg_app)
    url = pg_app.config["DATABASE_URL"]
    data = Path(pg_app.config["DATA_DIR"])
    backup, blobs = tmp_path / "backup" / "2026-12-03", tmp_path / "backup" / "blobs"
    backup.mkdir(parents=True)
    for name in ("audit-anchors.log", "names.txt", "supervision.toml"):
        shutil.copy2(data / name, backup / name)
    subprocess.run([_pg_bin("pg_dump"), "--format=custom", f"--file={backup / 'ecase.dump'}",
                    url.replace("+psycopg", "")], check=True)
    copied = CliRunner().invoke(main, ["storage", "copy", str(blobs)], env={"ECASE_DATA_DIR": str(data)})
    assert copied.exit_code == 0 and "4 blobs copied" in copied.output, copied.output
    again = CliRunner().invoke(main, ["storage", "copy", str(blobs)], env={"ECASE_DATA_DIR": str(data)})
    assert "0 blobs copied" in again.output and "4 there already" in again.output
    head = pg_app.test_cli_runner().invoke(main, ["audit", "verify"]).output.split("head ")[1].split()[0]

    with fresh_database(server=url.rsplit("/", 1)[0] + "/postgres") as new_url:
        subprocess.run([_pg_bin("pg_restore"), "--no-owner", "--exit-on-error",
                        f"--dbname={new_url.replace('+psycopg', '')}", str(backup / "ecase.dump")], check=True)
        new = tmp_path / "restored"
        env = {"ECASE_DATA_DIR": str(new), "ECASE_DATABASE_URL": new_url}
        result = CliRunner().invoke(main, ["storage", "copy", str(new / "blobs"), "--from", str(blobs)], env=env)
        assert result.exit_code == 0 and "4 blobs copied" in result.output, result.output
        for f in ("audit-anchors.log", "names.txt", "supervision.toml"):
            shutil.copy2(backup / f, new / f)
        shutil.copy2(data / "audit.key", new / "audit.key")  # kept with the secrets
        from ecase import create_app

        app = create_app({"DATA_DIR": str(new), "DATABASE_URL": new_url, "TASKS_EAGER": True,
                          "TESTING": True, "SECRET_KEY": "test"})
        try:
            with app.app_context():
                runner = app.test_cli_runner()
                assert runner.invoke(main, ["db", "current", "--check"], env=env).exit_code == 0
                assert runner.invoke(main, ["search", "reindex"]).exit_code == 0
                verified = runner.invoke(main, ["storage", "verify"])
                assert verified.exit_code == 0 and "3 referred to" in verified.output, verified.output
                audit = runner.invoke(main, ["audit", "verify"])
                assert audit.exit_code == 0 and f"head {head}" in audit.output, audit.output
                assert sorted(str(j.result_key) for j in db.session().query(Job)) == sorted(keys)
        finally:
            app.extensions["ecase.db"].engine.dispose()
