"""One page pipeline: ``ecase extract`` and an ingested volume read a scan the same way.

A small volume rendered by ``scanning.synthetic`` (an acceptance form, a table document
whose pages the per-scan step reads again, and a filing decision; one page turned half
round, one a quarter; blank backs; paper page numbers in the corners) is read by
``scanning.extract`` (the code of ``ecase extract``) and ingested through the worker's
tasks (eager); pages (order, rotation, blank, paper page number, text) and documents
with their fields must be equal. Both run the default engine (``ECASE_OCR_ENGINE``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

pytestmark = pytest.mark.slow

SEED = 7


@pytest.fixture(scope="module")
def volume_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from scanning.synthetic import SyntheticScan, make_case, make_damage, make_style, render_volume, write_scan

    facts, style = make_case(SEED), make_style(SEED)
    damage = replace(make_damage(SEED), rotate_p=0.5, dpi=200)
    form = render_volume(facts, "acceptance_form", style, damage, seed=SEED)
    decision = render_volume(facts, "filing_decision", style, damage, seed=SEED + 100)
    truth = [*form.truth["pages"], *decision.truth["pages"]]
    scan = SyntheticScan(form.images + decision.images, {}, facts=facts, dpi=200)
    path = write_scan(scan, tmp_path_factory.mktemp("one-pipeline") / "受案立案.pdf")
    return path, {"case_no": facts.case_no, "case_name": facts.case_name, "truth": truth}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    from scanning.ocr import engine_name

    return {**app_config, "OCR_ENGINE": engine_name()}


def _page_row(index: int, rotation: int, blank: bool, ocr: Any) -> dict[str, Any]:
    from scanning.paper_numbers import printed_page_number

    return {"index": index, "rotation": rotation % 360, "blank": blank,
            "paper_number": None if blank else printed_page_number(ocr),
            "text": ocr.text if ocr is not None else None}


def test_extract_and_ingest_give_the_same_pages_and_fields(runner: Any, volume_pdf: Any) -> None:
    from ecase import db
    from ecase.intake.pages import page_result
    from ecase.models import Page, Volume
    from scanning.extract import extract_pages, scan_pages
    from scanning.ocr import engine_name

    path, info = volume_pdf
    engine = engine_name()

    # ecase extract: scanning.extract.extract is extract_pages(scan_pages(...)); the page
    # results are kept here to compare what the JSON leaves out (paper numbers, text)
    pages = scan_pages([path], jobs=2, engine=engine)
    extracted = extract_pages(pages)
    from_extract = [_page_row(p.index, p.rotation, p.blank, p.ocr) for p in pages]

    result = runner.invoke(args=["ingest", str(path), "--case", info["case_no"], "--wait"])
    assert result.exit_code == 0, result.output
    vol = db.session().scalars(select(Volume)).one()
    db.session().refresh(vol)
    assert vol.current is not None
    stored = [page_result(vp.page, vp.position) for vp in vol.current.pages]
    from_ingest = [_page_row(r.index, r.rotation, r.blank, r.ocr) for r in stored]

    # the rendered volume is read as it was made (so the comparison is not of two failures)
    truth = info["truth"]
    assert [(p["rotation"], p["blank"]) for p in from_extract] == [(t["rotation"], t["blank"]) for t in truth]
    assert any(p["paper_number"] for p in from_extract), from_extract
    assert {p.ocr.engine for p in pages if p.ocr is not None} == {engine}
    assert {r.ocr.engine for r in stored if r.ocr is not None} == {engine}

    assert from_ingest == from_extract
    assert [p["index"] for p in extracted["pages"]] == [vp.position for vp in vol.current.pages]
    assert [(p["rotation"], p["blank"]) for p in extracted["pages"]] == [
        (vp.page.rotation % 360, vp.page.blank) for vp in vol.current.pages]

    ingested_docs = [{"type": d.type, "first_page": d.first_position, "last_page": d.last_position,
                      "fields": {f.name: f.value for f in d.fields}} for d in vol.current.documents]
    extracted_docs = [{"type": d["type"], "first_page": d["first_page"], "last_page": d["last_page"],
                       "fields": d["fields"]} for d in extracted["documents"]]
    assert ingested_docs == extracted_docs

    # provenance names the engine that read each field's page, here and in the database
    with_provenance = extract_pages(pages, provenance=True)["documents"]
    engines = {f["engine"] for d in with_provenance for f in d["provenance"].values()}
    assert engines and all(e.split(" ")[0] == engine for e in engines), engines
    read_by = {db.session().get(Page, f.page_id).ocr["engine"]  # type: ignore[union-attr]
               for d in vol.current.documents for f in d.fields if f.page_id is not None}
    assert read_by == {engine}
    assert {"acceptance_form", "filing_decision"} <= {d["type"] for d in extracted_docs}
