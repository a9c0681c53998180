"""Scans for the intake tests, rendered once per session by the project's own generator."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def small_scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A short scan: a filing decision and a filing notice, lightly damaged (PDF of JPEGs)."""
    from scanning.synthetic import make_case, make_damage, make_style, render_document, write_scan
    from scanning.synthetic.volume import SyntheticScan

    facts = make_case(11)
    style = make_style(11)
    images = render_document("filing_decision", facts, style, dpi=200) + \
        render_document("filing_notice", facts, style, dpi=200)
    images = [img.convert("L") for img in images]
    scan = SyntheticScan(images=images, truth={}, facts=facts, dpi=200)
    d = tmp_path_factory.mktemp("scans")
    path = write_scan(scan, d / "立案文书.pdf")
    return path, {"case_no": facts.case_no, "case_name": facts.case_name, "pages": len(images),
                  "damage": make_damage(11)}
