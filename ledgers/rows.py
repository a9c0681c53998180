"""One raw row -> one record (a dict of field values) or the reasons it is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from ledgers.errors import CellError
from ledgers.mapping import KINDS, Detected
from ledgers.readers import REPLACEMENT, is_formula
from ledgers.values import (
    parse_bool,
    parse_choice,
    parse_document_title,
    parse_time,
    split_names,
    text,
)

NATURES = {"criminal": "刑事", "administrative": "行政", "dispute": "纠纷", "help": "求助",
           "other": "其他"}
CASE_KINDS = {"criminal": "刑事", "administrative": "行政"}
MEASURE_KINDS = {"detention": "刑事拘留", "detention_extension": "延长拘留", "bail": "取保候审",
                 "surveillance": "监视居住", "designated_surveillance": "指定居所监视居住",
                 "arrest": "逮捕", "admin_detention": "行政拘留"}
MAX_TEXT = 200


@dataclass
class ParsedRow:
    row_no: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any, now: dt.datetime) -> Any:
    s = text(value)
    if s is not None and len(s) > MAX_TEXT:
        raise CellError(f"内容过长（{len(s)} 字，最多 {MAX_TEXT} 字）")
    return s


PARSERS: dict[str, Callable[[Any, dt.datetime], Any]] = {
    "text": _text,
    "time": lambda v, now: parse_time(v, now=now),
    "bool": lambda v, now: parse_bool(v),
    "names": lambda v, now: split_names(v),
    "nature": lambda v, now: parse_choice(v, NATURES, "警情性质"),
    "case_kind": lambda v, now: parse_choice(v, CASE_KINDS, "案件类别"),
    "measure_kind": lambda v, now: parse_choice(v, MEASURE_KINDS, "措施类型"),
    "title": lambda v, now: parse_document_title(v),
}


class RowParser:
    """Parses the rows of one sheet: the column plan is worked out once from the header."""

    def __init__(self, kind: str, detected: Detected, header: list[Any], now: dt.datetime) -> None:
        specs = {f.name: f for f in KINDS[kind]}
        self.now = now
        self.width = len(header)
        self.header_width = len([h for h in header if h is not None and str(h).strip()]) or len(header)
        self.plan = [(i, name, PARSERS[specs[name].parse], specs[name].required, str(header[i]).strip())
                     for i, name in sorted(detected.columns.items())]

    def parse(self, row_no: int, cells: list[Any]) -> ParsedRow | None:
        """The record of one row, or None for a blank row (skipped silently)."""
        for c in cells:
            if c is not None and (not isinstance(c, str) or c.strip()):
                break
        else:
            return None
        out = ParsedRow(row_no)
        if len(cells) > self.width:
            extra = [i for i in range(self.width, len(cells)) if text(cells[i]) is not None]
            if extra:
                out.errors.append(("", f"该行有 {max(extra) + 1} 个单元格，多于表头的 {self.header_width} 列"))
                return out
        n = len(cells)
        values = out.values
        for i, name, parse, required, column in self.plan:
            value = cells[i] if i < n else None
            if isinstance(value, str):
                if value.startswith("=") and is_formula(value):
                    out.errors.append((column, f"单元格是公式（{value[:40]}），请导出为数值后再导入"))
                    continue
                if REPLACEMENT in value:
                    out.errors.append((column, "无法解码的字符：文件编码不是 UTF-8 或 GB18030，或文件已损坏"))
                    continue
            try:
                parsed = parse(value, self.now)
            except CellError as e:
                out.errors.append((column, str(e)))
                continue
            if required and (parsed is None or parsed == []):
                out.errors.append((column, "必填项为空"))
                continue
            values[name] = parsed
        return out


def parse_row(kind: str, detected: Detected, header: list[Any], row_no: int, cells: list[Any],
              now: dt.datetime) -> ParsedRow | None:
    """One row on its own (see :class:`RowParser` for many)."""
    return RowParser(kind, detected, header, now).parse(row_no, cells)
