"""A finding's evidence as a reviewer reads it: each ledger row with Chinese column names
and a link to the ledger entry (the ledger filtered to its number) and to the case; each
dossier page with the document's title and the field's name from FORMS.md.

The stored evidence keeps the rules' English keys (``ledgers.rules.records.ledger_ref``
and ``page_ref``); only this module turns them into words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ecase.formatting import BEIJING, field_display, field_label

#: evidence table -> (Chinese name, the ledger that lists its rows, the key's column name)
TABLES: dict[str, tuple[str, str, str]] = {
    "incidents": ("警情台账", "criminal_incidents", "警情编号"),
    "cases": ("案件台账", "criminal_acceptances", "案件编号"),
    "measures": ("强制措施台账", "criminal_detentions", "文书文号"),
    "documents": ("法律文书台账", "arrest_requests", "文号"),
    "decisions": ("外部决定台账", "arrests_approved", "文号"),
    "case_area": ("办案区使用台账", "case_area_records", "记录编号"),
}

#: (rule, table) -> the ledger that lists the row better than the table's default
RULE_LEDGERS: dict[tuple[str, str], str] = {
    ("admin_not_accepted", "incidents"): "admin_incidents",
    ("admin_case_overdue", "cases"): "admin_acceptances",
    ("no_filing_notice_late", "cases"): "non_filings",
    ("no_filing_notice_missing", "cases"): "non_filings",
    ("filing_notice_missing", "cases"): "criminal_filings",
    ("bail_overdue", "measures"): "bail",
    ("bail_released_before_start", "measures"): "bail_released",
    ("surveillance_overdue", "measures"): "residential_surveillance",
}

#: evidence value names -> Chinese column names (as in the import headers of LEDGERS.md)
COLUMNS: dict[str, str] = {
    "received_at": "接警时间", "reported_at": "接警时间", "accepted_at": "受案时间", "filed_at": "立案时间",
    "no_filing_at": "不予立案时间", "transferred_at": "移送起诉时间", "issued_at": "开具时间",
    "start": "开始时间", "end": "解除时间", "person": "对象", "source": "案件来源",
    "acceptance_doc_no": "受案文号", "filing_doc_no": "立案文号", "limit_days": "期限（日）",
    "type": "文书", "nature": "警情性质", "unit": "单位", "case_no": "案件编号", "doc_no": "文号",
}

#: FORMS.md type -> title
DOC_TITLES: dict[str, str] = {
    "acceptance_form": "受案登记表", "acceptance_receipt": "受案回执", "filing_decision": "立案决定书",
    "filing_notice": "立案告知书", "no_filing_notice": "不予立案通知书", "detention_warrant": "拘留证",
    "bail_decision": "取保候审决定书", "bail_release_decision": "解除取保候审决定书",
    "arrest_request": "提请批准逮捕书", "arrest_warrant": "逮捕证", "prosecution_opinion": "起诉意见书",
    "admin_penalty_decision": "行政处罚决定书", "reconsideration_decision": "行政复议决定书",
    "admin_judgment": "行政判决书", "dossier_cover": "卷宗封面", "catalog": "卷内文书目录",
    "backup_sheet": "卷内备考表", "other": "其他页面",
}


def show_time(value: Any) -> str:
    """An ISO date or date-time of the evidence as ``YYYY-MM-DD HH:MM`` (already local)."""
    if not isinstance(value, str) or len(value) < 10 or value[4:5] != "-":
        return "" if value is None else str(value)
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is not None:
        when = when.astimezone(BEIJING)
    return when.strftime("%Y-%m-%d") if len(value) == 10 else when.strftime("%Y-%m-%d %H:%M")


@dataclass
class EvidenceRow:
    source: str
    columns: list[tuple[str, str]] = field(default_factory=list)
    #: (ledger code, keyword) to link the ledger filtered to this row
    ledger: tuple[str, str] | None = None
    #: (volume id, position, box) of a dossier page
    page: tuple[int, int, str | None] | None = None


def describe(e: dict[str, Any], rule: str = "") -> EvidenceRow:
    if e.get("kind") == "page":
        title = DOC_TITLES.get(str(e.get("type")), "文书")
        row = EvidenceRow(f"卷宗页面：{title}")
        row.columns.append(("页码", f"第{e.get('position') or 1}页"))
        if e.get("field"):
            name = str(e["field"])
            row.columns.append((field_label(name), field_display(name, e.get("value"))))
        if e.get("volume_id"):
            box = ",".join(str(int(v)) for v in e["box"]) if e.get("box") else None
            row.page = (int(e["volume_id"]), int(e.get("position") or 1), box)
        return row
    table = str(e.get("table") or "")
    name, ledger, key_name = TABLES.get(table, ("台账", "", "编号"))
    row = EvidenceRow(name)
    if e.get("key"):
        row.columns.append((key_name, str(e["key"])))
        if ledger:
            row.ledger = (RULE_LEDGERS.get((rule, table), ledger), str(e["key"]))
    for k, v in e.items():
        if k in ("kind", "table", "id", "key") or v is None or v == "":
            continue
        label = COLUMNS.get(k)
        if label is None:
            continue  # a value with no Chinese name is internal
        row.columns.append((label, show_time(v) if k.endswith(("_at", "_on")) or k in ("start", "end")
                            else DOC_TITLES.get(str(v), str(v)) if k == "type" else str(v)))
    return row


def describe_all(evidence: list[Any] | None, rule: str = "") -> list[EvidenceRow]:
    return [describe(e, rule) for e in evidence or [] if isinstance(e, dict)]


def actor_name(actor: str | None) -> str:
    """Who changed a finding, as the page says it: the automatic check is 系统."""
    if not actor or actor in ("system", "ecase"):
        return "系统（自动检查）"
    return actor
