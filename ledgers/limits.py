"""Legal end dates of coercive measures and the days left, as of any date.

Counting follows the Criminal Procedure Law's rule for periods in months: the day of the
start does not count, and a period of N months ends on the same day N months later, or
on the month's last day when that month is shorter (bail from 2020-02-29 ends
2021-02-28). Days left are calendar days from ``as_of`` to the end date; negative means
overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt

#: measure kind -> legal length in months (bail 12, surveillance 6)
MONTH_LIMITS: dict[str, int] = {"bail": 12, "surveillance": 6, "designated_surveillance": 6}
#: measure kind -> legal length in days
DAY_LIMITS: dict[str, int] = {"detention": 3, "detention_extension": 7}


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def legal_end(kind: str, start: dt.date) -> dt.date | None:
    """The last lawful day of a measure of ``kind`` started on ``start`` (None: no limit
    known for the kind)."""
    if kind in MONTH_LIMITS:
        return add_months(start, MONTH_LIMITS[kind])
    if kind in DAY_LIMITS:
        return start + dt.timedelta(days=DAY_LIMITS[kind])
    return None


def days_left(end: dt.date, as_of: dt.date) -> int:
    return (end - as_of).days


def grade(days: int | None, *, warn_days: int = 30) -> str | None:
    """Colour of an open measure: red past its end, yellow within ``warn_days``."""
    if days is None:
        return None
    if days < 0:
        return "red"
    if days <= warn_days:
        return "yellow"
    return "green"
