"""The ``ecase`` command: Flask's CLI group (``ecase run``, ``ecase routes``, ``ecase shell``)
plus the commands of every area.

Areas add commands to their blueprint's ``cli`` (blueprints are made with
``cli_group=None`` so their commands stand at the top level). Commands that must not
touch the database (``ecase extract``) are defined here on the group itself.
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
from flask.cli import FlaskGroup, run_command, with_appcontext

from ecase import create_app


def _make_app() -> Any:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_make_app, add_default_commands=False,
             help="ecase — 电子卷宗系统 / electronic case files.\n\n"
                  "All state lives under ECASE_DATA_DIR (default ./instance).")
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
    """Run the web service (and, by default, a worker) on this machine.

    On the first start an admin account is made and its password printed once (or taken
    from ECASE_ADMIN_PASSWORD). Any further options go to Flask's development server
    (--host, --port …)."""
    from flask.cli import ScriptInfo

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


from ecase.demo import demo_command  # noqa: E402

main.add_command(demo_command)


@main.command("extract", with_appcontext=False)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
@click.option("--jobs", "-j", type=int, default=None, help="Parallel page workers (default: cores).")
@click.option("--names", "names_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A file of the bureau's own names (UTF-8, one a line, # comments: institutions, "
                   "document-number heads such as 岱槐公): close misreadings of them are put right.")
def extract(files: tuple[str, ...], fmt: str, jobs: int | None, names_file: str | None) -> None:
    """Recognise the scan(s) FILES without touching the database: print the pages
    (rotation, skew, blank) and the documents found with their fields, as one JSON
    object. Pages are numbered 1-based over all FILES in order."""
    from scanning.errors import ScanError
    from scanning.extract import extract as run_extract
    from scanning.recognition.lexicon import Lexicon

    lexicon = None
    if names_file:
        try:
            lexicon = Lexicon.load(names_file)
        except (OSError, UnicodeDecodeError) as e:
            raise click.ClickException(f"cannot read names file {names_file}: {e}") from None
    try:
        result = run_extract([Path(f) for f in files], jobs=jobs, lexicon=lexicon)
    except ScanError as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":  # pragma: no cover
    main()
