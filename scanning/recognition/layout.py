"""Readers by meaning and geometry: a field's value found from its label or its phrase.

A field's label comes from the vocabulary (:mod:`.labels`), found in the page's rows with
the tolerance of the other readers (spaces inside a label are gone from the page text, one
character misread in a label of four or more still matches, full- and half-width colons are
one). Its value is then taken where the form puts it:

- **right of the label**, on its line or its underline: the characters whose boxes lie to
  the right at the label's height, whatever row the OCR grouped them into (a value in
  another typeface, set a little higher or lower, still belongs to its label). The value
  ends at the next known label of any field (or a label of a thing never read, 性别, 住址),
  at a rule read as ``|``, or at a gap wider than a cell's padding (a cell border);
- **below the label**, in the cell under it, when nothing is right of it;
- **inside a fixed phrase**, between its fixed words (``决定对{case_name}立案侦查``).

Nothing here counts characters of one template: values are cut by labels and geometry, and
checked by what the field holds (:mod:`.values`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from scanning.types import Box, FieldValue

from .labels import Phrase, Vocabulary, current
from .text import Flat, PageText, is_column
from .values import (BACK_REFERENCES, CJK, KIND_MAX, LABELLED, NAME_LEADS, SEP, accept_for, as_case_name, as_case_no,
                     as_choice, as_date, as_institution, as_int, as_name, as_names, as_party, strip_name)

__all__ = ["BACK_REFERENCES", "CJK", "NAME_LEADS", "SEP", "Geometry", "as_case_name", "as_case_no", "as_choice", "as_date",
           "as_institution", "as_int", "as_name", "as_names", "as_party", "by_phrases", "fill_from_vocabulary",
           "find_label", "phrase_value", "strip_name"]

RULE = "|"
#: the label of a person's name under their role (报案人 | 姓名 …)
NAME_LABEL = "姓名"
UNDERLINE = "_＿"


def char_boxes(pt: PageText) -> list[Box | None]:
    """A box for every character of ``pt.text``: its word's box cut evenly among the word's
    characters (Tesseract's chi_sim words are one character; a PP-OCR word is a line), top
    to bottom for a column (a label printed top to bottom)."""
    out: list[Box | None] = [None] * len(pt.text)
    i = 0
    while i < len(pt.text):
        w = pt.char_word[i]
        if w < 0:
            i += 1
            continue
        j = i
        while j < len(pt.text) and pt.char_word[j] == w:
            j += 1
        x0, y0, x1, y1 = pt.words[w].box
        n = j - i
        column = is_column(pt.words[w])
        for k in range(n):
            if column:
                out[i + k] = (x0, round(y0 + (y1 - y0) * k / n), x1, round(y0 + (y1 - y0) * (k + 1) / n))
            else:
                out[i + k] = (round(x0 + (x1 - x0) * k / n), y0, round(x0 + (x1 - x0) * (k + 1) / n), y1)
        i = j
    return out


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def find_label(pt: PageText, label: str, start: int = 0) -> tuple[int, int] | None:
    """``label`` in one row of ``pt.text`` at or after ``start``: exactly, else (four
    characters or more) with one character misread."""
    i = pt.text.find(label, start)
    while i >= 0 and "\n" in pt.text[i:i + len(label)]:
        i = pt.text.find(label, i + 1)
    if i >= 0:
        return i, i + len(label)
    if len(label) < 4:
        return None
    for r in range(pt.row_of(start), len(pt.rows)):
        lo = max(pt.row_start[r], start)
        row = pt.text[lo:lo + len(pt.row_text(r)) - (lo - pt.row_start[r])]
        if len(row) < len(label) - 1:
            continue
        al = fuzz.partial_ratio_alignment(label, row, score_cutoff=100 * (1 - 1.0 / len(label)) - 0.5)
        # one character off, no more: a row shorter than the label is aligned inside it
        # (不予立案。 inside 不予立案理由), which is two characters short of it
        if al is not None and al.dest_end - al.dest_start >= len(label) - 1 and \
                Levenshtein.distance(label, row[al.dest_start:al.dest_end]) <= 1:
            return lo + al.dest_start, lo + al.dest_end
    return None


class Geometry:
    """A page's characters with their boxes, for values found right of or below a label."""

    def __init__(self, pt: PageText, vocab: Vocabulary | None = None) -> None:
        self.pt = pt
        self.vocab = vocab or current()
        self.boxes = char_boxes(pt)
        self._in_text = 0
        self._longer_labels: dict[str, list[str]] = {}
        # the page's ruling lines: vertical ones as (x, y0, y1), horizontal ones as (y, x0, x1)
        self.vrules = [((r[0] + r[2]) / 2, r[1], r[3]) for r in pt.rules if r[3] - r[1] > r[2] - r[0]]
        self.hrules = [((r[1] + r[3]) / 2, r[0], r[2]) for r in pt.rules if r[3] - r[1] <= r[2] - r[0]]

    def _vrule_between(self, x0: float, x1: float, y: float) -> bool:
        """Whether a vertical rule crosses height ``y`` between ``x0`` and ``x1`` (a cell border)."""
        return any(x0 < x < x1 and y0 <= y <= y1 for x, y0, y1 in self.vrules)

    def cell_of(self, box: Box) -> tuple[float, float, float, float] | None:
        """The ruled cell ``box`` lies in, (left, top, right, bottom), from the page's rules;
        None when the page has no vertical rules beside it (not a ruled form)."""
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        h = max(box[3] - box[1], 1)
        lefts = [x for x, y0, y1 in self.vrules if x <= box[0] + 0.3 * h and y0 <= cy <= y1]
        rights = [x for x, y0, y1 in self.vrules if x >= box[2] - 0.3 * h and y0 <= cy <= y1]
        if not lefts and not rights:
            return None
        tops = [y for y, x0, x1 in self.hrules if y <= box[1] + 0.3 * h and x0 <= cx <= x1]
        bottoms = [y for y, x0, x1 in self.hrules if y >= box[3] - 0.3 * h and x0 <= cx <= x1]
        return (max(lefts, default=0.0), max(tops, default=0.0), min(rights, default=float(self.pt.width or 1e9)),
                min(bottoms, default=float(self.pt.height or 1e9)))

    def _fv(self, idx: list[int], value: Any = None) -> FieldValue:
        pt = self.pt
        text = "".join(pt.text[i] for i in idx)
        boxes = [b for i in idx if (b := self.boxes[i]) is not None]
        words = sorted({pt.char_word[i] for i in idx if pt.char_word[i] >= 0})
        confs = [pt.words[w].conf for w in words if pt.words[w].conf >= 0]
        conf = sum(confs) / len(confs) if confs else 0.5
        return FieldValue(text if value is None else value, pt.index, _union(boxes) if boxes else None,
                          round(min(max(conf, 0.0), 1.0), 3), text)

    def _cut_at_labels(self, idx: list[int], own: str) -> list[int]:
        """``idx`` up to the first known label (not ``own``) that starts after its first character."""
        text = "".join(self.pt.text[i] for i in idx)
        cut = len(idx)
        for lab in self.vocab.all_labels():
            if lab == own:
                continue
            k = text.find(lab, 1)
            if 0 < k < cut:
                cut = k
        return idx[:cut]

    def right_of(self, s: int, e: int, own: str = "") -> list[int]:
        """Offsets of the characters right of the label at ``[s, e)`` (see the module docstring)."""
        lb = [b for i in range(s, e) if (b := self.boxes[i]) is not None]
        if not lb:
            return []
        x0, y0, x1, y1 = _union(lb)
        h = max(y1 - y0, 1)
        cy = (y0 + y1) / 2
        reach = 0.6 * h  # how far above or below its middle a value beside the label lies
        if self._is_column(s, e):  # a label top to bottom: the value lies beside all of it
            h = max(x1 - x0, 1)
            reach = (y1 - y0) / 2 + 0.3 * h
        # what OCR read after the label on its row (whatever its boxes say: a word's box may
        # span its neighbours), and what lies right of it at its height on other rows
        row_end = self.pt.text.find("\n", e)
        cand = set(range(e, row_end if row_end >= 0 else len(self.pt.text)))
        for i, b in enumerate(self.boxes):
            if b is None or s <= i < e:
                continue
            if b[0] >= x1 - 0.3 * h and abs((b[1] + b[3]) / 2 - cy) <= max(reach, 0.6 * (b[3] - b[1])):
                cand.add(i)
        return self._walk(self._reading_order(sorted(cand)), h, own)

    def _reading_order(self, idx: list[int]) -> list[int]:
        """``idx`` in reading order: each OCR row's characters in its text order (boxes cut
        evenly from a word may overlap), rows left to right by their first character."""
        groups: dict[int, list[int]] = {}
        for i in sorted(idx):
            groups.setdefault(self.pt.row_of(i), []).append(i)
        ordered = sorted(groups.values(), key=lambda g: (self.boxes[g[0]] or (0, 0, 0, 0))[0])
        return [i for g in ordered for i in g]

    def _walk(self, cand: list[int], h: float, own: str) -> list[int]:
        t = self.pt.text
        cand = [i for i in cand if t[i] not in UNDERLINE]  # the underline the value is written on
        k = 0
        while k < len(cand) and t[cand[k]] in SEP:  # the colon, the underline read as marks
            k += 1
        k = self._past_note(cand, k)
        head = "".join(t[i] for i in cand[k:k + 8])
        if self.vocab.opens_with_label(head):
            return []  # the next label: this one's value is elsewhere (below it) or blank
        out: list[int] = []
        last_x = None
        for i in cand[k:]:
            b = self.boxes[i]
            assert b is not None
            if t[i] == RULE:
                break
            if last_x is not None and b[0] - last_x > 3.0 * h:  # a cell border, or the blank after the value
                break
            if out and self._vrule_between(last_x - 0.3 * h, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2):
                break  # the ruled border of the value's cell
            out.append(i)
            last_x = b[2]
        out = self._cut_at_labels(cand[k:], own)[:len(out)] if out else out
        while out and t[out[-1]] in SEP:
            out.pop()
        return out

    def _past_note(self, cand: list[int], k: int) -> int:
        """Past a note in brackets that ends a label (报案人（单位）：, 联系方式（电话）): words of
        six characters or fewer, no digit, right after it, and the marks after the note."""
        t = self.pt.text
        if k >= len(cand) or t[cand[k]] not in "（(":
            return k
        for j in range(k + 1, min(len(cand), k + 8)):
            if t[cand[j]] in "）)":
                note = "".join(t[i] for i in cand[k + 1:j])
                if re.fullmatch(rf"[{CJK}、/或及]+", note):
                    j += 1
                    while j < len(cand) and t[cand[j]] in SEP:
                        j += 1
                    return j
                break
        return k

    def below(self, s: int, e: int, own: str = "") -> list[int]:
        """Offsets of the characters in the cell under the label at ``[s, e)``: the next row's
        run of characters that overlaps the label horizontally."""
        lb = [b for i in range(s, e) if (b := self.boxes[i]) is not None]
        if not lb:
            return []
        x0, y0, x1, y1 = _union(lb)
        h = max(y1 - y0, 1)
        ruled = self._below_in_cells(s, e, (x0, y0, x1, y1), own)
        if ruled is not None:
            return ruled
        left, right = self._column(s, e)
        under = [i for i, b in enumerate(self.boxes) if b is not None and y1 < (b[1] + b[3]) / 2 <= y1 + 2.2 * h
                 and left <= (b[0] + b[2]) / 2 < right]
        if not under:
            return []
        top = min((self.boxes[i] or (0, 0, 0, 0))[1] for i in under)
        row = self._reading_order([i for i in under if (self.boxes[i] or (0, 0, 0, 0))[1] <= top + 0.6 * h])
        # the run of the row that overlaps the label's extent
        runs: list[list[int]] = []
        for i in row:
            b = self.boxes[i]
            assert b is not None
            if runs and b[0] - (self.boxes[runs[-1][-1]] or b)[2] <= 3.0 * h and self.pt.text[i] != RULE:
                runs[-1].append(i)
            elif self.pt.text[i] != RULE:
                runs.append([i])
        for run in runs:
            rb = _union([self.boxes[i] for i in run if self.boxes[i] is not None])  # type: ignore[misc]
            if rb[0] <= x1 + h and rb[2] >= x0 - h:
                text = "".join(self.pt.text[i] for i in run)
                if self.vocab.opens_with_label(text):
                    return []  # the next label's row, not a value
                return self._walk(run, h, own)
        return []

    def _below_in_cells(self, s: int, e: int, lb: Box, own: str) -> list[int] | None:
        """The value under a label in a ruled form: below it in its own cell (label above
        value in one cell), else in the cell under its cell, within its column's rules.
        None when the label is not in a ruled cell (the caller's geometry then decides)."""
        cell = self.cell_of(lb)
        if cell is None:
            return None
        left, _, right, bottom = cell
        h = max(lb[3] - lb[1], 1)
        # a rule broken on a worn or 1-bit scan is missing: the header row's labels bound the column too
        col_left, col_right = self._column(s, e)
        left, right = max(left, col_left), min(right, col_right)

        def inside(lo_y: float, hi_y: float) -> list[int]:
            return [i for i, b in enumerate(self.boxes) if b is not None and not s <= i < e
                    and left < (b[0] + b[2]) / 2 < right and lo_y < (b[1] + b[3]) / 2 < hi_y]

        idx = inside(lb[3], bottom)
        if not idx:  # a header row: the value is in the cell under the label's
            under = [y for y, a, b in self.hrules if y > bottom + 0.5 * h and a <= (lb[0] + lb[2]) / 2 <= b]
            idx = inside(bottom, min(under, default=bottom + 2.5 * h))
        t = self.pt.text
        idx = [i for i in sorted(idx) if t[i] not in UNDERLINE]  # text order: the cell's lines top down
        while idx and t[idx[0]] in SEP:
            idx.pop(0)
        text = "".join(t[i] for i in idx)
        if not idx or self.vocab.opens_with_label(text):
            return []  # an empty cell, or the next label's cell: not a value
        idx = self._cut_at_labels(idx, own)
        while idx and t[idx[-1]] in SEP:
            idx.pop()
        return idx

    def _column(self, s: int, e: int) -> tuple[float, float]:
        """The horizontal extent of the label at ``[s, e)``'s column in a header row of labels
        on a page whose rules are not known: from the label's start (a value is set flush
        with its label, as the label with its cell; half a character of slack, never past the
        label to its left) to the start of the next label on its row. A value under a header
        row is read within its column, never across the next one."""
        lb = _union([b for i in range(s, e) if (b := self.boxes[i]) is not None])
        pad = 0.5 * max(lb[3] - lb[1], 1)
        left, right = float("-inf"), float("inf")
        r = self.pt.row_of(s)
        lo = self.pt.row_start[r]
        row = self.pt.row_text(r)
        for lab in self.vocab.all_labels():
            k = row.find(lab)
            while k >= 0:
                a, b = lo + k, lo + k + len(lab)
                if not (a < e and s < b):  # another label, not this one
                    boxes = [bx for i in range(a, b) if (bx := self.boxes[i]) is not None]
                    if boxes:
                        other = _union(boxes)
                        if other[2] <= lb[0] + 1:
                            left = max(left, other[2])
                        elif other[0] >= lb[2] - 1:
                            right = min(right, other[0] - pad)
                k = row.find(lab, k + 1)
        if left > float("-inf"):  # a header row: the column starts at its label
            left = max(left, lb[0] - pad)
        return left, right

    def label_places(self, labels: list[str]) -> list[tuple[int, int, str]]:
        """Where ``labels`` occur, those printed as labels first (opening their row, or
        followed by a colon, an underline or a gap), each group in the order of ``labels``."""
        as_label: list[tuple[int, int, str]] = []
        in_text: list[tuple[int, int, str]] = []
        t = self.pt.text
        for label in labels:
            pos = 0
            while True:
                f = find_label(self.pt, label, pos)
                if not f:
                    break
                pos = f[1]
                s, e = f
                if t[s:e] != label and t[s:e] in self.vocab.all_labels():
                    continue  # read one character off ``label``, but exactly another label (被申请人 for 复议申请人)
                if self._inside_label(s, e, label):
                    continue  # part of a longer label (申请人 in 被申请人): that label's value, not this one's
                # printed as a label: opening its row or cell (after a rule, a mark or a gap),
                # and followed by a colon, a rule, an underline or a gap; never inside a longer
                # word (申请人 in 被申请人：)
                pre = s == 0 or t[s - 1] in "\n" + SEP or self._gap(s - 1, s) or self._rule_read(s - 1)
                post = e >= len(t) or t[e] in "\n" + SEP or self._gap(e - 1, e)
                (as_label if pre and post else in_text).append((s, e, label))
        self._in_text = len(as_label)
        return as_label + in_text

    def _inside_label(self, s: int, e: int, label: str) -> bool:
        """Whether ``label`` at ``[s, e)`` ends a longer known label printed there (申请人 of 被申请人)."""
        t = self.pt.text
        for other in self._longer(label):
            k = other.find(label)
            if k > 0 and t[s - k:s - k + len(other)] == other:
                return True
        return False

    def _longer(self, label: str) -> list[str]:
        if label not in self._longer_labels:
            self._longer_labels[label] = [o for o in self.vocab.all_labels() if len(o) > len(label) and label in o]
        return self._longer_labels[label]

    def _rule_read(self, i: int) -> bool:
        """Whether character ``i`` is a cell border read as a stroke (1, l, I, |): a mark
        much thinner than it is high."""
        b = self.boxes[i]
        return self.pt.text[i] in "1lI|｜丨" and b is not None and (b[2] - b[0]) < 0.3 * (b[3] - b[1])

    def _gap(self, i: int, j: int) -> bool:
        """Whether a blank wider than most of a character separates characters ``i`` and ``j``."""
        a, b = self.boxes[i], self.boxes[j] if j < len(self.boxes) else None
        return a is not None and b is not None and b[0] - a[2] > 0.8 * (a[3] - a[1])

    def labelled(self, dtype: str, name: str, accept: Callable[[str], Any] | None = None,
                 labels: list[str] | None = None, strict: bool = False) -> FieldValue | None:
        """The value of ``dtype.name`` by its labels: right of the label, else (when nothing
        is printed right of it) below it. ``accept`` turns the text into the value, or None
        to try further. ``strict``: only labels printed as labels, never words in a sentence."""
        places = self.label_places(labels if labels is not None else self.vocab.labels(dtype, name))
        if strict:
            places = places[:self._in_text]
        for s, e, label in places:
            idx = self.right_of(s, e, own=label)
            if name.endswith("_name") and (not idx or self._is_column(s, e)):
                # the role names a group of rows (犯罪嫌疑人 beside 姓名 性别 …): the name is its 姓名's
                sub = self._name_row(s, e)
                if sub:
                    idx = self.right_of(*sub, own=NAME_LABEL)
            if not idx:
                if self._anything_right(s, e):
                    continue  # the value was blank, or the next label follows: not the cell below
                idx = self.below(s, e, own=label)
            if not idx:
                continue
            fv = self._fv(idx)
            value = self._slot_of(dtype, name, fv.value, accept) if accept else (fv.value or None)
            if value is None and accept:
                # the value wrapped in its cell (报案时间 二〇二〇年五月二 / 十七日): the rows under
                # it, right of the label, down to the next label
                wrapped = self.cell_right(s, e, max_rows=3)
                if len(wrapped) > len(idx) and set(idx) <= set(wrapped):
                    fv = self._fv(wrapped)
                    value = self._slot_of(dtype, name, fv.value, accept)
            if value is not None:
                return FieldValue(value, fv.page, fv.box, fv.conf, fv.raw)
        return None

    def _is_column(self, s: int, e: int) -> bool:
        """Whether the label at ``[s, e)`` is printed top to bottom."""
        return e - s > 1 and self.pt.char_word[s] >= 0 and is_column(self.pt.words[self.pt.char_word[s]])

    def _name_row(self, s: int, e: int) -> tuple[int, int] | None:
        """The 姓名 label that comes first right of a person's role printed as a label (报案人,
        犯罪嫌疑人 in a cell beside the person's rows, or across a header row): where the
        person's name is printed under their role."""
        lb = [b for i in range(s, e) if (b := self.boxes[i]) is not None]
        if not lb:
            return None
        x0, y0, x1, y1 = _union(lb)
        size = min(x1 - x0, y1 - y0) if e - s > 1 else y1 - y0
        # the rows beside the role: its ruled cell's (a column is set in the middle of the
        # cell that spans them), else its own height
        cell = self.cell_of((x0, y0, x1, y1))
        top, bottom = (cell[1], cell[3]) if cell else (y0 - 0.6 * size, y1 + 0.6 * size)
        best: tuple[float, tuple[int, int]] | None = None
        at = self.pt.text.find(NAME_LABEL)
        while at >= 0:
            b = _union([bx for i in range(at, at + len(NAME_LABEL)) if (bx := self.boxes[i]) is not None] or [(0, 0, 0, 0)])
            cy = (b[1] + b[3]) / 2
            if b[0] >= x1 - 0.3 * size and top <= cy <= bottom and b[0] - x1 < 8 * size:
                if best is None or b[0] < best[0]:
                    best = (b[0], (at, at + len(NAME_LABEL)))
            at = self.pt.text.find(NAME_LABEL, at + 1)
        return best[1] if best else None

    def _slot_of(self, dtype: str, name: str, text: str, accept: Callable[[str], Any]) -> Any:
        """``accept`` of a label's value; when the value is one of the field's phrases with
        several slots (自…至…), only of this field's slot (the other date is not this one)."""
        for p in self.vocab.phrases(dtype, name):
            if len(p.slots) > 1 and re.search(phrase_pattern(p, name), text):
                return match_phrase(text, p, name, accept)
        return accept(text)

    def _anything_right(self, s: int, e: int) -> bool:
        """Whether the label's row goes on after it with more than separators and other labels
        (a header row of labels has its values in the cells below)."""
        t = self.pt.text
        end = t.find("\n", e)
        rest = t[e:end if end >= 0 else len(t)].strip(SEP)
        return bool(rest) and not self.vocab.opens_with_label(rest)

    def cell_right(self, s: int, e: int, max_rows: int = 8) -> list[int]:
        """Offsets of the characters right of the label at ``[s, e)`` on its row and the rows
        under it, down to the next row that holds a known label in the label's column: a cell
        of several lines (options one a line). In reading order."""
        lb = [b for i in range(s, e) if (b := self.boxes[i]) is not None]
        if not lb:
            return []
        x0, y0, x1, y1 = _union(lb)
        h = max(y1 - y0, 1)
        r0 = self.pt.row_of(s)
        out: list[int] = []
        for r in range(r0, min(r0 + max_rows, len(self.pt.rows))):
            lo = self.pt.row_start[r]
            row = range(lo, lo + len(self.pt.row_text(r)))
            left = "".join(self.pt.text[i] for i in row if (b := self.boxes[i]) is not None and b[2] <= x1 + 0.3 * h)
            if r > r0 and self.vocab.opens_with_label(left):
                break
            out += [i for i in row if i >= e or r > r0
                    if (b := self.boxes[i]) is not None and b[0] >= x1 - 0.3 * h and self.pt.text[i] not in UNDERLINE]
        return out

    def paragraph(self, s: int, e: int, max_rows: int = 6) -> list[int]:
        """Free text under the label at ``[s, e)``: the rest of its row and the rows that
        continue it (a wrapped summary), down to a row that opens with a known label, or a
        blank wider than a line."""
        t, pt = self.pt.text, self.pt
        r0 = pt.row_of(s)
        out = [i for i in range(e, pt.row_start[r0] + len(pt.row_text(r0))) if t[i] not in UNDERLINE]
        for r in range(r0 + 1, min(r0 + 1 + max_rows, len(pt.rows))):
            prev, row = pt.rows[r - 1], pt.rows[r]
            h = max(prev.box[3] - prev.box[1], 1)
            text = pt.row_text(r).lstrip(SEP)
            if row.box[1] - prev.box[3] > 1.2 * h or self.vocab.opens_with_label(text) \
                    or re.match(rf"[{CJK}]{{1,6}}[：:]", text):  # the next field's label, however misread
                break
            out += [i for i in range(pt.row_start[r], pt.row_start[r] + len(pt.row_text(r))) if t[i] not in UNDERLINE]
        while out and t[out[0]] in SEP:
            out.pop(0)
        return out

    def labelled_text(self, dtype: str, name: str, accept: Callable[[str], Any]) -> FieldValue | None:
        """A free-text field (a summary) by its label: :meth:`paragraph`, labels inside the
        sentence (报案人 in 报案人张伟报称…) no end of it."""
        for s, e, label in self.label_places(self.vocab.labels(dtype, name))[:self._in_text]:
            idx = self.paragraph(s, e)
            if idx:
                fv = self._fv(idx)
                value = accept(fv.value)
                if value is not None:
                    return FieldValue(value, fv.page, fv.box, fv.conf, fv.raw)
        return None

    def labelled_phrases(self, dtype: str, name: str, accept: Callable[[str], Any]) -> FieldValue | None:
        """The value of ``dtype.name`` from a phrase matched inside another label's value
        (卷次：第1卷 共2卷; 起止日期：自…至…): every label of the fields the phrases fill."""
        phrases = self.vocab.phrases(dtype, name)
        labels = [lab for p in phrases for f in p.slots if f != "_" for lab in self.vocab.labels(dtype, f)]
        for label in dict.fromkeys(labels):
            f = find_label(self.pt, label)
            if not f:
                continue
            for idx in (self.right_of(*f, own=label), self.below(*f, own=label)):
                text = "".join(self.pt.text[i] for i in idx)
                for p in phrases:
                    v = match_phrase(text, p, name, accept)
                    if v is not None:
                        fv = self._fv(idx)
                        return FieldValue(v, fv.page, fv.box, fv.conf, fv.raw)
        return None


def phrase_pattern(phrase: Phrase, name: str, maxlen: int = 40) -> str:
    """A regular expression of ``phrase``: its fixed words, group ``v`` the slot ``name``."""
    parts = phrase.parts
    k = phrase.slots.index(name)
    pattern = ""
    for j, p in enumerate(parts):
        if j % 2 == 0:
            pattern += re.escape(p)
        elif j == 2 * k + 1:
            pattern += f"(?P<v>.{{1,{maxlen}}}?)" if parts[j + 1] or j + 1 < len(parts) - 1 else f"(?P<v>.{{1,{maxlen}}})"
        else:
            pattern += ".{1,40}?"
    return pattern


def match_phrase(text: str, phrase: Phrase, name: str, accept: Callable[[str], Any]) -> Any:
    """The accepted value of slot ``name`` where ``phrase`` occurs in ``text``, or None."""
    for m in re.finditer(phrase_pattern(phrase, name), text):
        v = m.group("v").strip(SEP + "。")
        value = accept(v) if v else None
        if value is not None:
            return value
    return None


def phrase_value(flat: Flat, phrase: Phrase, name: str, accept: Callable[[str], Any], maxlen: int = 40,
                 start: int = 0) -> FieldValue | None:
    """The value of slot ``name`` of ``phrase`` on the page: the whole phrase's fixed words
    found in order with the slots between them; failing that, the slot between its two
    neighbouring fixed words when both are three characters or more (one of them may be
    misread). The slot's text is checked by ``accept``."""
    t = flat.text
    parts = phrase.parts
    k = phrase.slots.index(name)
    for m in re.finditer(phrase_pattern(phrase, name, maxlen), t[start:]):
        fv = _checked(flat, start + m.start("v"), start + m.end("v"), accept, opens=not parts[2 * k])
        if fv is not None:
            return fv
    before, after = parts[2 * k], parts[2 * k + 2]
    if len(before) < 3 or len(after) < 3:
        return None
    pos = start
    for _ in range(6):  # a few candidate openings, never every fuzzy alignment of a long page
        a = flat.find(before, pos, min_score=80)
        if not a:
            return None
        b = flat.find(after, a[1], min(len(t), a[1] + maxlen + len(after) + 2), min_score=80)
        if b and _rest_matches(flat, parts[2 * k + 2:], b[0]):
            fv = _checked(flat, a[1], b[0], accept)
            if fv is not None:
                return fv
        pos = a[1]
    return None


def _checked(flat: Flat, lo: int, hi: int, accept: Callable[[str], Any], opens: bool = False) -> FieldValue | None:
    """``flat.text[lo:hi]`` trimmed and checked; a slot that opens its phrase starts after the last
    sentence break (。；：) before it."""
    t = flat.text
    if opens:
        cut = max(t.rfind(c, lo, hi) for c in "。；：")
        if cut >= 0:
            lo = cut + 1
        row = max((b for b in flat.breaks if lo < b < hi), default=-1)
        if row >= 0:  # the sentence opens its paragraph (贺斌红诈骗案，经审查…): from its row's start first
            fv = _checked(flat, row, hi, accept)
            if fv is not None:
                return fv
    raw = t[lo:hi]
    v = raw.strip(SEP + "。")
    if not v:
        return None
    value = accept(v)
    if value is None:
        return None
    s = lo + len(raw) - len(raw.lstrip(SEP + "。"))
    if isinstance(value, str) and value in v:
        s += v.find(value)
        return flat.value(value, s, s + len(value))
    return flat.value(value, s, s + len(v))


def _exact(t: str, lit: str, start: int, end: int | None = None) -> tuple[int, int] | None:
    i = t.find(lit, start, end if end is not None else len(t))
    return (i, i + len(lit)) if i >= 0 else None


def _rest_matches(flat: Flat, rest: tuple[str, ...], at: int) -> bool:
    """The phrase's fixed words after the slot's closing words follow (a {_} slot spans up to 40 characters)."""
    pos = at + len(rest[0]) if rest else at
    for j in range(2, len(rest), 2):
        lit = rest[j]
        if not lit:
            continue
        f = flat.find(lit, pos, min(len(flat.text), pos + 40 + len(lit)), min_score=80) if len(lit) >= 3 else \
            _exact(flat.text, lit, pos, pos + 40 + len(lit))
        if not f:
            return False
        pos = f[1]
    return True


def by_phrases(pages: list[PageText], dtype: str, name: str, accept: Callable[[str], Any], kind: str = "text",
               vocab: Vocabulary | None = None) -> FieldValue | None:
    """The first value any phrase of ``dtype`` with a slot ``name`` gives, page by page."""
    vocab = vocab or current()
    # a sentence's slots are on the first pages, the addressee under 此致 on the last
    for pt in pages[:2] + pages[2:][-1:]:
        flat = Flat(pt)
        for ph in vocab.phrases(dtype, name):
            fv = phrase_value(flat, ph, name, accept, KIND_MAX.get(kind, 40))
            if fv is not None:
                return fv
    return None


#: Documents read from their sentences: a label of theirs printed as a label wins over a slot.
SENTENCE_TYPES = ("acceptance_receipt", "filing_decision", "filing_notice", "no_filing_notice", "detention_warrant",
                  "bail_decision", "bail_release_decision", "arrest_request", "arrest_warrant", "prosecution_opinion",
                  "reconsideration_decision", "admin_judgment")


def fill_from_vocabulary(dtype: str, pages: list[PageText], fields: dict[str, FieldValue],
                         vocab: Vocabulary | None = None) -> None:
    """Every field of ``dtype`` the reader left empty that the vocabulary has entries for
    (a bureau's own labels and phrases among them): by its phrases, then by its labels."""
    vocab = vocab or current()
    if not pages:
        return
    geometry: Geometry | None = None
    for name in vocab.entries.get(dtype, {}):
        how = accept_for(name, vocab, pages[0].years)
        if how is None:
            continue
        accept, kind = how
        if name in fields and isinstance(fields[name].value, str) and fields[name].value.startswith(BACK_REFERENCES):
            del fields[name]  # 决定对上述案件立案侦查: the sentence points at a name printed elsewhere
        if name in fields:
            read_ok = accept(str(fields[name].value)) is not None
            if vocab.labels(dtype, name) and (not read_ok or dtype in SENTENCE_TYPES):
                # the field's label printed as a label: where the reader's value is no such value
                # (性别 for a name), and on a sentence document that prints the field under its label
                # (a grid of 案件名称, 被告知人 …), the form's own value before any reading of its
                # sentences, unless the sentence's value passes the field's check and the label's
                # only a looser one
                geometry = geometry or Geometry(pages[0], vocab)
                fv = geometry.labelled(dtype, name, LABELLED.get(name, accept), strict=True)
                if fv is not None and fv.value not in ("", None, []) and (
                        not read_ok or fv.value != fields[name].value and accept(str(fv.value)) is not None):
                    fields[name] = fv
            continue
        fv = by_phrases(pages, dtype, name, accept, kind, vocab)
        if fv is None and vocab.labels(dtype, name):
            geometry = geometry or Geometry(pages[0], vocab)
            if kind == "text":  # free text (a summary) runs on over rows; failing that, the cell under its label
                fv = geometry.labelled_text(dtype, name, accept) or geometry.labelled(dtype, name, accept, strict=True)
            else:
                fv = geometry.labelled(dtype, name, LABELLED.get(name, accept))
        if fv is not None and fv.value not in ("", None, []):
            fields[name] = fv
