"""The volume's place names: the city and district in every institution's name.

The bureau, its procuratorate, court, government and detention centre all carry the same
city (and mostly the same district), printed many times in a volume (the heading of every
document, the signature above the seal, the respondent of a review, the defendant of a
suit). Where one reading of a place differs from the others by one character, and that
character is seen nowhere else in the volume while the other is seen on at least two more
lines, the misreading is put right. A district read differently on two or more lines
(东城区 and 西城区) is left alone: it may be another district.
"""

from __future__ import annotations

import re
from collections import defaultdict

from scanning.types import FieldValue

PLACE_FIELDS = ("authority", "court", "respondent", "defendant", "procuratorate", "detention_center")
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,3}?)市(?:公安局)?([\u4e00-\u9fff]{2,3}?)(?=区)")
_CITY_ONLY = re.compile(r"^([\u4e00-\u9fff]{2,3}?)市")


def _parts(value: str) -> list[tuple[int, str]]:
    """(offset, text) of the city and, when printed, the district of an institution's name."""
    m = _PLACE.match(value)
    if m:
        return [(m.start(1), m.group(1)), (m.start(2), m.group(2))]
    m = _CITY_ONLY.match(value)
    return [(m.start(1), m.group(1))] if m else []


def reconcile_places(fields_list: list[dict[str, FieldValue]], evidence: tuple[FieldValue, ...] = ()
                     ) -> list[tuple[dict[str, FieldValue], str, FieldValue, str]]:
    """Put right one-character misreadings of the volume's city and district names.

    ``fields_list`` holds each document's fields; they are changed in place. ``evidence``
    adds other lines that print an institution's name (the signature above the seal); they
    count as readings and are not changed. Returns the changes as (fields, name, old value,
    new value) so the caller can record them.
    """
    # distinct printed lines (page, box) on which each (slot, position, char) was read
    seen: dict[tuple[int, int, str], set[tuple[int | None, object]]] = defaultdict(set)
    words: dict[tuple[int, str], set[tuple[int | None, object]]] = defaultdict(set)
    readings = [fields.get(name) for fields in fields_list for name in PLACE_FIELDS] + list(evidence)
    for fv in readings:
        if fv is None or not isinstance(fv.value, str):
            continue
        for slot, (_, text) in enumerate(_parts(fv.value)):
            words[(slot, text)].add((fv.page, fv.box))
            for k, ch in enumerate(text):
                seen[(slot, k, ch)].add((fv.page, fv.box))
    changes = []
    for fields in fields_list:
        for name in PLACE_FIELDS:
            fv = fields.get(name)
            if fv is None or not isinstance(fv.value, str):
                continue
            value = fv.value
            for slot, (off, text) in enumerate(_parts(fv.value)):
                rivals = [w for (sl, w) in words if sl == slot and w != text and len(w) == len(text)
                          and sum(a != b for a, b in zip(w, text)) == 1]
                best = None
                for w in rivals:
                    k = next(i for i, (a, b) in enumerate(zip(w, text)) if a != b)
                    own_lines, other_lines = seen[(slot, k, text[k])], seen[(slot, k, w[k])]
                    if len(own_lines) == 1 and len(other_lines - own_lines) >= 2:
                        if best is None or len(other_lines) > best[1]:
                            best = (w, len(other_lines))
                if best:
                    value = value[:off] + best[0] + value[off + len(text):]
            if value != fv.value:
                fields[name] = FieldValue(value, fv.page, fv.box, fv.conf, fv.raw)
                changes.append((fields, name, fv, value))
    return changes
