"""Rates per unit and period, their colour bands and rankings (pure: records in, tables out).

Rates (RULES.md), each numerator / denominator over the records of the period:
- ``diversion`` 警情分流率: incidents whose disposal was recorded within 24 hours / incidents;
- ``acceptance`` 受案率: administrative incidents accepted by the period's end / administrative incidents;
- ``filing`` 立案率: criminal acceptances with a filing decision by the period's end / criminal acceptances;
- ``receipt`` 受案回执开具率: reported acceptances with their receipt / reported acceptances;
- ``filing_notice`` 立案告知书开具率: reported filings with a filing notice / reported filings;
- ``incident_av`` 接处警音视频上传率: incidents with audio-video uploaded / incidents;
- ``case_area_av`` 办案区音视频上传率: case-area uses with audio-video uploaded / uses.
A record belongs to the period of its own starting time (received, accepted, filed,
entered). A unit with no records in a rate has no rate (grey) and ranks last.
Ranking: highest rate first; ties go to the unit with more records, then by name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ledgers.rules.calendar import happened
from ledgers.rules.config import DEFAULT_CONFIG, RulesConfig
from ledgers.rules.documents import reported
from ledgers.rules.records import Records, kind_code, nature_code, norm_doc_no

RATES: dict[str, str] = {
    "diversion": "警情分流率", "acceptance": "受案率", "filing": "立案率",
    "receipt": "受案回执开具率", "filing_notice": "立案告知书开具率",
    "incident_av": "接处警音视频上传率", "case_area_av": "办案区音视频上传率",
}


class PeriodError(ValueError):
    """A period that is not YYYY, YYYY-MM, YYYY-Www or YYYY-MM-DD..YYYY-MM-DD."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    label: str

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def contains(self, value: dt.date | dt.datetime | None) -> bool:
        if value is None:
            return False
        d = value.date() if isinstance(value, dt.datetime) else value
        return self.start <= d < self.end


def parse_period(text: str) -> Period:
    """``2018`` (a year), ``2018-01`` (a month), ``2018-W03`` (an ISO week) or
    ``2018-01-01..2018-01-15`` (inclusive days)."""
    t = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})", t):
            y = int(m[1])
            return Period(dt.date(y, 1, 1), dt.date(y + 1, 1, 1), t)
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
            y, mo = int(m[1]), int(m[2])
            end = dt.date(y + 1, 1, 1) if mo == 12 else dt.date(y, mo + 1, 1)
            return Period(dt.date(y, mo, 1), end, f"{y}-{mo:02d}")
        if m := re.fullmatch(r"(\d{4})-W(\d{1,2})", t, re.I):
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return Period(start, start + dt.timedelta(days=7), t.upper())
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", t):
            a, b = dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2])
            if b >= a:
                return Period(a, b + dt.timedelta(days=1), t)
    except ValueError as e:
        raise PeriodError(f"bad period {text!r}: {e}") from e
    raise PeriodError(f"bad period {text!r}: use 2018, 2018-01, 2018-W03 or 2018-01-01..2018-01-31")


@dataclass(frozen=True)
class Tally:
    unit: str
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator


@dataclass(frozen=True)
class RankRow:
    rank: int
    unit: str
    numerator: int
    denominator: int
    rate: float | None
    band: str


def compute_rates(records: Records, period: Period,
                  config: RulesConfig = DEFAULT_CONFIG) -> dict[str, dict[str, Tally]]:
    """rate code -> unit -> tally, judged at the end of the period's last day."""
    end = period.last_day
    counts: dict[str, dict[str, list[int]]] = {k: {} for k in RATES}

    def add(rate: str, unit: str, ok: bool) -> None:
        c = counts[rate].setdefault(unit, [0, 0])
        c[0] += int(ok)
        c[1] += 1

    accepted_incidents = {c.incident_no for c in records.cases
                          if c.incident_no and happened(c.accepted_at, end)}
    for inc in records.incidents:
        if not period.contains(inc.received_at):
            continue
        add("diversion", inc.unit, inc.disposed_at is not None
            and inc.disposed_at - inc.received_at <= dt.timedelta(hours=24))
        add("incident_av", inc.unit, bool(inc.av_uploaded))
        if nature_code(inc.nature) == "administrative":
            add("acceptance", inc.unit, inc.incident_no in accepted_incidents)
    docs: dict[tuple[str, str], list[str]] = {}
    for d in records.documents:
        if d.issued_at is None or happened(d.issued_at, end):
            docs.setdefault((d.case_no, d.type), []).append(norm_doc_no(d.doc_no))
    for c in records.cases:
        if period.contains(c.accepted_at):
            if kind_code(c.kind) == "criminal":
                add("filing", c.unit, happened(c.filed_at, end))
            if reported(c, config):
                got = docs.get((c.case_no, "acceptance_receipt"), [])
                if c.acceptance_doc_no:
                    got = [x for x in got if x == norm_doc_no(c.acceptance_doc_no)]
                add("receipt", c.unit, bool(got))
        if period.contains(c.filed_at) and reported(c, config):
            add("filing_notice", c.unit, bool(docs.get((c.case_no, "filing_notice"))))
    for r in records.case_area:
        if period.contains(r.entered_at):
            add("case_area_av", r.unit, bool(r.av_uploaded))
    return {rate: {u: Tally(u, n, d) for u, (n, d) in per.items()} for rate, per in counts.items()}


def rank(tallies: Iterable[Tally], config: RulesConfig = DEFAULT_CONFIG) -> list[RankRow]:
    """Highest rate first; ties: more records first, then unit name. No data ranks last."""
    rows = sorted(tallies, key=lambda t: (t.rate is None, -(t.rate or 0.0), -t.denominator, t.unit))
    out: list[RankRow] = []
    for i, t in enumerate(rows, 1):
        out.append(RankRow(i, t.unit, t.numerator, t.denominator, t.rate, config.band(t.rate)))
    return out
