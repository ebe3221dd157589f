"""``aduan calendar``: working-day arithmetic and the holidays held as data."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from aduan.agencies.models import Region
from aduan.deadlines.calendar import Calendar, holidays_in
from aduan.deadlines.holidays import holiday_add, holiday_remove
from aduan.errors import DomainError


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"{raw!r} is not a date; use YYYY-MM-DD.") from None


def _region(raw: str | None) -> str | None:
    if raw and not Region.objects.filter(pk=raw).exists():
        raise CommandError(f"Unknown region code {raw!r}.")
    return raw


class Command(BaseCommand):
    help = "Working days (hari kerja) and holidays, nationwide or for a region."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add-workdays", help="Print the date N working days after DATE.")
        add.add_argument("date")
        add.add_argument("n", type=int)
        listing = sub.add_parser("holidays", help="List the non-working days of a year.")
        listing.add_argument("year", type=int)
        new = sub.add_parser("add-holiday", help="Add a holiday (a decree, a regional holiday).")
        new.add_argument("date")
        new.add_argument("name")
        gone = sub.add_parser("remove-holiday", help="Make a holiday a working day again.")
        gone.add_argument("date")
        for p in (add, listing, new, gone):
            p.add_argument("--region", help="Kemendagri region code (default: nationwide).")

    def handle(self, *args, action, region=None, **options):
        region = _region(region)
        try:
            getattr(self, action.replace("-", "_"))(region, **options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None

    def add_workdays(self, region, *, date, n, **_):
        self.stdout.write(Calendar(region).add_workdays(_date(date), n).isoformat())

    def holidays(self, region, *, year, **_):
        if not 1900 <= year <= 2200:
            raise CommandError("Give a year between 1900 and 2200.")
        for entry in holidays_in([year], region):
            where = f" [{entry.region_code}]" if entry.region_code else ""
            self.stdout.write(f"{entry.date.isoformat()}  {entry.name}{where}  ({entry.source})")

    def add_holiday(self, region, *, date, name, **_):
        holiday = holiday_add(day=_date(date), name=name, region_code=region)
        self.stdout.write(f"added {holiday.date.isoformat()} {holiday.name}")

    def remove_holiday(self, region, *, date, **_):
        holiday = holiday_remove(day=_date(date), region_code=region)
        self.stdout.write(f"removed {holiday.date.isoformat()}: now a working day")
