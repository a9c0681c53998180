from __future__ import annotations

from scanning.paper_numbers import printed_page_number
from scanning.types import PageOCR, Word


def page(*words: Word) -> PageOCR:
    return PageOCR(width=2480, height=3508, words=list(words))


def test_number_top_right_and_top_left() -> None:
    body = Word("根据《中华人民共和国刑事诉讼法》", (300, 900, 2200, 980), 90, line=3)
    assert printed_page_number(page(Word("17", (2150, 160, 2230, 230), 88, line=0), body)) == 17
    assert printed_page_number(page(Word("18", (250, 150, 330, 220), 85, line=0), body)) == 18
    assert printed_page_number(page(Word("１２", (2150, 160, 2230, 230), 85, line=0))) == 12


def test_no_number_where_none_is_written() -> None:
    title = Word("卷内文书目录", (900, 300, 1600, 400), 95, line=0)
    assert printed_page_number(page(title)) is None
    assert printed_page_number(None) is None
    # digits in the body, or in a line of text at the top, are not a page number
    assert printed_page_number(page(Word("2018", (1200, 1500, 1400, 1580), 90, line=5))) is None
    assert printed_page_number(page(Word("第", (2000, 160, 2060, 230), 90, line=0),
                                    Word("3", (2070, 160, 2120, 230), 90, line=0),
                                    Word("页共", (2130, 160, 2230, 230), 90, line=0))) is None
    # a number in the top band but centred (a document number line) is not one either
    assert printed_page_number(page(Word("123", (1200, 200, 1300, 260), 90, line=0))) is None
