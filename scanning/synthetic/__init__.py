"""Synthetic scanned case files: invented cases rendered as realistically damaged scans.

Used for the demo dossier, for tests of every stage after the scanner, and for the
recognition benchmark. Everything is deterministic from a seed; all people, places and
identity numbers are invented (identity numbers use the fictitious region prefix 99).

Parts:
- :mod:`.facts`: :func:`make_case` draws one consistent case (names, numbers, dates).
- :mod:`.style`: :class:`Style` (how a bureau prints: fonts, margins, bracket/digit/date
  styles, 本局/我局/我单位, 2012 or 2018 article numbers) and :class:`Damage` (dpi, skew,
  rotation, noise, blur, JPEG, grey/colour/bitonal), with ``make_style`` / ``make_damage``.
- :mod:`.documents`: the content of every FORMS.md document type and its true fields.
- :mod:`.render`: a small layout engine drawing blocks, tables and red seals on A4.
- :mod:`.volume`: binding (cover, catalog, documents, continuation pages, blank backs,
  backup sheet), damage, the truth JSON, and :func:`write_scan`.
- :mod:`.families`: template families, the ways provincial templates print the same
  forms (``render_volume(..., family=pick_family(seed, "tuned"))``); split into ``tuned``
  and ``held`` (held out from tuning: engineers tuning readers do not read
  ``families/held.py``).

Typical use::

    facts = make_case(7)
    scan = render_volume(facts, "criminal_main", make_style(7), make_damage(7))
    write_scan(scan, "vol.pdf")          # or format="tiff" / "jpegs" (a folder)
    scan.truth  # {"pages": [...], "documents": [...]} exactly as `ecase extract` prints
"""

from __future__ import annotations

import random

from PIL import Image

from . import families
from .documents import BUILDERS, TITLES, DocSpec
from .facts import CaseFacts, Person, make_case
from .families import pick_family
from .render import render_pages
from .style import Damage, Style, make_damage, make_style
from .volume import VOLUME_TITLES, SyntheticScan, damage_page, default_scan, render_volume, write_scan

DOCUMENT_TYPES = tuple(BUILDERS)
VOLUME_KINDS = tuple(VOLUME_TITLES)


def render_document(doc_type: str, facts: CaseFacts, style: Style | None = None, *, dpi: int = 300,
                    seed: int | None = None, family: str | None = None) -> list[Image.Image]:
    """Clean upright page images of one document (no damage, no page number), in ``family`` (default classic)."""
    fam = families.get(family)
    style = fam.restyle(style or make_style(facts.seed))
    rng = random.Random(facts.seed if seed is None else seed)
    spec = families.redraw(fam, BUILDERS[doc_type](facts, style, rng), facts, style, rng)
    return render_pages(spec.pages, style, dpi, rng, None)


__all__ = [
    "BUILDERS", "CaseFacts", "DOCUMENT_TYPES", "Damage", "DocSpec", "Person", "Style", "SyntheticScan", "TITLES",
    "VOLUME_KINDS", "damage_page", "default_scan", "families", "make_case", "make_damage", "make_style", "pick_family",
    "render_document",
    "render_volume", "write_scan",
]
