"""The working-day calendar of a region: its timezone and its non-working days.

Non-working days are weekends, the national holidays and cuti bersama of the
``holidays`` package (country ID, categories public and government), plus the
holidays held as data (``Holiday`` rows: additions nationwide or for a region
and its subregions, and removals). A deadline of N working days ends at the
end (23:59:59) of the N-th working day after the start date, in the region's
own time zone.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from aduan.lib import versions, workdays

from .models import Holiday

WIB, WITA, WIT = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar"), ZoneInfo("Asia/Jayapura")
# Province code -> time zone (UU/Keppres on the three Indonesian time zones).
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
_END_OF_DAY = time(23, 59, 59)


def timezone_for(region_code: str | None) -> ZoneInfo:
    """WIB, WITA or WIT from the province part of a Kemendagri code (WIB when unknown)."""
    province = (region_code or "")[:2]
    if province in _WIT:
        return WIT
    if province in _WITA:
        return WITA
    return WIB


@lru_cache(maxsize=64)
def _package_holidays(year: int) -> dict[date, str]:
    return dict(holidays_lib.country_holidays("ID", years=year,
                                              categories=("public", "government")))


# Holidays held as data, per year, kept for a minute: a page of 50 deadlines or a sweep
# over 38 provinces asks for them once. An edit clears this process's copy at once;
# other processes see it within DATA_TTL (the recompute task runs after that anyway).
DATA_TTL = 60.0
_data_cache = versions.Memo("deadlines")


def _data_rows(year: int) -> list[Holiday]:
    return _data_cache.get(year, DATA_TTL, lambda: list(Holiday.objects.filter(date__year=year)))


def forget_data_rows() -> None:
    _data_cache.clear()


def _applies(row_region: str, region_code: str) -> bool:
    return not row_region or region_code == row_region or region_code.startswith(row_region + ".")


@dataclass(frozen=True)
class HolidayEntry:
    date: date
    name: str
    source: str  # "package" or "data"
    region_code: str


def holidays_in(years: range | list[int], region_code: str | None = None) -> list[HolidayEntry]:
    """Every non-working weekday-or-weekend holiday in ``years`` for the region, by date."""
    region = region_code or ""
    entries: dict[date, HolidayEntry] = {}
    for year in years:
        for day, name in _package_holidays(year).items():
            entries[day] = HolidayEntry(day, name, "package", "")
    rows = [row for year in years for row in _data_rows(year)]
    # Regional rows are applied after national ones, so the most specific row wins.
    for row in sorted(rows, key=lambda r: len(r.region_code)):
        if not _applies(row.region_code, region):
            continue
        if row.removed:
            entries.pop(row.date, None)
        else:
            entries[row.date] = HolidayEntry(row.date, row.name, "data", row.region_code)
    return sorted(entries.values(), key=lambda e: e.date)


class Calendar:
    """Working-day arithmetic for one region, loading holidays for the years it touches."""

    def __init__(self, region_code: str | None = None):
        self.region_code = region_code or ""
        self.tz = timezone_for(region_code)
        self._years: set[int] = set()
        self._holidays: set[date] = set()

    def _cover(self, first: date, last: date) -> None:
        wanted = set(range(first.year, last.year + 1)) - self._years
        if wanted:
            self._holidays |= {e.date for e in holidays_in(sorted(wanted), self.region_code)}
            self._years |= wanted

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def end_of_day(self, day: date) -> datetime:
        return datetime.combine(day, _END_OF_DAY, tzinfo=self.tz)

    def is_workday(self, day: date) -> bool:
        self._cover(day, day)
        return workdays.is_workday(day, self._holidays)

    def add_workdays(self, start: date, n: int) -> date:
        # n working days never span more than ~2n days plus a long holiday; cover generously.
        span = timedelta(days=2 * abs(n) + 60)
        self._cover(start - span if n < 0 else start, start + span if n >= 0 else start)
        return workdays.add_workdays(start, n, self._holidays)

    def workdays_between(self, start: date, end: date) -> int:
        self._cover(min(start, end), max(start, end))
        return workdays.workdays_between(start, end, self._holidays)

    def due(self, start: datetime, n: int) -> datetime:
        """The deadline N working days after ``start``: end of that day, local time."""
        return self.end_of_day(self.add_workdays(self.local_date(start), n))

    def due_in_days(self, start: datetime, n: int) -> datetime:
        """The deadline N calendar days after ``start`` (end of that local day)."""
        return self.end_of_day(self.local_date(start) + timedelta(days=n))

    def workdays_left(self, due: datetime, now: datetime) -> int:
        """Working days from today until the due day: 0 on the day, negative when late."""
        return self.workdays_between(self.local_date(now), self.local_date(due))

    def latest_due_overdue_by(self, now: datetime, n: int) -> datetime:
        """The latest deadline that ``now`` has overrun by at least N whole working days.

        A deadline d is overrun by N working days once the N-th working day after
        d's date has ended; the answer is the end of the latest such date.
        """
        day = self.local_date(now) - timedelta(days=1)
        while self.end_of_day(self.add_workdays(day, n)) >= now:
            day -= timedelta(days=1)
        return self.end_of_day(day)


def workdays_left(due: datetime | None, now: datetime, region_code: str | None) -> int | None:
    """Working days left until ``due`` in the region's calendar (None when there is no due)."""
    if due is None:
        return None
    return Calendar(region_code).workdays_left(due, now)
