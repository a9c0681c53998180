"""The ``ecase`` command: Flask's CLI group (``ecase routes``, ``ecase shell``), the service
commands (``run``, ``serve``, ``worker``, ``init``, ``db``, ``storage``, ``backup``,
``restore``) and the commands of every area.

Areas list their top-level commands in ``ecase.<area>.commands.COMMANDS``. They are
found here without building the app (:func:`area_commands`), so ``ecase --help``, every
command's ``--help`` and ``ecase --version`` have no side effects: no data directory,
database, migration or key is made. The app is built when a command that needs it runs.
Commands that must not touch the database (``ecase extract``, ``ecase settings``,
``ecase db``, ``ecase restore``) are defined on the group itself with
``with_appcontext=False``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo, run_command, with_appcontext

from ecase import areas, create_app


def _make_app() -> Any:
    return create_app()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ecase")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return "unknown"


def area_commands() -> dict[str, click.Command]:
    """The commands of every area, by name, as the app has them (each area's
    ``ecase.<area>.commands.COMMANDS``, found by :func:`ecase.areas.commands`), found by
    importing the command modules only: no app, no database.

    A command runs in an app context built when it runs (as Flask would push one), never
    while only its ``--help`` is shown."""
    found = areas.commands()
    for cmd in found.values():
        _in_app_context(cmd)
    return found


def _in_app_context(cmd: click.Command) -> None:
    """Make every leaf command of ``cmd`` build the app and push its context when it runs
    (groups' callbacks stay as they are: they run before a subcommand's ``--help``)."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _in_app_context(sub)
        return
    if cmd.callback is None or getattr(cmd.callback, "_ecase_app_context", False):
        return
    wrapped = with_appcontext(cmd.callback)
    wrapped._ecase_app_context = True  # type: ignore[attr-defined]
    cmd.callback = wrapped


class ECaseGroup(FlaskGroup):
    """Flask's group, but the area commands are found without loading the app (Flask
    loads it to list or find any command it does not know, which made ``--help`` create
    the data directory, migrate a database and write a secret key)."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return click.Group.get_command(self, ctx, name) or area_commands().get(name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(click.Group.list_commands(self, ctx)) | set(area_commands()))


@click.group(cls=ECaseGroup, create_app=_make_app, add_default_commands=False,
             add_version_option=False,
             help="ecase — 电子卷宗系统 / electronic case files.\n\n"
                  "All state lives under ECASE_DATA_DIR (default ./instance); `ecase settings` "
                  "lists every setting. Production: docs/deploy.md.")
@click.version_option(_version(), "--version", prog_name="ecase", message="%(prog)s %(version)s",
                      help="Print ecase's version and exit.")
def main() -> None:
    pass


for name in ("routes", "shell"):
    from flask.cli import routes_command, shell_command

    main.add_command({"routes": routes_command, "shell": shell_command}[name])


@main.command("run", with_appcontext=False, context_settings={"ignore_unknown_options": True})
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Start a background worker beside the web service (embedded default).")
@click.argument("flask_args", nargs=-1, type=click.UNPROCESSED)
@click.pass_context
def run(ctx: click.Context, worker: bool, flask_args: tuple[str, ...]) -> None:
    """Run the web service (and, by default, a worker) on this machine: the embedded,
    one-machine command (Werkzeug's server). For production use `ecase serve` and
    `ecase worker` (docs/deploy.md).

    On the first start an admin account is made and its password printed once (or taken
    from ECASE_ADMIN_PASSWORD). Any further options go to Flask's development server
    (--host, --port …)."""
    _first_admin(ctx.ensure_object(ScriptInfo).load_app())
    proc = None
    if worker:
        proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "ecase.worker:celery", "worker",
                                 "--loglevel", "INFO", "--without-heartbeat", "--without-gossip",
                                 "--without-mingle"], env=os.environ.copy())
        click.echo(f"worker started (pid {proc.pid})", err=True)
    try:
        ctx.invoke(run_command, **run_command.make_context("run", list(flask_args) + ["--no-reload"]).params)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)


@main.command("serve", with_appcontext=False)
@click.option("--bind", "-b", "binds", multiple=True, metavar="ADDRESS",
              help="HOST:PORT or unix:/path/to.sock to listen on (repeatable). "
                   "Default: ECASE_WEB_BIND.")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Processes serving requests. Default: ECASE_WEB_WORKERS.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Threads of each process. Default: ECASE_WEB_THREADS.")
def serve(binds: tuple[str, ...], workers: int | None, threads: int | None) -> None:
    """Serve the web application with gunicorn: several processes, each with several
    threads (production). Background work runs in `ecase worker`, on this machine or
    others; `ecase run` remains the one-machine command with a worker beside it.

    Pending migrations are applied (under a lock) before the processes start. Any other
    gunicorn setting can be given in GUNICORN_CMD_ARGS (e.g. "--access-logfile -").
    systemd units: deploy/systemd/; the guide: docs/deploy.md."""
    from ecase import server, settings

    values = settings.load()
    problems = server.shared_settings_problems(values)
    if problems:
        raise click.ClickException("\n".join(problems))
    workers = workers or values["WEB_WORKERS"]
    for warning in server.shared_settings_warnings(values, workers):
        click.echo(f"warning: {warning}", err=True)
    app = create_app()  # a bad setting fails here, once, instead of in every process
    try:
        _warn_without_admin(app)
    finally:
        app.extensions["ecase.db"].engine.dispose()
    server.serve(binds=list(binds) or [values["WEB_BIND"]],
                 workers=workers,
                 threads=threads or values["WEB_THREADS"])


def _warn_without_admin(app: Any) -> None:
    from sqlalchemy import select

    from ecase import db
    from ecase.models import User

    with app.app_context():
        if db.session().scalars(select(User.id).where(User.role == "admin")).first() is None:
            click.echo("提示：尚无管理员账号，请先运行 `ecase init` / no admin account yet: run "
                       "`ecase init` once (it prints the password)", err=True)


@main.command("worker", with_appcontext=False)
@click.option("--concurrency", "-c", type=int, default=None, help="Worker processes (default: cores).")
def worker(concurrency: int | None) -> None:
    """Run a background worker (Celery) for this ecase's broker."""
    args = [sys.executable, "-m", "celery", "-A", "ecase.worker:celery", "worker", "--loglevel", "INFO",
            "--without-heartbeat", "--without-gossip", "--without-mingle"]
    if concurrency:
        args += ["--concurrency", str(concurrency)]
    os.execv(sys.executable, args)


@main.command("init")
@with_appcontext
def init() -> None:
    """Create or upgrade the data directory (migrations are applied on first use), and
    make the first admin account (its password is printed once)."""
    _first_admin(current_app)
    click.echo(f"数据目录已就绪 / data directory ready: {current_app.config['DATA_DIR']}")


def _first_admin(app: Any) -> None:
    from ecase.accounts import ensure_first_admin

    with app.app_context():
        password = ensure_first_admin(app)
    if password:
        click.echo(f"已创建管理员账号 admin，初始密码（只显示这一次）：{password}", err=True)


@main.group("db")
def db_group() -> None:
    """The database's schema: apply migrations, show where it stands.

    The database is ECASE_DATABASE_URL (default SQLite in the data directory)."""


def _database() -> tuple[dict[str, Any], Any]:
    from ecase import settings
    from ecase.db import make_engine

    values = settings.load()
    return values, make_engine(values["DATABASE_URL"])


def _revisions(engine: Any) -> tuple[set[str], set[str]]:
    """The database's current revisions and the code's heads."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ecase.migrate import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()), heads


def _names(revs: set[str]) -> str:
    return ", ".join(sorted(revs)) or "(none)"


def _sqlite_file(engine: Any) -> Path | None:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    return Path(engine.url.database)


@db_group.command("upgrade", with_appcontext=False)
def db_upgrade() -> None:
    """Apply every pending migration (the database is made when there is none).

    Run it after installing a new version, before starting the services again
    (docs/deploy.md). The services apply pending migrations themselves when they start;
    this shows what happens at the shell."""
    from ecase.migrate import ensure_schema

    values, engine = _database()
    try:
        where = engine.url.render_as_string(hide_password=True)
        path = _sqlite_file(engine)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        before, heads = _revisions(engine)
        ensure_schema(engine, values["DATA_DIR"])
        after, _ = _revisions(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"数据库已是最新 / database up to date at {_names(after)}: {where}")
    else:
        click.echo(f"数据库已升级 / database upgraded {_names(before)} → {_names(after)}: {where}")


@db_group.command("current", with_appcontext=False)
@click.option("--check", is_flag=True, help="Exit 1 unless the database is up to date.")
def db_current(check: bool) -> None:
    """Print the database's migration revision and the code's, without changing anything."""
    _, engine = _database()
    try:
        where = engine.url.render_as_string(hide_password=True)
        path = _sqlite_file(engine)
        if path is not None and not path.exists():
            click.echo(f"尚无数据库 / no database yet: {where} (`ecase db upgrade` makes it)")
            sys.exit(1 if check else 0)
        current, heads = _revisions(engine)
    finally:
        engine.dispose()
    click.echo(f"database: {where}\ncurrent:  {_names(current)}\nhead:     {_names(heads)}")
    if current == heads:
        click.echo("数据库已是最新 / up to date")
        return
    click.echo("有待执行的迁移 / migrations pending: run `ecase db upgrade`")
    if check:
        sys.exit(1)


@main.command("settings", with_appcontext=False)
@click.option("--markdown", is_flag=True, help="Print the settings table as Markdown.")
def settings_cmd(markdown: bool) -> None:
    """List every setting with its default and meaning."""
    from ecase import settings

    if markdown:
        click.echo(settings.markdown(), nl=False)
        return
    for s in settings.SETTINGS:
        click.echo(f"ECASE_{s.name:<20} {s.default!s:<30} {s.help}")


from ecase.backup import backup_command, restore_command  # noqa: E402
from ecase.demo import demo_command  # noqa: E402
from ecase.storage_commands import storage_group  # noqa: E402

for command in (demo_command, storage_group, backup_command, restore_command):
    main.add_command(command)


@main.command("extract", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel page workers (default: cores).")
@click.option("--names", "names_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A file of the bureau's own names (UTF-8, one a line, # comments: institutions, "
                   "document-number heads such as 岱槐公): close misreadings of them are put right.")
@click.option("--labels", "labels_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The bureau's label vocabulary (TOML, docs/labels.md), added to the built-in one "
                   "as LABELS_FILE is for ingested scans.")
def extract(files: tuple[str, ...], fmt: str, jobs: int | None, names_file: str | None,
            labels_file: str | None) -> None:
    """Recognise the scan(s) FILES without touching the database: print the pages
    (rotation, skew, blank) and the documents found with their fields, as one JSON
    object. Pages are numbered 1-based over all FILES in order."""
    from scanning.errors import ScanError
    from scanning.extract import extract as run_extract
    from scanning.recognition.labels import LabelsError, load_labels
    from scanning.recognition.lexicon import Lexicon

    lexicon = None
    if names_file:
        try:
            lexicon = Lexicon.load(names_file)
        except (OSError, UnicodeDecodeError) as e:
            raise click.ClickException(f"cannot read names file {names_file}: {e}") from None
    try:  # a bad file is refused before any page is read (a worker logs it and goes on)
        labels = load_labels(labels_file) if labels_file else None
    except LabelsError as e:
        raise click.ClickException(str(e)) from None
    try:
        result = run_extract([Path(f) for f in files], jobs=jobs, lexicon=lexicon, labels=labels)
    except ScanError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":  # pragma: no cover
    main()
