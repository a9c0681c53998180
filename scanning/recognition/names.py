"""One person's name read in several places of a volume, decided character by character.

A volume prints the same people many times: the reporter on the acceptance form is the
addressee of the receipt and of the filing notices (「{addressee}：你（单位）于…报称的…」, so
the form itself says they are one person); the suspect recurs on every coercive measure, in
the prosecution opinion and in the case name 「{name}{charge}案」; the party of a penalty
decision applies for its review and sues over it. OCR misreads a character of a name here
and there, each time differently (魏英艳 / 魏欧拖 / 魏英拖). A whole-string vote cannot put
that right when no two readings agree; a vote per character position can.

The rule:

- A :class:`Reading` is one place that prints the name: the characters as the page shows
  them, each with the confidence of its own OCR word (0..1; every engine gives one word
  per Chinese character), and a *role* (who the place names: ``reporter``, ``subject``...).
- Readings are linked only within one role, and only if they have the same length and
  - in a role the form's structure makes one person (``same_person``): they share at least
    one character at its position (袁静 / 彭静);
  - in any other role (several suspects can share a volume): they are near-identical,
    three characters or more and one position apart (蔡国帅 / 蔡国籼);
  - never when, at a position where they differ, both characters were read with
    confidence (≥ ``SURE``): that is two people (张伟 / 张玮), or one confident misreading
    that no vote can tell apart; never when the caller says the two names are distinct
    (listed side by side as two suspects). A linked group that still holds two names said
    to be distinct is left alone entirely.
- In a linked group, each position is decided on its own: every character shown there
  scores ``0.1 + 0.9 × conf`` per place that shows it (agreement counts, a confident reading
  counts more than a guess: two unreadable 拖 at conf 0 and 0.2 lose to one 艳 at 0.77);
  the same words read into two fields count once. A reading's character is replaced by
  the winner only when the winner scores more than ``MARGIN`` above it and the character
  itself was not read with confidence. So a tie leaves every reading as read, and a value
  is only ever made of characters some page shows at that position.

The places read (:func:`scanning.recognition.crosscheck.reconcile_names`): role ``reporter``
(one person when the volume holds one report): the form's ``reporter_name``, the
``addressee`` of the receipt, filing and no-filing notices, and 报案人{name} in the form's
summary; role ``subject``: ``suspect_name``, each of ``suspect_names``, ``party_name``,
``applicant``, ``plaintiff``, the person of a case name, and the party named again in the
penalty decision's ``violation``. A changed field keeps its ``raw`` and gets a conflict
listing the readings.

Measured with ``.venv/bin/python bench/recognition.py --reuse-pages --jobs 2 --misses --names``
(34 generated scans, 972 fields), on commit c4fea82 without → with this vote (which replaced a
whole-string vote over all person fields together): field_acc 0.8539 → 0.8601,
field_acc_names 0.9393 → 0.9455; six misses fewer (vol00 two addressees 魏欧拖/魏英拖 → 魏英艳,
vol06 彭静 → 袁静, vol07 昌国健 → 白国健, vol09 violation 孝旭静 → 郝旭静, doc20 suspect
华宇帆 → 蔡宇帆 by its case name), none new. The same figures for ``SURE`` 0.7–0.9 and
``MARGIN`` 0.05–0.1.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz.distance import Levenshtein

from scanning.types import FieldValue

from .text import Flat, PageText, fold

SURE = 0.8  # a character read this confidently is never outvoted
MARGIN = 0.1  # the winner must beat a reading's own character by more than this (one guess's weight)


@dataclass
class Reading:
    text: str  # the name as the page shows it
    confs: tuple[float, ...]  # per character, 0..1: the confidence of the character's own OCR word
    role: str  # who the place names (reporter, subject, ...): readings of different roles never meet
    key: Any = None  # the caller's handle on where the reading came from
    where: Any = None  # the words read (page, word indices): the same words count once
    page: int | None = None

    @property
    def conf(self) -> float:
        return round(sum(self.confs) / len(self.confs), 3) if self.confs else 0.0


def weight(conf: float) -> float:
    return 0.1 + 0.9 * min(max(conf, 0.0), 1.0)


def linked(a: Reading, b: Reading, same_person: frozenset[str] | set[str], apart: set[frozenset[str]]) -> bool:
    """May ``a`` and ``b`` be readings of one person (see the module docstring)?"""
    if a.role != b.role or len(a.text) != len(b.text) or len(a.text) < 2:
        return False
    if a.text == b.text:
        return True
    if frozenset((a.text, b.text)) in apart:
        return False
    diffs = [i for i in range(len(a.text)) if a.text[i] != b.text[i]]
    if any(a.confs[i] >= SURE and b.confs[i] >= SURE for i in diffs):
        return False
    if a.role in same_person:
        return len(diffs) < len(a.text)
    return len(a.text) >= 3 and len(diffs) <= 1


def groups(readings: list[Reading], same_person: frozenset[str] | set[str] = frozenset(),
           apart: set[frozenset[str]] | None = None) -> list[list[int]]:
    """Indices of the readings, grouped by :func:`linked` (transitively)."""
    apart = apart or set()
    parent = list(range(len(readings)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(readings)):
        for j in range(i + 1, len(readings)):
            if linked(readings[i], readings[j], same_person, apart):
                parent[find(i)] = find(j)
    out: dict[int, list[int]] = defaultdict(list)
    for i in range(len(readings)):
        out[find(i)].append(i)
    return list(out.values())


def vote(readings: list[Reading], same_person: frozenset[str] | set[str] = frozenset(),
         apart: set[frozenset[str]] | None = None) -> dict[int, str]:
    """The readings to change: index → the name decided for it (only where it differs)."""
    apart = apart or set()
    changes: dict[int, str] = {}
    for g in groups(readings, same_person, apart):
        texts = {readings[i].text for i in g}
        if len(texts) < 2 or any(frozenset((x, y)) in apart for x in texts for y in texts if x != y):
            continue
        # the same words read into two fields are one piece of evidence
        evidence: dict[Any, Reading] = {}
        for i in g:
            r = readings[i]
            evidence.setdefault(r.where if r.where is not None else ("reading", i), r)
        n = len(readings[g[0]].text)
        new = {i: list(readings[i].text) for i in g}
        for pos in range(n):
            score: dict[str, float] = defaultdict(float)
            for r in evidence.values():
                score[r.text[pos]] += weight(r.confs[pos])
            best = max(score, key=lambda c: score[c])
            for i in g:
                r = readings[i]
                c = r.text[pos]
                if c != best and score[best] - score[c] > MARGIN and r.confs[pos] < SURE:
                    new[i][pos] = best
        for i in g:
            s = "".join(new[i])
            if s != readings[i].text:
                changes[i] = s
    return changes


@dataclass
class Located:
    """The characters of a field value as its page's words show them."""

    text: str
    confs: list[float] = field(default_factory=list)
    words: list[int] = field(default_factory=list)


def words_of(pt: PageText | None, fv: FieldValue) -> Located:
    """The characters of ``fv.raw`` as its page's words show them, one entry per character:
    the place on the page where ``raw`` is printed and its words' box is the value's box
    (the first place that prints it, if none is); else the words inside the value's box,
    in reading order."""
    out = Located("")
    if pt is None:
        return out
    flat = Flat(pt)
    raw = fv.raw or ""
    found = None
    i = flat.text.find(raw) if raw else -1
    while i >= 0:
        ids = [pt.char_word[flat.back[k]] for k in range(i, i + len(raw))]
        ws = [pt.words[w] for w in ids if w >= 0]
        box = (min(w.box[0] for w in ws), min(w.box[1] for w in ws), max(w.box[2] for w in ws),
               max(w.box[3] for w in ws)) if ws else None
        if found is None or box == fv.box:
            found = ids
        if box == fv.box:
            break
        i = flat.text.find(raw, i + 1)
    if found is not None:
        out.text = raw
        out.words = found
        out.confs = [_conf(pt.words[w].conf) if w >= 0 else 0.5 for w in found]
        return out
    if fv.box is None:
        return out
    x0, y0, x1, y1 = fv.box
    for k, w in enumerate(pt.words):
        bx0, by0, bx1, by1 = w.box
        if bx0 >= x0 - 1 and by0 >= y0 - 1 and bx1 <= x1 + 1 and by1 <= y1 + 1:
            t = fold(re.sub(r"\s+", "", w.text))
            out.text += t
            out.confs.extend([_conf(w.conf)] * len(t))
            out.words.extend([k] * len(t))
    return out


def _conf(ocr_conf: float) -> float:
    return ocr_conf if ocr_conf >= 0 else 0.5


def reading_at(pt: PageText | None, fv: FieldValue, name: str, start: int | None, role: str, key: Any) -> Reading:
    """The reading of ``name`` (``fv.value[start:start+len(name)]``, or an item of a list value
    when ``start`` is None) with the confidence of each character's own word.

    The characters are those the page shows (a value already put right elsewhere is read as
    printed); where the words cannot be found, the value's own confidence stands for each."""
    n = len(name)
    loc = words_of(pt, fv)
    at = -1
    if loc.text:
        if start is None:
            at = loc.text.find(name)
        elif isinstance(fv.value, str) and loc.text == fv.raw and len(fv.raw) == len(fv.value):
            at = start  # the value is its raw reading, some characters perhaps normalised or put right
        elif isinstance(fv.value, str):
            base = loc.text.find(fv.value)
            if base >= 0:
                at = base + start
            else:  # words between (a label's character wrapped into the text): align the two
                pos = _aligned(fv.value, loc.text)
                first = pos.get(start, -1)
                if first >= 0 and all(pos.get(start + k) == first + k for k in range(n)):
                    at = first
    if at >= 0 and at + n <= len(loc.text):
        return Reading(loc.text[at:at + n], tuple(loc.confs[at:at + n]), role, key,
                       (fv.page, tuple(loc.words[at:at + n])), fv.page)
    return Reading(name, tuple([fv.conf] * n), role, key, None, fv.page)


def _aligned(a: str, b: str) -> dict[int, int]:
    """Positions of ``a`` matched one for one (same or substituted) with positions of ``b``."""
    out: dict[int, int] = {}
    for op in Levenshtein.opcodes(a, b):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.src_end - op.src_start):
                out[op.src_start + k] = op.dest_start + k
    return out
