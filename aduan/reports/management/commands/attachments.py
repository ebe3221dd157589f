"""``aduan attachments prune``: remove attachment files that no report names (both storages)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from aduan.reports.attachment_files import MIN_AGE, attachments_prune


class Command(BaseCommand):
    help = "Maintain attachment files in the local folder or the S3 bucket."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser("prune", help="Delete files no attachment names, older than a day.")
        prune.add_argument("--dry-run", action="store_true", help="Count only; delete nothing.")
        prune.add_argument("--min-age-hours", type=float, default=MIN_AGE.total_seconds() / 3600,
                           help="Keep orphans younger than this (default 24): their "
                                "transaction may still be open.")

    def handle(self, *args, action, **options):
        result = attachments_prune(min_age=timedelta(hours=options["min_age_hours"]),
                                   dry_run=options["dry_run"])
        verb = "would remove" if options["dry_run"] else "removed"
        self.stdout.write(f"scanned {result.scanned} files, {result.orphans} orphans: "
                          f"{verb} {result.removed}, kept {result.kept_young} younger than "
                          f"{options['min_age_hours']:g} h")
