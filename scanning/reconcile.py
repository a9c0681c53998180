"""Reconciliation of a scanned volume with its paper: catalog, page numbers, page counts.

Pure: recognised documents and per-page facts in, findings out; no IO. Receivers at the
procuratorate check a paper volume for missing, skipped and duplicate page numbers and for
a catalog (卷内文书目录) that disagrees with the documents; ``reconcile`` finds these first.
It never corrects anything: every disagreement becomes a ``Finding`` for a reviewer.

Inputs
- ``documents``: ``scanning.types.Document`` in scan order. ``first_page``/``last_page`` are
  1-based scan indexes. Dossier pages use the FORMS.md types ``dossier_cover`` (field
  ``page_count``), ``catalog`` (field ``entries``: ``{seq, doc_no, title, date, first_page,
  last_page}`` with *paper* page numbers) and ``backup_sheet`` (``page_count``).
- ``pages``: one ``PaperPage`` per scanned page, in scan order: the page number printed on
  it (top right on a front, top left on a back; None when none was read) and its blank flag.

``assign_paper_labels`` gives each scanned page the label the paper has (封面, 目录, 1, 2 …,
备考表; None for a blank back), which the volume PDF uses as page labels.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scanning.types import Document

COVER, CATALOG, BACKUP_SHEET = "dossier_cover", "catalog", "backup_sheet"
DOSSIER_TYPES = frozenset({COVER, CATALOG, BACKUP_SHEET})
_LABELS = {COVER: "封面", CATALOG: "目录", BACKUP_SHEET: "备考表"}
BACK_COVER_LABEL = "封底"
# The field holding a document's date, in order of preference (FORMS.md names).
DATE_FIELDS = ("issued_on", "decided_on", "accepted_on", "released_on", "compiled_on", "date")


class ReconcileError(ValueError):
    """The inputs contradict themselves (e.g. a document outside the volume's pages)."""


@dataclass(frozen=True, slots=True)
class PaperPage:
    """What one scanned page says about the paper: ``index`` is 1-based in scan order."""

    index: int
    printed: int | None = None
    blank: bool = False


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement for the reviewer. ``code`` is stable English snake_case; ``message``
    is for the reviewer (Chinese); ``pages`` are 1-based scan indexes."""

    code: str
    message: str
    pages: tuple[int, ...] = ()
    expected: Any = None
    found: Any = None
    severity: str = "error"  # "error" or "warning" (may be a reading error, not a paper one)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code, "message": self.message, "pages": list(self.pages),
            "expected": self.expected, "found": self.found, "severity": self.severity,
        }


# --- labels -------------------------------------------------------------------------------


def page_types_from_documents(documents: Sequence[Document], page_count: int) -> list[str | None]:
    """The type of the document each scanned page belongs to (None: in no document)."""
    types: list[str | None] = [None] * page_count
    for doc in documents:
        if not 1 <= doc.first_page <= doc.last_page <= page_count:
            raise ReconcileError(f"{doc.title!r} runs over pages {doc.first_page}-{doc.last_page} of {page_count}")
        for index in range(doc.first_page, doc.last_page + 1):
            types[index - 1] = doc.type
    return types


def assign_paper_labels(page_types: Sequence[str | None], blank: Sequence[bool]) -> list[str | None]:
    """Paper labels for scanned pages: 封面/目录/备考表 for dossier pages, documents numbered
    from 1 in scan order, None for blank pages (kept, not numbered), 封底 after the backup sheet."""
    if len(page_types) != len(blank):
        raise ReconcileError("page_types and blank differ in length")
    labels: list[str | None] = []
    number = 0
    seen: dict[str, int] = {}
    after_backup = False
    for kind, is_blank in zip(page_types, blank, strict=True):
        if is_blank:
            labels.append(None)
        elif kind in _LABELS:
            seen[kind] = seen.get(kind, 0) + 1
            labels.append(_LABELS[kind] + (str(seen[kind]) if seen[kind] > 1 else ""))
            after_backup = after_backup or kind == BACKUP_SHEET
        elif after_backup:
            labels.append(BACK_COVER_LABEL)
        else:
            number += 1
            labels.append(str(number))
    return labels


# --- normalisation ------------------------------------------------------------------------

_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕", "〈": "〔", "〉": "〕"})


def normalise_doc_no(value: object) -> str:
    """FORMS.md's comparison form: no white space, （） and 〔〕, ASCII digits."""
    text = unicodedata.normalize("NFKC", str(value or ""))  # full-width digits -> ASCII
    text = re.sub(r"\s+", "", text).translate(_BRACKETS)
    return text


def normalise_title(value: object) -> str:
    """Titles compare without spaces (letter-spaced titles) and without a bracketed note."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


def normalise_date(value: object) -> str | None:
    """ISO date for 2018-01-17, 2018.1.17, 2018/1/17, 2018年1月17日, 二〇一八年一月十七日, or a
    date; else the text as given (so that two unreadable dates still compare as text)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = _arabic_date(unicodedata.normalize("NFKC", str(value)).strip())
    m = re.fullmatch(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:[T ].*)?", text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    return text


_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}


def _cn_number(text: str) -> str:
    """二〇一八 -> 2018 (digit by digit); 十七 -> 17, 二十 -> 20, 三十一 -> 31."""
    if "十" not in text:
        return "".join(str(_CN_DIGITS[c]) for c in text)
    tens, _, ones = text.partition("十")
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def _arabic_date(text: str) -> str:
    m = re.fullmatch(r"([〇○O零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日", text)
    if not m:
        return text
    try:
        return f"{_cn_number(m[1])}年{_cn_number(m[2])}月{_cn_number(m[3])}日"
    except KeyError:
        return text


def _page_no(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return int(text) if text.isdigit() else None


def _field(doc: Document, name: str) -> Any:
    fv = doc.fields.get(name)
    return None if fv is None else fv.value


def _document_date(doc: Document) -> str | None:
    for name in DATE_FIELDS:
        value = _field(doc, name)
        if value:
            return normalise_date(value)
    return None


# --- page numbers -------------------------------------------------------------------------


def _numbered_pages(pages: Sequence[PaperPage], page_types: Sequence[str | None]) -> list[PaperPage]:
    """Pages that should carry a number: non-blank pages outside the dossier pages."""
    labels = assign_paper_labels(page_types, [p.blank for p in pages])
    return [p for p, label in zip(pages, labels, strict=True) if label is not None and label.isdigit()]


def check_page_numbers(pages: Sequence[PaperPage], page_types: Sequence[str | None]) -> list[Finding]:
    """Duplicate, skipped, out-of-order and unread page numbers, and numbers on dossier pages."""
    findings: list[Finding] = []
    for page, kind in zip(pages, page_types, strict=True):
        if kind in DOSSIER_TYPES and page.printed is not None:
            findings.append(Finding(
                "page_number_on_dossier_page", f"第{page.index}页（{_LABELS[kind]}）不应编页号，却写有页号{page.printed}。",
                (page.index,), None, page.printed, "warning",
            ))
    numbered = _numbered_pages(pages, page_types)
    by_number: dict[int, list[int]] = {}
    for page in numbered:
        if page.printed is not None:
            by_number.setdefault(page.printed, []).append(page.index)
        else:
            findings.append(Finding(
                "page_number_unread", f"第{page.index}页未识别出页号，请核对纸质页码。", (page.index,), None, None, "warning",
            ))
    for number, indexes in sorted(by_number.items()):
        if len(indexes) > 1:
            findings.append(Finding(
                "page_number_duplicate", f"页号{number}重复出现在第{'、'.join(map(str, indexes))}页。",
                tuple(indexes), 1, len(indexes),
            ))
    # Out of order: a number lower than one before it (duplicates reported above).
    highest: PaperPage | None = None
    for page in numbered:
        if page.printed is None:
            continue
        if highest is not None and highest.printed is not None and page.printed < highest.printed and len(by_number[page.printed]) == 1:
            findings.append(Finding(
                "page_number_out_of_order", f"第{page.index}页的页号{page.printed}排在页号{highest.printed}（第{highest.index}页）之后，顺序颠倒。",
                (highest.index, page.index), f">{highest.printed}", page.printed,
            ))
        if highest is None or highest.printed is None or page.printed > highest.printed:
            highest = page
    # Skipped: numbers from 1 to the highest not on any page, unless unread pages fit the gap.
    present = set(by_number)
    present |= _inferred_numbers(numbered)
    top = max(present, default=0)
    missing = [n for n in range(1, top + 1) if n not in present]
    for run in _runs(missing):
        around = tuple(sorted({i for n in (run[0] - 1, run[-1] + 1) for i in by_number.get(n, [])}))
        text = str(run[0]) if len(run) == 1 else f"{run[0]}至{run[-1]}"
        findings.append(Finding("page_number_skipped", f"页号{text}缺失（跳号或缺页）。", around, run, None))
    return findings


def _inferred_numbers(numbered: Sequence[PaperPage]) -> set[int]:
    """Numbers that unread pages must carry when their known neighbours leave exactly room."""
    inferred: set[int] = set()
    previous = 0  # the paper starts at 1: a run of unread pages at the start counts from 0
    run = 0
    for page in numbered:
        if page.printed is None:
            run += 1
            continue
        if run and page.printed - previous - 1 == run:
            inferred.update(range(previous + 1, page.printed))
        previous, run = page.printed, 0
    return inferred


def _runs(numbers: Iterable[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def check_page_counts(documents: Sequence[Document], pages: Sequence[PaperPage], page_types: Sequence[str | None]) -> list[Finding]:
    """The page count on the cover and the backup sheet against the numbered pages found."""
    actual = len(_numbered_pages(pages, page_types))
    findings = []
    for doc in documents:
        if doc.type not in (COVER, BACKUP_SHEET):
            continue
        stated = _page_no(_field(doc, "page_count"))
        if stated is not None and stated != actual:
            where = "卷宗封面" if doc.type == COVER else "卷内备考表"
            findings.append(Finding(
                f"{'cover' if doc.type == COVER else 'backup_sheet'}_page_count_mismatch",
                f"{where}记载本卷共{stated}页，实际有页号的页为{actual}页。", (doc.first_page,), stated, actual,
            ))
    return findings


# --- the catalog --------------------------------------------------------------------------


@dataclass(slots=True)
class _Entry:
    catalog: Document
    seq: Any
    title: str
    doc_no: str
    date: str | None
    first: int | None
    last: int | None


def _entries(documents: Sequence[Document]) -> list[_Entry]:
    entries = []
    for doc in documents:
        if doc.type != CATALOG:
            continue
        for raw in _field(doc, "entries") or []:
            entries.append(_Entry(
                doc, raw.get("seq"), str(raw.get("title") or ""), normalise_doc_no(raw.get("doc_no")),
                normalise_date(raw.get("date")), _page_no(raw.get("first_page")), _page_no(raw.get("last_page")),
            ))
    return entries


def _similar(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b)) if a and b else 0.0


def _match(entries: list[_Entry], docs: list[Document], first_no: dict[int, int | None]) -> dict[int, int]:
    """Pair catalog entries with documents (entry index -> doc index), strongest evidence first."""
    pairs: dict[int, int] = {}
    used: set[int] = set()

    def doc_no(d: Document) -> str:
        return normalise_doc_no(_field(d, "doc_no"))

    rules = [
        lambda e, d: bool(e.doc_no) and e.doc_no == doc_no(d),
        lambda e, d: normalise_title(e.title) == normalise_title(d.title) and e.first == first_no[id(d)],
        lambda e, d: e.first == first_no[id(d)] and (
            _similar(normalise_title(e.title), normalise_title(d.title)) >= 60 or _similar(e.doc_no, doc_no(d)) >= 80
        ),
        lambda e, d: normalise_title(e.title) == normalise_title(d.title),
        lambda e, d: _similar(normalise_title(e.title), normalise_title(d.title)) >= 80,
    ]
    for rule in rules:
        for ei, entry in enumerate(entries):
            if ei in pairs:
                continue
            for di, doc in enumerate(docs):
                if di not in used and rule(entry, doc):
                    pairs[ei] = di
                    used.add(di)
                    break
    return pairs


def _document_numbers(
    documents: Sequence[Document], pages: Sequence[PaperPage], page_types: Sequence[str | None]
) -> tuple[list[Document], dict[int, list[int]], dict[int, int]]:
    """The non-dossier documents, the paper numbers of each (keyed by ``id``), and the first
    scan index carrying each paper number. A page's paper number is the one printed on it,
    or, when none was read, the one it should carry."""
    labels = assign_paper_labels(page_types, [p.blank for p in pages])
    paper_no = {
        p.index: (p.printed if p.printed is not None else int(label))
        for p, label in zip(pages, labels, strict=True)
        if label is not None and label.isdigit()
    }
    docs = [d for d in documents if d.type not in DOSSIER_TYPES]
    numbers = {id(d): [paper_no[i] for i in range(d.first_page, d.last_page + 1) if i in paper_no] for d in docs}
    index_of: dict[int, int] = {}
    for index, number in sorted(paper_no.items()):
        index_of.setdefault(number, index)
    return docs, numbers, index_of


def _is_form_title(title: str) -> bool:
    from scanning.recognition.classify import TITLE_TEXT

    t = normalise_title(title)
    return any(t == normalise_title(known) for known in TITLE_TEXT.values())


def _split_inner_entries(
    entries: list[_Entry], docs: list[Document], numbers: dict[int, list[int]]
) -> tuple[list[_Entry], list[_Entry]]:
    """Catalog entries for material that is not a form of its own (a statement 笔录, an
    evidence photo, a report) whose pages recognition keeps inside the document before
    them: such an entry is matched to the pages it names when they lie inside a document
    (not at its start), and that document's page range then ends before them.

    Returns the entries still to match against documents, and the inner ones. ``numbers``
    is updated in place."""
    outer: list[_Entry] = []
    inner: list[_Entry] = []
    for entry in entries:
        host = None
        if entry.first is not None and not _is_form_title(entry.title):
            for doc in docs:
                nums = numbers[id(doc)]
                if entry.first in nums[1:]:
                    host = doc
                    break
        if host is None:
            outer.append(entry)
            continue
        inner.append(entry)
        nums = numbers[id(host)]
        numbers[id(host)] = [n for n in nums if n < entry.first]
    return outer, inner


def _shown(first: int | None, last: int | None) -> str:
    if first is None:
        return "（无）"
    return str(first) if last is None or last == first else f"{first}-{last}"


def check_catalog(documents: Sequence[Document], pages: Sequence[PaperPage], page_types: Sequence[str | None]) -> list[Finding]:
    """Every catalog entry against the document found, and documents the catalog lacks."""
    docs, numbers, _ = _document_numbers(documents, pages, page_types)
    all_entries = _entries(documents)
    entries, inner = _split_inner_entries(all_entries, docs, numbers)
    first_no = {key: (nums[0] if nums else None) for key, nums in numbers.items()}
    findings: list[Finding] = []
    if not entries:
        if docs:
            findings.append(Finding("catalog_missing", "未找到卷内文书目录（或目录无条目），无法与文书核对。", (), None, None, "warning"))
        return findings
    seqs = [_page_no(e.seq) for e in all_entries]
    if seqs != list(range(1, len(all_entries) + 1)):
        findings.append(Finding(
            "catalog_seq_irregular", "卷内文书目录的序号不连续或重复。", (all_entries[0].catalog.first_page,),
            list(range(1, len(all_entries) + 1)), seqs, "warning",
        ))
    del inner  # matched to pages inside a document: nothing more to compare
    pairs = _match(entries, docs, first_no)
    for ei, entry in enumerate(entries):
        where = f"目录第{entry.seq}项“{entry.title}”"
        if ei not in pairs:
            findings.append(Finding(
                "catalog_entry_without_document", f"{where}在卷内找不到对应文书。", (entry.catalog.first_page,),
                {"title": entry.title, "doc_no": entry.doc_no or None, "first_page": entry.first}, None,
            ))
            continue
        doc = docs[pairs[ei]]
        involved = (entry.catalog.first_page, doc.first_page)
        if normalise_title(entry.title) != normalise_title(doc.title):
            findings.append(Finding(
                "catalog_title_mismatch", f"{where}的题名与第{doc.first_page}页文书题名“{doc.title}”不一致。", involved, entry.title, doc.title,
            ))
        found_no = normalise_doc_no(_field(doc, "doc_no"))
        if entry.doc_no and found_no and entry.doc_no != found_no:
            findings.append(Finding(
                "catalog_doc_no_mismatch", f"{where}的文号“{entry.doc_no}”与文书上的文号“{found_no}”不一致。", involved, entry.doc_no, found_no,
            ))
        found_date = _document_date(doc)
        if entry.date and found_date and entry.date != found_date:
            findings.append(Finding(
                "catalog_date_mismatch", f"{where}的日期{entry.date}与文书上的日期{found_date}不一致。", involved, entry.date, found_date,
            ))
        nums = numbers[id(doc)]
        found_range = (nums[0], nums[-1]) if nums else (None, None)
        # A catalog often gives only the first page of a document: then only that is compared.
        expected_range = (entry.first, entry.last if entry.last is not None else found_range[1])
        if entry.first is not None and expected_range != found_range:
            findings.append(Finding(
                "catalog_page_range_mismatch",
                f"{where}的页码{_shown(entry.first, entry.last)}与文书实际页码{_shown(*found_range)}不一致。",
                involved, [entry.first, entry.last], list(found_range),
            ))
    matched = set(pairs.values())
    for di, doc in enumerate(docs):
        if di not in matched:
            findings.append(Finding(
                "document_not_in_catalog", f"第{doc.first_page}至{doc.last_page}页的文书“{doc.title}”未列入卷内文书目录。",
                (doc.first_page, doc.last_page), None, {"title": doc.title, "doc_no": _field(doc, "doc_no")},
            ))
    return findings


def paper_labels(documents: Sequence[Document], pages: Sequence[PaperPage]) -> list[str | None]:
    """The paper label of every scanned page, for the volume PDF's page labels."""
    return assign_paper_labels(page_types_from_documents(documents, len(pages)), [p.blank for p in pages])


def catalog_bookmarks(documents: Sequence[Document], pages: Sequence[PaperPage]) -> list[tuple[str, int]]:
    """``({seq} {title} {doc_no}, 0-based page index)`` for every catalog entry (title as
    the catalog writes it, doc_no in normal form), pointing at the document it was matched with, or else at the page that
    carries its first page number; an entry that points nowhere gets no bookmark (and
    ``reconcile`` reports it)."""
    page_types = page_types_from_documents(documents, len(pages))
    docs, numbers, by_number = _document_numbers(documents, pages, page_types)
    first_no = {key: (nums[0] if nums else None) for key, nums in numbers.items()}
    entries = _entries(documents)
    pairs = _match(entries, docs, first_no)
    marks = []
    for ei, entry in enumerate(entries):
        if ei in pairs:
            index = docs[pairs[ei]].first_page
        elif entry.first is not None and entry.first in by_number:
            index = by_number[entry.first]
        else:
            continue
        title = " ".join(str(part).strip() for part in (entry.seq, entry.title, entry.doc_no) if part not in (None, ""))
        marks.append((title, index - 1))
    return marks


def reconcile(documents: Sequence[Document], pages: Sequence[PaperPage]) -> list[Finding]:
    """All findings for one volume, page numbers first, then counts, then the catalog."""
    for expected, page in enumerate(pages, start=1):
        if page.index != expected:
            raise ReconcileError(f"pages must be every scanned page in order; found index {page.index} at {expected}")
    page_types = page_types_from_documents(documents, len(pages))
    return [
        *check_page_numbers(pages, page_types),
        *check_page_counts(documents, pages, page_types),
        *check_catalog(documents, pages, page_types),
    ]
