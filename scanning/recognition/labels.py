"""The label vocabulary: which printed words say where each field is (docs/labels.md).

The package ships ``labels.toml`` (the national formats' labels, the variants bureaus
print, the fixed phrases of sentence documents with their slots); a bureau adds its own
in a file of the same format (``LABELS_FILE``, default ``DATA_DIR/labels.toml``). Its
entries are added to the defaults, never replace them. :func:`load_labels` reads the
bureau's file again when it changes (mtime) and raises :class:`LabelsError` naming the
file and line of a mistake; :func:`labels_for` is what a worker calls: a bad file is
logged as an error and reading goes on with the last good vocabulary (or the defaults),
so a typo never stops recognition.

Entry kinds (under ``[<document type>]``, ``field = [...]``):

- a **label** (no braces): the words printed before or above the value;
- a **phrase** (with ``{field}`` slots): fixed words around values, ``决定对{case_name}立案侦查``;
  ``{_}`` stands for words that are not read;
- ``[options]``: a field's printed choices (``retention = ["永久", "长期", "短期"]``);
- ``[other]``: ``labels`` of things never read (性别, 住址): they end a value as any label does.

The readers (:mod:`.layout`) get the vocabulary of the recognition under way with
:func:`current`; :func:`use` sets it.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_FILE = Path(__file__).with_name("labels.toml")

#: The fields of each type (FORMS.md), the names a vocabulary may use.
_COMMON = ("authority", "doc_no")
FIELDS: dict[str, tuple[str, ...]] = {
    "acceptance_form": _COMMON + ("case_source", "reporter_name", "reporter_id_no", "received_at", "receiving_officer",
                                  "summary", "opinion", "accepted_on"),
    "acceptance_receipt": _COMMON + ("addressee", "reported_on", "case_name", "issued_on"),
    "filing_decision": _COMMON + ("case_name", "decided_on"),
    "filing_notice": _COMMON + ("addressee", "reported_on", "case_name", "issued_on"),
    "no_filing_notice": _COMMON + ("addressee", "case_name", "reason", "issued_on"),
    "detention_warrant": _COMMON + ("suspect_name", "suspect_gender", "suspect_birth_date", "detention_center", "issued_on"),
    "bail_decision": _COMMON + ("case_name", "suspect_name", "starts_on", "guarantee", "guarantor_name", "deposit_amount",
                                "issued_on"),
    "bail_release_decision": _COMMON + ("suspect_name", "bail_started_on", "reason", "released_on"),
    "arrest_request": _COMMON + ("suspect_name", "case_name", "procuratorate", "issued_on"),
    "arrest_warrant": _COMMON + ("suspect_name", "procuratorate", "issued_on"),
    "prosecution_opinion": _COMMON + ("suspect_names", "case_name", "procuratorate", "issued_on"),
    "admin_penalty_decision": _COMMON + ("party_name", "party_id_no", "violation", "penalty", "issued_on"),
    "reconsideration_decision": _COMMON + ("applicant", "respondent", "decision", "issued_on"),
    "admin_judgment": _COMMON + ("court", "plaintiff", "defendant", "result", "issued_on"),
    "dossier_cover": ("authority", "volume_kind", "case_name", "case_no", "volume_no", "volume_count", "opened_on",
                      "closed_on", "retention", "page_count"),
    # a catalog's header labels by what the column holds (other_column: a column not read, 备注)
    "catalog": ("seq", "doc_no", "title", "date", "pages", "other_column"),
    "backup_sheet": ("page_count", "compiled_by", "checked_by", "compiled_on"),
}
SLOT_RE = re.compile(r"\{([^{}]*)\}")


class LabelsError(ValueError):
    """A labels file that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Phrase:
    """Fixed words with slots: ``parts`` alternate literal, slot, literal … (literals may be '')."""

    text: str
    parts: tuple[str, ...]

    @property
    def slots(self) -> tuple[str, ...]:
        return self.parts[1::2]

    @property
    def literals(self) -> tuple[str, ...]:
        return self.parts[0::2]


def parse_phrase(text: str) -> Phrase:
    return Phrase(text, tuple(SLOT_RE.split(text)))


@dataclass
class Vocabulary:
    """Labels and phrases by document type and field, options by field, other labels."""

    entries: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
    sources: tuple[str, ...] = ()

    def labels(self, dtype: str, name: str) -> list[str]:
        """The plain labels of ``dtype.name``, longest first (案件编号 before 案号)."""
        return sorted((e for e in self.entries.get(dtype, {}).get(name, []) if "{" not in e), key=len, reverse=True)

    def phrases(self, dtype: str, name: str) -> list[Phrase]:
        """The phrases of ``dtype`` with a slot for ``name`` (in the file's order, any key)."""
        out = []
        for entries in self.entries.get(dtype, {}).values():
            for e in entries:
                if "{" in e:
                    p = parse_phrase(e)
                    if name in p.slots and p not in out:
                        out.append(p)
        return out

    def choices(self, name: str) -> list[str]:
        return list(self.options.get(name, []))

    def all_labels(self) -> tuple[str, ...]:
        """Every plain label of every type and the other labels: the words that end a value."""
        return _all_labels(self)

    def fixed_words(self) -> str:
        """Every label, phrase literal and option, one per line: the printed words of the forms.
        No person's name is part of them (符合 of 符合取保候审条件, 的监督, 出生 of 出生日期)."""
        return _fixed_words(self)

    def opens_with_label(self, text: str) -> bool:
        """Whether ``text`` opens with any of ``all_labels`` (a form's row or the next label, not a value)."""
        return any(text.startswith(lab) for lab in self.all_labels())

    def merged(self, other: Vocabulary) -> Vocabulary:
        """These entries with ``other``'s added after them (duplicates once)."""
        entries = {t: {f: list(v) for f, v in fs.items()} for t, fs in self.entries.items()}
        for t, fs in other.entries.items():
            for f, v in fs.items():
                have = entries.setdefault(t, {}).setdefault(f, [])
                have += [e for e in v if e not in have]
        options = {f: list(v) for f, v in self.options.items()}
        for f, v in other.options.items():
            options.setdefault(f, [])
            options[f] += [e for e in v if e not in options[f]]
        return Vocabulary(entries, options, self.other + [e for e in other.other if e not in self.other],
                          self.sources + other.sources)

    def __hash__(self) -> int:  # cached per instance (see _all_labels)
        return id(self)


@cache
def _all_labels(v: Vocabulary) -> tuple[str, ...]:
    words = {e for fs in v.entries.values() for es in fs.values() for e in es if "{" not in e and len(e) >= 2}
    words.update(e for e in v.other if len(e) >= 2)
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _fixed_words(v: Vocabulary) -> str:
    words = set(_all_labels(v))
    words.update(lit for fs in v.entries.values() for es in fs.values() for e in es if "{" in e
                 for lit in parse_phrase(e).literals if len(lit) >= 2)
    words.update(o for os_ in v.options.values() for o in os_ if len(o) >= 2)
    return "\n".join(sorted(words))


def _line_of(text: str, section: str, key: str | None = None) -> int:
    """The 1-based line of ``[section]`` (and of ``key =`` under it) in ``text``; 1 if not found."""
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if re.match(rf"\s*\[\s*{re.escape(section)}\s*\]", line)), None)
    if at is None:
        return 1
    if key is None:
        return at + 1
    for i in range(at + 1, len(lines)):
        if re.match(r"\s*\[", lines[i]):
            break
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", lines[i]):
            return i + 1
    return at + 1


def parse(text: str, source: str = "<labels>") -> Vocabulary:
    """A vocabulary from the TOML ``text``; :class:`LabelsError` names ``source`` and the line of a mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = "" if "line" in str(e) else f", line {max(len(text.splitlines()), 1)}"
        raise LabelsError(f"{source}{where}: not valid TOML: {e}") from e

    def fail(msg: str, section: str, key: str | None = None) -> LabelsError:
        return LabelsError(f"{source}, line {_line_of(text, section, key)}: {msg}")

    def strings(value: Any, section: str, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"[{section}] {key} must be a list of non-empty strings", section, key)
        return [re.sub(r"\s+", "", v) for v in value]  # labels are matched without their spaces (卷 次)

    vocab = Vocabulary(sources=(source,))
    for section, table in data.items():
        if not isinstance(table, dict):
            raise fail(f"{section} must be a [table]", section)
        if section == "options":
            for key, value in table.items():
                vocab.options[key] = strings(value, section, key)
            continue
        if section == "other":
            for key, value in table.items():
                if key != "labels":
                    raise fail(f"[other] holds only labels = [...], not {key}", section, key)
                vocab.other = strings(value, section, key)
            continue
        if section not in FIELDS:
            raise fail(f"unknown document type [{section}] (known: {', '.join(FIELDS)}, options, other)", section)
        for key, value in table.items():
            if key not in FIELDS[section]:
                raise fail(f"{section} has no field {key} (FORMS.md: {', '.join(FIELDS[section])})", section, key)
            entries = strings(value, section, key)
            for e in entries:
                if e.count("{") != e.count("}") or "{}" in e:
                    raise fail(f"bad slot in {e!r}: write {{field}} or {{_}}", section, key)
                p = parse_phrase(e)
                for s in p.slots:
                    if s != "_" and s not in FIELDS[section]:
                        raise fail(f"slot {{{s}}} in {e!r} is no field of {section}", section, key)
                if p.slots and not any(p.literals):
                    raise fail(f"{e!r} has no fixed words around its slots", section, key)
                if p.slots and key not in p.slots:
                    raise fail(f"{e!r} has no slot {{{key}}}", section, key)
            vocab.entries.setdefault(section, {})[key] = entries
    return vocab


@cache
def default_vocabulary() -> Vocabulary:
    """The package's own ``labels.toml``."""
    return parse(DEFAULT_FILE.read_text(encoding="utf-8"), str(DEFAULT_FILE.name))


_loaded: dict[str, tuple[float, int, Vocabulary]] = {}


def load_labels(path: str | Path | None) -> Vocabulary:
    """The defaults with the bureau's file at ``path`` added (when it exists); read again
    when the file changes. Raises :class:`LabelsError` for a file that cannot be used."""
    base = default_vocabulary()
    if not path:
        return base
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        return base
    except OSError as e:
        raise LabelsError(f"{p}: cannot be read: {e}") from e
    hit = _loaded.get(str(p))
    if hit is not None and hit[:2] == (st.st_mtime, st.st_size):
        return hit[2]
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LabelsError(f"{p}: cannot be read as UTF-8: {e}") from e
    vocab = base.merged(parse(text, str(p)))
    _loaded[str(p)] = (st.st_mtime, st.st_size, vocab)
    return vocab


_good: dict[str, Vocabulary] = {}


def labels_for(path: str | Path | None) -> Vocabulary:
    """:func:`load_labels` for a worker: a bad file is logged (its line named) and the last
    good vocabulary of that path, or the defaults, is used, so reading never stops."""
    try:
        vocab = load_labels(path)
    except LabelsError as e:
        log.error("labels file not used, reading with %s: %s",
                  "its last good version" if str(path) in _good else "the default labels", e)
        return _good.get(str(path), default_vocabulary())
    _good[str(path)] = vocab
    return vocab


_current: ContextVar[Vocabulary | None] = ContextVar("ecase_labels", default=None)


def current() -> Vocabulary:
    """The vocabulary of the recognition under way (the defaults outside :func:`use`)."""
    return _current.get() or default_vocabulary()


@contextmanager
def use(vocab: Vocabulary | None) -> Iterator[Vocabulary]:
    token = _current.set(vocab)
    try:
        yield current()
    finally:
        _current.reset(token)
