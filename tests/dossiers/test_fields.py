"""Typed corrections: each field's value in its normal form (FORMS.md), or a Chinese refusal."""

from __future__ import annotations

import pytest

from ecase.dossiers.fields import field_input, field_kind, normalise
from ecase.errors import InvalidInput


@pytest.mark.parametrize(("name", "typed", "stored"), [
    ("issued_on", "2017年3月6日", "2017-03-06"),
    ("issued_on", "2017-3-6", "2017-03-06"),
    ("decided_on", "2018.1.17", "2018-01-17"),
    ("decided_on", "二〇一八年一月十七日", "2018-01-17"),
    ("suspect_birth_date", "１９９０年０５月０１日", "1990-05-01"),
    ("received_at", "2018-01-16 10:30", "2018-01-16T10:30"),
    ("received_at", "2018年1月16日10时30分", "2018-01-16T10:30"),
    ("doc_no", "济天公(刑)立字[2018]00123号", "济天公（刑）立字〔2018〕00123号"),
    ("doc_no", "济天公（刑）立字〔２０１８〕１２３号", "济天公（刑）立字〔2018〕123号"),
    ("deposit_amount", "叁仟元", 3000),
    ("deposit_amount", "3,000", 3000),
    ("page_count", "12", 12),
    ("opinion", "刑事案件", "criminal"),
    ("opinion", "criminal", "criminal"),
    ("retention", "长期", "长期"),
    ("suspect_names", "张三、李四", ["张三", "李四"]),
    ("case_name", "  田波强盗窃案 ", "田波强盗窃案"),
    ("case_no", "A3701050200002018010012", "A3701050200002018010012"),
])
def test_typed_values_are_normalised(name: str, typed: str, stored: object) -> None:
    assert normalise(name, typed) == stored


@pytest.mark.parametrize(("name", "typed", "words"), [
    ("issued_on", "明天", "不是有效的日期"),
    ("issued_on", "2018-02-30", "不是有效的日期"),
    ("received_at", "上午十点", "不是有效的日期时间"),
    ("doc_no", "123号", "不是有效的文号"),
    ("deposit_amount", "很多", "不是有效的金额"),
    ("page_count", "十二页", "应为整数"),
    ("opinion", "随便", "只能是以下之一"),
    ("party_id_no", "370105199001011234", "不是有效的公民身份号码"),
    ("case_no", "A123", "不是有效的案件编号"),
    ("case_name", "   ", "请填写"),
    ("entries", "[]", "不能在此更正"),
])
def test_bad_values_are_refused_in_chinese(name: str, typed: str, words: str) -> None:
    with pytest.raises(InvalidInput) as e:
        normalise(name, typed)
    assert words in e.value.message


def test_inputs_by_kind() -> None:
    assert field_kind("issued_on") == "date" and field_kind("received_at") == "datetime"
    assert field_input("opinion").choices[0] == ("criminal", "刑事案件")
    assert field_input("doc_no").hint.startswith("如 ")
