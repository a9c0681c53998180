"""The 37 ledgers of LEDGERS.md as data: which records, which columns, which filters, what
order, which warnings. A ledger is a saved view; adding a 38th is one more entry here (or
in a bureau's JSON file, :func:`load_ledgers`), never a migration.

Field names refer to the record catalog of ``ecase.ledger_views.catalog`` (one per record
kind: ``incidents``, ``cases``, ``measures``, ``documents``, ``decisions``,
``case_area``); a test checks every definition against it.

Conditions are ``(field, op, value)`` with op one of ``eq``, ``in``, ``null``, ``notnull``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ledgers.errors import ConfigError

Condition = tuple[str, str, Any]
OPS = ("eq", "in", "null", "notnull")
RECORDS = ("incidents", "cases", "measures", "documents", "decisions", "case_area")


@dataclass(frozen=True)
class LedgerDef:
    code: str
    title: str
    group: str                       # criminal | administrative
    part: str                        # system | supplementary
    record: str                      # one of RECORDS
    where: tuple[Condition, ...] = ()
    columns: tuple[str, ...] = ()
    date_field: str = ""
    officer_field: str = "lead_officer_id"
    states: dict[str, tuple[str, tuple[Condition, ...]]] = field(default_factory=dict)
    order: tuple[str, bool] = ("", True)  # (field, descending)
    warning: str | None = None            # "legal_end": days left of open measures


#: per record kind: default columns, date field, order and states
RECORD_DEFAULTS: dict[str, dict[str, Any]] = {
    "incidents": {
        "columns": ("incident_no", "reported_at", "unit", "nature", "officer_names", "disposal",
                    "disposed_at", "av_uploaded"),
        "date_field": "reported_at", "officer_field": "officer_id",
        "states": {"disposed": ("已分流", (("disposed_at", "notnull", None),)),
                   "not_disposed": ("未分流", (("disposed_at", "null", None),))},
    },
    "cases": {
        "columns": ("case_no", "name", "unit", "lead_officer", "source", "accepted_at",
                    "acceptance_doc_no", "filed_at", "filing_doc_no", "no_filing_at", "closed_at"),
        "date_field": "accepted_at",
        "states": {"open": ("未结案", (("closed_at", "null", None),)),
                   "closed": ("已结案", (("closed_at", "notnull", None),))},
    },
    "measures": {
        "columns": ("case_no", "case_name", "unit", "lead_officer", "person_name", "person_id_no",
                    "doc_no", "started_at", "ended_at", "end_doc_no"),
        "date_field": "started_at",
        "states": {"open": ("未解除", (("ended_at", "null", None),)),
                   "ended": ("已解除", (("ended_at", "notnull", None),))},
    },
    "documents": {
        "columns": ("case_no", "case_name", "unit", "lead_officer", "title", "doc_no", "issued_at",
                    "person_name"),
        "date_field": "issued_at",
        "states": {},
    },
    "decisions": {
        "columns": ("case_no", "case_name", "unit", "lead_officer", "kind_name", "decision_no",
                    "decided_at", "person_name", "result", "entered_by", "voided"),
        "date_field": "decided_at", "officer_field": "officer_id",
        "states": {"valid": ("有效", (("voided_at", "null", None),)),
                   "voided": ("已作废", (("voided_at", "notnull", None),))},
    },
    "case_area": {
        "columns": ("record_no", "case_no", "unit", "entered_at", "av_uploaded"),
        "date_field": "entered_at", "officer_field": "",
        "states": {},
    },
}


def _l(code: str, title: str, group: str, record: str, *where: Condition,
       part: str = "system", **kw: Any) -> dict[str, Any]:
    return {"code": code, "title": title, "group": group, "record": record, "where": list(where),
            "part": part, **kw}


C, A = "criminal", "administrative"
CRIM = ("case_kind", "eq", "criminal")
ADM = ("case_kind", "eq", "administrative")

#: the project's default set (LEDGERS.md): 28 criminal, 9 administrative
DEFAULT_LEDGERS: list[dict[str, Any]] = [
    _l("criminal_incidents", "刑事警情台账", C, "incidents", ("nature", "eq", "criminal")),
    _l("criminal_acceptances", "刑事受案台账", C, "cases", ("kind", "eq", "criminal"),
       ("accepted_at", "notnull", None)),
    _l("criminal_filings", "刑事立案台账", C, "cases", ("kind", "eq", "criminal"),
       ("filed_at", "notnull", None), date_field="filed_at"),
    _l("non_filings", "不予立案台账", C, "cases", ("kind", "eq", "criminal"),
       ("no_filing_at", "notnull", None), date_field="no_filing_at"),
    _l("cancelled_cases", "撤销案件台账", C, "documents", ("type", "eq", "cancel_decision")),
    _l("criminal_detentions", "刑事拘留台账", C, "measures", ("kind", "eq", "detention"),
       columns=RECORD_DEFAULTS["measures"]["columns"] + ("legal_end", "days_left"), warning="legal_end"),
    _l("detention_extensions", "延长拘留台账", C, "measures", ("kind", "eq", "detention_extension")),
    _l("arrest_requests", "提请批准逮捕台账", C, "documents", ("type", "eq", "arrest_request")),
    _l("arrests_approved", "批准逮捕台账", C, "decisions", ("kind", "eq", "arrest_approved"),
       part="supplementary"),
    _l("arrests_refused", "不批准逮捕台账", C, "decisions", ("kind", "eq", "arrest_refused"),
       part="supplementary"),
    _l("arrests_executed", "执行逮捕台账", C, "measures", ("kind", "eq", "arrest")),
    _l("bail", "取保候审台账", C, "measures", ("kind", "eq", "bail"),
       columns=RECORD_DEFAULTS["measures"]["columns"] + ("legal_end", "days_left"), warning="legal_end"),
    _l("bail_released", "解除取保候审台账", C, "measures", ("kind", "eq", "bail"),
       ("ended_at", "notnull", None), date_field="ended_at"),
    _l("residential_surveillance", "监视居住台账", C, "measures", ("kind", "eq", "surveillance"),
       columns=RECORD_DEFAULTS["measures"]["columns"] + ("legal_end", "days_left"), warning="legal_end"),
    _l("designated_surveillance", "指定居所监视居住台账", C, "measures",
       ("kind", "eq", "designated_surveillance"),
       columns=RECORD_DEFAULTS["measures"]["columns"] + ("legal_end", "days_left"), warning="legal_end"),
    _l("releases", "释放台账", C, "documents", ("type", "eq", "release_notice")),
    _l("prosecution_transfers", "移送审查起诉台账", C, "documents", ("type", "eq", "prosecution_opinion")),
    _l("returned_investigations", "退回补充侦查台账", C, "decisions", ("kind", "eq", "returned"),
       part="supplementary"),
    _l("prosecuted", "提起公诉台账", C, "decisions", ("kind", "eq", "prosecuted"), part="supplementary"),
    _l("not_prosecuted", "不起诉台账", C, "decisions", ("kind", "eq", "not_prosecuted"),
       part="supplementary"),
    _l("court_judgments", "法院判决台账", C, "decisions", ("kind", "eq", "judgment"), part="supplementary"),
    _l("custody_extensions", "延长侦查羁押期限台账", C, "documents", ("type", "eq", "custody_extension")),
    _l("seized_property", "涉案财物台账", C, "documents", ("type", "eq", "property_list"), CRIM),
    _l("searches", "搜查台账", C, "documents", ("type", "eq", "search_warrant")),
    _l("seizures_freezes", "查封扣押冻结台账", C, "documents",
       ("type", "in", ["seizure_decision", "sealing_decision", "freeze_notice"])),
    _l("wanted_notices", "通缉台账", C, "documents", ("type", "eq", "wanted_notice")),
    _l("filing_supervision", "立案监督台账", C, "decisions", ("kind", "eq", "filing_supervision"),
       part="supplementary"),
    _l("correction_notices", "纠正违法通知台账", C, "decisions", ("kind", "eq", "correction_notice"),
       part="supplementary"),
    _l("admin_incidents", "行政警情台账", A, "incidents", ("nature", "eq", "administrative")),
    _l("admin_acceptances", "行政受案台账", A, "cases", ("kind", "eq", "administrative"),
       ("accepted_at", "notnull", None)),
    _l("admin_penalties", "行政处罚台账", A, "documents", ("type", "eq", "admin_penalty_decision")),
    _l("admin_detentions", "行政拘留台账", A, "measures", ("kind", "eq", "admin_detention")),
    _l("no_penalty_terminated", "不予处罚及终止调查台账", A, "documents",
       ("type", "in", ["no_penalty_decision", "termination_decision"])),
    _l("admin_extensions", "行政案件延长办案期限台账", A, "documents", ("type", "eq", "admin_extension")),
    _l("admin_seized_property", "行政案件涉案财物台账", A, "documents", ("type", "eq", "property_list"), ADM),
    _l("reconsiderations", "行政复议台账", A, "decisions", ("kind", "eq", "reconsideration"),
       part="supplementary"),
    _l("lawsuits", "行政诉讼台账", A, "decisions", ("kind", "eq", "litigation"), part="supplementary"),
]


def _build(spec: dict[str, Any]) -> LedgerDef:
    try:
        record = spec["record"]
        if record not in RECORDS:
            raise ConfigError(f"台账 {spec.get('code')}：未知的记录种类 {record}")
        d = RECORD_DEFAULTS[record]
        where = tuple((c[0], c[1], c[2] if len(c) > 2 else None) for c in spec.get("where", ()))
        for f, op, _v in where:
            if op not in OPS:
                raise ConfigError(f"台账 {spec['code']}：未知的条件 {op}")
        states = {k: (v[0], tuple(tuple(c) for c in v[1]))
                  for k, v in (spec.get("states") or d["states"]).items()}
        order = tuple(spec.get("order") or (spec.get("date_field") or d["date_field"], True))
        return LedgerDef(
            code=spec["code"], title=spec["title"], group=spec["group"], part=spec.get("part", "system"),
            record=record, where=where, columns=tuple(spec.get("columns") or d["columns"]),
            date_field=spec.get("date_field") or d["date_field"],
            officer_field=spec.get("officer_field", d.get("officer_field", "lead_officer_id")),
            states=states, order=(str(order[0]), bool(order[1])), warning=spec.get("warning"))
    except KeyError as e:
        raise ConfigError(f"台账定义缺少 {e}：{spec}") from e


def load_ledgers(extra: Path | list[dict[str, Any]] | None = None) -> dict[str, LedgerDef]:
    """The default ledgers, with a bureau's own (a JSON list of the same shape) added or
    replacing those with the same code."""
    specs = list(DEFAULT_LEDGERS)
    if isinstance(extra, Path):
        try:
            extra = json.loads(extra.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ConfigError(f"台账定义文件无法读取：{extra}：{e}") from e
    by_code = {s["code"]: s for s in specs}
    for s in extra or []:
        by_code[s["code"]] = s
    return {code: _build(s) for code, s in by_code.items()}
