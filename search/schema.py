"""The index schema: one Whoosh document per scanned page, and the record that feeds it.

Bump :data:`SCHEMA_VERSION` whenever the schema, the analysis or the meaning of a field
changes: an index on disk with another version is reported as needing a rebuild.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from whoosh import fields

from .analysis import ArrayPositions, BigramAnalyzer

SCHEMA_VERSION = 2
GROUP_SEP = "\x1f"  # joins the parts of the ``group`` facet value (see searching._groups)

_DOC_NO_BRACKETS = str.maketrans(
    {"(": "（", ")": "）", "[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕", "〖": "〔", "〗": "〕"}
)


def normalise_doc_no(doc_no: str) -> str:
    """FORMS.md's normal form of a 文号: no white space, brackets （） and 〔〕, ASCII digits.

    Leading zeros of the serial are kept as printed. Full-width Latin letters and digits
    become ASCII (NFKC per character), but full-width brackets stay full-width.
    """
    out = []
    for ch in doc_no:
        if ch.isspace():
            continue
        if ch in "（）〔〕":
            out.append(ch)
            continue
        out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out).translate(_DOC_NO_BRACKETS)


def normalise_case_no(case_no: str) -> str:
    """A 案件编号 / 警情 number as stored: ASCII, upper case, no white space."""
    return "".join(unicodedata.normalize("NFKC", case_no).split()).upper()


def normalise_name(name: str) -> str:
    """A person's name as stored in the keyword field: NFKC, no white space, lower case."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


DOC_NO_RE = re.compile(r"^\S*字\s*[〔\[【［(（]\s*[0-9０-９]{4}\s*[〕\]】］)）]\s*[0-9０-９]+\s*号$")
CASE_NO_RE = re.compile(r"^[AaJjＡＪ][0-9０-９]{22}$")


@dataclass(slots=True)
class PageRecord:
    """Everything the index knows about one page; built by the caller from the database.

    ``key`` is unique and stable (e.g. ``"v12p7"``: volume 12, page 7); ``page`` is the
    1-based position of the page in its volume, ``label`` the paper page number as printed
    (``""`` for the cover, the catalog and blank backs). ``doc_key`` identifies the legal
    document the page belongs to (for grouping), ``doc_date`` its date of issue.
    ``fields`` are the document's extracted fields (FORMS.md names); their values are
    indexed as text, and names among them are added to ``persons``.
    """

    key: str
    text: str
    case_id: int
    unit_id: int
    case_no: str = ""
    case_name: str = ""
    case_kind: str = ""
    volume_id: int = 0
    volume_kind: str = ""
    volume_no: int = 1
    page: int = 1
    label: str = ""
    doc_key: str = ""
    doc_type: str = ""
    doc_no: str = ""
    doc_date: date | None = None
    persons: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)


_NAME_FIELDS = (
    "reporter_name",
    "addressee",
    "suspect_name",
    "suspect_names",
    "guarantor_name",
    "party_name",
    "applicant",
    "plaintiff",
    "receiving_officer",
    "compiled_by",
    "checked_by",
)


def _bigram_field(stored: bool = False) -> fields.TEXT:
    """A text field of bigrams with positions and without length columns.

    ``scorable`` is off: Whoosh would otherwise store every page's field length and look
    it up once per posting while writing, which was 40 % of indexing time; the literal
    query scores by occurrences and rarity instead (see :mod:`search.literal`).
    """
    f = fields.TEXT(analyzer=BigramAnalyzer(), phrase=True, stored=stored)
    f.format = ArrayPositions(field_boost=f.format.field_boost)
    f.scorable = False
    return f


def build_schema() -> fields.Schema:
    """The Whoosh schema (see the package docstring for what each field is for)."""
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        text=_bigram_field(),
        body=fields.STORED(),
        case_id=fields.ID(stored=True, sortable=True),
        unit_id=fields.ID(stored=True),
        case_no=fields.ID(stored=True),
        case_name=_bigram_field(stored=True),
        case_kind=fields.ID(stored=True),
        volume_id=fields.ID(stored=True),
        volume_kind=fields.ID(stored=True),
        volume_no=fields.NUMERIC(int, stored=True),
        page=fields.NUMERIC(int, stored=True),
        label=fields.STORED(),
        doc_key=fields.ID(stored=True),
        group=fields.ID(sortable=True),
        doc_type=fields.ID(stored=True),
        doc_no=fields.ID(stored=True),
        doc_date=fields.DATETIME(stored=True),
        persons=fields.KEYWORD(commas=True, stored=True, lowercase=False),
        fields=_bigram_field(),
    )


def _flat_values(value: Any) -> Iterable[str]:
    if value is None:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _flat_values(item)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _flat_values(item)
    else:
        yield str(value)


def record_persons(record: PageRecord) -> list[str]:
    """The record's person names, plus names found in its extracted fields, normalised."""
    names = list(record.persons)
    for fname in _NAME_FIELDS:
        names.extend(_flat_values(record.fields.get(fname)))
    seen: dict[str, None] = {}
    for name in names:
        norm = normalise_name(name)
        if norm and "," not in norm:
            seen.setdefault(norm, None)
    return list(seen)


def to_document(record: PageRecord) -> dict[str, Any]:
    """The Whoosh document (keyword arguments of ``add_document``) for one record."""
    doc: dict[str, Any] = {
        "key": record.key,
        "text": record.text,
        "body": record.text,
        "case_id": str(record.case_id),
        "unit_id": str(record.unit_id),
        "case_no": normalise_case_no(record.case_no),
        "case_name": record.case_name,
        "case_kind": record.case_kind,
        "volume_id": str(record.volume_id),
        "volume_kind": record.volume_kind,
        "volume_no": int(record.volume_no),
        "page": int(record.page),
        "label": record.label,
        "doc_key": record.doc_key or f"{record.volume_id}:{record.doc_no or record.doc_type}",
        "doc_type": record.doc_type,
        "doc_no": normalise_doc_no(record.doc_no),
        "persons": ",".join(record_persons(record)),
        "fields": "\n".join(
            v for name, val in sorted(record.fields.items()) for v in _flat_values(val)
        ),
    }
    if record.doc_date is not None:
        d = record.doc_date
        doc["doc_date"] = d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
    doc["group"] = GROUP_SEP.join(
        (doc["case_id"], doc["case_no"], doc["doc_key"], doc["doc_type"], doc["doc_no"])
    )
    return {k: v for k, v in doc.items() if v != "" or k in ("text", "body", "label")}
