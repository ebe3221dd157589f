"""``aduan keys status|add|rotate``: the data keys that seal personal data at rest."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.lib.vault import VaultError
from aduan.privacy.keys import keys_add, keys_rotate, keys_status


class Command(BaseCommand):
    help = ("Data keys for personal data at rest. status: rows per key; add ID: a new current "
            "key; rotate: seal every value again under the current key (audited).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "add", "rotate"])
        parser.add_argument("key_id", nargs="?", help="add: the new key's id, e.g. k2")

    def handle(self, *args, action, key_id=None, **options):
        try:
            if action == "status":
                for column, counts in keys_status().items():
                    shown = ", ".join(f"{key}: {rows}" for key, rows in counts.items())
                    self.stdout.write(f"{column}: {shown}")
            elif action == "rotate":
                done = keys_rotate()
                for column, rows in done.items():
                    self.stdout.write(f"{column}: {rows} resealed")
                self.stdout.write(f"total: {sum(done.values())} resealed")
            else:
                self._add(key_id)
        except VaultError as exc:
            raise CommandError(str(exc)) from None

    def _add(self, key_id):
        if not key_id:
            raise CommandError("add needs the new key's id, e.g. 'aduan keys add k2'")
        entry = keys_add(key_id)
        if settings.DATA_KEYS_EMBEDDED:
            self.stdout.write(f"{key_id} is now the current key in {settings.VAR_DIR / 'data_keys'}"
                              "; restart, then run 'aduan keys rotate'.")
        else:
            self.stdout.write("Put this entry FIRST in ADUAN_DATA_KEYS (keep the old keys after "
                              "it), restart, then run 'aduan keys rotate':")
            self.stdout.write(entry)
