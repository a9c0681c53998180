"""Recognise the legal documents of a scanned volume and read their fields (FORMS.md).

Input: the OCR'd pages of a scan (:class:`scanning.types.PageResult`); output: a list of
:class:`scanning.types.Document` with typed, normalised fields that keep their provenance
(page, box, confidence, raw text). Pure functions: no image, no IO.

Parts:
- :mod:`.normalize`: dates (Arabic and Chinese numerals), date-times, amounts (Chinese
  capitals), document numbers in every bracket style, ID checksums.
- :mod:`.text`: a page's words regrouped into rows, as text that maps every character
  back to its word (provenance), with fuzzy anchor search.
- :mod:`.classify`: which document a page starts: fuzzy title, fixed phrases, number kind.
- :mod:`.labels` (and ``labels.toml``): the label vocabulary, each field's label variants
  and the fixed phrases with slots, which a bureau extends with its own file.
- :mod:`.layout`: readers by meaning and geometry: a value right of or below its label,
  ended by the next known label, a rule or a cell border; a slot of a fixed phrase.
- :mod:`.values`: what each field's value must look like (names, case names, dates …).
- :mod:`.slots`, :mod:`.fields`, :mod:`.fields_admin`, :mod:`.catalog`: field readers.
- :mod:`.charges`: the closed list of charges that ends a case name, to put right a
  charge misread by one character.
- :mod:`.places`: the city and district every institution of the volume carries, to put
  right a one-character misreading seen on one line only.
- :mod:`.split`: pages to documents (blank pages, continuation pages, ``other``).
- :mod:`.crosscheck`: the volume's redundancy (recurring names, numbers, the catalog),
  with conflicts recorded on the documents.
- :mod:`.lexicon`: the bureau's own names (institutions, the heads of document numbers),
  when given, put in place of close misreadings of them (last, after the cross-checks).
"""

from __future__ import annotations

from scanning.types import Document, PageResult

from .classify import TITLE_TEXT, classify_page
from .crosscheck import crosscheck
from .labels import LabelsError, Vocabulary, labels_for, load_labels
from .labels import use as use_labels
from .lexicon import Lexicon, correct_fields
from .normalize import normalize_doc_no, parse_amount, parse_date, parse_datetime
from .split import Draft, read_fields, split, volume_years
from .text import PageText


class RecognitionError(Exception):
    """Recognition could not run at all (never raised for one unreadable page)."""


def _known_names(drafts: list[Draft]) -> tuple[str, ...]:
    names: set[str] = set()
    for d in drafts:
        # names bounded on both sides by fixed words are the most reliable
        if d.type in ("detention_warrant", "arrest_warrant", "bail_release_decision") and "suspect_name" in d.fields:
            names.add(d.fields["suspect_name"].value)
        fv = d.fields.get("suspect_names")
        if fv and isinstance(fv.value, list):
            names.update(fv.value)
    return tuple(sorted(n for n in names if 2 <= len(n) <= 4))


def apply_lexicon(drafts: list[Draft], lexicon: Lexicon | None) -> None:
    """Misread institution names and number heads put right against ``lexicon``; each
    change is recorded in the document's conflicts (the reading, and the names list)."""
    for ch in correct_fields([d.fields for d in drafts], lexicon):
        drafts[ch.index].conflicts.append({"field": ch.field, "chosen": ch.new, "candidates": [
            {"value": ch.old, "page": ch.page, "conf": ch.conf, "source": "page"},
            {"value": ch.new, "page": None, "conf": None, "source": "volume names" if ch.agreed else "names"}]})


def recognize(pages: list[PageResult], lexicon: Lexicon | None = None, labels: Vocabulary | None = None) -> list[Document]:
    """The documents of a scan, in page order; see the package docstring.

    ``lexicon``: the bureau's known names (:mod:`.lexicon`); without it nothing is
    corrected against a list. ``labels``: the label vocabulary (:mod:`.labels`, the
    defaults with the bureau's file added); without it the package's defaults."""
    with use_labels(labels):
        return _recognize(pages, lexicon)


def _recognize(pages: list[PageResult], lexicon: Lexicon | None) -> list[Document]:
    drafts = split(pages)
    years = volume_years(drafts)
    for d in drafts:
        d.fields = read_fields(d, volume_years=years)
    known = _known_names(drafts)
    if known:
        for d in drafts:
            if d.type in ("bail_decision", "arrest_request", "detention_warrant", "arrest_warrant"):
                d.fields = read_fields(d, known, years)
    crosscheck(drafts)
    apply_lexicon(drafts, lexicon)
    return [d.to_document() for d in drafts]


__all__ = [
    "LabelsError", "Lexicon", "PageText", "Vocabulary", "labels_for", "load_labels", "RecognitionError", "TITLE_TEXT", "classify_page", "normalize_doc_no", "parse_amount", "parse_date",
    "parse_datetime", "recognize",
]
