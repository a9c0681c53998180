"""Traditional characters an engine answers are read in their Simplified forms.

PP-OCR's recogniser knows both scripts and now and then answers 盜 for 盗 or 強 for 强 on a
Simplified form; the field then differs from the ledger. Fake OCR pages (no engine): the
Traditional readings are written in by hand.
"""

from __future__ import annotations

import pathlib

from scanning.ocr.simplified import simplified
from scanning.recognition import recognize
from scanning.recognition.text import PageText, fold
from tests.scanning.test_lexicon import page

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_traditional_characters_become_simplified_one_for_one() -> None:
    assert simplified("黎蘭盜竊案") == "黎兰盗窃案"
    assert simplified("韋強波、于傑健") == "韦强波、于杰健"
    assert simplified("（2019）第１２號") == "（2019）第１２号"
    for text in ("參陸萬貳", "abc 123", "①②", ""):
        assert len(simplified(text)) == len(text)


def test_simplified_text_is_left_alone() -> None:
    """Every Han character the generator, the label vocabulary and FORMS.md print is
    already Simplified (the capital numerals 參 陸 萬 貳, read as amounts, aside)."""
    chars: set[str] = set()
    for path in [*ROOT.joinpath("scanning", "synthetic").rglob("*.py"), ROOT / "scanning" / "recognition" / "labels.toml"]:
        chars |= {c for c in path.read_text(encoding="utf-8") if "\u4e00" <= c <= "\u9fff"}
    assert len(chars) > 500
    changed = {c: simplified(c) for c in chars if simplified(c) != c}
    assert set(changed) <= set("參陸萬貳"), changed


def test_fields_read_from_traditional_readings() -> None:
    res = recognize([page(1, ["东临市公安局胜利区分局", "立案决定书", "东胜公（刑）立字〔2018〕00123号",
                              "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对黎蘭盜竊案立案侦查。",
                              "", "东临市公安局胜利区分局", "二〇一八年一月十七日"])])
    doc = next(d for d in res if d.type == "filing_decision")
    assert doc.fields["case_name"].value == "黎兰盗窃案"
    assert fold("盜竊") == "盗窃" and PageText.from_page(page(1, ["強"])).text.startswith("强")
