"""``aduan restore SOURCE``: verify an archive's checksums, then restore into a fresh database."""

from pathlib import Path

from django.core.management.base import BaseCommand

from aduan.ops.restore import restore


class Command(BaseCommand):
    help = ("Restore a backup folder or tar file into the configured (fresh, empty) database "
            "and storage; refuses an archive whose checksums do not match.")

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)

    def handle(self, *args, source, **options):
        manifest = restore(source)
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"restored {source}: {rows} rows in {len(manifest['tables'])} tables "
                          f"and {manifest['attachments']} attachment files; counts and "
                          "checksums match")
