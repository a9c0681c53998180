"""From stored pages to the procuratorate's package and back: ecase export, ecase verify."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from sqlalchemy import select

from ecase import db
from ecase.models import Page, Scan, Volume

pytestmark = pytest.mark.slow


@pytest.fixture
def ingested(runner: Any, small_scan: Any) -> dict[str, Any]:
    path, info = small_scan
    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--case-name",
                                 info["case_name"], "--wait"])
    assert result.exit_code == 0, result.output
    return info


def test_export_verify_and_tamper(runner: Any, ingested: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "package.zip"
    result = runner.invoke(args=["export", ingested["case_no"], "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["verify", str(out)]).exit_code == 0

    again = tmp_path / "again.zip"
    assert runner.invoke(args=["export", ingested["case_no"], "--out", str(again)]).exit_code == 0
    assert out.read_bytes() == again.read_bytes()  # reproducible

    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        pdf_name = next(n for n in names if n.endswith(".pdf"))
        assert "manifest.json" in names
        pdf_bytes = z.read(pdf_name)
    with pikepdf.open(__import__("io").BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) == ingested["pages"]
        assert [p.label for p in pdf.pages] == ["1", "2"]
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert any("立案决定书" in t for t in titles)
    (tmp_path / "v.pdf").write_bytes(pdf_bytes)
    text = subprocess.run(["pdftotext", str(tmp_path / "v.pdf"), "-"], capture_output=True, text=True).stdout
    assert "立案" in text

    # change one byte inside the PDF member: verify names the file
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == pdf_name:
                i = data.index(b"/Contents") + 40
                data = data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1:]
            dst.writestr(info, data)
    bad = runner.invoke(args=["verify", str(tampered)])
    assert bad.exit_code != 0
    assert pdf_name in bad.output


def test_export_refused_while_pages_are_pending(runner: Any, ingested: dict[str, Any], tmp_path: Path) -> None:
    page = db.session().scalars(select(Page).order_by(Page.id)).first()
    assert page is not None
    page.state = "pending"
    db.session().commit()
    result = runner.invoke(args=["export", ingested["case_no"], "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0
    assert "未处理" in result.output and "第1页" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_secondary_volume_only_when_asked(runner: Any, ingested: dict[str, Any], small_scan: Any,
                                          tmp_path: Path) -> None:
    path, info = small_scan
    assert runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--volume-kind",
                               "criminal_secondary", "--wait"]).exit_code == 0
    plain, full = tmp_path / "plain.zip", tmp_path / "full.zip"
    assert runner.invoke(args=["export", info["case_no"], "--out", str(plain)]).exit_code == 0
    assert runner.invoke(args=["export", info["case_no"], "--out", str(full), "--include-secondary"]).exit_code == 0
    count = lambda p: sum(n.endswith(".pdf") for n in zipfile.ZipFile(p).namelist())  # noqa: E731
    assert count(plain) == 1 and count(full) == 2
    assert db.session().scalar(select(Volume).where(Volume.kind == "criminal_secondary")) is not None
    assert len(db.session().scalars(select(Scan)).all()) == 2


def test_export_in_the_browser_flow(client: Any, login: Any, make_user: Any, ingested: dict[str, Any]) -> None:
    from ecase.models import Case

    login(make_user("clerk", "clerk", unit="未分配单位"))
    case = db.session().scalars(select(Case)).one()
    page = client.get(f"/cases/{case.id}/export")
    assert page.status_code == 200 and "生成移送包" in page.get_data(as_text=True)
    resp = client.post(f"/cases/{case.id}/export", data={})
    assert resp.status_code == 302
    job_id = int(resp.headers["Location"].split("job=")[1])
    status = client.get(f"/api/exports/{job_id}").get_json()
    assert status["state"] == "done", status
    dl = client.get(status["download"])
    assert dl.status_code == 200 and dl.mimetype == "application/zip"
    assert dl.get_data()[:2] == b"PK"
    dl.close()


def test_export_never_leaves_out_an_acknowledged_page(runner: Any, ingested: dict[str, Any],
                                                      tmp_path: Path) -> None:
    """A version that lacks some pages of an accepted scan (what two scans finishing at
    once used to leave) is refused naming the scan and its pages; the package it made
    before said 'whole' (6 of 8 pages went out)."""
    from ecase.models import VolumePage, VolumeVersion

    vol = db.session().scalars(select(Volume)).one()
    current = vol.current
    assert current is not None and len(current.pages) == ingested["pages"] >= 2
    short = VolumeVersion(volume_id=vol.id, number=current.number + 1, reason="test: a lost page")
    short.pages.append(VolumePage(position=1, page_id=current.pages[0].page_id))
    db.session().add(short)
    db.session().commit()
    db.session().expire_all()  # as another process would read it
    result = runner.invoke(args=["export", ingested["case_no"], "--out", str(tmp_path / "x.zip")])
    assert result.exit_code != 0
    assert "立案文书.pdf" in result.output and "第2页不在当前版本中" in result.output
    assert not (tmp_path / "x.zip").exists()


def test_verify_checks_the_package_against_the_database(runner: Any, ingested: dict[str, Any],
                                                        small_scan: Any, tmp_path: Path) -> None:
    """A package made before a scan was accepted lacks it: ``ecase verify`` names the scan
    when the case is in its database, and checks the package alone with --offline."""
    path, info = small_scan
    out = tmp_path / "before.zip"
    assert runner.invoke(args=["export", info["case_no"], "--out", str(out)]).exit_code == 0
    import json

    with zipfile.ZipFile(out) as z:
        manifest = json.loads(z.read("manifest.json"))
    scans = manifest["volumes"][0]["scans"]
    assert [(s["file"], s["pages"]) for s in scans] == [("立案文书.pdf", info["pages"])]
    ok = runner.invoke(args=["verify", str(out)])
    assert ok.exit_code == 0 and "database" in ok.output, ok.output

    renamed = tmp_path / "补充材料.pdf"
    renamed.write_bytes(path.read_bytes())
    assert runner.invoke(args=["ingest", str(renamed), "--case", info["case_no"], "--wait"]).exit_code == 0
    stale = runner.invoke(args=["verify", str(out)])
    assert stale.exit_code == 1
    assert "补充材料.pdf" in stale.output and "scan_missing" in stale.output
    assert runner.invoke(args=["verify", "--offline", str(out)]).exit_code == 0
