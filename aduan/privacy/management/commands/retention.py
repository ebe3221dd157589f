"""``aduan retention show|apply``: retention periods, and blanking what is past them."""

from django.core.management.base import BaseCommand

from aduan.privacy.retention import retention_apply, retention_periods


class Command(BaseCommand):
    help = ("Show the retention periods, or apply them: personal data past its period is "
            "blanked (set-based; each kind that changed is audited). Run it daily.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["show", "apply"])
        parser.add_argument("--dry-run", action="store_true",
                            help="apply: count what would change, change nothing.")

    def handle(self, *args, action, dry_run, **options):
        if action == "show":
            for kind, days in retention_periods().items():
                self.stdout.write(f"{kind}: {days} days")
            return
        for kind, rows in retention_apply(dry_run=dry_run).items():
            verb = "would blank" if dry_run else "blanked"
            self.stdout.write(f"{kind}: {verb} {rows} rows")
