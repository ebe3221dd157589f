"""``aduan opendata export [--output DIR]``: write the open-data dump now."""

from django.core.management.base import BaseCommand

from aduan.stats.opendata import opendata_export


class Command(BaseCommand):
    help = "Write the open-data dump (CSV and JSON Lines, gzip, datapackage.json) now."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--output",
                            help="Directory to write into (default ADUAN_OPENDATA_DIR).")

    def handle(self, *args, action, output=None, **options):
        folder = opendata_export(output)
        self.stdout.write(f"open data written to {folder}")
