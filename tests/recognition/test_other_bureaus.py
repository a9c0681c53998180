"""Readings first missed on forms drawn by other hands (the tuned families provincial_edition
and boxed_pen_pairs, written by engineers who had not read the readers): other labels for
the same fields, dates and times in figures, a volume's span as two dates of their own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scanning.recognition import recognize
from scanning.recognition.normalize import parse_datetime
from scanning.types import PageResult

AUTH = "青川市公安局槐荫区分局"


@pytest.mark.parametrize("text, want", [
    ("2021.2.17 21:30", "2021-02-17T21:30"),
    ("2021-2-17 21:30", "2021-02-17T21:30"),
    ("2021/02/17 09:05", "2021-02-17T09:05"),
    ("2021.2.1721：30", "2021-02-17T21:30"),  # the space lost in reading: the day keeps two figures
    ("2021年2月17日21时30分", "2021-02-17T21:30"),
    ("2021.2.17", None),  # a date alone is no time
    ("2021.2.30 10:00", None),  # no such day
    ("2021.2-17 21:30", None),  # two kinds of separator: not one date
])
def test_date_and_time_in_figures(text: str, want: str | None) -> None:
    assert parse_datetime(text) == want


def test_a_cover_with_the_span_as_acceptance_and_closing_dates(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["刑事诉讼卷宗", "卷宗号：A7097574499452021024502", "案件名称：光明路被盗案",
                         "受案日期：2021.2.18 结案日期：2021.4.27", "本卷共14页", AUTH])
    f = recognize([page])[0].plain_fields()
    assert (f["opened_on"], f["closed_on"]) == ("2021-02-18", "2021-04-27")


def test_a_backup_sheet_with_a_page_total_and_a_check_time(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, ["卷内备考表", "本卷情况说明 材料齐全，排列有序，无缺损", "页数合计 14页",
                         "立卷人 白庆 立卷时间 2021.4.27", "检查人 戴桂庆 检查时间"])
    f = recognize([page])[0].plain_fields()
    assert f["page_count"] == 14
    assert f["checked_by"] == "戴桂庆"


def test_an_acceptance_form_labelled_as_another_province_prints_it(make_page: Callable[..., PageResult]) -> None:
    page = make_page(1, [
        AUTH, "受案登记表", "受理编号：青槐公（刑）受案字【2021】641号",
        [(300, "报案（举报）人"), (800, "秦军辉"), (1300, "性别"), (1500, "男")],
        [(300, "证件种类及号码"), (800, "居民身份证993853197310096870")],
        [(300, "接警员"), (800, "覃敏云"), (1300, "报案时间"), (1600, "2021.2.17 21:30")],
    ])
    f = recognize([page])[0].plain_fields()
    assert f["reporter_name"] == "秦军辉"
    assert f["reporter_id_no"] == "993853197310096870"
    assert f["received_at"] == "2021-02-17T21:30"
    assert f["receiving_officer"] == "覃敏云"
