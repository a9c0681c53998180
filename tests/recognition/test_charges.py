"""Case names end with a charge of a closed list: one misread character of it is put right."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.recognition.charges import fix_charge
from scanning.types import PageResult


@pytest.mark.parametrize("read,want", [
    ("金平云寻峰滋事案", "金平云寻衅滋事案"),
    ("文化路被寻峰滋事案", "文化路被寻衅滋事案"),
    ("黎兰盗穷案", "黎兰盗窃案"),
    ("张伟盗窃案", "张伟盗窃案"),  # already a charge
    ("黄兰艳抢夺案", "黄兰艳抢夺案"),  # a charge as read: the name part is never "corrected" (艳抢夺 ≠ 被抢夺)
    ("幸福里被资案", "幸福里被资案"),  # near several (被盗, 被抢, 被骗, 被打): left as read
    ("于杰健抢寺案", "于杰健抢寺案"),  # near 抢劫 and 抢夺: left as read
    ("赵大同案", "赵大同案"),
    ("盗穷", "盗穷"),  # not a case name
    ("高杰掩饰隐瞒犯罪所得案", "高杰掩饰、隐瞒犯罪所得案"),  # the charge's 、 lost in reading: as the law writes it
    ("李四生产销售伪劣产品案", "李四生产、销售伪劣产品案"),
    ("高杰掩饰、隐瞒犯罪所得案", "高杰掩饰、隐瞒犯罪所得案"),
])
def test_fix_charge(read: str, want: str) -> None:
    assert fix_charge(read) == want


def test_case_name_charge_fixed_with_provenance(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["青川市公安局东河区分局", "立案决定书", "青东公（刑）立字〔2018〕12号",
                         "根据《中华人民共和国刑事诉讼法》第一百一十二条之规定，决定对",
                         "林帅寻峡滋事案立案侦查。", "2018年1月17日"])
    doc = recognize([page])[0]
    fv = doc.fields["case_name"]
    assert fv.value == "林帅寻衅滋事案" and fv.raw == "林帅寻峡滋事案" and fv.page == 1
    assert any(c["field"] == "case_name" for c in doc.conflicts)


def test_a_case_name_written_into_a_sentence_that_adds_its_own_an_is_read_once() -> None:
    """正在侦查{案件名称}案 filled with 光明路被盗案 prints 光明路被盗案案: the name is
    光明路被盗案, never 光明路被盗窃案 (盗案 one character from 盗窃)."""
    from scanning.recognition.values import as_case_name

    assert as_case_name("光明路被盗案案") == "光明路被盗案"
    assert fix_charge(as_case_name("光明路被盗案案") or "") == "光明路被盗案"
    assert as_case_name("张伟盗窃案") == "张伟盗窃案"
