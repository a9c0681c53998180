"""``ecase --help``, every command's ``--help`` and ``ecase --version`` have no side
effects: run in an empty folder they make no ``./instance``, database, migration or key."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

from flask import Flask

REPO = Path(__file__).resolve().parents[2]


def _ecase() -> list[str]:
    script = Path(sys.executable).parent / "ecase"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecase.cli"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ECASE_", "FLASK_"))}
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(REPO)  # this tree, wherever the test runs from
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _everything_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_help_and_version_touch_nothing(tmp_path: Path) -> None:
    cwd, home = tmp_path / "empty", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    env = _env(home)

    out = subprocess.run([*_ecase(), "--help"], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    for name in ("serve", "run", "worker", "db", "storage", "backup", "restore", "users", "audit",
                 "search", "export", "ingest"):
        assert f"  {name} " in out.stdout, name
    assert "Traceback" not in out.stderr

    out = subprocess.run([*_ecase(), "--version"], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ecase {version('ecase')}"
    assert "Flask" not in out.stdout

    assert _everything_under(cwd) == [] and _everything_under(home) == []


WALK = textwrap.dedent("""
    import sys
    import click
    from click.testing import CliRunner
    from ecase.cli import main

    def walk(cmd, path):
        yield path
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                yield from walk(cmd.get_command(ctx, name), [*path, name])

    runner = CliRunner()
    seen = 0
    for path in walk(main, []):
        result = runner.invoke(main, [*path, "--help"], catch_exceptions=False)
        if result.exit_code != 0 or "Usage:" not in result.output:
            sys.exit(f"ecase {' '.join(path)} --help failed: {result.output}")
        seen += 1
    print(seen)
""")


def test_every_commands_help_touches_nothing(tmp_path: Path) -> None:
    """Every command and subcommand, found the way ``--help`` finds them, in a fresh process
    (no app built before) in an empty folder."""
    cwd, home = tmp_path / "empty", tmp_path / "home"
    cwd.mkdir()
    home.mkdir()
    out = subprocess.run([sys.executable, "-c", WALK], cwd=cwd, env=_env(home), capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert int(out.stdout.strip()) > 30  # every command and subcommand was asked
    assert _everything_under(cwd) == [] and _everything_under(home) == []


def test_area_commands_are_the_apps(app: Flask) -> None:
    """The commands ``ecase`` finds without an app are exactly the ones the app registers."""
    from ecase.cli import area_commands

    assert set(area_commands()) == set(app.cli.commands)
    for name, cmd in area_commands().items():
        assert app.cli.commands[name] is cmd, name
