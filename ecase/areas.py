"""The feature areas: each subpackage of ``ecase`` with a ``blueprint.py``, ``commands.py``
or ``tasks.py`` of its own.

Areas are found here, never imported by name, so adding one touches no other file:

- ``blueprint.py`` exposes ``bp``, the URL table (and may offer ``init_app(app)`` for its
  request hooks); ``ecase.web`` registers it.
- ``commands.py`` exposes ``COMMANDS``, the area's top-level click commands and groups;
  :func:`commands` finds them without an app (``ecase --help`` has no side effects) and
  ``ecase.web`` adds them to ``app.cli``.
- ``tasks.py`` defines the area's Celery tasks; ``ecase.tasks`` imports it, which
  registers them with the worker.

No area's blueprint imports its commands or tasks, and no command module imports its
blueprint.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import click


def modules(leaf: str) -> list[ModuleType]:
    """``ecase.<area>.<leaf>`` of every area that has one, in the areas' alphabetical order."""
    import ecase

    found = []
    for info in sorted(pkgutil.iter_modules([str(Path(ecase.__file__).parent)]), key=lambda i: i.name):
        if not info.ispkg:
            continue
        name = f"ecase.{info.name}.{leaf}"
        try:
            found.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
    return found


def commands() -> dict[str, click.Command]:
    """Every area's commands by name (the same objects each call)."""
    return dict(_commands())


@functools.cache
def _commands() -> tuple[tuple[str, click.Command], ...]:
    found: dict[str, click.Command] = {}
    for module in modules("commands"):
        for cmd in module.COMMANDS:
            if cmd.name is None or cmd.name in found:
                raise RuntimeError(f"{module.__name__}: command {cmd.name!r} has no name or is taken")
            found[cmd.name] = cmd
    return tuple(sorted(found.items()))
