"""The record catalog: for each kind of ledger record, the base query (with the joins a
ledger needs) and every field a ledger definition may name, with its label and SQL
expression. ``ledgers.definitions`` names fields; this module knows the tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from ecase.models import Case, Officer, Unit, User
from ecase.models.ledgers import (
    CaseAreaRecord,
    CasePerson,
    Incident,
    IssuedDocument,
    Measure,
    OutsideDecision,
)
from ledgers.definitions import RECORDS, LedgerDef


@dataclass(frozen=True)
class Field:
    label: str
    expr: Any                   # SQL expression (None for computed fields)
    kind: str = "text"          # text|time|bool|nature|measure_kind|case_kind|computed


@dataclass(frozen=True)
class Record:
    """One kind of ledger record: its main table, base query and fields."""

    name: str
    table: Any
    base: Callable[[], Select[Any]]
    fields: dict[str, Field]
    unit_column: Any
    count_base: Callable[[], Select[Any]] | None = None

    def counter(self) -> Select[Any]:
        """A COUNT over the record with only the joins filters may need (cheaper)."""
        if self.count_base is not None:
            return self.count_base()
        return select(func.count()).select_from(self.table)


Lead = aliased(Officer, name="lead")
Resp = aliased(Officer, name="resp")
Person = aliased(CasePerson, name="person")
Entered = aliased(User, name="entered")


def _case_fields(lead: Any) -> dict[str, Field]:
    return {
        "case_no": Field("案件编号", Case.case_no),
        "case_name": Field("案件名称", Case.name),
        "case_kind": Field("案件类别", Case.kind, "case_kind"),
        "lead_officer": Field("主办民警", lead.name),
        "lead_officer_id": Field("主办民警", Case.lead_officer_id),
    }


def _incidents() -> Select[Any]:
    return (select(Incident.id).join(Unit, Unit.id == Incident.unit_id))


def _cases() -> Select[Any]:
    return (select(Case.id).join(Unit, Unit.id == Case.unit_id)
            .outerjoin(Lead, Lead.id == Case.lead_officer_id))


def _child(model: Any) -> Callable[[], Select[Any]]:
    def base() -> Select[Any]:
        return (select(model.id).join(Case, Case.id == model.case_id)
                .join(Unit, Unit.id == model.unit_id)
                .outerjoin(Lead, Lead.id == Case.lead_officer_id))
    return base


def _child_count(model: Any) -> Callable[[], Select[Any]]:
    def base() -> Select[Any]:
        return select(func.count(model.id)).join(Case, Case.id == model.case_id)
    return base


def _decisions() -> Select[Any]:
    return (select(OutsideDecision.id).join(Case, Case.id == OutsideDecision.case_id)
            .join(Unit, Unit.id == OutsideDecision.unit_id)
            .outerjoin(Lead, Lead.id == OutsideDecision.officer_id)
            .outerjoin(Person, Person.id == OutsideDecision.person_id)
            .outerjoin(Entered, Entered.id == OutsideDecision.created_by_id))


def _case_area() -> Select[Any]:
    return select(CaseAreaRecord.id).join(Unit, Unit.id == CaseAreaRecord.unit_id)


UNIT = Field("单位", Unit.name)

CATALOG: dict[str, Record] = {
    "incidents": Record("incidents", Incident, _incidents, {
        "incident_no": Field("警情编号", Incident.incident_no),
        "reported_at": Field("接警时间", Incident.reported_at, "time"),
        "unit": UNIT, "unit_id": Field("单位", Incident.unit_id),
        "nature": Field("警情性质", Incident.nature, "nature"),
        "officer_names": Field("处警民警", Incident.officer_names),
        "officer_id": Field("处警民警", Incident.officer_id),
        "disposal": Field("分流结果", Incident.disposal),
        "disposed_at": Field("分流时间", Incident.disposed_at, "time"),
        "av_uploaded": Field("音视频上传", Incident.av_uploaded, "bool"),
    }, Incident.unit_id),
    "cases": Record("cases", Case, _cases, {
        "case_no": Field("案件编号", Case.case_no), "name": Field("案件名称", Case.name),
        "kind": Field("案件类别", Case.kind, "case_kind"),
        "unit": UNIT, "unit_id": Field("单位", Case.unit_id),
        "lead_officer": Field("主办民警", Lead.name), "lead_officer_id": Field("主办民警", Case.lead_officer_id),
        "incident_no": Field("警情编号", Case.incident_no), "source": Field("案件来源", Case.source),
        "accepted_at": Field("受案时间", Case.accepted_at, "time"),
        "acceptance_doc_no": Field("受案文号", Case.acceptance_doc_no),
        "filed_at": Field("立案时间", Case.filed_at, "time"),
        "filing_doc_no": Field("立案文号", Case.filing_doc_no),
        "no_filing_at": Field("不予立案时间", Case.no_filing_at, "time"),
        "closed_at": Field("结案时间", Case.closed_at, "time"),
    }, Case.unit_id),
    "measures": Record("measures", Measure, _child(Measure), {
        **_case_fields(Lead), "unit": UNIT, "unit_id": Field("单位", Measure.unit_id),
        "kind": Field("措施类型", Measure.kind, "measure_kind"),
        "person_name": Field("对象姓名", Measure.person_name),
        "person_id_no": Field("身份证号", Measure.person_id_no),
        "doc_no": Field("文书文号", Measure.doc_no),
        "started_at": Field("开始时间", Measure.started_at, "time"),
        "ended_at": Field("解除时间", Measure.ended_at, "time"),
        "end_doc_no": Field("解除文号", Measure.end_doc_no),
        "legal_end": Field("法定到期日", None, "computed"),
        "days_left": Field("剩余天数", None, "computed"),
    }, Measure.unit_id, _child_count(Measure)),
    "documents": Record("documents", IssuedDocument, _child(IssuedDocument), {
        **_case_fields(Lead), "unit": UNIT, "unit_id": Field("单位", IssuedDocument.unit_id),
        "type": Field("文书类型", IssuedDocument.type), "title": Field("文书名称", IssuedDocument.title),
        "doc_no": Field("文号", IssuedDocument.doc_no),
        "issued_at": Field("开具时间", IssuedDocument.issued_at, "time"),
        "person_name": Field("对象", IssuedDocument.person_name),
    }, IssuedDocument.unit_id, _child_count(IssuedDocument)),
    "decisions": Record("decisions", OutsideDecision, _decisions, {
        **_case_fields(Lead), "unit": UNIT, "unit_id": Field("单位", OutsideDecision.unit_id),
        "lead_officer": Field("民警", Lead.name),
        "officer_id": Field("民警", OutsideDecision.officer_id),
        "kind": Field("决定类型", OutsideDecision.kind),
        "kind_name": Field("决定类型", OutsideDecision.kind, "decision_kind"),
        "body": Field("决定机关", OutsideDecision.body),
        "decision_no": Field("决定文号", OutsideDecision.decision_no),
        "decided_at": Field("决定时间", OutsideDecision.decided_at, "time"),
        "person_name": Field("涉案人员", Person.name),
        "result": Field("结果", OutsideDecision.result),
        "note": Field("备注", OutsideDecision.note),
        "entered_by": Field("录入人", Entered.display_name),
        "voided_at": Field("作废时间", OutsideDecision.voided_at, "time"),
        "voided": Field("状态", OutsideDecision.voided_at, "voided"),
    }, OutsideDecision.unit_id, _child_count(OutsideDecision)),
    "case_area": Record("case_area", CaseAreaRecord, _case_area, {
        "record_no": Field("记录编号", CaseAreaRecord.record_no),
        "case_no": Field("案件编号", CaseAreaRecord.case_no),
        "unit": UNIT, "unit_id": Field("单位", CaseAreaRecord.unit_id),
        "entered_at": Field("进入时间", CaseAreaRecord.entered_at, "time"),
        "av_uploaded": Field("音视频上传", CaseAreaRecord.av_uploaded, "bool"),
    }, CaseAreaRecord.unit_id),
}
assert set(CATALOG) == set(RECORDS)


def condition(record: Record, cond: tuple[str, str, Any]) -> Any:
    name, op, value = cond
    expr = record.fields[name].expr
    if op == "eq":
        return expr == value
    if op == "in":
        return expr.in_(list(value))
    if op == "null":
        return expr.is_(None)
    if op == "notnull":
        return expr.is_not(None)
    raise ValueError(op)


def where(record: Record, conds: tuple[tuple[str, str, Any], ...]) -> Any:
    return and_(*[condition(record, c) for c in conds]) if conds else None


def check(ledger: LedgerDef) -> list[str]:
    """Problems of one ledger definition against the catalog (empty when sound)."""
    rec = CATALOG.get(ledger.record)
    if rec is None:
        return [f"{ledger.code}: unknown record {ledger.record}"]
    names = [c[0] for c in ledger.where] + list(ledger.columns) + [ledger.date_field]
    names += [c[0] for _label, conds in ledger.states.values() for c in conds]
    if ledger.officer_field:
        names.append(ledger.officer_field)
    if ledger.order[0]:
        names.append(ledger.order[0])
    return [f"{ledger.code}: unknown field {n}" for n in names if n not in rec.fields]
