"""Leave room in each PostgreSQL page so frequent small updates stay heap-only (HOT).

Sweeps and services update columns that are in no index (escalation_level,
counters, updated_at); with free space on the page PostgreSQL rewrites such a
row without touching any of the report's indexes — including the full-text
GIN index, whose entries are expensive to compute.
"""

from django.db import migrations


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_add_deadline_fields")]

    operations = [
        migrations.RunPython(_run("ALTER TABLE reports_report SET (fillfactor = 80)"),
                             _run("ALTER TABLE reports_report RESET (fillfactor)")),
    ]
