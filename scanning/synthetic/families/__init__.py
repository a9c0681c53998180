"""Template families: the coherent ways provincial templates print the same forms.

The 17 page types of FORMS.md (14 documents, cover, catalog, backup sheet) are national,
but every province prints its own templates: other labels and label order, ruled cells,
underlined blanks or running text, values in another typeface or ink, option boxes,
stamps over values, bitonal or grey scans. A *family* is one such template set; a scan is
drawn in one family, chosen deterministically from its seed (:func:`pick_family`), and the
family is part of its truth (``truth["family"]``, ``scan.meta["family"]``).

Families are split in two (:data:`SPLITS`):

- ``tuned`` (:mod:`.tuned`): what the readers may be tuned on; ``classic`` is the
  generator's original drawing, the default of :func:`~scanning.synthetic.render_volume`.
- ``held`` (:mod:`.held`): held out to measure readers on templates they were never tuned
  on. Engineers tuning readers must not read :mod:`.held`; use it only through this
  package (``bench/recognition.py --families held``).

Every family draws the truth of the classic builders (``documents.BUILDERS`` and the
dossier pages of ``volume``), so the fields a perfect reader extracts are the same whatever
the family; only the drawing differs. :mod:`.common` holds the shared layout helpers.
"""

from __future__ import annotations

import dataclasses
import random
from typing import Any

from ..documents import DocSpec
from ..facts import CaseFacts
from ..style import Style
from . import boxed_pen_pairs, carbon_copy, held, provincial_edition, tuned
from .common import ALL_TYPES, Ctx, Family

#: every family by name, tuned first, in a fixed order (the split must not move between runs)
FAMILIES: dict[str, Family] = {f.name: f for f in [*tuned.FAMILIES, *provincial_edition.FAMILIES, *boxed_pen_pairs.FAMILIES, *carbon_copy.FAMILIES,
                                                    *held.FAMILIES]}
SPLITS = ("tuned", "held")
CLASSIC = "classic"


def names(split: str = "all", doc_type: str | None = None) -> list[str]:
    """Family names of a split (``tuned``, ``held`` or ``all``), optionally those covering a type."""
    if split not in (*SPLITS, "all"):
        raise ValueError(f"unknown family split {split!r}")
    return [n for n, f in FAMILIES.items() if split in ("all", f.split) and (doc_type is None or doc_type in f.covers)]


def get(name: str | None) -> Family:
    try:
        return FAMILIES[name or CLASSIC]
    except KeyError:
        raise ValueError(f"unknown template family {name!r}") from None


def pick_family(seed: int, split: str = "all") -> str:
    """The family of the scan drawn from ``seed`` within ``split``: the same on every run."""
    pool = names(split)
    return pool[random.Random(seed * 2654435761 + 97).randrange(len(pool))]


def redraw(family: Family, spec: DocSpec, facts: CaseFacts, style: Style, rng: random.Random,
           **extra: Any) -> DocSpec:
    """The classic ``spec`` (its truth) drawn as ``family`` prints it."""
    if family.draw is None or spec.type not in family.covers:
        return spec
    ctx = Ctx(facts, style, spec, rng, extra)
    return dataclasses.replace(spec, pages=family.draw(spec.type, ctx))


__all__ = ["ALL_TYPES", "CLASSIC", "FAMILIES", "Family", "SPLITS", "get", "names", "pick_family", "redraw"]
