"""``ecase backup DIR`` and ``ecase restore DIR``: a consistent copy of the embedded
defaults, and a new data directory made from one.

A backup directory looks like a data directory without its index and queue:

- ``ecase.sqlite``: the database, copied with SQLite's backup API in one step (a
  consistent snapshot, taken while the service runs);
- ``blobs/``: every blob of the store (local disk or S3), re-hashed as it is copied. A
  blob the backup holds already is not copied again: backing up into the same DIR again
  copies only what is new (blobs never change);
- the data directory's own files with their modes: ``secret_key``, ``audit.key``,
  ``audit-anchors.log``, ``names.txt``, ``supervision.toml`` … (the audit key only when
  it lives in the data directory: one kept apart, as docs/audit.md advises, stays apart);
- ``ecase-backup.json``, the manifest, written last: ecase's version, the database's
  migration and audit head, each file's SHA-256, what was left out, and any problem.

For the audit trail the order matters: the anchors file is copied before the database
(every anchor in the copy is then in the copied chain), the key file before it and
checked again after it (a key rotated meanwhile: copied again). The blobs are copied
after the database: a row is committed only after its blob is stored, so every blob the
copy refers to is there to be copied.

Left out: the full-text index (``restore`` rebuilds it), the task queue (the database is
the truth of background work: the workers' sweep re-queues what is unfinished), temporary
files. PostgreSQL and S3 are backed up with their own tools (docs/deploy.md).

``restore`` writes into the configured data directory, which must hold no database and
none of the files yet: the blobs first (each checked), then the files, the database
last, then the app is built (migrations of a newer ecase applied) and the index rebuilt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy.engine import make_url

from ecase.cli_support import clean_errors

log = logging.getLogger(__name__)

MANIFEST = "ecase-backup.json"
FORMAT = 1
DATABASE = "ecase.sqlite"
BLOBS = "blobs"
#: files of the data directory that are never copied as files
RUNTIME = {"broker.sqlite", ".migrate.lock", MANIFEST}
RUNTIME_SUFFIXES = ("-wal", "-shm", "-journal", ".tmp")
#: files that have a setting of their own: name in the backup → setting
PLACED = {"audit.key": "AUDIT_KEY_FILE", "audit-anchors.log": "AUDIT_ANCHORS_FILE",
          "names.txt": "NAMES_FILE"}


class BackupError(click.ClickException):
    """The backup or restore cannot be done as asked (the message says why)."""


@dataclass
class Report:
    blobs: int = 0  # blobs in the backup (or restored)
    copied: int = 0  # blobs copied this time
    bytes: int = 0
    files: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _placed(config: Any, name: str) -> Path:
    """Where a file with a setting of its own lives (default: in the data directory)."""
    return Path(config.get(PLACED[name]) or Path(config["DATA_DIR"]) / name)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes, mode: int) -> None:
    """Write ``path`` whole or not at all, with ``mode`` from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def data_files(config: Any) -> tuple[dict[str, Path], list[str]]:
    """The files a backup copies, by their name in the backup, and what it leaves out."""
    data = Path(config["DATA_DIR"])
    database = _sqlite_path(config["DATABASE_URL"])
    placed = {name: _placed(config, name) for name in PLACED}
    skip = {p.resolve() for p in placed.values()}
    if database is not None:
        skip.add(database.resolve())
    files: dict[str, Path] = {}
    left_out: list[str] = []
    if data.is_dir():
        for path in sorted(data.iterdir()):
            if (not path.is_file() or path.name in RUNTIME or path.name.endswith(RUNTIME_SUFFIXES)
                    or path.resolve() in skip or path.name in PLACED or path.name == DATABASE):
                continue
            files[path.name] = path
    for name, path in placed.items():
        if not path.is_file():
            continue
        if name == "audit.key" and not _inside(path, data):
            left_out.append(f"AUDIT_KEY_FILE {path}: kept apart from the data, as docs/audit.md "
                            "advises; keep its copy with the bureau's secrets")
            continue
        files[name] = path
    return files, left_out


def snapshot(database: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in use (SQLite's backup API, in one step),
    checked with ``PRAGMA quick_check``."""
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=60)
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        source.close()
    if verdict != "ok":
        tmp.unlink(missing_ok=True)
        raise BackupError(f"数据库副本校验失败 / the copy of the database fails its check: {verdict}")
    os.chmod(tmp, 0o600)
    _fsync(tmp)
    os.replace(tmp, target)


def _described(database: Path) -> dict[str, Any]:
    """The migration and audit head of a copied database, read without changing it."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        revision = sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        head = conn.execute("SELECT seq, hash FROM audit_head ORDER BY id LIMIT 1").fetchone()
    finally:
        conn.close()
    return {"revision": revision, "audit_head": {"seq": head[0], "hash": head[1]} if head else None}


def _referenced(database: Path) -> set[str]:
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from ecase.blobs import referenced_keys

    engine = create_engine(f"sqlite:///file:{database}?mode=ro&uri=true")  # read only: unchanged
    try:
        with Session(engine) as session:
            return referenced_keys(session)
    finally:
        engine.dispose()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecase")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _progress(what: str) -> Callable[[int], None]:
    def report(n: int) -> None:
        if n % 1000 == 0:
            click.echo(f"  {what}: {n} …", err=True)

    return report


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"不是 ecase 备份 / not an ecase backup (no {MANIFEST}): {folder}") from None
    except (OSError, ValueError) as e:
        raise BackupError(f"备份清单无法读取 / cannot read {path}: {e}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} in {path}")
    return manifest


def backup(config: Any, folder: Path, *, jobs: int = 4) -> Report:
    """Back up the data of the app whose ``config`` is given into ``folder`` (see the
    module's docstring). Run in that app's context."""
    from storage import LocalBlobStore, transfer

    from ecase.blobs import store

    database = _sqlite_path(config["DATABASE_URL"])
    if database is None:
        raise BackupError("ecase backup copies the embedded SQLite database; back up PostgreSQL "
                          "with pg_dump (docs/deploy.md, Backups)")
    previous = None
    if folder.exists() and any(folder.iterdir()):
        previous = read_manifest(folder)  # backing up into an older backup: only what is new
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    report = Report()
    manifest: dict[str, Any] = {"format": FORMAT, "ecase": _version()}

    files: dict[str, Path] = {}
    written: dict[str, dict[str, str]] = {}
    for _attempt in range(3):
        files, report.left_out = data_files(config)
        key_file = files.get("audit.key")
        key_before = key_file.read_bytes() if key_file else None
        written = {}
        for name, path in files.items():
            data = path.read_bytes()
            mode = path.stat().st_mode & 0o777
            _write_file(folder / name, data, mode)
            written[name] = {"sha256": hashlib.sha256(data).hexdigest(), "mode": f"{mode:04o}"}
        snapshot(database, folder / DATABASE)
        if (key_file.read_bytes() if key_file else None) == key_before:
            break
        log.info("the audit key file changed during the backup: copying again")
    else:
        raise BackupError("审计密钥文件在备份期间一再变化 / the audit key file kept changing during "
                          "the backup; try again")
    for stale in (previous or {}).get("files", {}):
        if stale not in written:
            (folder / stale).unlink(missing_ok=True)
    report.files = sorted(written)

    target = LocalBlobStore(folder / BLOBS)
    copied = transfer.copy(store(), target, jobs=jobs, on_progress=_progress("blobs"))
    report.copied, report.bytes = copied.copied, copied.bytes
    report.problems = [{"key": p.key, "kind": p.kind, "detail": p.detail} for p in copied.problems]
    for key in sorted(_referenced(folder / DATABASE)):
        if not target.exists(key):
            report.problems.append({"key": key, "kind": "missing",
                                    "detail": "referred to by the database, not in the store"})
    report.blobs = sum(1 for _ in target.keys())

    manifest.update({
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "source": {"data_dir": str(config["DATA_DIR"]),
                   "database": make_url(config["DATABASE_URL"]).render_as_string(hide_password=True),
                   "storage": str(config["STORAGE_URL"])},
        "database": {"file": DATABASE, "sha256": _sha256(folder / DATABASE),
                     **_described(folder / DATABASE)},
        "files": written,
        "blobs": {"count": report.blobs, "copied": report.copied, "bytes": report.bytes},
        "left_out": report.left_out,
        "problems": report.problems,
    })
    _write_file(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode(), 0o600)
    return report


def restore(values: dict[str, Any], folder: Path, *, jobs: int = 4) -> Report:
    """Make the data directory of the settings ``values`` from the backup in ``folder``:
    blobs (each checked), files, the database last. Builds no app."""
    from storage import LocalBlobStore, open_store, transfer

    manifest = read_manifest(folder)
    database = _sqlite_path(values["DATABASE_URL"])
    if database is None:
        raise BackupError("ecase restore writes the embedded SQLite database; restore PostgreSQL "
                          "with pg_restore (docs/deploy.md, Backups)")
    copy = folder / DATABASE
    if not copy.is_file() or _sha256(copy) != manifest["database"]["sha256"]:
        raise BackupError(f"备份中的数据库已损坏或不完整 / the backup's database is damaged or "
                          f"incomplete: {copy}")
    places = {name: (_placed(values, name) if name in PLACED else Path(values["DATA_DIR"]) / name)
              for name in manifest["files"]}
    taken = [str(p) for p in [database, *places.values()] if p.exists()]
    if taken:
        raise BackupError("恢复只写入新的数据目录 / restore only fills a new data directory; these "
                          "exist already (move them aside first): " + ", ".join(taken))
    for name, meta in manifest["files"].items():
        if not (folder / name).is_file() or _sha256(folder / name) != meta["sha256"]:
            raise BackupError(f"备份中的文件已损坏或缺失 / the backup's file {name} is damaged or missing")
    if not (folder / BLOBS).is_dir():
        raise BackupError(f"备份中没有 blobs / the backup holds no {BLOBS}/ folder")

    data = Path(values["DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    report = Report(left_out=list(manifest.get("left_out", [])))
    copied = transfer.copy(LocalBlobStore(folder / BLOBS), open_store(values["STORAGE_URL"]), jobs=jobs,
                           on_progress=_progress("blobs"))
    report.blobs = copied.copied + copied.present
    report.copied, report.bytes = copied.copied, copied.bytes
    report.problems = [{"key": p.key, "kind": p.kind, "detail": p.detail} for p in copied.problems]
    for name, meta in sorted(manifest["files"].items()):
        _write_file(places[name], (folder / name).read_bytes(), int(meta["mode"], 8))
        report.files.append(str(places[name]))
    database.parent.mkdir(parents=True, exist_ok=True)
    tmp = database.with_name(database.name + ".restore")
    with open(copy, "rb") as src, open(tmp, "wb") as dst:
        while block := src.read(1 << 20):
            dst.write(block)
        dst.flush()
        os.fsync(dst.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, database)
    return report


@click.command("backup")
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=4, show_default=True,
              help="Blobs copied at once (threads).")
@with_appcontext
@clean_errors
def backup_command(folder: Path, jobs: int) -> None:
    """Back up the embedded defaults into DIR: the SQLite database (a consistent copy
    while the service runs), every blob (re-hashed as it is copied), the key and
    configuration files of the data directory. DIR must be empty, new, or an earlier
    backup (then only new blobs are copied). Exit 1 if a blob is missing or changed.

    PostgreSQL and S3: pg_dump and the bucket's own copy (docs/deploy.md)."""
    from ecase import db
    from ecase.audit import record
    from ecase.cli_support import shell_actor

    with db.unit_of_work():  # in the copy: the trail says who took it
        record(shell_actor(), "backup", "data", "", {"dir": str(folder.resolve())})
    report = backup(current_app.config, folder, jobs=jobs)
    for note in report.left_out:
        click.echo(f"未备份 / not in the backup: {note}", err=True)
    _problems(report)
    click.echo(f"备份完成 / backup written to {folder}: the database, {len(report.files)} files "
               f"({', '.join(report.files)}), {report.blobs} blobs ({report.copied} copied now, "
               f"{report.bytes} bytes). It holds the keys: keep it as safe as the data.")
    if report.problems:
        raise SystemExit(1)


def _problems(report: Report) -> None:
    for p in report.problems:
        click.echo(f"{p['kind']:<10} {p['key']}  {p['detail']}", err=True)


@click.command("restore")
@click.argument("folder", metavar="DIR",
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=4, show_default=True,
              help="Blobs copied at once (threads).")
@click.pass_context
def restore_command(ctx: click.Context, folder: Path, jobs: int) -> None:
    """Make a new data directory (ECASE_DATA_DIR, ECASE_STORAGE_URL …) from the backup in
    DIR: blobs (each re-hashed), files, then the database; then rebuild the search index.
    Refuses to overwrite a database or file that exists. Exit 1 if a blob is damaged.

    Afterwards: `ecase audit verify`, `ecase storage verify`, and note the restore with
    a new anchor (docs/audit.md, After restoring a database backup)."""
    from ecase import create_app, settings

    values = settings.load()
    report = restore(values, folder, jobs=jobs)
    _problems(report)
    click.echo(f"已恢复 / restored into {values['DATA_DIR']}: {report.blobs} blobs, "
               f"{len(report.files)} files, the database", err=True)
    if report.left_out and not _placed(values, "audit.key").exists():
        for note in report.left_out:
            click.echo(f"备份中没有 / not in the backup: {note}", err=True)
        click.echo("请先放回审计密钥文件再启动 ecase，否则 ecase 会新建密钥、审计日志将无法校验 / put the "
                   f"audit key file back at {_placed(values, 'audit.key')} before anything else: "
                   "without it ecase makes a new key and the trail no longer verifies", err=True)
    app = create_app()  # migrations of a newer ecase are applied here
    try:
        with app.app_context():
            from ecase.cli import main

            main.main(["search", "reindex"], prog_name="ecase", standalone_mode=False,
                      obj=ScriptInfo(create_app=lambda: app))
    finally:
        app.extensions["ecase.db"].engine.dispose()
    click.echo("恢复完成 / restore done. Next: `ecase audit verify`, `ecase storage verify`, "
               "`ecase audit anchor` (docs/audit.md)")
    if report.problems:
        ctx.exit(1)
