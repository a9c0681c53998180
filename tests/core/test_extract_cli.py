"""``ecase extract``: the stateless recognition command and its JSON contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.slow


def test_extract_prints_the_contract_and_touches_no_data(small_scan: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from ecase.cli import main

    path, info = small_scan
    data = tmp_path / "never-made"
    monkeypatch.setenv("ECASE_DATA_DIR", str(data))
    result = CliRunner().invoke(main, ["extract", str(path), "--format", "json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"pages", "documents"}
    assert [p["index"] for p in out["pages"]] == list(range(1, info["pages"] + 1))
    for p in out["pages"]:
        assert set(p) == {"index", "rotation", "skew_deg", "blank"} and p["rotation"] in (0, 90, 180, 270)
    first = out["documents"][0]
    assert set(first) >= {"type", "title", "first_page", "last_page", "fields", "confidence"}
    assert first["type"] == "filing_decision" and first["first_page"] == 1
    assert "〔" in first["fields"]["doc_no"]  # normalised brackets
    assert not data.exists()  # no database, no blobs, no index


def test_extract_refuses_a_bad_file_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecase.cli import main

    bad = tmp_path / "案卷.pdf"
    bad.write_text("not a scan\n" * 20)
    monkeypatch.setenv("ECASE_DATA_DIR", str(tmp_path / "d"))
    result = CliRunner().invoke(main, ["extract", str(bad)])
    assert result.exit_code != 0
    assert "案卷.pdf" in result.output and "Traceback" not in result.output
