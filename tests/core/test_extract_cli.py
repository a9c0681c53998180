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


def test_extract_reads_with_the_bureau_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--labels FILE`` adds the bureau's label variants, as LABELS_FILE does for ingested
    scans (the pages are made up here: only the reading is under test)."""
    import scanning.extract
    from ecase.cli import main
    from tests.recognition.conftest import build

    page = build(1, ["青川市公安局东河区分局", "刑 事 诉 讼 卷 宗", "案件名称：张伟盗窃案", "归档份数：4"])
    monkeypatch.setattr(scanning.extract, "scan_pages", lambda paths, jobs=None, engine=None: [page])
    monkeypatch.setenv("ECASE_DATA_DIR", str(tmp_path / "d"))
    scan = tmp_path / "封面.pdf"
    scan.write_bytes(b"%PDF-1.4\n")  # never read: scan_pages is replaced
    labels = tmp_path / "labels.toml"
    labels.write_text('[dossier_cover]\npage_count = ["归档份数"]\n', encoding="utf-8")

    def cover_fields(*args: str) -> dict[str, Any]:
        result = CliRunner().invoke(main, ["extract", str(scan), *args])
        assert result.exit_code == 0, result.output
        return dict(json.loads(result.stdout)["documents"][0]["fields"])

    assert cover_fields()["case_name"] == "张伟盗窃案" and "page_count" not in cover_fields()
    assert cover_fields("--labels", str(labels))["page_count"] == 4


def test_extract_refuses_a_bad_labels_file_by_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecase.cli import main

    labels = tmp_path / "labels.toml"
    labels.write_text('[dossier_cover]\ncase_nr = ["卷号"]\n', encoding="utf-8")
    scan = tmp_path / "封面.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setenv("ECASE_DATA_DIR", str(tmp_path / "d"))
    result = CliRunner().invoke(main, ["extract", str(scan), "--labels", str(labels)])
    assert result.exit_code != 0 and "line 2" in result.output and "labels.toml" in result.output
    assert "Traceback" not in result.output
