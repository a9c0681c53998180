"""Normalisation, bigrams and literal spans: what the index and the highlighter agree on."""

from __future__ import annotations

from search.analysis import bigrams, find_literal, normalise, normalise_with_offsets, query_terms
from search.schema import normalise_case_no, normalise_doc_no


def test_normalise_folds_width_brackets_and_space_but_drops_nothing() -> None:
    assert normalise("济天公（刑）立字〔２０１８〕123号") == normalise("济天公(刑)立字[2018]123号")
    assert normalise("立 案 决 定\n书") == "立案决定书"
    # stop words, punctuation, digits and Latin all stay
    assert normalise("的了和，。ABC 00123") == "的了和,。abc00123"


def test_offsets_point_at_source_characters() -> None:
    text = "甲 乙（丙）"
    stream, offsets = normalise_with_offsets(text)
    assert stream == "甲乙(丙)"
    assert [text[i] for i in offsets] == ["甲", "乙", "（", "丙", "）"]


def test_bigrams_have_consecutive_positions_and_a_closing_char() -> None:
    assert bigrams("立案决定") == ["立案", "案决", "决定", "定"]
    assert bigrams("x") == ["x"]
    assert bigrams("") == []
    assert query_terms("立 案") == ["立案"]
    assert query_terms("案") == ["案"]


def test_find_literal_spans_cover_letter_spaced_text() -> None:
    text = "标题：立 案 决 定 书。再说立案决定书"
    spans = find_literal(text, "立案决定书")
    assert [text[s:e] for s, e in spans] == ["立 案 决 定 书", "立案决定书"]


def test_doc_no_normal_form_follows_forms_md() -> None:
    assert normalise_doc_no("济天公(刑)立字[2018]123号") == "济天公（刑）立字〔2018〕123号"
    assert normalise_doc_no("济天公（刑）立字【２０１８】 00123 号") == "济天公（刑）立字〔2018〕00123号"
    assert normalise_case_no(" a3701050200002018010012 ") == "A3701050200002018010012"
