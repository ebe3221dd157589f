"""Working-day (hari kerja) arithmetic over a set of non-working dates.

Pure functions: Saturdays and Sundays are never working days; ``holidays``
holds every other date that is not (public holidays, cuti bersama, regional
holidays). Callers pass a set that covers the dates they ask about.
"""

from collections.abc import Container
from datetime import date, timedelta

_DAY = timedelta(days=1)
# A deadline can never need more than this many calendar days per working day.
_MAX_SPAN_PER_WORKDAY = 30


def is_workday(day: date, holidays: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_workdays(start: date, n: int, holidays: Container[date]) -> date:
    """The n-th working day after ``start`` (before it when n < 0; n = 0 gives ``start``)."""
    step = _DAY if n >= 0 else -_DAY
    day = start
    remaining = abs(n)
    limit = timedelta(days=_MAX_SPAN_PER_WORKDAY * (remaining + 1))
    while remaining:
        day += step
        if is_workday(day, holidays):
            remaining -= 1
        if abs(day - start) > limit:
            raise ValueError("calendar has no working days")
    return day


def workdays_between(start: date, end: date, holidays: Container[date]) -> int:
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    if end < start:
        return -workdays_between(end, start, holidays)
    count = 0
    day = start
    while day < end:
        day += _DAY
        if is_workday(day, holidays):
            count += 1
    return count
