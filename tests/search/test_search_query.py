"""The query language: parsing and the spans that the viewer highlights."""

from __future__ import annotations

import pytest

from search import QuerySyntaxError, match_spans
from search.query import And, Lit, Not, Or, parse


def test_implicit_and_or_not_and_brackets() -> None:
    assert parse("张三 李四") == And((Lit("text", "张三"), Lit("text", "李四")))
    assert parse("张三 OR 李四") == Or((Lit("text", "张三"), Lit("text", "李四")))
    assert parse("张三 -李四") == And((Lit("text", "张三"), Not(Lit("text", "李四"))))
    assert parse("(张三 | 李四) NOT 王五") == And(
        (Or((Lit("text", "张三"), Lit("text", "李四"))), Not(Lit("text", "王五")))
    )
    # lower-case "or" is a word, not an operator
    assert parse("a or b") == And((Lit("text", "a"), Lit("text", "or"), Lit("text", "b")))


def test_document_numbers_keep_their_brackets() -> None:
    assert parse("济天公(刑)立字[2018]123号") == Lit("text", "济天公(刑)立字[2018]123号")
    assert parse("(济天公(刑)立字[2018]123号 OR 张三)") == Or(
        (Lit("text", "济天公(刑)立字[2018]123号"), Lit("text", "张三"))
    )


def test_phrases_and_fields() -> None:
    assert parse('"决定对其 取保候审"') == Lit("text", "决定对其 取保候审", phrase=True)
    assert parse("文号:济天公（刑）立字〔2018〕1号") == Lit("doc_no", "济天公（刑）立字〔2018〕1号")
    assert parse("type:bail_decision 日期：2018-01..2018-03") == And(
        (Lit("doc_type", "bail_decision"), Lit("doc_date", "2018-01..2018-03"))
    )
    assert parse("10:30") == Lit("text", "10:30")  # not a known field


@pytest.mark.parametrize("bad", ['"unclosed', "(张三", "张三)", "张三 NOT"])
def test_syntax_errors(bad: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(bad)


def test_match_spans_skip_negated_and_filter_literals() -> None:
    text = "犯罪嫌疑人张 三，住址北园大街1号。张三于2018年"
    spans = match_spans(text, "张三 NOT 北园 type:bail_decision")
    assert [text[s:e] for s, e in spans] == ["张 三", "张三"]
    assert match_spans(text, "") == []


def test_match_spans_merge_overlaps() -> None:
    text = "取保候审决定书"
    assert match_spans(text, "取保候审 候审决定") == [(0, 6)]
