"""Counting time the way the limits are written.

- "N days": calendar days counted from the day after the starting event, so a 3-day
  limit that starts on 1 January ends on 4 January; the 4th is still in time, the 5th
  is the first day over.
- "N months": from the start day to the same day N months later (an acceptance
  on 1 March 2019 plus 12 months ends on 1 March 2020). When that day does not exist,
  or the start is the last day of its month, the limit ends on the last day of the
  target month (28 Feb 2019 + 12 months = 29 Feb 2020; 29 Feb 2020 + 12 = 28 Feb 2021).
  This is the reading of the Ministry's procedure rules for "以月计算的期限".
- "N hours": real hours from the starting time.
- A limit ending on a holiday moves to the next working day only when the bureau's
  configuration says so (``extend_on_holidays``).

"As of" a date means at the end of that day; a datetime means that moment.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt

from ledgers.rules.config import RulesConfig


def as_of_date(as_of: dt.date | dt.datetime) -> dt.date:
    return as_of.date() if isinstance(as_of, dt.datetime) else as_of


def moment(as_of: dt.date | dt.datetime) -> dt.datetime:
    """The instant an "as of" stands for: a date means the end of that day."""
    if isinstance(as_of, dt.datetime):
        return as_of
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def at(value: dt.date | dt.datetime) -> dt.datetime:
    """A date alone is taken as the start of that day."""
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def happened(value: dt.date | dt.datetime | None, as_of: dt.date | dt.datetime) -> bool:
    """Had ``value`` happened by ``as_of``? An empty cell means "not yet"."""
    return value is not None and at(value) < moment(as_of)


def roll(d: dt.date, config: RulesConfig) -> dt.date:
    if config.extend_on_holidays:
        while d in config.holidays:
            d += dt.timedelta(days=1)
    return d


def add_days(start: dt.date | dt.datetime, days: int, config: RulesConfig) -> dt.date:
    return roll(day(start) + dt.timedelta(days=days), config)


def add_months(start: dt.date | dt.datetime, months: int, config: RulesConfig | None = None) -> dt.date:
    d = day(start)
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    last = _cal.monthrange(y, m)[1]
    if d.day == _cal.monthrange(d.year, d.month)[1]:
        out = dt.date(y, m, last)
    else:
        out = dt.date(y, m, min(d.day, last))
    return roll(out, config) if config is not None else out


def days_over(as_of: dt.date | dt.datetime, due: dt.date) -> int:
    return (as_of_date(as_of) - due).days
