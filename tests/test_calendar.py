"""The working-day calendar: weekends, holidays and cuti bersama, data edits, time zones."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aduan.deadlines.calendar import WIB, WIT, WITA, Calendar, holidays_in, timezone_for
from aduan.deadlines.holidays import holiday_add
from aduan.deadlines.models import Holiday
from aduan.errors import InvalidInput
from aduan.lib import workdays

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue().strip()


def test_pure_workday_arithmetic():
    holidays = {date(2026, 3, 20)}
    assert workdays.add_workdays(date(2026, 3, 19), 0, holidays) == date(2026, 3, 19)
    assert workdays.add_workdays(date(2026, 3, 19), 1, holidays) == date(2026, 3, 23)
    assert workdays.add_workdays(date(2026, 3, 23), -1, holidays) == date(2026, 3, 19)
    assert workdays.workdays_between(date(2026, 3, 19), date(2026, 3, 24), holidays) == 2
    assert workdays.workdays_between(date(2026, 3, 24), date(2026, 3, 19), holidays) == -2
    assert not workdays.is_workday(date(2026, 3, 21), set())  # Saturday


def test_lebaran_2026_with_cuti_bersama():
    # Idul Fitri 2026: cuti bersama Fri 20, Sat 21 - Sun 22 holiday, cuti Mon 23 and Tue 24 March;
    # Nyepi (Thu 19) and its cuti bersama (Wed 18) just before.
    assert run("add-workdays", "2026-03-17", "1") == "2026-03-25"
    assert run("add-workdays", "2026-03-16", "3") == "2026-03-26"
    assert run("add-workdays", "2026-03-25", "-1") == "2026-03-17"
    names = {e.date: e.name for e in holidays_in([2026])}
    assert "Idul Fitri" in names[date(2026, 3, 21)]
    assert "Cuti Bersama" in names[date(2026, 3, 23)]


def test_year_end_christmas_and_new_year():
    # 24 Dec 2026 cuti bersama, 25 Dec Natal, 1 Jan 2027 Tahun Baru.
    assert run("add-workdays", "2026-12-23", "1") == "2026-12-28"
    assert run("add-workdays", "2026-12-31", "1") == "2027-01-04"
    assert Calendar().workdays_between(date(2026, 12, 23), date(2027, 1, 4)) == 5


def test_holidays_held_as_data_added_and_removed_nationwide_and_per_region():
    # A new decree adds a national cuti bersama; a regional holiday applies below its region.
    holiday_add(day=date(2026, 11, 30), name="Cuti bersama tambahan")
    assert run("add-workdays", "2026-11-27", "1") == "2026-12-01"
    assert run("add-holiday", "2026-12-01", "Hari Jadi Kota", "--region", "35.78").startswith(
        "added")
    assert run("add-workdays", "2026-11-27", "1", "--region", "35.78.01") == "2026-12-02"
    assert run("add-workdays", "2026-11-27", "1", "--region", "64.72") == "2026-12-01"
    # A package holiday can be removed for one region only (it becomes a working day there).
    assert run("remove-holiday", "2026-12-25", "--region", "51") .startswith("removed")
    assert run("add-workdays", "2026-12-24", "1", "--region", "51.71") == "2026-12-25"
    assert run("add-workdays", "2026-12-24", "1") == "2026-12-28"
    listing = run("holidays", "2026", "--region", "35.78")
    assert "Hari Jadi Kota [35.78]  (data)" in listing
    assert "Hari Raya Natal  (package)" in listing


def test_calendar_commands_refuse_bad_input():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("add-workdays", "kemarin", "3")
    with pytest.raises(CommandError, match="99.99"):
        run("add-workdays", "2026-01-05", "3", "--region", "99.99")
    with pytest.raises(CommandError):
        run("remove-holiday", "2026-11-25")  # an ordinary Wednesday
    with pytest.raises(InvalidInput):
        holiday_add(day=date(2026, 5, 5), name="")
    assert not Holiday.objects.filter(date=date(2026, 11, 25)).exists()


def test_time_zones_from_region_codes():
    assert timezone_for("35.78") == WIB and timezone_for(None) == WIB
    assert timezone_for("64.72.08.1002") == WITA and timezone_for("51") == WITA
    assert timezone_for("94.01") == WIT
    # The end of a working day is local: in Jayapura it comes two hours before Jakarta's.
    jayapura, jakarta = Calendar("94.71"), Calendar("31.71")
    moment = datetime(2026, 6, 2, 10, 0, tzinfo=WIB)
    assert jayapura.due(moment, 1) < jakarta.due(moment, 1)
    assert jakarta.due(moment, 1) == datetime(2026, 6, 3, 23, 59, 59, tzinfo=WIB)
    assert jayapura.due(moment, 1).tzinfo == WIT
