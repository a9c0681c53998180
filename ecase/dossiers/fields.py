"""Typed corrections: what kind of value each field of FORMS.md holds, how a typed value is
put into its normal form, and the Chinese message when it cannot be.

A clerk types ``2017年3月6日``; the date ``2017-03-06`` is stored. Document numbers are
stored in FORMS.md's normal form (（） and 〔〕, ASCII digits, no white space), amounts as a
number of yuan, coded values (``opinion``, ``decision`` …) as their code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ecase.errors import InvalidInput
from ecase.formatting import VALUE_LABELS, field_display, field_label

#: fields holding a date (``YYYY-MM-DD``)
DATE_FIELDS = frozenset({
    "accepted_on", "reported_on", "issued_on", "decided_on", "suspect_birth_date", "starts_on",
    "bail_started_on", "released_on", "opened_on", "closed_on", "compiled_on",
})
#: fields holding a date and time (``YYYY-MM-DDTHH:MM``)
DATETIME_FIELDS = frozenset({"received_at"})
#: whole numbers
INT_FIELDS = frozenset({"volume_no", "volume_count", "page_count"})
#: amounts in yuan
AMOUNT_FIELDS = frozenset({"deposit_amount"})
#: identity numbers (18 characters, checked)
ID_FIELDS = frozenset({"reporter_id_no", "party_id_no"})
#: lists of names
LIST_FIELDS = frozenset({"suspect_names"})
#: fields with a fixed set of printed words (not codes)
WORD_CHOICES: dict[str, tuple[str, ...]] = {
    "case_source": ("110指令", "工作中发现", "报案", "投案", "移送", "扭送", "其他"),
    "retention": ("永久", "长期", "短期"),
    "suspect_gender": ("男", "女"),
}
#: fields not corrected one value at a time (the catalog's rows)
NOT_EDITABLE = frozenset({"entries"})


@dataclass(frozen=True)
class FieldInput:
    """How a field's input is shown: the input type, its choices, and a hint."""

    name: str
    label: str
    kind: str  # text, date, datetime, number, amount, doc_no, case_no, id_no, list, choice
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""


def field_kind(name: str) -> str:
    if name in DATE_FIELDS or name.endswith("_on"):
        return "date"
    if name in DATETIME_FIELDS:
        return "datetime"
    if name in INT_FIELDS:
        return "number"
    if name in AMOUNT_FIELDS:
        return "amount"
    if name == "doc_no":
        return "doc_no"
    if name == "case_no":
        return "case_no"
    if name in ID_FIELDS:
        return "id_no"
    if name in LIST_FIELDS:
        return "list"
    if name in VALUE_LABELS or name in WORD_CHOICES:
        return "choice"
    return "text"


HINTS = {
    "date": "如 2017-03-06 或 2017年3月6日",
    "datetime": "如 2018-01-16 10:30 或 2018年1月16日10时30分",
    "number": "整数",
    "amount": "金额（元），如 3000 或 叁仟元",
    "doc_no": "如 济天公（刑）立字〔2018〕123号",
    "case_no": "A 或 J 加 22 位数字",
    "id_no": "18 位公民身份号码",
    "list": "多个姓名以顿号分隔",
}


def field_input(name: str) -> FieldInput:
    kind = field_kind(name)
    choices: tuple[tuple[str, str], ...] = ()
    if name in VALUE_LABELS:
        choices = tuple(VALUE_LABELS[name].items())
    elif name in WORD_CHOICES:
        choices = tuple((w, w) for w in WORD_CHOICES[name])
    return FieldInput(name, field_label(name), kind, choices, HINTS.get(kind, ""))


def editable(name: str) -> bool:
    return name not in NOT_EDITABLE


def normalise(name: str, raw: str) -> Any:
    """The value to store for ``raw`` typed into field ``name``; raises InvalidInput with a
    Chinese message naming the field when it is not a valid value of that field."""
    from scanning.recognition.normalize import (
        id_checksum_ok,
        normalize_case_no,
        normalize_doc_no,
        parse_amount,
        parse_date,
        parse_datetime,
    )

    label = field_label(name)
    if not editable(name):
        raise InvalidInput(f"「{label}」不能在此更正")
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise InvalidInput(f"请填写「{label}」的正确值")
    if len(text) > 500:
        raise InvalidInput(f"「{label}」过长（不超过 500 字）")
    kind = field_kind(name)
    if kind == "date":
        iso = re.fullmatch(r"((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})", text)
        value = parse_date(f"{iso.group(1)}年{iso.group(2)}月{iso.group(3)}日" if iso else text)
        if value is None:
            raise InvalidInput(f"「{label}」不是有效的日期：{text}（请写作 2017-03-06 或 2017年3月6日）")
        return value
    if kind == "datetime":
        m = re.fullmatch(r"((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})", text)
        value = parse_datetime(f"{m.group(1)}年{m.group(2)}月{m.group(3)}日{m.group(4)}时{m.group(5)}分"
                               if m else text)
        if value is None:
            raise InvalidInput(f"「{label}」不是有效的日期时间：{text}（请写作 2018-01-16 10:30）")
        return value
    if kind == "number":
        if not re.fullmatch(r"\d{1,6}", text):
            raise InvalidInput(f"「{label}」应为整数：{text}")
        return int(text)
    if kind == "amount":
        amount = parse_amount(text)
        if amount is None:
            raise InvalidInput(f"「{label}」不是有效的金额：{text}（请写作 3000 或 叁仟元）")
        return amount
    if kind == "doc_no":
        doc_no = normalize_doc_no(text)
        if doc_no is None:
            raise InvalidInput(f"「{label}」不是有效的文号：{text}（格式如 济天公（刑）立字〔2018〕123号）")
        return doc_no
    if kind == "case_no":
        case_no = normalize_case_no(text)
        if case_no is None or len(re.sub(r"\s+", "", text)) != 23:
            raise InvalidInput(f"「{label}」不是有效的案件编号：{text}（A 或 J 加 22 位数字）")
        return case_no
    if kind == "id_no":
        id_no = text.replace(" ", "").upper()
        if not id_checksum_ok(id_no):
            raise InvalidInput(f"「{label}」不是有效的公民身份号码：{text}（18 位，末位校验码须正确）")
        return id_no
    if kind == "list":
        names = [n for n in re.split(r"[、,，;；\s]+", text) if n]
        return names
    if kind == "choice":
        inp = field_input(name)
        for code, word in inp.choices:
            if text in (code, word):
                return code
        words = "、".join(word for _, word in inp.choices)
        raise InvalidInput(f"「{label}」只能是以下之一：{words}")
    return re.sub(r"\s+", " ", text)
