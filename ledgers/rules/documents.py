"""The "documents that must exist" rules of RULES.md, from ledger data.

Whether a person reported the case is read from its source (案件来源): the values of
``config.reported_sources``. A receipt must carry the acceptance's number; when the ledger
has no acceptance number, any receipt of the case counts. A document dated after the
as-of day did not exist yet; an undated one counts as present.
"""

from __future__ import annotations

import datetime as dt

from ledgers.rules.calendar import as_of_date, day, days_over, happened
from ledgers.rules.config import RulesConfig
from ledgers.rules.records import CaseRecord, Finding, IssuedDocument, Records, case_fields, ledger_ref, norm_doc_no

DOCUMENT_RULES: tuple[str, ...] = ("receipt_missing", "filing_notice_missing", "no_filing_notice_missing")

#: rule -> (case event attribute, required document type, Chinese names of event and document)
REQUIREMENTS: dict[str, tuple[str, str, str, str]] = {
    "receipt_missing": ("accepted_at", "acceptance_receipt", "受案", "受案回执"),
    "filing_notice_missing": ("filed_at", "filing_notice", "立案", "立案告知书"),
    "no_filing_notice_missing": ("no_filing_at", "no_filing_notice", "不予立案", "不予立案通知书"),
}


def reported(case: CaseRecord, config: RulesConfig) -> bool:
    return (case.source or "").strip() in config.reported_sources


def document_rules(records: Records, as_of: dt.date | dt.datetime, config: RulesConfig) -> list[Finding]:
    present: dict[tuple[str, str], list[IssuedDocument]] = {}
    for doc in records.documents:
        if doc.issued_at is None or happened(doc.issued_at, as_of):
            present.setdefault((doc.case_no, doc.type), []).append(doc)
    out = []
    for c in records.cases:
        if not reported(c, config):
            continue
        for rule, (attr, doc_type, event_name, doc_name) in REQUIREMENTS.items():
            when = getattr(c, attr)
            if when is None or not happened(when, as_of):
                continue
            docs = present.get((c.case_no, doc_type), [])
            if rule == "receipt_missing" and c.acceptance_doc_no:
                want = norm_doc_no(c.acceptance_doc_no)
                docs = [d for d in docs if norm_doc_no(d.doc_no) == want]
            if docs:
                continue
            due = day(when)
            out.append(Finding(
                rule=rule, subject=f"case:{c.case_no}", grade=config.missing_grade,
                incident_no=c.incident_no, due_on=due, days_over=max(0, days_over(as_of, due)),
                evidence=(ledger_ref("cases", c.id, c.case_no, **{attr: when, "source": c.source,
                                     "acceptance_doc_no": c.acceptance_doc_no}),),
                detail=f"{c.source}案件{c.case_no}于{due}{event_name}，截至{as_of_date(as_of)}台账无{doc_name}",
                **case_fields(c)))
    return out
