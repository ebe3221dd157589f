"""Leave room on each PostgreSQL page of reports so the sweep's updates stay HOT.

An escalation changes no indexed column, so PostgreSQL can write the new row
version on the same page without touching the report's twenty-odd indexes, if
the page has room. A fill factor of 70 keeps that room for the first sweep
over a large backlog (and for every later update); SQLite has no such knob.
"""

from django.db import migrations


def _fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE reports_report SET (fillfactor = {value})")
    return apply


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_security_access_until")]

    operations = [migrations.RunPython(_fillfactor(70), _fillfactor(100))]
