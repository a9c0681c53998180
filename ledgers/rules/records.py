"""The rules' input records and their output, as plain frozen dataclasses.

Times are naive local (Beijing) times; an empty cell is ``None`` and means "not yet".
The record and finding classes use slots and are not frozen, for speed (a bureau yields
hundreds of thousands); treat them as read-only all the same.
``id`` fields are the ledger row ids the evidence points to (any stable number in tests).
Natures and kinds use the English codes of GLOSSARY.md; the Chinese ledger words are
accepted too (:func:`nature_code`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

When = dt.date | dt.datetime

NATURES = {"刑事": "criminal", "行政": "administrative", "纠纷": "dispute", "求助": "help",
           "无效": "invalid", "其他": "other"}
KINDS = {"刑事": "criminal", "行政": "administrative"}
MEASURE_KINDS = {"刑事拘留": "detention", "延长拘留": "detention_extension", "取保候审": "bail",
                 "监视居住": "surveillance", "指定居所监视居住": "designated_surveillance",
                 "逮捕": "arrest", "行政拘留": "admin_detention"}


def nature_code(value: str | None) -> str:
    v = (value or "").strip()
    return NATURES.get(v, v)


def kind_code(value: str | None) -> str:
    v = (value or "").strip()
    return KINDS.get(v, MEASURE_KINDS.get(v, v))


_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "（", "]": "）", "【": "（", "】": "）",
                           "［": "（", "］": "）", "〔": "（", "〕": "）", "〈": "（", "〉": "）"})


def norm_doc_no(value: Any) -> str:
    """A document number in its normalised form (FORMS.md): no white space, ASCII digits,
    the year in 〔〕 and every other bracket as （）."""
    if value is None:
        return ""
    s = re.sub(r"\s+", "", str(value)).translate(_BRACKETS)
    s = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" else c for c in s)
    return re.sub(r"（(\d{4})）", r"〔\1〕", s)


@dataclass(slots=True)
class Incident:
    incident_no: str
    unit: str
    nature: str
    received_at: dt.datetime
    disposal: str | None = None
    disposed_at: dt.datetime | None = None
    av_uploaded: bool | None = None
    officers: tuple[str, ...] = ()
    id: int | None = None
    unit_id: int | None = None


@dataclass(slots=True)
class CaseRecord:
    case_no: str
    kind: str
    unit: str
    lead_officer: str | None = None
    officers: tuple[str, ...] = ()
    incident_no: str | None = None
    source: str | None = None
    accepted_at: dt.datetime | None = None
    acceptance_doc_no: str | None = None
    filed_at: dt.datetime | None = None
    filing_doc_no: str | None = None
    no_filing_at: dt.datetime | None = None
    decided_at: When | None = None        # administrative decision (or closing)
    extended: bool = False                # administrative case extension approved
    transferred_at: When | None = None    # 移送审查起诉
    name: str = ""
    id: int | None = None
    unit_id: int | None = None


@dataclass(slots=True)
class Measure:
    case_no: str
    kind: str
    start: When
    person: str | None = None
    doc_no: str | None = None
    end: When | None = None
    end_doc_no: str | None = None
    limit_days: int | None = None         # an approved extension (detention: 7 or 30)
    id: int | None = None


@dataclass(slots=True)
class IssuedDocument:
    case_no: str
    type: str
    doc_no: str | None = None
    issued_at: When | None = None
    person: str | None = None
    id: int | None = None


@dataclass(slots=True)
class OutsideDecision:
    case_no: str
    kind: str                             # arrest_approved, arrest_refused, ...
    decided_on: When | None = None
    person: str | None = None
    doc_no: str | None = None
    id: int | None = None


@dataclass(slots=True)
class CaseAreaRecord:
    """One use of the case-handling area (办案区) and whether its recording was uploaded."""

    record_no: str
    unit: str
    entered_at: dt.datetime
    av_uploaded: bool | None = None
    case_no: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class FieldValue:
    """A value read off a page (a reviewer's correction already laid over it)."""

    value: Any
    page_id: int | None = None
    position: int | None = None
    box: tuple[int, ...] | None = None


@dataclass(frozen=True)
class DossierDocument:
    """A document recognised in the current version of one of the case's volumes."""

    case_no: str
    type: str
    fields: Mapping[str, FieldValue]
    document_id: int | None = None
    volume_id: int | None = None
    first_position: int | None = None

    def get(self, name: str) -> Any:
        f = self.fields.get(name)
        return None if f is None else f.value


@dataclass
class Records:
    """Everything the rules look at. Build it once; the rules only read it."""

    incidents: list[Incident] = field(default_factory=list)
    cases: list[CaseRecord] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    documents: list[IssuedDocument] = field(default_factory=list)
    decisions: list[OutsideDecision] = field(default_factory=list)
    dossier: list[DossierDocument] = field(default_factory=list)
    case_area: list[CaseAreaRecord] = field(default_factory=list)

    def cases_by_no(self) -> dict[str, CaseRecord]:
        return {c.case_no: c for c in self.cases}

    def by_case(self, items: list[Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for x in items:
            out.setdefault(x.case_no, []).append(x)
        return out


@dataclass(slots=True)
class Finding:
    """One breach (or warning) as of a date. ``subject`` names what it is about in a way
    that stays the same between evaluations, so :attr:`key` identifies the finding."""

    rule: str
    subject: str
    grade: str
    unit: str | None
    case_no: str | None = None
    incident_no: str | None = None
    lead_officer: str | None = None
    officers: tuple[str, ...] = ()
    due_on: dt.date | None = None
    days_over: int = 0
    evidence: tuple[Mapping[str, Any], ...] = ()
    detail: str = ""
    unit_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.rule}|{self.subject}"

    @property
    def is_warning(self) -> bool:
        """A "due soon" notice rather than a breach: costs no points."""
        return self.days_over <= 0 and self.rule in {"bail_overdue", "surveillance_overdue"}

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "grade": self.grade, "case_no": self.case_no,
                "incident_no": self.incident_no, "unit": self.unit,
                "lead_officer": self.lead_officer,
                "officers": list(self.officers),
                "due_on": self.due_on.isoformat() if self.due_on else None,
                "days_over": self.days_over, "detail": self.detail,
                "evidence": [dict(e) for e in self.evidence]}


def ledger_ref(table: str, row_id: int | None, key: str | None = None, **values: Any) -> dict[str, Any]:
    """Evidence: a ledger row."""
    out: dict[str, Any] = {"kind": "ledger", "table": table, "id": row_id, "key": key}
    for k, v in values.items():
        out[k] = v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
    return out


def page_ref(doc: DossierDocument, name: str | None = None) -> dict[str, Any]:
    """Evidence: the page (and box) of a dossier document, or of one of its fields."""
    f = doc.fields.get(name) if name else None
    value = None if f is None else f.value
    return {"kind": "page", "document_id": doc.document_id, "type": doc.type,
            "volume_id": doc.volume_id,
            "position": f.position if f is not None and f.position else doc.first_position,
            "page_id": f.page_id if f is not None else None,
            "box": list(f.box) if f is not None and f.box else None,
            "field": name, "value": value}


def case_fields(case: CaseRecord | None) -> dict[str, Any]:
    """The case-derived columns of a finding."""
    if case is None:
        return {}
    return {"case_no": case.case_no, "unit": case.unit, "unit_id": case.unit_id,
            "lead_officer": case.lead_officer, "officers": case.officers}
