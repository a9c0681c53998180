"""Parsing one cell of an export.

Exports speak Beijing time; ecase stores naive UTC. ``parse_time`` reads every format of
LEDGERS.md — ``2018-01-15 10:30``, ``2018/1/15 10:30:00``, ``2018年1月15日10时30分`` — and
Excel date cells (a ``datetime`` from openpyxl, or a bare serial number when the cell has no
date format). An empty cell is ``None`` ("not yet"), never zero.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ledgers.errors import CellError

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
_OFFSET = dt.timedelta(hours=8)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

_TIME = re.compile(
    r"^\s*(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2})?\s*秒?)?\s*)?\s*$")


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str | None:
    """A cell as trimmed text, or None when empty. Whole floats lose their ``.0``."""
    if value.__class__ is str:
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def beijing_to_utc(value: dt.datetime) -> dt.datetime:
    return value - _OFFSET


def utc_to_beijing(value: dt.datetime) -> dt.datetime:
    return value + _OFFSET


def beijing_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Beijing (``now`` is naive UTC when given)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return utc_to_beijing(now).date()


def parse_local_time(value: Any) -> dt.datetime | None:
    """A time cell as a naive Beijing datetime, or None when empty."""
    if value.__class__ is str and len(value) == 16 and value[4] == "-" and value[10] == " ":
        try:  # the common export format, without the regex
            return dt.datetime(int(value[:4]), int(value[5:7]), int(value[8:10]),
                               int(value[11:13]), int(value[14:]))
        except ValueError:
            pass
    if is_empty(value):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial date (1900 system)
            return (_EXCEL_EPOCH + dt.timedelta(days=float(value))).replace(microsecond=0)
        raise CellError(f"无法识别的时间：{value}")
    s = str(value).strip()
    if len(s) == 16 and s[4] == "-" and s[7] == "-" and s[10] == " " and s[13] == ":":
        try:  # the common export format, without the regex
            return dt.datetime(int(s[:4]), int(s[5:7]), int(s[8:10]), int(s[11:13]), int(s[14:]))
        except ValueError:
            pass
    m = _TIME.match(s)
    if m is None:
        try:
            return dt.datetime.fromisoformat(s).replace(tzinfo=None, microsecond=0)
        except ValueError:
            pass
        try:  # a serial number written as text
            return parse_local_time(float(s))
        except (ValueError, CellError):
            raise CellError(f"无法识别的时间：{s}（应如 2018-01-15 10:30、2018/1/15 10:30:00 "
                            f"或 2018年1月15日10时30分）") from None
    y, mo, d, h, mi, sec = m.groups()
    try:
        return dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0))
    except ValueError as e:
        raise CellError(f"不存在的日期或时间：{s}") from e


def parse_time(value: Any, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """A time cell as naive UTC. ``now`` (naive UTC) rejects times in the future (a day's
    grace for clocks and time zones)."""
    local = parse_local_time(value)
    if local is None:
        return None
    if local.year < 1990:
        raise CellError(f"时间过早，可能有误：{local:%Y-%m-%d %H:%M}")
    utc = beijing_to_utc(local)
    if now is not None and utc > now + dt.timedelta(days=1):
        raise CellError(f"时间在将来：{local:%Y-%m-%d %H:%M}")
    return utc


_YES = {"是", "有", "已上传", "y", "yes", "true", "1", "√"}
_NO = {"否", "无", "未上传", "n", "no", "false", "0", "×"}


def parse_bool(value: Any) -> bool | None:
    s = text(value)
    if s is None:
        return None
    low = s.lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise CellError(f"应为“是”或“否”：{s}")


def parse_choice(value: Any, choices: dict[str, str], what: str) -> str | None:
    """A Chinese label (or the code itself) to its code; ``choices`` maps code -> label."""
    s = text(value)
    if s is None:
        return None
    for code, label in choices.items():
        if s == label or s == code:
            return code
    raise CellError(f"未知的{what}：{s}（可选：{'、'.join(choices.values())}）")


_SPLIT = re.compile(r"[、,，;；/\s]+")


def split_names(value: Any) -> list[str]:
    """``张三、李四`` / ``张三,李四`` -> ``["张三", "李四"]`` (order kept, duplicates dropped)."""
    s = text(value)
    if s is None:
        return []
    out: list[str] = []
    for part in _SPLIT.split(s):
        if part and part not in out:
            out.append(part)
    return out


#: document title (文书名称) -> type code. FORMS.md's titles plus the documents the 37
#: ledgers count that FORMS.md does not recognise from scans.
DOCUMENT_TYPES: dict[str, str] = {
    "受案登记表": "acceptance_form",
    "受案回执": "acceptance_receipt",
    "立案决定书": "filing_decision",
    "立案告知书": "filing_notice",
    "不予立案通知书": "no_filing_notice",
    "拘留证": "detention_warrant",
    "取保候审决定书": "bail_decision",
    "解除取保候审决定书": "bail_release_decision",
    "提请批准逮捕书": "arrest_request",
    "逮捕证": "arrest_warrant",
    "起诉意见书": "prosecution_opinion",
    "行政处罚决定书": "admin_penalty_decision",
    "行政复议决定书": "reconsideration_decision",
    "行政判决书": "admin_judgment",
    "撤销案件决定书": "cancel_decision",
    "释放通知书": "release_notice",
    "提请批准延长侦查羁押期限意见书": "custody_extension",
    "扣押清单": "property_list",
    "搜查证": "search_warrant",
    "扣押决定书": "seizure_decision",
    "查封决定书": "sealing_decision",
    "协助冻结财产通知书": "freeze_notice",
    "通缉令": "wanted_notice",
    "不予行政处罚决定书": "no_penalty_decision",
    "终止案件调查决定书": "termination_decision",
    "延长办案期限审批表": "admin_extension",
}


def parse_document_title(value: Any) -> tuple[str, str] | None:
    """文书名称 -> (type code, title). Unknown titles are refused: a typo would otherwise
    make a document that no ledger and no rule ever counts."""
    s = text(value)
    if s is None:
        return None
    s = s.replace(" ", "")
    code = DOCUMENT_TYPES.get(s)
    if code is None:
        raise CellError(f"未知的文书名称：{s}")
    return code, s
