"""No circles in the house (issue 16): read from the imports themselves, those inside
functions included.

- an area's ``blueprint.py`` is only the URL table: it imports no ``commands`` or
  ``tasks`` module (``ecase.areas`` finds those), and no ``commands.py`` imports a blueprint;
- the dossiers area imports nothing of the search area (a new volume version reaches
  re-indexing through ``ecase.dossiers.hooks``);
- the rooms outside ``ecase`` (``scanning``, ``search``, ``storage``, ``ledgers``) import
  nothing of ``ecase``;
- importing the task modules of ecase, intake and the dossiers' operations loads nothing of
  the search area.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports by absolute name, anywhere in it; ``from a import b``
    gives ``a.b`` (which may name a module or a name in ``a``). Relative imports stay in
    their own package and are left out."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module or "")
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def area_files(name: str) -> list[Path]:
    return sorted((REPO / "ecase").glob(f"*/{name}"))


def test_blueprints_import_no_commands_or_tasks() -> None:
    blueprints = area_files("blueprint.py")
    assert len(blueprints) >= 8
    for path in blueprints:
        bad = {m for m in imported(path)
               if m.startswith("ecase.") and m.rsplit(".", 1)[-1] in ("commands", "tasks")}
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_commands_import_no_blueprint() -> None:
    commands = area_files("commands.py")
    assert len(commands) >= 7
    for path in commands:
        bad = {m for m in imported(path) if m.startswith("ecase.") and ".blueprint" in m}
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_dossiers_import_no_search_area() -> None:
    for path in sorted((REPO / "ecase" / "dossiers").rglob("*.py")):
        bad = {m for m in imported(path) if m.startswith("ecase.search_views")}
        assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_rooms_outside_ecase_import_no_ecase() -> None:
    for room in ("scanning", "search", "storage", "ledgers"):
        files = sorted((REPO / room).rglob("*.py"))
        assert files, room
        for path in files:
            bad = {m for m in imported(path) if m == "ecase" or m.startswith("ecase.")}
            assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}"


def test_task_modules_load_no_search_area() -> None:
    code = ("import sys, ecase.tasks, ecase.intake.tasks, ecase.dossiers.operations; "
            "print(sorted(m for m in sys.modules if m.startswith('ecase.search_views')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
