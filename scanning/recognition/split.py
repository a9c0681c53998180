"""Cut the page sequence into documents and read each document's fields.

Blank pages neither start nor end a document (paper page numbers count them, so they stay
in the page list, but a blank back inside a two-sheet document does not split it). A page
that starts no known document continues the one before it; before any document, such
pages make an ``other`` document.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace

from scanning.types import Document, FieldValue, PageResult

from . import fields as F
from . import fields_admin as FA
from .catalog import entries_value
from .classify import KINDS, TITLE_TEXT, classify_page
from .layout import fill_from_vocabulary
from .normalize import POLICE_KINDS
from .slots import doc_no
from .text import PageText

log = logging.getLogger(__name__)
READERS = {**F.READERS, **FA.READERS}


@dataclass
class Draft:
    type: str
    title: str
    first_page: int
    last_page: int
    confidence: float
    pages: list[PageText] = field(default_factory=list)
    fields: dict[str, FieldValue] = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)

    def to_document(self) -> Document:
        return Document(self.type, self.title, self.first_page, self.last_page, round(self.confidence, 3),
                        dict(self.fields), list(self.conflicts))


def split(pages: list[PageResult]) -> list[Draft]:
    drafts: list[Draft] = []
    current: Draft | None = None
    for page in sorted(pages, key=lambda p: p.index):
        if page.blank:
            continue
        pt = PageText.from_page(page)
        verdict = classify_page(pt, current.type if current else None)
        if verdict.type:
            title = TITLE_TEXT[verdict.type]
            if verdict.type == "dossier_cover" and verdict.title:
                title = verdict.title
            current = Draft(verdict.type, title, page.index, page.index, verdict.score, [pt])
            drafts.append(current)
            log.debug("page %s starts %s (%.2f)", page.index, verdict.type, verdict.score)
        elif current is not None:
            current.last_page = page.index
            current.pages.append(pt)
        else:
            current = Draft("other", "", page.index, page.index, 0.5, [pt])
            drafts.append(current)
    return drafts


def read_fields(draft: Draft, known: tuple[str, ...] = (), volume_years: tuple[int, ...] = ()) -> dict[str, FieldValue]:
    """The fields of ``draft``. ``volume_years``: the years of the volume's document numbers,
    which a page without a number of its own (a backup sheet) concerns too."""
    if draft.type == "catalog":
        cat_pages = [p for p in draft.pages if p.words]
        fv = entries_value(cat_pages)
        return {"entries": fv} if fv else {}
    reader = READERS.get(draft.type)
    if reader is None:
        return {}
    years = _number_years(draft.pages[0]) or volume_years
    for pt in draft.pages:
        pt.years = years
    try:
        fields = reader(draft.pages, known)
        fill_from_vocabulary(draft.type, draft.pages, fields)  # what the reader's own words missed
    except Exception:  # one unreadable document must not lose the volume
        log.exception("reading fields of %s on page %s failed", draft.type, draft.first_page)
        return {}
    _number_kind(fields, draft.type)
    _people_s(fields)
    _trim_marks(fields)
    return fields


#: What a blank's printing leaves at the ends of a value read off it: its underline, the
#: leader dots or dashes from the label, the colon; no field's value opens or ends with one.
BLANK_MARKS = "_＿—－-.．·…：: 　"


def _trim_marks(fields: dict[str, FieldValue]) -> None:
    """Text values without the marks of the blank they were written on (…：2021年2月17日，…,
    _没有犯罪事实_); the reading stays in ``raw``."""
    for name, fv in list(fields.items()):
        if isinstance(fv.value, str) and fv.value:
            v = fv.value.strip(BLANK_MARKS)
            if v and v != fv.value:
                fields[name] = replace(fv, value=v, raw=fv.raw or fv.value)


#: Fields naming an institution; and the 人 of 人民 lost before its kind (天宁区民检察院)
INSTITUTIONS = ("authority", "procuratorate", "court", "respondent", "defendant", "detention_center")
_LOST_REN = re.compile(r"(?<=[区市县州旗])民(检察院|法院|政府)$")


def _people_s(fields: dict[str, FieldValue]) -> None:
    """An institution named …区民检察院 (…民法院, …民政府) had the 人 of 人民 lost in reading:
    no procuratorate, court or government is named so, so it is put back (the reading stays in ``raw``)."""
    for name in INSTITUTIONS:
        fv = fields.get(name)
        if fv is not None and isinstance(fv.value, str) and _LOST_REN.search(fv.value):
            fields[name] = replace(fv, value=_LOST_REN.sub(r"人民\1", fv.value), raw=fv.raw or fv.value)


def _number_kind(fields: dict[str, FieldValue], type_: str) -> None:
    """A police number whose kind is no kind at all (掏字 on a 拘留证) takes the kind its
    document's type is numbered with, when that is one character away; the reading stays in ``raw``."""
    fv, kinds = fields.get("doc_no"), KINDS.get(type_, [])
    m = re.match(r"^(.*?公（[刑行]）)([\u4e00-\u9fff]{1,4})(字〔.*)$", fv.value) if fv and isinstance(fv.value, str) else None
    if not fv or not m or m.group(2) in POLICE_KINDS or any(m.group(2) in ks for ks in KINDS.values()):
        return
    near = [k for k in kinds if len(k) == len(m.group(2)) and sum(a != b for a, b in zip(k, m.group(2))) == 1]
    if len(near) == 1:
        fields["doc_no"] = FieldValue(m.group(1) + near[0] + m.group(3), fv.page, fv.box, round(fv.conf * 0.9, 3), fv.raw)


def volume_years(drafts: list[Draft]) -> tuple[int, ...]:
    """The years of every document number in the volume (a case runs over a year or two)."""
    return tuple(sorted({y for d in drafts if d.pages and d.type != "catalog" for y in _number_years(d.pages[0])}))


def _number_years(pt: PageText) -> tuple[int, ...]:
    """The year of the document's own number (〔2018〕, a court's （2018）), which its dates share."""
    fv = doc_no(pt)
    m = re.search(r"[〔（](\d{4})[〕）]", fv.value) if fv else None
    if m:
        return (int(m.group(1)),)
    # a page with no number of its own (a cover): its case number's year (A + unit code + year)
    m = re.search(r"[AJ][0-9]{12}((?:19|20)[0-9]{2})[0-9]{6}(?![0-9])", pt.text)
    return (int(m.group(1)),) if m else ()
