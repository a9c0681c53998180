"""The bureau's own names: OCR misreadings of them put right against a configured list.

Tesseract's chi_sim cannot write some characters at all (泺 is not in its character set)
and misreads rare ones (岱 as 贷, 槐荫 as 枫荫 or 槐萌), yet a bureau knows the names it
prints every day: its own full name, its 机关代字 (the head of its document numbers,
岱槐公), the procuratorate, court, government and detention centre it deals with. A
:class:`Lexicon` holds such names; :func:`correct_fields` puts a value right when what the
page shows is a close, unambiguous misreading of one of them.

The file (UTF-8, one entry a line, ``#`` starts a comment)::

    岱西市公安局槐荫区分局      # institutions, as printed in full
    岱西市槐荫区人民检察院
    岱槐公                      # the head of the bureau's numbers (before （刑）/（行）)
    岱西槐荫政复决              # another body's head: the part before 字
    鲁0105                      # a court's code in its case numbers （2018）鲁0105行初1号 (or 鲁 alone)

What is corrected: institution fields (``authority``, ``court``, ``procuratorate``,
``detention_center``, ``respondent``, ``defendant``, ``addressee``) against entries of five
characters or more, and the head of document numbers (the bureau's ``…公``, another body's
part before 字, a court number's place and code) against entries of the head's length,
in the documents' ``doc_no`` and the catalog's rows.

When a value is replaced (never otherwise):

* first pass, *close and unambiguous*: one character differs (in a name of eight
  characters or more, one lost or added counts as one), and every other entry differs
  more;
* second pass, *the volume agrees*: the places named by the values the first pass matched
  (泺源市公安局槐荫区分局 names 泺源 and 槐荫; 岱槐公 names 岱槐) supply every character
  the entry puts in, no other entry as near is so supplied, and at most a quarter of a
  name's characters (a third of a number head's) differ. This is how a 机关代字 of three
  characters whose first one OCR cannot write is put right when the list holds many
  bureaus (泺槐公, 青槐公, 东槐公 … are all one character from 激槐公), how a court
  number's place character is, and a name with two slips (激源市槐萌区人民法院);
* when the first pass matched nothing, *the volume's readings together*: each institution
  name two or more characters off votes for the one entry within a quarter of its
  characters that replaces no whole place (个西市公安局枫荫区分局 and 贷西市公安局槐萌区分局
  both vote 岱西…槐荫); places agreed by two readings, with no reading for other places,
  are the support of the second pass (measured: field_acc_names 0.9249 -> 0.9331, none
  broken, bench/recognition.py --reuse-pages --names);
* never when a whole city or district of the entry differs from what was read
  (青川市… is another bureau, not a misreading of 泺源市…);
* a salutation or stray mark of up to two characters read before an institution's name
  (此臻 for 此致) is dropped when the rest is close to an entry by the first pass;
* in free text (``summary``, ``violation``), a city or district one character off one that
  the volume's matched names name (水源市 for 泺源市, 槐萌区 for 槐荫区) is put right; failing
  those, one character off exactly one place the list names (an address in another
  district of the city).

The value becomes the entry's spelling; ``raw`` keeps what OCR read, the confidence is
lowered a little (more for the second pass), and the caller records the change as a
conflict. A value not near any entry, or as near to two, is left as read. What is left
to chance: a number of another bureau one character off the bureau's own head (青槐公
against 泺槐公) is read as the bureau's, as it would be by eye.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from scanning.types import FieldValue

from .normalize import half_width

log = logging.getLogger(__name__)
#: Free text that names places (the summary of a report, the facts of a violation).
TEXT_FIELDS = ("summary", "violation")
NAME_FIELDS = ("authority", "court", "procuratorate", "detention_center", "respondent", "defendant", "addressee")
MIN_NAME = 5  # a person's name is at most four characters: shorter entries never replace a name field
MAX_LEAD = 2  # characters read before an institution's name that may be dropped
STRICT_FACTOR = 0.95  # confidence kept by a close, unambiguous correction
AGREED_FACTOR = 0.85  # and by one the volume's other names decided

_POLICE_NO = re.compile(r"^(?P<head>[^（）〔〕]+?)(?P<rest>（[刑行]）[^〔]*字〔.*)$")
_OTHER_NO = re.compile(r"^(?P<head>[^（）〔〕]+?)(?P<rest>字〔.*)$")
_COURT_NO = re.compile(r"^(?P<year>（\d{4}）)(?P<place>[\u4e00-\u9fff]{1,2})(?P<code>\d{0,6})(?P<rest>[\u4e00-\u9fff]{1,3}\d{1,6}号)$")
# the words of institutions' names that are no place: what is left of a matched name is the
# volume's city and district (泺源市公安局槐荫区分局 -> 泺源, 槐荫), which the second pass trusts
_GENERIC = re.compile(r"公安局|分局|人民检察院|检察院|人民法院|法院|人民政府|政府|看守所|拘留所|派出所|公安|政复决|复决|"
                      r"[省市区县公\d（）]")
_BRACKETS = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "【": "〔", "】": "〕"})


def _clean(entry: str) -> str:
    """An entry as values are written: no white space, ASCII digits, full-width round
    brackets, no 字 or （刑）/（行） after a number's head."""
    e = half_width(re.sub(r"\s+", "", entry)).replace(" ", "").translate(_BRACKETS)
    e = re.sub(r"（[刑行]）.*$", "", e)
    if len(e) > 1 and e.endswith("字"):
        e = e[:-1]
    return e


@dataclass(frozen=True)
class Lexicon:
    """Known names (institutions and number heads), in the spelling to put in place of a misreading."""

    entries: tuple[str, ...] = ()

    @classmethod
    def of(cls, names: Iterable[str]) -> Lexicon:
        seen: dict[str, None] = {}
        for n in names:
            e = _clean(n)
            if e:
                seen.setdefault(e, None)
        return cls(tuple(seen))

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        """Entries from the text of a names file: one a line, ``#`` to the end of a line is a comment."""
        return cls.of(line.split("#", 1)[0] for line in text.lstrip("\ufeff").splitlines())

    @classmethod
    def load(cls, path: str | Path) -> Lexicon:
        return cls.parse(Path(path).read_text(encoding="utf-8"))

    def __len__(self) -> int:
        return len(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __or__(self, other: Lexicon) -> Lexicon:
        return Lexicon.of(self.entries + other.entries)

    def nearest(self, text: str, support: frozenset[str] | set[str] = frozenset(), *, name: bool = False) -> str | None:
        """The entry ``text`` is a misreading of, or None (``text`` itself when it is an entry).

        ``name``: ``text`` is an institution field (entries of five characters or more; one
        character lost or added is a difference too). ``support``: the characters of the
        places the volume's names already matched name, for the second pass (see the
        module docstring).
        """
        m = self._match(text, support, name=name)
        return m[0] if m else None

    def _scored(self, text: str, *, name: bool) -> list[tuple[int, str, frozenset[str]]]:
        """(edits, entry, characters it puts in) for every entry ``text`` may be a misreading
        of, nearest first: of its length (an institution: of five characters or more, one
        lost or added counting from eight), never one that replaces a whole place of it."""
        n = len(text)
        scored: list[tuple[int, str, frozenset[str]]] = []
        for e in self.entries:
            if name:
                if len(e) < MIN_NAME or abs(len(e) - n) > (1 if min(n, len(e)) >= 8 else 0):
                    continue
            elif len(e) != n:
                continue
            d, new, places_replaced = _difference(text, e)
            if name and places_replaced:
                continue  # a whole city or district differs: another institution, not a misreading
            scored.append((d, e, new))
        scored.sort(key=lambda t: t[0])
        return scored

    def _match(self, text: str, support: frozenset[str] | set[str], *, name: bool) -> tuple[str, bool] | None:
        """(entry, decided by the volume's names) or None."""
        if not text:
            return None
        if text in self.entries:
            return text, False
        n = len(text)
        scored = self._scored(text, name=name)
        if not scored:
            return None
        best_d, best = scored[0][0], scored[0][1]
        second_d = scored[1][0] if len(scored) > 1 else None
        if best_d <= (1 if n >= 3 else 0) and (second_d is None or second_d > best_d):
            return best, False
        if not support:
            return None
        reach = max(1, n // 4 if name else n // 3)
        agreed = [(d, e) for d, e, new in scored if d <= reach and new <= support]
        if not agreed:
            return None
        d0 = agreed[0][0]
        # the one entry the volume's names agree with, and no further than one from the nearest
        if len([e for d, e in agreed if d == d0]) == 1 and d0 <= best_d + 1:
            return agreed[0][1], True
        return None


def _place_runs(entry: str) -> list[range]:
    """Positions of the places an institution's name carries (泺源市公安局槐荫区分局: 0-1, 6-7)."""
    generic = [False] * len(entry)
    for m in _GENERIC.finditer(entry):
        for k in range(m.start(), m.end()):
            generic[k] = True
    runs, start = [], None
    for k, g in enumerate(generic + [True]):
        if not g and start is None:
            start = k
        elif g and start is not None:
            runs.append(range(start, k))
            start = None
    return runs


def _difference(text: str, entry: str) -> tuple[int, frozenset[str], bool]:
    """Edits from ``text`` to ``entry``, the characters the entry puts in, and whether a
    place of the entry (a city, a district) is replaced as a whole."""
    if len(text) == len(entry):
        changed = [k for k, (a, b) in enumerate(zip(text, entry)) if a != b]
        d = len(changed)
    else:
        ops = [op for op in Levenshtein.editops(text, entry) if op.tag in ("replace", "insert")]
        changed = [op.dest_pos for op in ops]
        d = Levenshtein.distance(text, entry)
    at = set(changed)
    whole = any(all(k in at for k in run) for run in _place_runs(entry) if len(run) >= 2)
    return d, frozenset(entry[k] for k in changed), whole


_loaded: dict[str, tuple[float, Lexicon]] = {}


def load_names(path: str | Path | None) -> Lexicon | None:
    """The names file at ``path`` (read again when it changes), or None when there is none.

    A file that cannot be read is logged and treated as absent: recognition never fails
    for want of a list of names.
    """
    if not path:
        return None
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        return None
    hit = _loaded.get(str(p))
    if hit is not None and hit[0] == mtime:
        return hit[1]
    try:
        lex = Lexicon.load(p)
    except (OSError, UnicodeDecodeError) as e:
        log.warning("names file %s not used: %s", p, e)
        return None
    _loaded[str(p)] = (mtime, lex)
    return lex


@dataclass(frozen=True)
class Change:
    """One value put right: which document (index in the list given), field, the reading, the entry."""

    index: int
    field: str  # ``doc_no`` or ``entries[3].doc_no`` for a catalog row
    old: Any
    new: Any
    agreed: bool  # decided by the volume's other names (second pass)
    page: int | None = None  # where the reading was made, and its confidence
    conf: float | None = None


def _doc_no_parts(value: str) -> list[tuple[str, str, str]]:
    """(before, head, after) splits of a normalised number, the head to be matched; a
    court number gives its place with code (鲁0105) and its place alone (鲁)."""
    m = _COURT_NO.match(value)
    if m:
        out = []
        if m.group("code"):
            out.append((m.group("year"), m.group("place") + m.group("code"), m.group("rest")))
        out.append((m.group("year"), m.group("place"), m.group("code") + m.group("rest")))
        return out
    m = _POLICE_NO.match(value) or _OTHER_NO.match(value)
    return [("", m.group("head"), m.group("rest"))] if m else []


def _match_name(value: str, lex: Lexicon, support: frozenset[str]) -> tuple[str, bool] | None:
    """An institution field's entry; a salutation or stray mark read before the name (此臻
    for 此致) is dropped when what follows it is close to an entry on its own."""
    m = lex._match(value, support, name=True)
    if m is not None:
        return m
    for k in range(1, MAX_LEAD + 1):
        if len(value) - k >= 8:
            m = lex._match(value[k:], frozenset(), name=True)
            if m is not None:
                return m
    return None


def _correct_doc_no(value: str, lex: Lexicon, support: frozenset[str]) -> tuple[str, bool] | None:
    for before, head, after in _doc_no_parts(value):
        m = lex._match(head, support, name=False)
        if m:
            return before + m[0] + after, m[1]
    return None


_PLACE = re.compile(r"(?:(?![省市区县局])[\u4e00-\u9fff]){2}[市区县]")


def _correct_places(fields_list: Sequence[dict[str, FieldValue]], places: set[str], changes: list[Change],
                    known: Collection[str] = ()) -> None:
    """In free text, a city or district read one character off one the volume's own names
    name (水源市 for 泺源市, 槐萌区 for 槐荫区) is put right; failing those, one character off
    exactly one place of the names list (an address in another district of the city);
    anything else is left as read."""
    if not places:
        return
    for i, fields in enumerate(fields_list):
        for fname in TEXT_FIELDS:
            fv = fields.get(fname)
            if fv is None or not isinstance(fv.value, str):
                continue
            text = fv.value
            for k in range(len(text) - 2):
                piece = text[k:k + 3]
                if piece in places or piece in known or piece[2] not in "市区县":
                    continue
                near = _one_off(piece, places) or _one_off(piece, known)
                if len(near) == 1:
                    text = text[:k] + near[0] + text[k + 3:]
            if text != fv.value:
                changes.append(Change(i, fname, fv.value, text, True, fv.page, fv.conf))
                fields[fname] = _scaled(fv, text, True)


def _one_off(piece: str, pool: Collection[str]) -> list[str]:
    """The places of ``pool`` of the same kind (市, 区, 县) one character off ``piece``."""
    return [p for p in pool if p[2] == piece[2] and sum(a != b for a, b in zip(p, piece)) == 1]


def _volume_vote(lex: Lexicon, readings: Sequence[str]) -> list[str]:
    """The entries the volume's institution names agree on when none was close on its own.

    Each reading (of eight characters or more) votes for the one entry within a quarter
    of its characters that replaces no whole city or district, if there is exactly one
    (个西市公安局枫荫区分局: 岱西市公安局槐荫区分局, two slips, every other bureau a whole
    place away). The places voted for by two readings or more, and by no reading for other
    places, are the volume's; their entries are returned.
    """
    voted: dict[frozenset[str], list[str]] = {}
    for text in dict.fromkeys(r for r in readings if len(r) >= 8):
        reach = max(1, len(text) // 4)
        near = [e for d, e, _ in lex._scored(text, name=True) if d <= reach]
        if len(near) == 1:
            voted.setdefault(frozenset(_place_chars(near[0])), []).append(near[0])
    if not voted:
        return []
    # readings naming the city alone (岱西市看守所) agree with any place set holding it
    sets = sorted(voted, key=len, reverse=True)
    top = sets[0]
    if any(not p <= top for p in sets[1:]):
        return []  # the readings disagree about the volume's places
    entries = [e for p in sets for e in voted[p]]
    return entries if len(entries) >= 2 else []


def _place_chars(entry: str) -> set[str]:
    """The characters of the places a matched entry names (泺源市公安局槐荫区分局: 泺源槐荫; 岱槐公: 岱槐)."""
    return set(_GENERIC.sub("", entry))


def _scaled(fv: FieldValue, value: Any, agreed: bool) -> FieldValue:
    return FieldValue(value, fv.page, fv.box, round(fv.conf * (AGREED_FACTOR if agreed else STRICT_FACTOR), 3), fv.raw)


def correct_fields(fields_list: Sequence[dict[str, FieldValue]], lex: Lexicon | None) -> list[Change]:
    """Put right, in place, the misread institution names and number heads of a volume's
    documents (each document's fields, in a list). Returns the changes made."""
    if not lex:
        return []
    changes: list[Change] = []

    def values() -> Iterable[tuple[int, str, str, Any]]:
        """(document, field, kind, current value) of every value the lexicon may correct."""
        for i, fields in enumerate(fields_list):
            for fname, fv in fields.items():
                if fname in NAME_FIELDS and isinstance(fv.value, str):
                    yield i, fname, "name", fv.value
                elif fname == "doc_no" and isinstance(fv.value, str):
                    yield i, fname, "doc_no", fv.value
                elif fname == "entries" and isinstance(fv.value, list):
                    for k, row in enumerate(fv.value):
                        if isinstance(row, dict) and isinstance(row.get("doc_no"), str):
                            yield i, f"entries[{k}].doc_no", "doc_no", row["doc_no"]

    def put(i: int, fname: str, new: Any, agreed: bool) -> None:
        fields = fields_list[i]
        if fname.startswith("entries["):
            k = int(fname[len("entries["):fname.index("]")])
            fv = fields["entries"]
            row = fv.value[k]
            old = row["doc_no"]
            row["doc_no"] = new
        else:
            fv = fields[fname]
            old = fv.value
            fields[fname] = _scaled(fv, new, agreed)
        changes.append(Change(i, fname, old, new, agreed, fv.page, fv.conf))

    support: set[str] = set()
    places: set[str] = set()  # the cities and districts (泺源市, 槐荫区) of the names matched
    pending: list[tuple[int, str, str, Any]] = []
    for i, fname, kind, value in list(values()):  # first pass: close and unambiguous on its own
        if kind == "name":
            m = _match_name(value, lex, frozenset())
        else:
            m = _correct_doc_no(value, lex, frozenset())
        if m is None:
            pending.append((i, fname, kind, value))
            continue
        new = m[0]
        if kind == "name":
            support |= _place_chars(new)
            places |= set(_PLACE.findall(new))
        else:
            for _, head, _ in _doc_no_parts(new):
                if head in lex.entries:
                    support |= _place_chars(head)
        if new != value:
            put(i, fname, new, False)
    if not support:  # nothing close enough on its own: the volume's readings together may decide
        for entry in _volume_vote(lex, [value for _, _, kind, value in pending if kind == "name"]):
            support |= _place_chars(entry)
            places |= set(_PLACE.findall(entry))
    if not support:
        return changes
    _correct_places(fields_list, places, changes, {p for e in lex.entries for p in _PLACE.findall(e)})
    agreed_support = frozenset(support)
    for i, fname, kind, value in pending:  # second pass: the volume's matched names decide
        if kind == "name":
            m = _match_name(value, lex, agreed_support)
        else:
            m = _correct_doc_no(value, lex, agreed_support)
        if m is not None and m[0] != value:
            put(i, fname, m[0], m[1])
    return changes
