"""Bulletins (通报): what goes in them and how they are printed.

- ``content``: :func:`build` gathers one bulletin's rankings and findings into a plain
  :class:`Bulletin` (kinds in ``KINDS``), judged as of the period's last day so that the
  same data always give the same bulletin;
- ``pdf``: :func:`render_pdf` — A4 in the official style (红头, number, Chinese-numeral date,
  coloured ranking tables, the list of findings), with a registered CJK TrueType font;
- ``xlsx``: :func:`render_xlsx` — the same tables as a workbook with coloured cells.
"""

from __future__ import annotations

from ecase.supervision.bulletins.content import KINDS, RULE_NAMES, Bulletin, Table, build, chinese_date
from ecase.supervision.bulletins.pdf import render_pdf
from ecase.supervision.bulletins.xlsx import render_xlsx

__all__ = ["Bulletin", "KINDS", "RULE_NAMES", "Table", "build", "chinese_date", "render_pdf", "render_xlsx"]
