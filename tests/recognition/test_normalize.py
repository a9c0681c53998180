from __future__ import annotations

import pytest

from scanning.recognition.normalize import (
    doc_no_kind,
    find_dates,
    id_checksum_ok,
    normalize_case_no,
    normalize_doc_no,
    parse_amount,
    parse_date,
    parse_datetime,
)


@pytest.mark.parametrize("text, iso", [
    ("2018年1月17日", "2018-01-17"),
    ("2018年01月07日", "2018-01-07"),
    ("２０１８年１２月３１日", "2018-12-31"),
    ("2018.1.17", "2018-01-17"),
    ("2018 年 1 月 17 日", "2018-01-17"),
    ("20180117", "2018-01-17"),
    ("二〇一八年一月十七日", "2018-01-17"),
    ("二○一八年十二月三十一日", "2018-12-31"),
    ("二零一九年十月一日", "2019-10-01"),
    ("二〇二〇年二月二十日", "2020-02-20"),
    ("二〇一八年十月十日", "2018-10-10"),
])
def test_dates_in_both_numeral_styles(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text, iso", [
    ("2018年了月11日", "2018-07-11"),  # 7 read as 了
    ("2018年l2月3l日", "2018-12-31"),  # 1 read as l
    ("2019年O5月2O日", "2019-05-20"),
])
def test_arabic_dates_with_look_alike_digits_inside_the_frame(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text, iso", [
    ("2018年4月2:8日", "2018-04-28"),  # a speck read between the day's digits
    ("2018年1·2月3日", "2018-12-03"),
])
def test_a_speck_inside_the_day_or_month(text: str, iso: str) -> None:
    assert [d[2] for d in find_dates(text)] == [iso]


def test_a_day_with_a_digit_misread_as_a_mark_is_no_date() -> None:
    assert find_dates("2018年3月3:日") == []  # 31 or 3: not guessed
    assert find_dates("2018年3月2区目") == []  # 27, its 7 read 区 and 日 read 目
    assert [d[2] for d in find_dates("2018年3月3日")] == ["2018-03-03"]
    assert [d[2] for d in find_dates("2018.3.3")] == ["2018-03-03"]
    assert [d[2] for d in find_dates("2021年4月24上日")] == ["2021-04-24"]  # a whole day, a mark after it


@pytest.mark.parametrize("text, years, iso", [
    ("二OO一六年一月十三日", [2016], "2016-01-13"),  # a doubled 〇: 2016, 2006 or 2001 without the number
    ("二O〇二@〇年五月二十八日", [2020], "2020-05-28"),
    ("二O〇一九年五月八日", [2019], "2019-05-08"),
    ("本局于20195年2月1日对", [2019], "2019-02-01"),  # a stray digit after the Arabic year
    ("二@〇一个年六月三日", [2018], "2018-06-03"),  # 八 misread as 个, a speck before 〇
    ("二二年四月二十一日", [2020], "2020-04-21"),  # both 〇s of 二〇二〇 lost
    ("（印）018年8月20日", [2018], "2018-08-20"),  # an Arabic digit lost under the seal
    ("一七年一月十六日", [2017], "2017-01-16"),  # the 二〇 of 二〇一七 lost under the seal
])
def test_a_damaged_year_is_read_as_its_documents_year(text: str, years: list[int], iso: str) -> None:
    assert [d[2] for d in find_dates(text, years=years)] == [iso]
    assert find_dates(text) == []  # never guessed without the number's year


@pytest.mark.parametrize("text, iso", [
    ("二一六年四月二十六日", "2016-04-26"),  # the 〇 lost under a seal
    ("二一八年五月二十旦", "2018-05-20"),  # and 日 read 旦
])
def test_a_year_that_lost_only_its_zero_needs_no_hint(text: str, iso: str) -> None:
    # years run 1950-2099: three numerals opening with 二, the second no zero, are 二〇 and two
    assert [d[2] for d in find_dates(text)] == [iso]
    assert [d[2] for d in find_dates(text, years=[2019])] == [iso]


@pytest.mark.parametrize("text, years", [
    ("二OO一六年一月十三日", [2016, 2006]),  # two years told, both read in it
    ("二OO一六年一月十三日", [2018]),  # the year told is not in it
    ("二〇一九九九九年一月三日", [2019]),  # too much noise to be a year
    ("一一六年四月二十六日", [2016]),  # a lost numeral, but not the first one kept
    ("二二年四月二十一日", [2018]),  # 2020's numerals, not 2018's
    ("（印）018年8月20日", [2017]),
    ("二一年一月二日", [2020]),  # two numerals: only both 〇s lost
])
def test_a_damaged_year_stays_unread_when_the_hint_does_not_decide(text: str, years: list[int]) -> None:
    assert find_dates(text, years=years) == []


@pytest.mark.parametrize("text", ["了月11日", "2018年了月", "2018了11", "2018年了了了月1日"])
def test_look_alikes_outside_a_whole_frame_are_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["2018年2月30日", "二〇一八年十三月一日", "年 月 日", "本证已于    年  月  日"])
def test_impossible_or_empty_dates_are_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_keeps_positions_in_order() -> None:
    text = "出生日期1983年3月15日，于二〇一八年一月十七日"
    found = find_dates(text)
    assert [f[2] for f in found] == ["1983-03-15", "2018-01-17"]
    assert text[found[0][0]:found[0][1]] == "1983年3月15日"


@pytest.mark.parametrize("text, value", [
    ("2018年1月16日10时30分", "2018-01-16T10:30"),
    ("2018年01月16日 9时05分", "2018-01-16T09:05"),
    ("２０１８年１月１６日２３时４０分", "2018-01-16T23:40"),
])
def test_datetimes(text: str, value: str) -> None:
    assert parse_datetime(text) == value


@pytest.mark.parametrize("text, amount", [
    ("叁仟", 3000), ("叁仟元", 3000), ("壹万贰仟伍佰", 12500), ("人民币贰万元整", 20000), ("伍万", 50000),
    ("壹仟零伍拾", 1050), ("3000", 3000), ("3,000元", 3000), ("１０００", 1000), ("壹拾", 10),
])
def test_amounts(text: str, amount: int) -> None:
    assert parse_amount(text) == amount


def test_not_an_amount() -> None:
    assert parse_amount("保证人") is None


@pytest.mark.parametrize("text", [
    "济天公（刑）立字〔2018〕123号", "济天公(刑)立字[2018]123号", "济天公（刑）立字【2018】123号",
    "济天公 （刑） 立字 〔2018〕 123 号", "济天公（刑）立字〔２０１８〕１２３号", "济天公(刑)立字(2018)123号",
])
def test_doc_numbers_in_every_bracket_style(text: str) -> None:
    assert normalize_doc_no(text) == "济天公（刑）立字〔2018〕123号"


def test_doc_number_serial_kept_as_printed_and_kind() -> None:
    n = normalize_doc_no("青东公（行）行罚决字[2019]00012号")
    assert n == "青东公（行）行罚决字〔2019〕00012号"
    assert doc_no_kind(n) == "行罚决"
    assert doc_no_kind(normalize_doc_no("济天公（刑）立告字〔2018〕5号") or "") == "立告"


def test_doc_number_after_title_on_the_same_row() -> None:
    assert normalize_doc_no("立案决定书济天公（刑）立字〔2018〕123号") == "济天公（刑）立字〔2018〕123号"


def test_court_case_number() -> None:
    assert normalize_doc_no("(2018)鲁0105行初123号") == "（2018）鲁0105行初123号"


def test_not_a_doc_number() -> None:
    assert normalize_doc_no("本卷共11页") is None


def test_id_checksum() -> None:
    assert id_checksum_ok("11010519491231002X")
    assert not id_checksum_ok("110105194912310021")


def test_case_number_with_o_for_zero() -> None:
    assert normalize_case_no("案件编号：A37O1050200002018010012") == "A3701050200002018010012"
    assert normalize_case_no("案件编号：A733557305587201703：3826") == "A7335573055872017033826"  # a speck read inside
    assert normalize_case_no("A733557305587201703：38261") is None  # 23 digits once it goes: no number


@pytest.mark.parametrize("raw,want", [
    ("汪历公（剂）立告字〔2018〕724号", "汪历公（刑）立告字〔2018〕724号"),  # only criminal cases are 立告
    ("东历公（仔）行罚决字〔2018〕7号", "东历公（行）行罚决字〔2018〕7号"),
    ("东历公（剂）受案字〔2018〕7号", "东历公（剂）受案字〔2018〕7号"),  # 受案 is numbered in both: left as read
])
def test_police_number_category_misread_inside_its_brackets(raw: str, want: str) -> None:
    assert normalize_doc_no(raw) == want


@pytest.mark.parametrize("raw,want", [
    ("安东公人（行）行罚决字〔2016〕975号", "安东公（行）行罚决字〔2016〕975号"),  # a stray character before the bracket
    ("东中公（刑立字〔2020〕844号", "东中公（刑）立字〔2020〕844号"),  # the closing bracket lost
    ("岱槐公（行）行昼决字〔2016〕438号", "岱槐公（行）行罚决字〔2016〕438号"),  # a kind one character off
    ("济天公（刑）立字〔2018〕00123号", "济天公（刑）立字〔2018〕00123号"),
    ("济天公（刑）经侦字〔2018〕12号", "济天公（刑）经侦字〔2018〕12号"),  # a bureau's own kind is kept
    ("泺源槐荫政复决字〔2021〕808号", "泺源槐荫政复决字〔2021〕808号"),  # not a police number
])
def test_police_number_head_repaired(raw: str, want: str) -> None:
    assert normalize_doc_no(raw) == want


@pytest.mark.parametrize("text,iso", [
    ("二人〇一九年七月二日", "2019-07-02"),  # a stray character inside the year
    ("二GO一九年五月十四日", "2019-05-14"),
    ("二C〇一六年七月七日", "2016-07-07"),
])
def test_chinese_date_with_noise_in_the_year(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["三〇一九年三月十三日", "他们二人一起在一九年五月", "二人〇一人九人年七月二日", "OO二C〇年驼甩二十八日"])
def test_noise_is_not_a_date(text: str) -> None:
    assert parse_date(text) is None


def test_year_of_the_2000s_with_its_zero_misread() -> None:
    assert parse_date("二外一八年六月三日") == "2018-06-03"
    assert parse_date("三外一八年六月三日") is None  # only 二〇 opens a year of this century


@pytest.mark.parametrize("raw,want", [
    ("兴北公（刑）受案字[20181]00841号", "兴北公（刑）受案字〔2018〕00841号"),  # a rule read as 1 after the year
    ("华中公（刑）受案字[02017]689号", "华中公（刑）受案字〔2017〕689号"),  # and as 0 before it
    ("东中公（刑）立字〔2018〕1号", "东中公（刑）立字〔2018〕1号"),
    ("华中公(刑)受案子【2017]689号", "华中公（刑）受案字〔2017〕689号"),  # 字 read as 子
    ("兴天公〈\\刑)立字【2 020]00905号", "兴天公（刑）立字〔2020〕00905号"),  # 〈 and a stroke for （
    ("岱西槐荫政复决子〔【2016]438号", "岱西槐荫政复决字〔2016〕438号"),
])
def test_rules_read_as_digits_around_the_year(raw: str, want: str) -> None:
    assert normalize_doc_no(raw) == want


def test_capital_thousand_with_a_stroke_lost() -> None:
    assert parse_amount("壹什元") == 1000
    assert parse_amount("贰万叁什元") == 23000


def test_a_stray_mark_between_a_year_and_its_nian_in_free_text() -> None:
    from scanning.recognition.normalize import clean_text_dates

    assert clean_text_dates("2020人年4月21日，报案人何磊东报称") == "2020年4月21日，报案人何磊东报称"
    assert clean_text_dates("于2020年4月21日") == "于2020年4月21日"
    assert clean_text_dates("22018年5月19日，报案人魏英艳报称") == "2018年5月19日，报案人魏英艳报称"
    assert clean_text_dates("于12018年5月") == "于2018年5月"  # a year of five digits is none
    assert clean_text_dates("共12020人年") == "共12020人年"  # no year, no month after


def test_a_year_in_chinese_numerals_with_its_zero_lost() -> None:
    from scanning.recognition.normalize import clean_text, parse_date

    # only 二〇… opens a four-numeral year with 二: three numerals, the second no zero, lost the 〇
    assert parse_date("二二一年四月十九日") == "2021-04-19"
    assert parse_date("二一六年三月七日") == "2016-03-07"
    assert parse_date("二〇六年三月七日") is None  # the 一 of 二〇一六 or the 〇 of 二〇〇六: unknown
    assert parse_date("一九六年三月七日") is None
    assert clean_text("二一六年三月七日，林建兰在解放路51号故意损毁财物") == "二〇一六年三月七日，林建兰在解放路51号故意损毁财物"
    assert clean_text("第十二一六年三月") == "第十二一六年三月"  # a longer run of numerals is no such year
    assert clean_text("二一六号") == "二一六号"  # no 年…月 after it


def test_a_closing_full_stop_read_as_a_degree_sign() -> None:
    from scanning.recognition.normalize import clean_text

    assert clean_text("报称其在幸福里发生盗窃一事，请求公安机关处理°") == "报称其在幸福里发生盗窃一事，请求公安机关处理。"
    assert clean_text("室温20°") == "室温20°"


def test_dotted_date_with_its_first_dot_read_as_a_comma() -> None:
    from scanning.recognition.normalize import find_dates

    assert [d[2] for d in find_dates("2018，05.23", compact=True)] == ["2018-05-23"]
    assert find_dates("2018，05.23") == []  # only in a table's date cell, never in running text
    assert find_dates("2018，5.23", compact=True) == []  # one-digit parts: too loose to trust
