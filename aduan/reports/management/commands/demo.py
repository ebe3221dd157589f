"""``aduan demo``: load the demo accounts and reports (once)."""

from django.core.management.base import BaseCommand

from aduan.reports.demo import DEMO_PASSWORD, STAFF, load_demo


class Command(BaseCommand):
    help = "Load demo staff accounts, a citizen account and reports in every status."

    def handle(self, *args, **options):
        made = load_demo()
        if not made:
            self.stdout.write("demo: already loaded")
            return
        self.stdout.write(f"demo: {made} reports; staff accounts (password {DEMO_PASSWORD}): "
                          + ", ".join(username for username, *_rest in STAFF))
