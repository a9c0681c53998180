"""Use the volume's redundancy: the same case name, people and numbers recur, and the catalog
lists every document's number, title and date.

Where OCR read one value differently in two places, the value with more support wins:
agreement of several documents, then confidence. A document keeps its own reading unless
the evidence against it is stronger, and every disagreement is recorded in
``Document.conflicts`` as ``{"field", "chosen", "candidates": [{"value", "page", "conf", "source"}]}``.
Only values that look like misreadings of one another (similar strings) are reconciled;
genuinely different values are left alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from scanning.types import FieldValue

from .catalog import entry_rows
from .charges import CHARGES, fix_charge
from .classify import TITLE_TEXT
from .fields_admin import labelled_name
from .names import Reading, groups, reading_at, vote
from .places import reconcile_places
from .slots import AUTHORITY_RE, CJK, name_after
from .text import Flat
from .split import Draft

DATE_FIELD = {
    "acceptance_form": "accepted_on", "acceptance_receipt": "issued_on", "filing_decision": "decided_on",
    "filing_notice": "issued_on", "no_filing_notice": "issued_on", "detention_warrant": "issued_on",
    "bail_decision": "issued_on", "bail_release_decision": "released_on", "arrest_request": "issued_on",
    "arrest_warrant": "issued_on", "prosecution_opinion": "issued_on", "admin_penalty_decision": "issued_on",
    "reconsideration_decision": "issued_on", "admin_judgment": "issued_on",
}


def _cand(fv: FieldValue, source: str) -> dict[str, Any]:
    return {"value": fv.value, "page": fv.page, "conf": fv.conf, "source": source}


def _record(d: Draft, name: str, chosen: Any, cands: list[dict[str, Any]]) -> None:
    d.conflicts.append({"field": name, "chosen": chosen, "candidates": cands})


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) <= 4 or len(b) <= 4:
        return len(a) == len(b) and Levenshtein.distance(a, b) <= 1
    return fuzz.ratio(a, b) >= 75


def reconcile_strings(drafts: list[Draft], names: tuple[str, ...]) -> None:
    """Vote among similar readings of one string field across the volume."""
    occ: list[tuple[Draft, str, FieldValue]] = [(d, n, d.fields[n]) for d in drafts for n in names
                                                  if n in d.fields and isinstance(d.fields[n].value, str)]
    support: dict[str, float] = defaultdict(float)
    for _, _, fv in occ:
        support[fv.value] += 1 + fv.conf * 0.5
    for d, n, fv in occ:
        rivals = [v for v in support if v != fv.value and _similar(v, fv.value)]
        if not rivals:
            continue
        best = max(rivals, key=lambda v: support[v])
        if support[best] > support[fv.value] + 0.5:
            others = [o for o in occ if o[2].value == best]
            src = others[0][2]
            d.fields[n] = FieldValue(best, fv.page, fv.box, round(min(fv.conf, src.conf), 3), fv.raw)
            _record(d, n, best, [_cand(fv, "page")] + [_cand(o[2], o[0].type) for o in others[:3]])


REPORTER_ADDRESSED = ("acceptance_receipt", "filing_notice", "no_filing_notice")  # 「{addressee}：你（单位）于…报称的」
SUBJECT_FIELDS = ("suspect_name", "party_name", "applicant", "plaintiff")
NAME_RE = re.compile(rf"[{CJK}]{{2,4}}")


def case_person(case_name: str) -> str | None:
    """The person a case is named after (张伟盗窃案 → 张伟), or None (幸福里被盗案)."""
    if not case_name.endswith("案"):
        return None
    body = case_name[:-1]
    ends = [c for c in CHARGES if body.endswith(c) and len(c) < len(body)]
    if not ends:
        return None
    charge = max(ends, key=len)
    who = body[:-len(charge)]
    if charge.startswith("被") or who.endswith("被"):
        return None
    return who if NAME_RE.fullmatch(who) else None


def _name_readings(drafts: list[Draft]) -> tuple[list[Reading], set[frozenset[str]]]:
    """Every place of the volume that prints the reporter or the subject (suspect, party)."""
    out: list[Reading] = []
    apart: set[frozenset[str]] = set()

    def add(d: Draft, name: str, fv: FieldValue, text: str, start: int | None, role: str, item: int | None = None) -> Reading:
        pt = next((p for p in d.pages if p.index == fv.page), None)
        r = reading_at(pt, fv, text, start, role, (d, name, item, start))
        out.append(r)
        return r

    for d in drafts:
        for name, fv in d.fields.items():
            v = fv.value
            if name == "reporter_name" and d.type == "acceptance_form" or name == "addressee" and d.type in REPORTER_ADDRESSED:
                if isinstance(v, str) and NAME_RE.fullmatch(v):
                    add(d, name, fv, v, 0, "reporter")
            elif name in SUBJECT_FIELDS and isinstance(v, str) and NAME_RE.fullmatch(v):
                add(d, name, fv, v, 0, "subject")
            elif name == "suspect_names" and isinstance(v, list):
                items = [x for x in v if isinstance(x, str)]
                for k, x in enumerate(v):
                    if isinstance(x, str) and NAME_RE.fullmatch(x):
                        add(d, name, fv, x, None, "subject", k)
                # suspects listed side by side are different people, however alike their names
                apart.update(frozenset((a, b)) for a in items for b in items if a != b)
            elif name == "case_name" and isinstance(v, str):
                who = case_person(v)
                if who:
                    add(d, name, fv, who, 0, "subject")
        # the same person named again inside the document's own narrative
        for text_field, name_field, role in (("summary", "reporter_name", "reporter"), ("violation", "party_name", "subject")):
            tv, nv = d.fields.get(text_field), d.fields.get(name_field)
            if tv is None or nv is None or not isinstance(tv.value, str) or not isinstance(nv.value, str):
                continue
            at = _named_in(tv.value, nv.value, "报案人" if role == "reporter" else None)
            if at is not None:
                add(d, text_field, tv, tv.value[at:at + len(nv.value)], at, role)
    return out, apart


def _named_in(text: str, name: str, label: str | None) -> int | None:
    """Where ``text`` names the person ``name`` again, read the same or one character off:
    right after ``label`` (报案人{name}报称); with no label, the one such place (a name of
    three characters or more: 现查明…，刘华军在…)."""
    n = len(name)
    if not NAME_RE.fullmatch(name):
        return None

    def near(i: int) -> bool:
        s = text[i:i + n]
        return len(s) == n and NAME_RE.fullmatch(s) is not None and sum(a != b for a, b in zip(s, name)) <= 1

    if label is not None:
        i = text.find(label)
        return i + len(label) if i >= 0 and near(i + len(label)) else None
    if n < 3:
        return None
    spots = {text[i:i + n]: i for i in range(len(text) - n, -1, -1) if near(i)}
    return next(iter(spots.values())) if len(spots) == 1 else None


def reconcile_names(drafts: list[Draft]) -> None:
    """The same person's name read differently in several places is decided character by
    character (see :mod:`.names`): the reporter, to whom the receipt and the notices are
    addressed; the subject of the case (suspect, party, the person the case is named after).
    Each change is recorded with the readings that decided it; ``raw`` keeps the page's."""
    readings, apart = _name_readings(drafts)
    # one report (one acceptance form, one receipt): the addressees are its reporter; with
    # several, each notice may answer a different reporter, so only near-identical readings meet
    one_report = all(sum(d.type == t for d in drafts) <= 1 for t in ("acceptance_form", "acceptance_receipt"))
    same_person = frozenset({"reporter"}) if one_report else frozenset()
    changes = vote(readings, same_person, apart)
    if not changes:
        return
    group_of = {i: g for g in groups(readings, same_person, apart) for i in g}
    by_field: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i in changes:
        d, name, _, _ = readings[i].key
        by_field[(id(d), name)].append(i)
    for idxs in by_field.values():
        d, name, _, _ = readings[idxs[0]].key
        fv = d.fields[name]
        value: Any = list(fv.value) if isinstance(fv.value, list) else fv.value
        for i in idxs:
            r, new = readings[i], changes[i]
            _, _, item, start = r.key
            cur = value[item] if item is not None else value[start:start + len(new)]
            # only the positions the vote changed: a character put right before stays
            merged = "".join(n if n != p else c for n, p, c in zip(new, r.text, cur))
            if item is not None:
                value[item] = merged
            else:
                value = value[:start] + merged + value[start + len(new):]
        if value == fv.value:
            continue
        d.fields[name] = FieldValue(value, fv.page, fv.box, fv.conf, fv.raw)
        group = {j for i in idxs for j in group_of[i] if j not in idxs}
        others = [{"value": readings[j].text, "page": readings[j].page, "conf": readings[j].conf,
                   "source": readings[j].key[0].type} for j in sorted(group)]
        _record(d, name, value, [_cand(fv, "page")] + others[:6])


def against_catalog(drafts: list[Draft]) -> None:
    """Compare each document's number and date with its catalog row.

    A value the page lost is taken from the catalog (its provenance says so). Where the
    two readings differ by what looks like a misreading (similar strings), the one read
    with more confidence is used on both sides; every difference is recorded, on the
    document and on the catalog.
    """
    catalogs = [d for d in drafts if d.type == "catalog"]
    if not catalogs:
        return
    cat = catalogs[0]
    rows = entry_rows([p for c in catalogs for p in c.pages if p.words])
    entries_fv = cat.fields.get("entries")
    entries = entries_fv.value if entries_fv is not None and isinstance(entries_fv.value, list) else []
    by_title: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        if "title" in r:
            by_title[r["title"].value].append(i)
    seen: dict[str, int] = defaultdict(int)
    for d in drafts:
        if d.type not in DATE_FIELD or d.first_page < cat.first_page:
            continue
        cands = by_title.get(TITLE_TEXT[d.type], [])
        k = seen[d.type]
        seen[d.type] += 1
        if k >= len(cands):
            continue
        i = cands[k]
        row = rows[i]
        for name, cat_name in (("doc_no", "doc_no"), (DATE_FIELD[d.type], "date")):
            cv = row.get(cat_name)
            if cv is None:
                continue
            own = d.fields.get(name)
            if own is None:
                d.fields[name] = FieldValue(cv.value, cv.page, cv.box, round(cv.conf * 0.8, 3), cv.raw)
                continue
            if own.value == cv.value:
                continue
            cands_ = [_cand(own, "page"), _cand(cv, "catalog")]
            similar = _similar(str(own.value), str(cv.value)) or Levenshtein.distance(str(own.value), str(cv.value)) <= 1
            # a number whose head was lost in a catalog cell (立字〔2018〕846号) never replaces a whole one
            partial = name == "doc_no" and len(str(cv.value)) < len(str(own.value)) - 1
            if similar and cv.conf > own.conf + 0.05 and not partial:
                d.fields[name] = FieldValue(cv.value, own.page, own.box, cv.conf, own.raw)
            elif similar and i < len(entries) and entries[i].get(cat_name) == cv.value:
                entries[i][cat_name] = own.value
                _record(cat, f"entries[{i}].{cat_name}", own.value, cands_)
            _record(d, name, d.fields[name].value, cands_)


def same_number(drafts: list[Draft]) -> None:
    """A receipt carries its acceptance form's number: agree on one reading."""
    forms = [d for d in drafts if d.type == "acceptance_form" and "doc_no" in d.fields]
    for d in drafts:
        if d.type != "acceptance_receipt" or "doc_no" not in d.fields or not forms:
            continue
        mine, theirs = d.fields["doc_no"], forms[0].fields["doc_no"]
        if mine.value != theirs.value and _similar(mine.value, theirs.value):
            loser, winner = (mine, theirs) if theirs.conf > mine.conf else (theirs, mine)
            target = d if loser is mine else forms[0]
            target.fields["doc_no"] = FieldValue(winner.value, loser.page, loser.box, winner.conf, loser.raw)
            _record(target, "doc_no", winner.value, [_cand(mine, "acceptance_receipt"), _cand(theirs, "acceptance_form")])


def authority_where_printed(drafts: list[Draft]) -> None:
    """A document whose authority line was not read: if a row of its first page (the
    signature above the seal, or a garbled heading) is close to the authority the rest
    of the volume agrees on, that row is the authority."""
    support: dict[str, int] = defaultdict(int)
    for d in drafts:
        fv = d.fields.get("authority")
        if fv and "公安" in fv.value:
            support[fv.value] += 1
    if not support:
        return
    consensus = max(support, key=lambda v: support[v])
    for d in drafts:
        if d.type not in DATE_FIELD or "authority" in d.fields or d.type in ("reconsideration_decision", "admin_judgment"):
            continue
        pt = d.pages[0]
        best = None
        for i in range(len(pt.rows)):
            row = pt.row_text(i)
            score = fuzz.partial_ratio(consensus, row) if len(row) >= len(consensus) - 2 else 0
            if score >= 82 and (best is None or score > best[0]):
                best = (score, i)
        if best:
            i = best[1]
            fv = pt.value(consensus, pt.row_start[i], pt.row_start[i] + len(pt.row_text(i)))
            d.fields["authority"] = FieldValue(consensus, fv.page, fv.box, round(fv.conf * best[0] / 100, 3), fv.raw)
            _record(d, "authority", consensus, [_cand(fv, "page"), {"value": consensus, "page": None,
                                                                    "conf": None, "source": "volume"}])


def charges(drafts: list[Draft]) -> None:
    """Case names end with a charge of a closed list: a charge misread by one character is
    put right (see :mod:`.charges`); the reading stays in ``raw`` and in the conflicts."""
    for d in drafts:
        fv = d.fields.get("case_name")
        if fv is None or not isinstance(fv.value, str):
            continue
        fixed = fix_charge(fv.value)
        if fixed != fv.value:
            d.fields["case_name"] = FieldValue(fixed, fv.page, fv.box, fv.conf, fv.raw)
            _record(d, "case_name", fixed, [_cand(fv, "page"), {"value": fixed, "page": None, "conf": None,
                                                                 "source": "charge list"}])


def compiler_on_cover(drafts: list[Draft]) -> None:
    """The cover names the volume's compiler (立卷人) as the backup sheet does: where the two
    readings look like misreadings of one another, the one read with more confidence wins."""
    covers = [d for d in drafts if d.type == "dossier_cover" and d.pages]
    for d in drafts:
        own = d.fields.get("compiled_by")
        if d.type != "backup_sheet" or own is None or not covers:
            continue
        pt = covers[0].pages[0]
        other = name_after(Flat(pt), "立卷人") or labelled_name(pt, "立卷人", "检查人")
        if other is None or other.value == own.value or Levenshtein.distance(other.value, own.value) > 1:
            continue
        if other.conf > own.conf + 0.05:
            d.fields["compiled_by"] = FieldValue(other.value, other.page, other.box, other.conf, other.raw)
        _record(d, "compiled_by", d.fields["compiled_by"].value, [_cand(own, "page"), _cand(other, "dossier_cover")])


def places(drafts: list[Draft]) -> None:
    """City and district names misread by one character (see :mod:`.places`)."""
    by_id = {id(d.fields): d for d in drafts}
    # rows that print nothing but an institution's name (the signature above the seal)
    evidence = []
    for d in drafts:
        for pt in d.pages:
            for i in range(len(pt.rows)):
                row = pt.row_text(i)
                m = AUTHORITY_RE.fullmatch(row.strip("。.，, "))
                if m:
                    s = pt.row_start[i]
                    evidence.append(pt.value(m.group(0), s, s + len(row)))
    for fields, name, old, new in reconcile_places([d.fields for d in drafts], tuple(evidence)):
        _record(by_id[id(fields)], name, new, [_cand(old, "page"), {"value": new, "page": None, "conf": None,
                                                                   "source": "volume places"}])


def crosscheck(drafts: list[Draft]) -> None:
    charges(drafts)
    places(drafts)
    reconcile_strings(drafts, ("case_name",))
    reconcile_strings(drafts, ("authority",))
    authority_where_printed(drafts)
    reconcile_names(drafts)
    same_number(drafts)
    compiler_on_cover(drafts)
    against_catalog(drafts)
