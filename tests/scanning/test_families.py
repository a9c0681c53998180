"""Template families of the synthetic generator: coverage, the held-out split, truth visible on the page.

Values are checked against the generator's own log of drawn strings (``scan.meta["text"]``),
not against OCR: these tests are about what the generator draws.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from functools import lru_cache
from typing import Any

import pytest

from scanning.synthetic import families, make_case, make_style, pick_family, render_volume
from scanning.synthetic.documents import JUDGMENT_WORDS, OPINIONS, REVIEW_WORDS
from scanning.synthetic.families import ALL_TYPES, FAMILIES
from scanning.synthetic.style import Damage, capital_amount, cn_date, fmt_doc_no

FAST = Damage(dpi=50, skew_deg=0, rotate_p=0, noise=0, blur=0, jpeg_quality=None, mode="L")
#: three volume kinds that between them bind all 17 page types
KINDS = ("criminal_main", "criminal_secondary", "litigation")
SEED = 31


@lru_cache(maxsize=None)
def volume(family: str, kind: str, seed: int = SEED) -> Any:
    return render_volume(make_case(seed), kind, make_style(seed), FAST, seed=seed, family=family)


def fold(text: str) -> str:
    """Drawn text without spaces, full-width digits as ASCII."""
    text = text.translate({ord(c) + 0xFEE0: ord(c) for c in "0123456789"})
    return "".join(text.split()).replace("\u3000", "")


def date_forms(d: dt.date) -> set[str]:
    y, m, dd = d.year, d.month, d.day
    forms = {f"{y}年{m}月{dd}日", f"{y}年{m:02d}月{dd:02d}日", f"{y}.{m}.{dd}", f"{y}.{m:02d}.{dd:02d}", f"{y}{m:02d}{dd:02d}",
             f"{y}/{m}/{dd}", f"{y}-{m:02d}-{dd:02d}"}
    forms |= {cn_date(d, z) for z in "〇○零"}
    return forms


def printed_forms(name: str, value: Any, style: Any) -> set[str]:
    """The ways a true field value can be printed (the truth is normalised, the page is not)."""
    if name == "opinion":
        return {dict(OPINIONS)[value]}
    if name == "decision":
        return {REVIEW_WORDS[value]}
    if name == "result":
        return {JUDGMENT_WORDS[value].split("{")[0]}
    if name == "guarantee":
        return {"保证人", "保证金"}
    if name == "volume_kind":
        return set()  # the title, checked through the document's title
    if name == "doc_no":
        return {fold(fmt_doc_no(value, style))}
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {str(value), capital_amount(value)}
    if isinstance(value, str):
        try:
            return date_forms(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return {fold(value)}
    raise AssertionError(f"unexpected field {name}={value!r}")


def test_every_type_has_six_families_two_held() -> None:
    for dtype in ALL_TYPES:
        assert len(families.names("all", dtype)) >= 6, dtype
        assert len(families.names("held", dtype)) >= 2, dtype
        assert len(families.names("tuned", dtype)) >= 4, dtype
    assert len(ALL_TYPES) == 17


def test_held_families_live_in_their_own_module() -> None:
    for fam in FAMILIES.values():
        if fam.draw is None:
            assert fam.split == "tuned"
            continue
        module = fam.draw.__module__
        assert module.endswith(".held") == (fam.split == "held"), (fam.name, module)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_family_renders_every_type_it_covers(family: str) -> None:
    seen: set[str] = set()
    for kind in KINDS:
        scan = volume(family, kind)
        assert scan.truth["family"] == scan.meta["family"] == family
        assert len(scan.meta["text"]) == len(scan.images) == len(scan.truth["pages"])
        seen |= {d["type"] for d in scan.truth["documents"]}
    assert FAMILIES[family].covers <= seen | {"other"}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_true_values_are_drawn_on_their_pages(family: str) -> None:
    checked = 0
    for kind in KINDS:
        scan = volume(family, kind)
        style = scan.meta["style"]
        for doc in scan.truth["documents"]:
            text = fold("".join(s for page in scan.meta["text"][doc["first_page"] - 1:doc["last_page"]] for s in page))
            for name, value in doc["fields"].items():
                if name == "entries":
                    for e in value:
                        for k in ("title", "doc_no", "date"):
                            if k in e:
                                forms = printed_forms(k, e[k], style)
                                assert any(f in text for f in forms), (family, "catalog", k, e[k])
                                checked += 1
                    continue
                for v in value if isinstance(value, list) else [value]:
                    forms = printed_forms(name, v, style)
                    if forms:
                        assert any(f in text for f in forms), (family, doc["type"], name, v)
                        checked += 1
    assert checked > 100


def test_split_is_stable_across_runs() -> None:
    assert families.names("tuned") == ["classic", "ruled_grid", "underlined_lines", "running_text", "header_table", "national_form", "filled_blanks",
                                      "provincial_edition", "boxed_pen_pairs", "carbon_copy"]
    assert families.names("held") == ["stacked_cells", "open_ledger"]
    here = {s: [pick_family(seed, s) for seed in range(200)] for s in ("tuned", "held", "all")}
    code = ("import json; from scanning.synthetic import pick_family; "
            "print(json.dumps({s: [pick_family(i, s) for i in range(200)] for s in ('tuned', 'held', 'all')}))")
    for hashseed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": hashseed})
        assert json.loads(out.stdout) == here
    for split in ("tuned", "held"):
        assert set(here[split]) == set(families.names(split))  # every family is drawn


def test_held_and_tuned_draw_the_same_facts_differently() -> None:
    for held in families.names("held"):
        for tuned in families.names("tuned"):
            a, b = volume(held, "criminal_main"), volume(tuned, "criminal_main")
            fields = lambda s: [(d["type"], d["fields"]) for d in s.truth["documents"]]  # noqa: E731
            assert fields(a) == fields(b)
            for da, db in zip(a.truth["documents"], b.truth["documents"]):
                if da["type"] == "other":  # statements and photos are no template's
                    continue
                ta, tb = a.meta["text"][da["first_page"] - 1], b.meta["text"][db["first_page"] - 1]
                assert fold("".join(ta)) != fold("".join(tb)), (held, tuned, da["type"])
                assert a.images[da["first_page"] - 1].tobytes() != b.images[db["first_page"] - 1].tobytes()


def test_default_is_the_classic_drawing() -> None:
    facts = make_case(9)
    default = render_volume(facts, "filing_notice", make_style(9), FAST, seed=9)
    classic = render_volume(facts, "filing_notice", make_style(9), FAST, seed=9, family="classic")
    assert default.truth == classic.truth and default.truth["family"] == "classic"
    assert [i.tobytes() for i in default.images] == [i.tobytes() for i in classic.images]
    with pytest.raises(ValueError):
        render_volume(facts, "filing_notice", make_style(9), FAST, seed=9, family="nope")
