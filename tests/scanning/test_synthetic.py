"""The synthetic scan generator: deterministic, self-consistent, truth in the extract contract."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from scanning.synthetic import (
    DOCUMENT_TYPES,
    Damage,
    make_case,
    make_damage,
    make_style,
    render_document,
    render_volume,
    write_scan,
)
from scanning.synthetic.facts import fake_id_no
from scanning.recognition.normalize import id_checksum_ok, normalize_doc_no

FAST = Damage(dpi=100, skew_deg=2, rotate_p=0.5, noise=3, blur=0, jpeg_quality=70, mode="L")


def test_same_seed_same_case_and_pages() -> None:
    a, b = make_case(5), make_case(5)
    assert a == b
    s1 = render_volume(a, "filing_decision", make_style(5), FAST)
    s2 = render_volume(b, "filing_decision", make_style(5), FAST)
    assert s1.truth == s2.truth
    assert [i.tobytes() for i in s1.images] == [i.tobytes() for i in s2.images]
    assert make_case(6).case_name != a.case_name or make_case(6).case_no != a.case_no


def test_invented_identity_numbers_check_out_but_are_not_real() -> None:
    facts = make_case(11)
    for p in [facts.reporter, *facts.suspects]:
        assert id_checksum_ok(p.id_no) and p.id_no.startswith("99")


@pytest.mark.parametrize("kind", ["criminal_main", "administrative", "reconsideration", "litigation", "criminal_secondary"])
def test_volume_truth_matches_contract(kind: str) -> None:
    facts = make_case(21)
    scan = render_volume(facts, kind, make_style(21), FAST, seed=21)
    truth = scan.truth
    assert len(truth["pages"]) == len(scan.images)
    assert [p["index"] for p in truth["pages"]] == list(range(1, len(scan.images) + 1))
    docs = truth["documents"]
    assert docs[0]["type"] == "dossier_cover" and docs[1]["type"] == "catalog" and docs[-1]["type"] == "backup_sheet"
    for d in docs:
        assert set(d) == {"type", "title", "first_page", "last_page", "fields"}
        assert d["first_page"] <= d["last_page"]
        assert not truth["pages"][d["first_page"] - 1]["blank"]
    entries = docs[1]["fields"]["entries"]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    for e in entries:
        if "doc_no" in e:
            assert normalize_doc_no(e["doc_no"]) == e["doc_no"]
    numbered = entries[-1]["last_page"]
    assert docs[0]["fields"]["page_count"] == numbered == docs[-1]["fields"]["page_count"]
    for p, img in zip(truth["pages"], scan.images):
        portrait = img.height > img.width
        assert portrait == (p["rotation"] in (0, 180))


def test_every_document_type_renders() -> None:
    facts = make_case(3)
    for dtype in DOCUMENT_TYPES:
        pages = render_document(dtype, facts, make_style(3), dpi=72)
        assert pages and all(isinstance(p, Image.Image) for p in pages)


def test_consistent_facts_across_documents() -> None:
    facts = make_case(8)
    scan = render_volume(facts, "criminal_main", make_style(8), FAST, seed=8)
    names = {d["fields"].get("case_name") for d in scan.truth["documents"] if "case_name" in d["fields"]}
    assert names == {facts.case_name}


@pytest.mark.parametrize("fmt", ["pdf", "tiff", "jpegs"])
def test_write_scan_formats(tmp_path: Path, fmt: str) -> None:
    scan = render_volume(make_case(4), "arrest_warrant", make_style(4), FAST)
    out = write_scan(scan, tmp_path / f"scan.{fmt}", fmt)
    if fmt == "jpegs":
        assert len(list(out.glob("*.jpg"))) == len(scan.images)
    elif fmt == "tiff":
        with Image.open(out) as im:
            assert im.n_frames == len(scan.images)
    else:
        assert out.read_bytes().startswith(b"%PDF")


def test_damage_levels_differ() -> None:
    assert make_damage(1, "clean").rotate_p == 0
    assert make_damage(1, "heavy").skew_deg == 3.0
    assert fake_id_no.__doc__


def test_a_form_too_long_for_its_body_size_is_drawn_smaller_never_off_the_sheet() -> None:
    """Every string of a document's truth must be on its page: a form that runs past the
    sheet at 16pt is drawn a point smaller at a time until it fits (other pages unchanged)."""
    import random

    import numpy as np

    from scanning.synthetic.render import render_pages
    from scanning.synthetic.style import Style

    style = Style(body_pt=16, line_spacing=1.6)
    short = [("para", "本页文字不多。")]
    long = [("para", f"第{i}行：这一行的文字占满一行的宽度。") for i in range(36)]
    logs: list[list[str]] = []
    imgs = render_pages([short, long], style, 100, random.Random(1), None, logs)
    assert render_pages([short], style, 100, random.Random(1), None)[0].tobytes() == imgs[0].tobytes()
    foot = np.asarray(imgs[1].convert("L"))[-round(100 * 5 / 25.4):]
    assert foot.min() > 128  # nothing drawn in the last 5 mm
    assert any("第35行" in s for s in logs[1])
