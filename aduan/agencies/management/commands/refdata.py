"""``aduan refdata load [--force]``: load the shipped reference data (idempotent)."""

import time

from django.core.management.base import BaseCommand

from aduan.agencies.refdata import load_reference_data


class Command(BaseCommand):
    help = "Load regions, categories and agencies shipped with Aduan."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load what is missing or changed.")
        load.add_argument("--force", action="store_true", help="Reload even if unchanged.")

    def handle(self, *args, action, force=False, **options):
        started = time.perf_counter()
        for result in load_reference_data(force=force):
            state = "unchanged" if result.skipped else "loaded"
            self.stdout.write(f"{result.name}: {result.rows} rows {state}")
        self.stdout.write(f"reference data ready in {time.perf_counter() - started:.1f}s")
