"""The default retention periods (national admins change them in the admin)."""

from django.db import migrations

DEFAULTS = [
    ("closed_report_identity", 5 * 365, "Identitas pelapor pada laporan selesai/diarsipkan"),
    ("inbound_raw", 90, "Pesan mentah dari kanal"),
    ("outbox_body", 30, "Isi dan alamat pesan keluar yang sudah terkirim"),
]


def add_defaults(apps, schema_editor):
    RetentionPeriod = apps.get_model("privacy", "RetentionPeriod")
    for kind, days, note in DEFAULTS:
        RetentionPeriod.objects.get_or_create(kind=kind, defaults={"days": days, "note": note})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_retention_periods")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
