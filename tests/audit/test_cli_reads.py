"""Issue 13: every read and export from the command line is audited, under ``--as`` as
that user and otherwise as the shell user; the entry names the shell user either way,
and a refusal leaves a ``denied`` entry."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from ecase import db
from ecase.audit import verify
from ecase.models import AuditEntry


def _entries(action: str | None = None) -> list[AuditEntry]:
    """Committed entries only (the runner shares the test's session: what a command left
    uncommitted would otherwise show, though a real process would lose it)."""
    db.session().rollback()
    rows = db.session().scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    return [e for e in rows if action is None or e.action == action]


def test_search_as_a_user_is_recorded(runner: Any, make_user: Any) -> None:
    """Failed before issue 13's fix: `ecase search --as` left no entry."""
    make_user("zhang", "clerk")
    out = runner.invoke(args=["search", "盗窃", "--as", "zhang", "--json"])
    assert out.exit_code == 0, out.output
    [e] = _entries("search")
    assert (e.username, e.role) == ("zhang", "clerk") and e.user_id is not None
    assert e.detail["q"] == "盗窃" and e.detail["hits"] == 0
    assert e.detail["via"] == "cli" and e.detail["shell_user"] == getpass.getuser()
    assert verify(db.session()).ok


def test_search_without_as_is_the_shell_users(runner: Any) -> None:
    assert runner.invoke(args=["search", "立案"]).exit_code == 0
    [e] = _entries("search")
    assert e.username == f"shell:{getpass.getuser()}" and e.role == "system" and e.user_id is None


def test_a_refused_export_is_recorded(runner: Any, make_user: Any, tmp_path: Path) -> None:
    make_user("zhang", "clerk")
    out = runner.invoke(args=["export", "A-NOT-HERE", "--out", str(tmp_path / "x.zip"), "--as", "zhang"])
    assert out.exit_code == 1
    [e] = _entries("denied")
    assert (e.username, e.target_type, e.target_id) == ("zhang", "case", "A-NOT-HERE")
    assert e.detail["action"] == "export" and e.detail["error"] == "not_found"


def test_supervision_check_as_a_user_is_recorded(runner: Any, make_user: Any) -> None:
    make_user("li", "leader")
    out = runner.invoke(args=["check", "--as-of", "2018-03-31", "--as", "li", "--json"])
    assert out.exit_code == 0, out.output
    [e] = _entries("view")
    assert (e.username, e.target_type) == ("li", "findings")
    assert e.detail["as_of"] == "2018-03-31" and e.detail["findings"] == 0


def test_audit_list_is_itself_recorded(runner: Any) -> None:
    out = runner.invoke(args=["audit", "list"])
    assert out.exit_code == 0 and "shell:" in out.output
    [e] = _entries("view")
    assert e.target_type == "audit"


@pytest.mark.slow
def test_export_as_a_user_is_recorded(runner: Any, make_user: Any, small_scan: Any,
                                      tmp_path: Path) -> None:
    """Failed before issue 13's fix: the export's entry was never committed."""
    path, info = small_scan
    user = make_user("zhang", "clerk")
    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--case-name",
                                 info["case_name"], "--wait", "--json", "--as", "zhang"])
    assert result.exit_code == 0, result.output
    [read] = _entries("view")  # the volume printed
    assert (read.username, read.target_type) == ("zhang", "volume")
    out = tmp_path / "package.zip"
    result = runner.invoke(args=["export", info["case_no"], "--out", str(out), "--as", "zhang"])
    assert result.exit_code == 0, result.output
    [e] = _entries("export")
    assert (e.username, e.user_id, e.target_type) == ("zhang", user.id, "case")
    assert e.detail["case_no"] == info["case_no"] and e.detail["volumes"]
    assert e.detail["shell_user"] == getpass.getuser()
    uploads = _entries("upload")
    assert uploads and uploads[0].username == "zhang"
    assert verify(db.session()).ok
