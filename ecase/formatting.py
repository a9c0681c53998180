"""Template filters: times in Beijing time, sizes, numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(BEIJING).strftime(fmt)


def filesize(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


#: Chinese labels of the field names of FORMS.md.
FIELD_LABELS: dict[str, str] = {
    "authority": "制作机关", "doc_no": "文号", "case_name": "案件名称", "case_no": "案件编号",
    "case_source": "案件来源", "reporter_name": "报案人", "reporter_id_no": "报案人身份证号",
    "received_at": "接报时间", "receiving_officer": "接报民警", "summary": "简要案情",
    "opinion": "受案意见", "accepted_on": "受案日期", "addressee": "送达对象",
    "reported_on": "报案日期", "issued_on": "开具日期", "decided_on": "决定日期",
    "reason": "理由", "suspect_name": "犯罪嫌疑人", "suspect_names": "犯罪嫌疑人",
    "suspect_gender": "性别", "suspect_birth_date": "出生日期", "detention_center": "看守所",
    "starts_on": "起算日期", "guarantee": "保证方式", "guarantor_name": "保证人",
    "deposit_amount": "保证金（元）", "bail_started_on": "取保开始日期", "released_on": "解除日期",
    "procuratorate": "检察院", "party_name": "违法行为人", "party_id_no": "身份证号",
    "violation": "违法事实", "penalty": "处罚", "applicant": "申请人", "respondent": "被申请人",
    "decision": "复议决定", "court": "法院", "plaintiff": "原告", "defendant": "被告",
    "result": "判决结果", "volume_kind": "卷宗类型", "volume_no": "卷号", "volume_count": "总卷数",
    "opened_on": "立卷日期", "closed_on": "结卷日期", "retention": "保管期限",
    "page_count": "页数", "entries": "目录条目", "compiled_by": "立卷人", "checked_by": "检查人",
    "compiled_on": "立卷日期",
}


#: Chinese words for the coded values of FORMS.md's enumerated fields.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "guarantee": {"guarantor": "保证人保证", "deposit": "保证金"},
    "opinion": {"criminal": "刑事案件", "administrative": "行政案件", "transfer": "移送其他机关",
                "not_police": "不属于公安机关职责", "other": "其他"},
    "decision": {"upheld": "维持", "revoked": "撤销", "altered": "变更", "declared_unlawful": "确认违法",
                 "dismissed": "驳回"},
    "result": {"upheld": "维持", "revoked": "撤销", "dismissed": "驳回", "other": "其他"},
    "volume_kind": {"criminal_main": "刑事诉讼卷（正卷）", "criminal_secondary": "侦查工作卷（副卷）",
                    "administrative": "行政案件卷", "reconsideration": "行政复议卷", "litigation": "行政诉讼卷"},
}


def field_display(name: str, value: Any) -> str:
    """A field's value as a reviewer reads it, coded values in Chinese."""
    labels = VALUE_LABELS.get(name)
    if labels and isinstance(value, str) and value in labels:
        return labels[value]
    return field_value(value)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def field_value(value: Any) -> str:
    """A field's value as a reviewer reads it (lists joined, catalog rows counted)."""
    if value is None:
        return "—"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return f"{len(value)} 条"
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{field_label(k)}：{v}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def merged_conflicts(conflicts: Any) -> list[Any]:
    """A document's recognition conflicts as a reviewer reads them: one per field.

    Recognition records a conflict at each step that changed a field (the volume's vote,
    then the names list, …); each step's "page" candidate is the value the field held at
    that step, not always what the page showed. Per field, this keeps the value finally
    used (the last step's), what the page first showed (the first step's page reading), and
    every other source's reading once. Anything not shaped like a conflict is kept as is;
    exact repeats go.
    """
    if not isinstance(conflicts, list):
        return []
    out: list[Any] = []
    by_field: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for c in conflicts:
        key = repr(c)
        if key in seen:
            continue
        seen.add(key)
        field = c.get("field") if isinstance(c, dict) else None
        cands = c.get("candidates") if isinstance(c, dict) else None
        if not isinstance(field, str) or "chosen" not in c or not isinstance(cands, list):
            out.append(c)
            continue
        merged = by_field.get(field)
        if merged is None:
            merged = by_field[field] = {"field": field, "chosen": c["chosen"], "candidates": list(cands)}
            out.append(merged)
            continue
        merged["chosen"] = c["chosen"]  # the later step's decision stands
        have = {repr(x) for x in merged["candidates"]}
        for x in cands:
            if isinstance(x, dict) and x.get("source") == "page":
                continue  # the value the field held at this step, not a reading of the page
            if repr(x) not in have:
                merged["candidates"].append(x)
                have.add(repr(x))
    return out


def register(app: Flask) -> None:
    filters: dict[str, Any] = {"local_time": local_time, "filesize": filesize,
                               "field_value": field_value, "merged_conflicts": merged_conflicts}
    app.jinja_env.filters.update(filters)

    def has_endpoint(name: str) -> bool:
        return name in app.view_functions

    def can(action: str) -> bool:
        """Whether the logged-in user may do ``action`` somewhere (menus and buttons)."""
        from flask import g

        from ecase.access import may

        actor = g.get("actor")
        return actor is not None and may(actor, action)

    app.jinja_env.globals.update(field_label=field_label, field_display=field_display,
                                 has_endpoint=has_endpoint, can=can)
