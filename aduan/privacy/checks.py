"""System checks for the data keys that seal personal data at rest."""

from django.conf import settings
from django.core import checks

from aduan.lib.vault import VaultError, parse_ring


@checks.register(checks.Tags.security)
def data_keys_readable(app_configs=None, **kwargs):
    try:
        parse_ring(settings.DATA_KEYS)
    except VaultError as exc:
        return [checks.Error(f"ADUAN_DATA_KEYS: {exc}", id="aduan.E010",
                             hint="Generate a key with 'aduan keys add k1' and put the printed "
                                  "entry in ADUAN_DATA_KEYS or the file ADUAN_DATA_KEYS_FILE "
                                  "names.")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def data_keys_outside_the_data(app_configs=None, **kwargs):
    if not settings.DATA_KEYS_EMBEDDED:
        return []
    return [checks.Warning(
        "Personal data is sealed with the key kept in var/data_keys, beside the data: a copy "
        "of var/ (or a backup) carries the key with what it protects.", id="aduan.W010",
        hint="Set ADUAN_DATA_KEYS_FILE to a secret file of its own (systemd credential, "
             "container secret) and keep it out of backups of the database.")]
