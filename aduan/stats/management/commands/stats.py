"""``aduan stats rebuild|refresh``: recreate the statistics from all reports, or catch up."""

from django.core.management.base import BaseCommand

from aduan.stats.rollup import stats_rebuild, stats_refresh_all
from aduan.stats.selectors import stats_warm


class Command(BaseCommand):
    help = "Statistics rollups: 'rebuild' recomputes everything, 'refresh' catches up with events."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh"])

    def handle(self, *args, action, **options):
        if action == "rebuild":
            count = stats_rebuild()
            self.stdout.write(f"rebuilt the statistics of {count} reports")
        else:
            count = stats_refresh_all()
            self.stdout.write(f"refreshed the statistics of {count} reports")
        stats_warm()  # the dashboard's sums, kept before a visitor asks (shared cache)
