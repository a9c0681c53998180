"""A bureau's own names put right what OCR misread of them, and nothing else.

Tesseract's chi_sim has no 泺 at all and misreads 岱 and 槐荫; a names file (the bureau,
its procuratorate, court, the heads of its numbers) lets recognition put such readings
right. These tests use fake OCR pages (no Tesseract): misreadings are written in by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanning.recognition import recognize
from scanning.recognition.lexicon import Lexicon, correct_fields, load_names
from scanning.types import FieldValue, Line, PageOCR, PageResult, Word

BUREAU = "岱西市公安局槐荫区分局"
NAMES = f"""# 岱西市公安局槐荫区分局 and those it deals with
{BUREAU}
岱西市槐荫区人民检察院   # 检察院
岱西市槐荫区人民法院
岱西市看守所
岱槐公                  # 机关代字
"""


def page(index: int, rows: list[str], conf: float = 0.88) -> PageResult:
    """A page as Tesseract reports Chinese: one word per character, row by row."""
    words, lines = [], []
    for n, row in enumerate(rows):
        y = 200 + 70 * n
        row_words = [Word(ch, (300 + 44 * k, y, 340 + 44 * k, y + 40), conf, n) for k, ch in enumerate(row) if ch != " "]
        words += row_words
        if row_words:
            lines.append(Line("".join(w.text for w in row_words), (300, y, row_words[-1].box[2], y + 40), conf))
    return PageResult(index=index, ocr=PageOCR(2480, 3508, words, lines))


def filing_decision(authority: str, number: str) -> PageResult:
    return page(1, [authority, "立案决定书", number,
                    "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对张伟盗窃案立案侦查。",
                    "", authority, "二〇一八年一月十七日"])


def fv(value: object, page_no: int = 1, conf: float = 0.9) -> FieldValue:
    return FieldValue(value, page_no, (10, 20 * page_no, 400, 20 * page_no + 30), conf, str(value))


# --- the names file -----------------------------------------------------------------------

def test_names_file_lines_and_comments(tmp_path: Path) -> None:
    f = tmp_path / "names.txt"
    f.write_text("\ufeff" + NAMES + "\n   \n岱槐公（刑）\n鲁０１０５\n", encoding="utf-8")
    lex = Lexicon.load(f)
    assert BUREAU in lex and "岱西市槐荫区人民检察院" in lex
    assert "岱槐公" in lex and "鲁0105" in lex  # a head written with its （刑） once; full-width digits folded
    assert not any("#" in e or " " in e or e == "" for e in lex.entries)
    assert len(lex) == 6


def test_names_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    f = tmp_path / "names.txt"
    assert load_names(f) is None and load_names(None) is None
    f.write_text("岱槐公\n", encoding="utf-8")
    assert load_names(f) == Lexicon(("岱槐公",))
    f.write_text("岱槐公\n岱西市看守所\n", encoding="utf-8")
    import os

    os.utime(f, (1, 2_000_000_000))
    assert "岱西市看守所" in (load_names(f) or Lexicon())


# --- correction ----------------------------------------------------------------------------

def test_one_misread_character_of_a_known_name_is_put_right() -> None:
    lex = Lexicon.parse(NAMES)
    doc = {"authority": fv("贷西市公安局槐荫区分局", conf=0.9), "procuratorate": fv("岱西市槐戎区人民检察院", 2),
           "doc_no": fv("贷槐公（刑）立字〔2018〕00123号")}
    before = dict(doc)
    changes = correct_fields([doc], lex)
    assert doc["authority"].value == BUREAU
    assert doc["procuratorate"].value == "岱西市槐荫区人民检察院"
    assert doc["doc_no"].value == "岱槐公（刑）立字〔2018〕00123号"  # the serial as printed, leading zeros kept
    for name in doc:  # provenance: what OCR read, where, with a confidence no higher than read
        assert doc[name].raw == before[name].raw and doc[name].page == before[name].page
        assert doc[name].box == before[name].box and 0.8 * before[name].conf <= doc[name].conf <= before[name].conf
    assert {(c.field, c.old) for c in changes} == {("authority", "贷西市公安局槐荫区分局"),
                                                    ("procuratorate", "岱西市槐戎区人民检察院"),
                                                    ("doc_no", "贷槐公（刑）立字〔2018〕00123号")}


def test_unknown_names_and_people_are_left_alone() -> None:
    lex = Lexicon.parse(NAMES)
    doc = {
        "authority": fv("青川市公安局东河区分局"),  # another bureau altogether
        "court": fv("泺源市槐荫区人民法院"),  # another city, same district: the whole city differs
        "defendant": fv("岱西市公安局历下区分局"),  # a neighbour: the whole district differs
        "addressee": fv("戴槐公"),  # a person's name, one character from the bureau's head
        "doc_no": fv("青东公（刑）立字〔2018〕5号"),
    }
    own = {"authority": fv(BUREAU, 2)}  # the bureau itself, read right, in the same volume
    before = {k: v.value for k, v in doc.items()}
    assert correct_fields([doc, own], lex) == []
    assert {k: v.value for k, v in doc.items()} == before


def test_an_ambiguous_reading_is_refused() -> None:
    # two bureaus of one city: 岱西市公安局槐下区分局 is one character from each
    lex = Lexicon.of([BUREAU, "岱西市公安局历下区分局", "岱槐公", "岱历公"])
    doc = {"authority": fv("岱西市公安局槐下区分局"), "doc_no": fv("岱贷公（刑）立字〔2018〕5号")}
    assert correct_fields([doc], lex) == []
    assert doc["authority"].value == "岱西市公安局槐下区分局" and doc["doc_no"].value == "岱贷公（刑）立字〔2018〕5号"


def bureaus(body: str, court_places: bool = False) -> Lexicon:
    """The names of twelve bureaus (four cities, three districts): each bureau, a ``body`` of
    its district (人民法院, 人民政府), its number head, and the cities' court place characters."""
    cities, districts = ["泺源", "青川", "东临", "岱西"], ["槐荫", "东河", "历下"]
    return Lexicon.of([f"{c}市公安局{d}区分局" for c in cities for d in districts]
                      + [f"{c}市{d}区{body}" for c in cities for d in districts]
                      + [f"{c[0]}{d[0]}公" for c in cities for d in districts]
                      + ([c[0] for c in cities] if court_places else []))


def test_a_head_many_bureaus_share_is_decided_by_the_volume() -> None:
    """泺 is no character of chi_sim: 激槐公 is one character from every X槐公 of a list of
    many bureaus; the bureau named in the volume decides, and only then."""
    lex = bureaus("人民法院", court_places=True)
    alone = {"doc_no": fv("激槐公（刑）立字〔2018〕5号")}
    assert correct_fields([alone], lex) == []  # 泺槐公? 青槐公? 东槐公? 岱槐公?

    volume = [
        {"authority": fv("激源市公安局槐荫区分局", 1), "doc_no": fv("激槐公（刑）立字〔2018〕5号", 1)},
        {"authority": fv("激源市槐萌区人民法院", 2), "doc_no": fv("（2019）激2785行初219号", 2)},
    ]
    changes = correct_fields(volume, lex)
    assert volume[0]["authority"].value == "泺源市公安局槐荫区分局"
    assert volume[0]["doc_no"].value == "泺槐公（刑）立字〔2018〕5号"
    assert volume[1]["authority"].value == "泺源市槐荫区人民法院"  # two slips, both the volume's places
    assert volume[1]["doc_no"].value == "（2019）泺2785行初219号"  # the court number's place
    assert volume[0]["doc_no"].raw == "激槐公（刑）立字〔2018〕5号"
    agreed = {c.field for c in changes if c.agreed}
    assert volume[0]["doc_no"].conf < volume[0]["authority"].conf and "doc_no" in agreed


def test_names_with_two_slips_each_are_decided_by_the_volume_together() -> None:
    """No reading is one character from an entry (岱 read 个 or 贷, 槐荫 read 枫荫 or 槐萌), so
    none decides alone; each is two characters from one bureau only and every other bureau
    is a whole place away, and two readings agree: the volume is 岱西…槐荫."""
    lex = bureaus("人民政府")
    volume = [
        {"authority": fv("个西市公安局枫荫区分局", 1), "doc_no": fv("您槐公（刑）立字〔2016〕928号", 1)},
        {"authority": fv("个西市槐戎区人民政府", 2), "respondent": fv("贷西市公安局槐萌区分局", 2)},
    ]
    changes = correct_fields(volume, lex)
    assert volume[0]["authority"].value == "岱西市公安局槐荫区分局"
    assert volume[0]["doc_no"].value == "岱槐公（刑）立字〔2016〕928号"
    assert volume[1]["authority"].value == "岱西市槐荫区人民政府"
    assert volume[1]["respondent"].value == "岱西市公安局槐荫区分局"
    assert all(c.agreed for c in changes)
    # one such reading alone decides nothing, nor do two that name different places
    alone = [{"authority": fv("个西市公安局枫荫区分局")}]
    assert correct_fields(alone, lex) == [] and alone[0]["authority"].value == "个西市公安局枫荫区分局"
    split = [{"authority": fv("个西市公安局枫荫区分局")}, {"authority": fv("个临市公安局东阿区分局")}]
    assert correct_fields(split, lex) == []


def test_the_volume_naming_two_candidates_decides_nothing() -> None:
    # 安澜市…东河区: both 安东公 and 东东公 are one character from 按东公, and the volume names 安 and 东
    lex = Lexicon.of([f"{c}市公安局{d}区分局" for c in ("安澜", "东临", "青川") for d in ("东河", "槐荫")]
                     + [f"{c[0]}{d[0]}公" for c in ("安澜", "东临", "青川") for d in ("东河", "槐荫")])
    volume = [{"authority": fv("安澜市公安局东河区分局"), "doc_no": fv("按东公（刑）立字〔2018〕5号")}]
    assert correct_fields(volume, lex) == []
    assert volume[0]["doc_no"].value == "按东公（刑）立字〔2018〕5号"


def test_catalog_rows_numbers_are_put_right() -> None:
    lex = Lexicon.parse(NAMES)
    rows = [{"seq": 1, "doc_no": "贷槐公（刑）立字〔2018〕12号", "title": "立案决定书"},
            {"seq": 2, "doc_no": "岱槐公（刑）拘字〔2018〕7号", "title": "拘留证"}, {"seq": 3, "title": "询问笔录"}]
    catalog = {"entries": fv(rows)}
    changes = correct_fields([catalog], lex)
    assert [r.get("doc_no") for r in catalog["entries"].value] == [
        "岱槐公（刑）立字〔2018〕12号", "岱槐公（刑）拘字〔2018〕7号", None]
    assert [(c.field, c.old) for c in changes] == [("entries[0].doc_no", "贷槐公（刑）立字〔2018〕12号")]


# --- recognition, extract and the command -----------------------------------------------------

def test_recognize_with_names_and_without() -> None:
    pages = [filing_decision("贷西市公安局槐荫区分局", "贷槐公（刑）立字〔2018〕123号")]
    plain = recognize(pages)[0]
    assert plain.fields["authority"].value == "贷西市公安局槐荫区分局"  # what OCR read
    assert recognize(pages, lexicon=None)[0] == plain
    assert recognize(pages, lexicon=Lexicon())[0] == plain
    assert recognize(pages, lexicon=Lexicon.of(["青川市公安局东河区分局", "青东公"]))[0] == plain

    doc = recognize(pages, lexicon=Lexicon.parse(NAMES))[0]
    assert doc.fields["authority"].value == BUREAU and doc.fields["authority"].raw == plain.fields["authority"].raw
    assert doc.fields["doc_no"].value == "岱槐公（刑）立字〔2018〕123号"
    assert {k: v.value for k, v in doc.fields.items() if k not in ("authority", "doc_no")} == \
           {k: v.value for k, v in plain.fields.items() if k not in ("authority", "doc_no")}
    recorded = {c["field"]: c for c in doc.conflicts}
    assert recorded["authority"]["chosen"] == BUREAU
    assert [c["value"] for c in recorded["authority"]["candidates"]] == ["贷西市公安局槐荫区分局", BUREAU]


def test_extract_command_takes_a_names_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import scanning.extract
    from ecase.cli import main

    monkeypatch.setattr(scanning.extract, "scan_pages", lambda paths, jobs=None, **kw: [
        filing_decision("贷西市公安局槐荫区分局", "贷槐公（刑）立字〔2018〕123号")])
    monkeypatch.setenv("ECASE_DATA_DIR", str(tmp_path / "never-made"))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF- stand-in; scan_pages is replaced")
    names = tmp_path / "names.txt"
    names.write_text(NAMES, encoding="utf-8")

    plain = CliRunner().invoke(main, ["extract", str(scan), "--format", "json"])
    named = CliRunner().invoke(main, ["extract", str(scan), "--format", "json", "--names", str(names)])
    assert plain.exit_code == 0 and named.exit_code == 0, plain.output + named.output
    a, b = json.loads(plain.stdout), json.loads(named.stdout)
    assert a["documents"][0]["fields"]["authority"] == "贷西市公安局槐荫区分局"
    assert b["documents"][0]["fields"]["authority"] == BUREAU
    assert b["documents"][0]["fields"]["doc_no"] == "岱槐公（刑）立字〔2018〕123号"
    # the contract's shape is the same with names as without
    assert set(a) == set(b) == {"pages", "documents"} and a["pages"] == b["pages"]
    assert [set(d) for d in a["documents"]] == [set(d) for d in b["documents"]]
    assert not (tmp_path / "never-made").exists()

    missing = CliRunner().invoke(main, ["extract", str(scan), "--names", str(tmp_path / "none.txt")])
    assert missing.exit_code != 0 and "Traceback" not in missing.output


def test_names_file_setting_defaults_to_the_data_directory(tmp_path: Path) -> None:
    from ecase import settings

    assert settings.load(None, {"ECASE_DATA_DIR": str(tmp_path)})["NAMES_FILE"] == str(tmp_path.resolve() / "names.txt")
    other = tmp_path / "bureau-names.txt"
    assert settings.load(None, {"ECASE_DATA_DIR": str(tmp_path), "ECASE_NAMES_FILE": str(other)})["NAMES_FILE"] == str(other)


# --- places in free text ---------------------------------------------------------------------

def test_a_place_of_the_volume_misread_in_free_text_is_put_right() -> None:
    lex = Lexicon.parse(NAMES)
    summary = "2018年3月27日，报案人李明报称其在贷西市槐萌区幸福里83号发生盗窃一事，请求公安机关处理。"
    docs = [{"authority": fv("贷西市公安局槐荫区分局")}, {"summary": fv(summary)}]
    changes = correct_fields(docs, lex)
    assert docs[1]["summary"].value == summary.replace("贷西市", "岱西市").replace("槐萌区", "槐荫区")
    assert docs[1]["summary"].raw == summary  # the reading is kept
    assert any(c.field == "summary" for c in changes)


def test_free_text_places_are_left_alone_without_a_matched_name_or_when_another_place() -> None:
    lex = Lexicon.parse(NAMES)
    summary = "报案人李明报称其在贷西市东城区幸福里83号发生盗窃一事"
    alone = [{"summary": fv(summary)}]  # nothing in the volume matched the bureau's names
    correct_fields(alone, lex)
    assert alone[0]["summary"].value == summary
    other = "报案人李明报称其在青川市历城区幸福里83号发生盗窃一事"  # two characters off: another city
    docs = [{"authority": fv(BUREAU)}, {"summary": fv(other)}]
    correct_fields(docs, lex)
    assert docs[1]["summary"].value == other


def test_a_place_of_the_names_list_misread_in_free_text_is_put_right_when_only_one_is_near() -> None:
    lex = Lexicon.parse(NAMES + "岱西市公安局历下区分局\n岱西市公安局历城区分局\n")
    docs = [{"authority": fv(BUREAU)}, {"summary": fv("报案人李明报称其在岱西市历下匹幸福里83号")},
            {"summary": fv("报案人李明报称其在岱西市万下区幸福里83号")}, {"summary": fv("报案人李明报称其在岱西市历成区幸福里83号")}]
    correct_fields(docs, lex)
    assert docs[2]["summary"].value == "报案人李明报称其在岱西市历下区幸福里83号"  # another district of the city
    assert docs[3]["summary"].value == "报案人李明报称其在岱西市历成区幸福里83号"  # 历下区 and 历城区 both one off
    assert docs[1]["summary"].value == "报案人李明报称其在岱西市历下匹幸福里83号"  # no place word: left as read
