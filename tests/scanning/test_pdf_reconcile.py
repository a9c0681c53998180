"""Reconciliation of a scanned volume with its paper catalog, page numbers and page counts.

One small volume is described in full; each test changes one thing the way a real paper
volume goes wrong and checks that exactly that is reported. (The file name keeps it with
the PDF tests: the paper labels it computes become the PDF page labels.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from scanning.pdf.labels import display_labels
from scanning.reconcile import (
    Finding,
    PaperPage,
    ReconcileError,
    assign_paper_labels,
    catalog_bookmarks,
    normalise_date,
    normalise_doc_no,
    page_types_from_documents,
    paper_labels,
    reconcile,
)
from scanning.types import Document, FieldValue

FILING_NO = "某公（刑）立字〔2024〕0012号"
DETENTION_NO = "某公（刑）拘字〔2024〕0034号"


def fv(value: Any, page: int = 1) -> FieldValue:
    return FieldValue(value, page, None, 0.9, str(value))


def doc(type_: str, title: str, first: int, last: int, **fields: Any) -> Document:
    return Document(type_, title, first, last, 0.9, {k: fv(v, first) for k, v in fields.items()})


def volume() -> tuple[list[Document], list[PaperPage]]:
    """Cover, catalog, 立案决定书 (paper 1-2), a blank back, 拘留证 (3), 讯问笔录 (4-6), backup sheet."""
    entries = [
        {"seq": 1, "doc_no": FILING_NO, "title": "立案决定书", "date": "2024-03-01", "first_page": 1, "last_page": 2},
        {"seq": 2, "doc_no": DETENTION_NO, "title": "拘留证", "date": "2024年3月2日", "first_page": 3, "last_page": 3},
        {"seq": 3, "doc_no": "", "title": "讯问笔录", "date": "2024.3.2", "first_page": "4", "last_page": "6"},
    ]
    documents = [
        doc("dossier_cover", "刑事诉讼卷宗", 1, 1, page_count=6, volume_kind="criminal_main"),
        doc("catalog", "卷内文书目录", 2, 2, entries=entries),
        doc("filing_decision", "立案决定书", 3, 5, doc_no=FILING_NO, decided_on="2024-03-01"),
        doc("detention_warrant", "拘留证", 6, 6, doc_no=DETENTION_NO, issued_on="2024-03-02"),
        doc("other", "讯问笔录", 7, 9, date="2024-03-02"),
        doc("backup_sheet", "卷内备考表", 10, 10, page_count=6),
    ]
    printed = [None, None, 1, 2, None, 3, 4, 5, 6, None]
    blank = [False, False, False, False, True, False, False, False, False, False]
    pages = [PaperPage(i + 1, n, b) for i, (n, b) in enumerate(zip(printed, blank, strict=True))]
    return documents, pages


def with_printed(pages: list[PaperPage], numbers: dict[int, int | None]) -> list[PaperPage]:
    return [PaperPage(p.index, numbers.get(p.index, p.printed), p.blank) for p in pages]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_a_consistent_volume_has_no_findings() -> None:
    documents, pages = volume()
    assert reconcile(documents, pages) == []


def test_paper_labels_number_documents_from_one_and_keep_blank_backs() -> None:
    documents, pages = volume()
    types = page_types_from_documents(documents, len(pages))
    labels = assign_paper_labels(types, [p.blank for p in pages])
    assert labels == ["封面", "目录", "1", "2", None, "3", "4", "5", "6", "备考表"]
    assert display_labels(labels)[4] == "2背"
    two_catalog_pages = assign_paper_labels(["catalog", "catalog", "other", "backup_sheet", "other"], [False] * 5)
    assert two_catalog_pages == ["目录", "目录2", "1", "备考表", "封底"]


def test_skipped_page_number() -> None:
    documents, pages = volume()
    pages = with_printed(pages, {6: 4, 7: 5, 8: 6, 9: 7})  # the 拘留证 page was numbered 4, not 3
    findings = reconcile(documents, pages)
    skipped = [f for f in findings if f.code == "page_number_skipped"]
    assert len(skipped) == 1
    assert skipped[0].expected == [3] and skipped[0].pages == (4, 6)
    assert "page_number_duplicate" not in codes(findings)


def test_duplicate_page_number() -> None:
    documents, pages = volume()
    pages = with_printed(pages, {6: 2, 7: 3, 8: 4, 9: 5})
    findings = reconcile(documents, pages)
    (duplicate,) = [f for f in findings if f.code == "page_number_duplicate"]
    assert duplicate.pages == (4, 6)
    assert "页号2重复" in duplicate.message
    assert "page_number_skipped" not in codes(findings)


def test_out_of_order_page_numbers() -> None:
    documents, pages = volume()
    pages = with_printed(pages, {7: 5, 8: 4})
    findings = reconcile(documents, pages)
    assert [f for f in findings if f.code.startswith("page_number")] == [
        Finding("page_number_out_of_order", findings[0].message, (7, 8), ">5", 4)
    ]


def test_unread_number_that_fits_its_gap_is_a_warning_not_a_skip() -> None:
    documents, pages = volume()
    findings = reconcile(documents, with_printed(pages, {7: None}))
    assert codes(findings) == ["page_number_unread"]
    assert findings[0].severity == "warning" and findings[0].pages == (7,)


def test_missing_document_is_reported_against_its_catalog_entry() -> None:
    documents, pages = volume()
    # The 拘留证 page is not in the scan: its page is gone and the numbers skip 3.
    documents = [d for d in documents if d.type != "detention_warrant"]
    pages = [p for p in pages if p.index != 6]
    pages = [PaperPage(i + 1, p.printed, p.blank) for i, p in enumerate(pages)]
    documents = [_shift(d) for d in documents]
    findings = reconcile(documents, pages)
    (missing,) = [f for f in findings if f.code == "catalog_entry_without_document"]
    assert missing.expected["title"] == "拘留证" and missing.expected["doc_no"] == DETENTION_NO
    assert "page_number_skipped" in codes(findings)
    assert "cover_page_count_mismatch" in codes(findings)


def _shift(d: Document) -> Document:
    if d.first_page <= 6:
        return d
    return Document(d.type, d.title, d.first_page - 1, d.last_page - 1, d.confidence, d.fields, d.conflicts)


def _edit_entry(documents: list[Document], seq: int, **changes: Any) -> None:
    catalog = next(d for d in documents if d.type == "catalog")
    entries = [dict(e) for e in catalog.fields["entries"].value]
    entries[seq - 1].update(changes)
    catalog.fields["entries"] = fv(entries, catalog.first_page)


@pytest.mark.parametrize(
    ("change", "code", "expected", "found"),
    [
        (lambda ds: _edit_entry(ds, 1, title="立案决宝书"), "catalog_title_mismatch", "立案决宝书", "立案决定书"),
        (lambda ds: _edit_entry(ds, 2, doc_no="某公（刑）拘字〔2024〕0043号"), "catalog_doc_no_mismatch",
         "某公（刑）拘字〔2024〕0043号", DETENTION_NO),
        (lambda ds: _edit_entry(ds, 1, date="2024-03-11"), "catalog_date_mismatch", "2024-03-11", "2024-03-01"),
        (lambda ds: _edit_entry(ds, 3, first_page=4, last_page=7), "catalog_page_range_mismatch", [4, 7], [4, 6]),
    ],
)
def test_catalog_disagreeing_with_a_document(change: Callable[[list[Document]], None], code: str, expected: Any, found: Any) -> None:
    documents, pages = volume()
    change(documents)
    findings = reconcile(documents, pages)
    assert codes(findings) == [code], findings
    assert (findings[0].expected, findings[0].found) == (expected, found)
    assert 2 in findings[0].pages  # the catalog page is named


def test_document_not_in_catalog() -> None:
    documents, pages = volume()
    catalog = next(d for d in documents if d.type == "catalog")
    catalog.fields["entries"] = fv(catalog.fields["entries"].value[:2])
    findings = reconcile(documents, pages)
    assert codes(findings) == ["document_not_in_catalog"]
    assert findings[0].pages == (7, 9)


def test_page_count_mismatch_on_cover_and_backup_sheet() -> None:
    documents, pages = volume()
    documents[0].fields["page_count"] = fv(7)
    documents[-1].fields["page_count"] = fv("5")
    findings = reconcile(documents, pages)
    assert [(f.code, f.expected, f.found) for f in findings] == [
        ("cover_page_count_mismatch", 7, 6),
        ("backup_sheet_page_count_mismatch", 5, 6),
    ]


def test_document_numbers_compare_in_normal_form() -> None:
    assert normalise_doc_no("某公(刑)立字[２０２４] 0012号") == FILING_NO
    documents, pages = volume()
    _edit_entry(documents, 1, doc_no="某公(刑)立字[２０２４]0012号")
    assert reconcile(documents, pages) == []


def test_pages_must_be_complete_and_in_order() -> None:
    documents, pages = volume()
    with pytest.raises(ReconcileError):
        reconcile(documents, pages[:3] + pages[4:])


def test_dates_in_chinese_numerals_compare_with_arabic_ones() -> None:
    assert normalise_date("二〇二四年三月二日") == "2024-03-02"
    assert normalise_date("二〇二四年十二月三十一日") == "2024-12-31"
    assert normalise_date("２０２４年３月２日") == "2024-03-02"
    assert normalise_date("不详") == "不详"
    documents, pages = volume()
    _edit_entry(documents, 2, date="二〇二四年三月二日")
    assert reconcile(documents, pages) == []
    _edit_entry(documents, 2, date="二〇二四年三月十二日")
    assert codes(reconcile(documents, pages)) == ["catalog_date_mismatch"]


def test_labels_and_bookmarks_carry_into_the_volume_pdf() -> None:
    """The paper labels and catalog bookmarks computed here are what the PDF shows."""
    import datetime as dt
    import io

    import pikepdf
    from PIL import Image

    from scanning.pdf import Bookmark, PdfPage, VolumeMeta, build_volume_pdf_bytes

    documents, pages = volume()
    _edit_entry(documents, 2, first_page=9)  # a wrong page in the catalog: the bookmark follows the document
    labels = paper_labels(documents, pages)
    marks = catalog_bookmarks(documents, pages)
    assert marks == [(f"1 立案决定书 {FILING_NO}", 2), (f"2 拘留证 {DETENTION_NO}", 5), ("3 讯问笔录", 6)]
    buffer = io.BytesIO()
    Image.new("L", (60, 80), 255).save(buffer, "JPEG")
    pdf_pages = [PdfPage(buffer.getvalue(), "image/jpeg", 60, 80, 72, label=label) for label in labels]
    data = build_volume_pdf_bytes(pdf_pages, VolumeMeta("案", "卷", "局", dt.date(2024, 1, 1)), [Bookmark(t, i) for t, i in marks])
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert [p.label for p in pdf.pages] == ["封面", "目录", "1", "2", "2背", "3", "4", "5", "6", "备考表"]
        with pdf.open_outline() as outline:
            assert [(o.title, pdf.pages.index(pikepdf.Page(o.destination[0]))) for o in outline.root] == marks


def test_a_statement_listed_in_the_catalog_but_read_as_a_continuation() -> None:
    """Recognition keeps a 讯问笔录 inside the document before it (it is not a form of its
    own); the catalog lists it as an entry. That is the paper as it should be: no finding."""
    documents, pages = volume()
    merged = [d for d in documents if d.type != "other"]
    detention = next(d for d in merged if d.type == "detention_warrant")
    detention.last_page = 9  # the statement's pages continue the 拘留证
    assert [f.code for f in reconcile(merged, pages)] == []
    # but a statement whose pages are not where the catalog says is still reported
    entries = next(d for d in merged if d.type == "catalog").fields["entries"].value
    entries[2]["first_page"] = "7"
    codes = {f.code for f in reconcile(merged, pages)}
    assert "catalog_entry_without_document" in codes
