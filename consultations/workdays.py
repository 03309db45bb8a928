"""Polish working days for consultation deadlines: weekends and public holidays are not counted.

Deadline convention (as in Polish administrative procedure, where the day of the event is not counted):
a deadline of N working days ends on the N-th working day *after* the day of submission. A case
submitted on a Saturday, a Sunday or a holiday therefore starts counting from the next working day.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "WARSAW",
    "add_working_days",
    "is_working_day",
    "local_date",
    "working_days_between",
]

WARSAW = ZoneInfo("Europe/Warsaw")

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    """Polish public holidays of one year (holidays.Poland computes the movable feasts)."""
    return frozenset(holidays.Poland(years=year))


def _require_date(day: date) -> None:
    # A datetime never equals a date, so holiday look-ups would silently miss: convert with local_date().
    if isinstance(day, datetime):
        raise TypeError("expected a date, got a datetime; convert it with local_date() first")


def is_working_day(day: date) -> bool:
    """True from Monday to Friday unless the day is a Polish public holiday."""
    _require_date(day)
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (before it when negative); ``start`` itself never counts.

    With ``days == 0`` the date is returned unchanged.
    """
    _require_date(start)
    step = _ONE_DAY if days > 0 else -_ONE_DAY
    remaining = abs(days)
    day = start
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days in the interval (start, end]; negative when ``end`` is before ``start``.

    For a pause from ``start`` to ``end`` the day the clock stopped still counts towards the deadline and
    the day it resumed does not, so ``add_working_days(due, working_days_between(paused, resumed))`` is the
    moved due date. ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 0``.
    """
    _require_date(start)
    _require_date(end)
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    # Whole weeks contain five weekdays; only the holidays among them need a look-up.
    full_weeks, rest = divmod((end - start).days, 7)
    if full_weeks:
        week_end = start + timedelta(days=7 * full_weeks)
        count += 5 * full_weeks - sum(
            1
            for year in range(start.year, week_end.year + 1)
            for holiday in _holidays(year)
            if start < holiday <= week_end and holiday.weekday() < 5
        )
        day = week_end
    for _ in range(rest):
        day += _ONE_DAY
        if is_working_day(day):
            count += 1
    return count


def local_date(moment: datetime) -> date:
    """The calendar date of an aware datetime in Poland (Europe/Warsaw)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(WARSAW).date()
