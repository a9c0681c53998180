"""One raw row -> one record (a dict of field values) or the reasons it is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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


def _parse(kind: str, value: Any, now: dt.datetime) -> Any:
    if kind == "text":
        s = text(value)
        if s is not None and len(s) > MAX_TEXT:
            raise CellError(f"内容过长（{len(s)} 字，最多 {MAX_TEXT} 字）")
        return s
    if kind == "time":
        return parse_time(value, now=now)
    if kind == "bool":
        return parse_bool(value)
    if kind == "names":
        return split_names(value)
    if kind == "nature":
        return parse_choice(value, NATURES, "警情性质")
    if kind == "case_kind":
        return parse_choice(value, CASE_KINDS, "案件类别")
    if kind == "measure_kind":
        return parse_choice(value, MEASURE_KINDS, "措施类型")
    if kind == "title":
        return parse_document_title(value)
    raise AssertionError(kind)


def parse_row(kind: str, detected: Detected, header: list[Any], row_no: int, cells: list[Any],
              now: dt.datetime) -> ParsedRow | None:
    """The record of one row, or None for a blank row (skipped silently)."""
    if not any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells):
        return None
    out = ParsedRow(row_no)
    width = len([h for h in header if h is not None and str(h).strip()]) or len(header)
    extra = [i for i, c in enumerate(cells) if i >= len(header) and text(c) is not None]
    if extra:
        out.errors.append(("", f"该行有 {max(extra) + 1} 个单元格，多于表头的 {width} 列"))
        return out
    specs = {f.name: f for f in KINDS[kind]}
    for i, name in detected.columns.items():
        column = str(header[i]).strip()
        value = cells[i] if i < len(cells) else None
        spec = specs[name]
        if is_formula(value):
            out.errors.append((column, f"单元格是公式（{str(value)[:40]}），请导出为数值后再导入"))
            continue
        if isinstance(value, str) and REPLACEMENT in value:
            out.errors.append((column, "无法解码的字符：文件编码不是 UTF-8 或 GB18030，或文件已损坏"))
            continue
        try:
            parsed = _parse(spec.parse, value, now)
        except CellError as e:
            out.errors.append((column, str(e)))
            continue
        if spec.required and (parsed is None or parsed == []):
            out.errors.append((column, "必填项为空"))
            continue
        out.values[name] = parsed
    return out
