"""docs/deploy.md matches deploy/: the units it names exist and start the commands it
says, those commands exist, and every setting the guide and the example env file name is
a real one."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import click

from ecase import settings
from ecase.cli import main

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
UNITS = REPO / "deploy" / "systemd"


def _unit(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), value.strip())
    return values


def _resolves(args: list[str]) -> None:
    """``ecase ARGS…`` names a command (options and their values aside)."""
    cmd: click.Command = main
    ctx = click.Context(main)
    for word in args:
        if word.startswith("-") or not isinstance(cmd, click.Group):
            break
        sub = cmd.get_command(ctx, word)
        assert sub is not None, f"ecase {' '.join(args)}: no command {word!r}"
        cmd = sub


def test_every_unit_the_guide_names_exists_and_starts_what_it_says() -> None:
    named = set(re.findall(r"`(ecase-[a-z]+\.(?:service|timer))`", DOC))
    assert named == {p.name for p in UNITS.iterdir()}
    for path in UNITS.glob("*.service"):
        unit = _unit(path)
        exec_start = shlex.split(unit["ExecStart"])
        assert exec_start[0] == "/opt/ecase/venv/bin/ecase", path.name
        command = " ".join(["ecase", *exec_start[1:]])
        _resolves(exec_start[1:])
        row = next(line for line in DOC.splitlines() if line.startswith("|") and path.name in line)
        assert f"`{command}`" in row, (path.name, command)
        assert unit["User"] == "ecase" and unit["EnvironmentFile"] == "/etc/ecase/ecase.env"
        assert unit["WorkingDirectory"] == "/var/lib/ecase"
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / timer.name.replace(".timer", ".service")).exists()


def _commands_shown() -> list[str]:
    """The text of the guide's code: its code blocks (comments aside) and inline code."""
    shown, in_block = [], False
    for line in DOC.splitlines():
        if line.startswith("```"):
            in_block = not in_block
        elif in_block:
            shown.append(line.split(" #", 1)[0])
        else:
            shown += re.findall(r"`([^`]+)`", line)
    return shown


def test_every_ecase_command_in_the_guide_exists() -> None:
    top = set(main.list_commands(click.Context(main)))
    seen = 0
    for text in _commands_shown():
        for m in re.finditer(r"(?:^|[\s;&(/])(?:ecasectl|ecase)((?: [a-z][a-z-]*)+)", text):
            words = m.group(1).split()
            if words[0] in top or words[0] in {"upgrade", "verify", "copy", "reindex", "anchor"}:
                _resolves(words)  # (the second list: subcommands misplaced, to be caught)
                seen += 1
    assert seen > 20


def test_every_setting_named_is_declared() -> None:
    declared = {f"ECASE_{s.name}" for s in settings.SETTINGS}
    example = (REPO / "deploy" / "ecase.env.example").read_text(encoding="utf-8")
    for text, where in ((DOC, "docs/deploy.md"), (example, "deploy/ecase.env.example")):
        for name in re.findall(r"\bECASE_[A-Z_]+[A-Z]\b", text):
            assert name in declared or name in {"ECASE_ENV_FILE", "ECASE_BIN"}, f"{name} in {where}"
    for line in example.splitlines():
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            assert name in declared or name.startswith("AWS_"), name


def test_ecasectl_is_a_shell_script_that_parses() -> None:
    path = REPO / "deploy" / "ecasectl"
    assert os.access(path, os.X_OK)
    subprocess.run(["sh", "-n", str(path)], check=True)
