"""Cross-checks between the scanned dossier and the ledgers.

The dossier side is what recognition read off the pages of each volume's current version
(reviewers' corrections laid over it); the ledger side is the imported and supplementary
records. Only cases with at least one recognised document are compared. Each finding's
evidence names the ledger rows and the pages (with the box) that show it.

Codes (stable; documented here and in ``CROSSCHECK_CODES``):
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ledgers.rules.calendar import day, happened
from ledgers.rules.config import RulesConfig
from ledgers.rules.records import (
    CaseRecord,
    DossierDocument,
    Finding,
    Records,
    case_fields,
    kind_code,
    ledger_ref,
    norm_doc_no,
    page_ref,
)

CROSSCHECK_CODES: dict[str, str] = {
    "dossier_doc_no_mismatch": "a document number on a page differs from the ledger's (卷宗文号与台账不符)",
    "dossier_date_mismatch": "a date on a page differs from the ledger's (卷宗日期与台账不符)",
    "dossier_doc_missing": "the ledger records a document the dossier lacks (台账有、卷宗无)",
    "ledger_doc_missing": "the dossier holds a document the ledger lacks (卷宗有、台账无)",
    "dossier_receipt_missing": "an acceptance form in the dossier of a reported case with no "
                               "acceptance receipt (卷内有受案登记表无受案回执)",
    "dossier_filing_notice_missing": "a filing decision in the dossier of a reported case with no "
                                     "filing notice (卷内有立案决定书无立案告知书)",
    "filed_before_accepted": "the filing is dated before the acceptance (立案早于受案)",
    "bail_released_before_start": "a bail is released before it began (解除取保早于取保)",
    "detention_after_transfer": "a detention begins after the case was transferred for "
                                "prosecution (移送起诉后刑事拘留)",
    "name_mismatch": "a person's name differs between documents, or between a page and the "
                     "ledger (人员姓名不一致)",
}
__doc__ = (__doc__ or "") + "\n".join(f"- ``{k}``: {v}" for k, v in CROSSCHECK_CODES.items())

#: type -> the field holding its own date, and the field naming its person.
DATE_FIELD = {"acceptance_form": "accepted_on", "filing_decision": "decided_on",
              "bail_decision": "issued_on", "bail_release_decision": "released_on"}
PERSON_FIELD = {"bail_decision": "suspect_name", "bail_release_decision": "suspect_name",
                "detention_warrant": "suspect_name", "arrest_request": "suspect_name",
                "arrest_warrant": "suspect_name", "acceptance_receipt": "addressee",
                "filing_notice": "addressee", "no_filing_notice": "addressee",
                "admin_penalty_decision": "party_name"}


#: FORMS.md titles, for the findings' wording.
TITLES = {"acceptance_form": "受案登记表", "acceptance_receipt": "受案回执", "filing_decision": "立案决定书",
          "filing_notice": "立案告知书", "no_filing_notice": "不予立案通知书", "detention_warrant": "拘留证",
          "bail_decision": "取保候审决定书", "bail_release_decision": "解除取保候审决定书",
          "arrest_request": "提请批准逮捕书", "arrest_warrant": "逮捕证", "prosecution_opinion": "起诉意见书",
          "admin_penalty_decision": "行政处罚决定书"}


def _t(type_: str) -> str:
    return TITLES.get(type_, type_)


def parse_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not value:
        return None
    m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _name(value: Any) -> str:
    return re.sub(r"\s+", "", str(value or ""))


@dataclass(frozen=True)
class LedgerDoc:
    """A document as the ledger knows it; ``date_field`` says which page field to compare."""

    type: str
    doc_no: str | None
    date: dt.date | None
    date_field: str
    person: str | None
    evidence: dict[str, Any]


def ledger_docs(case: CaseRecord, records_by_case: dict[str, dict[str, list[Any]]],
                as_of: dt.date | dt.datetime) -> list[LedgerDoc]:
    out: list[LedgerDoc] = []
    seen: set[tuple[str, str]] = set()

    def add(d: LedgerDoc) -> None:
        k = (d.type, norm_doc_no(d.doc_no))
        if d.doc_no and k in seen:
            return
        seen.add(k)
        out.append(d)

    if case.accepted_at is not None and happened(case.accepted_at, as_of) and case.acceptance_doc_no:
        add(LedgerDoc("acceptance_form", case.acceptance_doc_no, day(case.accepted_at), "accepted_on", None,
                      ledger_ref("cases", case.id, case.case_no, acceptance_doc_no=case.acceptance_doc_no,
                                 accepted_at=case.accepted_at)))
    if case.filed_at is not None and happened(case.filed_at, as_of) and case.filing_doc_no:
        add(LedgerDoc("filing_decision", case.filing_doc_no, day(case.filed_at), "decided_on", None,
                      ledger_ref("cases", case.id, case.case_no, filing_doc_no=case.filing_doc_no,
                                 filed_at=case.filed_at)))
    for m in records_by_case["measures"].get(case.case_no, []):
        k = kind_code(m.kind)
        if not happened(m.start, as_of):
            continue
        ref = ledger_ref("measures", m.id, m.doc_no, person=m.person, start=m.start, end=m.end)
        if k == "bail" and m.doc_no:
            add(LedgerDoc("bail_decision", m.doc_no, None, "issued_on", m.person, ref))
        if k == "bail" and m.end_doc_no and m.end is not None and happened(m.end, as_of):
            add(LedgerDoc("bail_release_decision", m.end_doc_no, day(m.end), "released_on", m.person, ref))
        if k == "detention" and m.doc_no:
            add(LedgerDoc("detention_warrant", m.doc_no, None, "issued_on", m.person, ref))
    for doc in records_by_case["documents"].get(case.case_no, []):
        if doc.issued_at is not None and not happened(doc.issued_at, as_of):
            continue
        add(LedgerDoc(doc.type, doc.doc_no, day(doc.issued_at) if doc.issued_at else None,
                      DATE_FIELD.get(doc.type, "issued_on"), doc.person,
                      ledger_ref("documents", doc.id, doc.doc_no, type=doc.type, issued_at=doc.issued_at,
                                 person=doc.person)))
    return out


def cross_check(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    by_case = {"measures": records.by_case(records.measures), "documents": records.by_case(records.documents)}
    dossier = records.by_case(records.dossier)
    out: list[Finding] = []
    for case in records.cases:
        docs = dossier.get(case.case_no)
        if not docs:
            continue
        out += list(_check_case(case, docs, ledger_docs(case, by_case, as_of), records, as_of, config))
    return out


def _finding(code: str, case: CaseRecord, subject: str, config: RulesConfig, detail: str,
             *evidence: dict[str, Any]) -> Finding:
    return Finding(rule=code, subject=f"{case.case_no}:{subject}", grade=config.crosscheck_grade,
                   incident_no=case.incident_no, evidence=tuple(evidence), detail=detail,
                   **case_fields(case))


def _check_case(case: CaseRecord, docs: list[DossierDocument], ledger: list[LedgerDoc], records: Records,
                as_of: dt.date | dt.datetime, config: RulesConfig) -> Iterator[Finding]:
    ledger_by_no = {(d.type, norm_doc_no(d.doc_no)): d for d in ledger if d.doc_no}
    matched: set[int] = set()
    for doc in docs:
        no = norm_doc_no(doc.get("doc_no"))
        hit = ledger_by_no.get((doc.type, no)) if no else None
        if hit is None and no:
            same_type = [d for d in ledger if d.type == doc.type and id(d) not in matched
                         and norm_doc_no(d.doc_no) not in {norm_doc_no(x.get("doc_no")) for x in docs}]
            if len(same_type) == 1:
                hit = same_type[0]
                yield _finding("dossier_doc_no_mismatch", case, f"{doc.type}:{no}", config,
                               f"{_t(doc.type)}卷内文号{no}，台账为{hit.doc_no}",
                               page_ref(doc, "doc_no"), hit.evidence)
            elif doc.type in {d.type for d in ledger} or doc.type in LEDGERED_TYPES:
                yield _finding("ledger_doc_missing", case, f"{doc.type}:{no}", config,
                               f"卷内{_t(doc.type)}（{no}）台账未登记", page_ref(doc, "doc_no"))
        if hit is None:
            continue
        matched.add(id(hit))
        page_day = parse_day(doc.get(hit.date_field))
        if hit.date is not None and page_day is not None and page_day != hit.date:
            yield _finding("dossier_date_mismatch", case, f"{doc.type}:{no}:{hit.date_field}", config,
                           f"{_t(doc.type)}（{no}）卷内日期{page_day}，台账为{hit.date}",
                           page_ref(doc, hit.date_field), hit.evidence)
        pf = PERSON_FIELD.get(doc.type)
        if pf and hit.person and doc.get(pf) and _name(doc.get(pf)) != _name(hit.person):
            yield _finding("name_mismatch", case, f"{doc.type}:{no}:ledger", config,
                           f"{_t(doc.type)}（{no}）卷内姓名{doc.get(pf)}，台账为{hit.person}",
                           page_ref(doc, pf), hit.evidence)
    present_types = {d.type for d in docs}
    for d in ledger:
        if id(d) in matched or d.type not in LEDGERED_TYPES:
            continue
        if d.doc_no and any(norm_doc_no(x.get("doc_no")) == norm_doc_no(d.doc_no) for x in docs):
            continue
        yield _finding("dossier_doc_missing", case, f"{d.type}:{norm_doc_no(d.doc_no)}", config,
                       f"台账登记{_t(d.type)}（{d.doc_no or '无文号'}），卷宗中没有"
                       + ("" if d.type not in present_types else "（卷内同类文书文号不同）"), d.evidence)
    yield from _dossier_pairs(case, docs, config)
    yield from _date_order(case, docs, records, as_of, config)


#: document types the ledgers register, so their absence from either side means something.
LEDGERED_TYPES = frozenset({"acceptance_form", "acceptance_receipt", "filing_decision", "filing_notice",
                            "no_filing_notice", "detention_warrant", "bail_decision",
                            "bail_release_decision", "arrest_request", "arrest_warrant",
                            "prosecution_opinion", "admin_penalty_decision"})


def _first(docs: list[DossierDocument], type_: str) -> list[DossierDocument]:
    return [d for d in docs if d.type == type_]


def _dossier_pairs(case: CaseRecord, docs: list[DossierDocument], config: RulesConfig) -> Iterator[Finding]:
    forms = _first(docs, "acceptance_form")
    receipts = _first(docs, "acceptance_receipt")
    for form in forms:
        source = form.get("case_source") or case.source
        if str(source or "").strip() in config.reported_sources and not receipts:
            yield _finding("dossier_receipt_missing", case, f"acceptance_form:{form.document_id}", config,
                           "卷内有受案登记表，无受案回执", page_ref(form, "case_source"))
        reporter = form.get("reporter_name")
        for other in receipts + _first(docs, "filing_notice"):
            addressee = other.get("addressee")
            if reporter and addressee and _name(reporter) != _name(addressee):
                yield _finding("name_mismatch", case, f"{other.type}:{other.document_id}:reporter", config,
                               f"受案登记表报案人{reporter}，{_t(other.type)}受文人{addressee}",
                               page_ref(form, "reporter_name"), page_ref(other, "addressee"))
    if _first(docs, "filing_decision") and not _first(docs, "filing_notice"):
        source = forms[0].get("case_source") if forms else None
        if str(source or case.source or "").strip() in config.reported_sources:
            dec = _first(docs, "filing_decision")[0]
            yield _finding("dossier_filing_notice_missing", case, f"filing_decision:{dec.document_id}", config,
                           "卷内有立案决定书，无立案告知书", page_ref(dec, "doc_no"))
    bails = _first(docs, "bail_decision")
    for rel in _first(docs, "bail_release_decision"):
        started = parse_day(rel.get("bail_started_on"))
        for b in bails:
            if started is None or parse_day(b.get("starts_on")) != started:
                continue
            if b.get("suspect_name") and rel.get("suspect_name") and \
                    _name(b.get("suspect_name")) != _name(rel.get("suspect_name")):
                yield _finding("name_mismatch", case, f"bail_release_decision:{rel.document_id}:bail", config,
                               f"取保候审决定书{b.get('suspect_name')}，解除决定书{rel.get('suspect_name')}",
                               page_ref(b, "suspect_name"), page_ref(rel, "suspect_name"))


def _date_order(case: CaseRecord, docs: list[DossierDocument], records: Records,
                as_of: dt.date | dt.datetime, config: RulesConfig) -> Iterator[Finding]:
    # filing before acceptance
    acc = case.accepted_at and day(case.accepted_at)
    fil = case.filed_at and day(case.filed_at)
    if acc and fil and fil < acc and happened(case.filed_at, as_of):
        yield _finding("filed_before_accepted", case, "ledger", config, f"台账立案{fil}早于受案{acc}",
                       ledger_ref("cases", case.id, case.case_no, accepted_at=case.accepted_at,
                                  filed_at=case.filed_at))
    for form in _first(docs, "acceptance_form"):
        for dec in _first(docs, "filing_decision"):
            a, f = parse_day(form.get("accepted_on")), parse_day(dec.get("decided_on"))
            if a and f and f < a:
                yield _finding("filed_before_accepted", case, f"dossier:{dec.document_id}", config,
                               f"卷内立案决定书{f}早于受案{a}", page_ref(form, "accepted_on"),
                               page_ref(dec, "decided_on"))
    # bail released before it began
    for m in records.measures:
        if m.case_no == case.case_no and kind_code(m.kind) == "bail" and m.end is not None \
                and happened(m.end, as_of) and day(m.end) < day(m.start):
            yield _finding("bail_released_before_start", case, f"measure:{m.id}", config,
                           f"{m.person or ''}取保候审{day(m.start)}，解除{day(m.end)}",
                           ledger_ref("measures", m.id, m.doc_no, start=m.start, end=m.end, person=m.person))
    for rel in _first(docs, "bail_release_decision"):
        s, e = parse_day(rel.get("bail_started_on")), parse_day(rel.get("released_on"))
        if s and e and e < s:
            yield _finding("bail_released_before_start", case, f"dossier:{rel.document_id}", config,
                           f"卷内解除取保候审{e}早于取保{s}", page_ref(rel, "bail_started_on"),
                           page_ref(rel, "released_on"))
    # detention after transfer for prosecution
    moved = day(case.transferred_at) if case.transferred_at is not None else None
    if moved is not None and happened(case.transferred_at, as_of):
        for m in records.measures:
            if m.case_no == case.case_no and kind_code(m.kind) == "detention" and day(m.start) > moved:
                yield _finding("detention_after_transfer", case, f"measure:{m.id}", config,
                               f"{m.person or ''}刑事拘留{day(m.start)}晚于移送起诉{moved}",
                               ledger_ref("measures", m.id, m.doc_no, start=m.start, person=m.person),
                               ledger_ref("cases", case.id, case.case_no, transferred_at=case.transferred_at))
    for op in _first(docs, "prosecution_opinion"):
        t = parse_day(op.get("issued_on"))
        for w in _first(docs, "detention_warrant"):
            d = parse_day(w.get("issued_on"))
            if t and d and d > t:
                yield _finding("detention_after_transfer", case, f"dossier:{w.document_id}", config,
                               f"卷内拘留证{d}晚于起诉意见书{t}", page_ref(w, "issued_on"),
                               page_ref(op, "issued_on"))
