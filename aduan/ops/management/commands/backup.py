"""``aduan backup TARGET``: database dump + attachments + manifest with SHA-256 checksums."""

from pathlib import Path

from django.core.management.base import BaseCommand

from aduan.ops.backup import FORMATS, backup_create


class Command(BaseCommand):
    help = ("Back up the database and the attachments into a new folder, or a .tar/.tar.gz "
            "file, with a manifest of checksums.")

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path)
        parser.add_argument("--format", choices=FORMATS, default="auto",
                            help="auto: the vendor's native dump where available (SQLite "
                                 "backup API, pg_dump), else JSON; json: portable between "
                                 "vendors.")

    def handle(self, *args, target, format, **options):
        manifest = backup_create(target, fmt=format)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"backup written to {target}: {manifest['database']['format']} dump, "
                          f"{rows} rows in {len(manifest['tables'])} tables, "
                          f"{manifest['attachments']} attachment files")
