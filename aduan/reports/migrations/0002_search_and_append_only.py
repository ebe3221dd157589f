"""Full-text search per backend, and append-only report events enforced by the database."""

from django.db import migrations

from ._sqlite_objects import STATEMENTS_0002 as STATEMENTS

# The SQLite statements are shared with reports/dbobjects.py, which restores them
# whenever a later migration rebuilds a table and drops its triggers.
SQLITE_FORWARD = [sql for name, sql in STATEMENTS if not name.startswith("accounts_")]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_event_no_update",
    "DROP TRIGGER IF EXISTS reports_report_fts_au",
    "DROP TRIGGER IF EXISTS reports_report_fts_ad",
    "DROP TRIGGER IF EXISTS reports_report_fts_ai",
    "DROP TABLE IF EXISTS reports_report_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX report_fts_idx ON reports_report USING GIN "
    "(to_tsvector('indonesian', public_title || ' ' || public_body))",
    "CREATE FUNCTION reports_event_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'report events are append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER reports_event_append_only BEFORE UPDATE OR DELETE ON reports_reportevent "
    "FOR EACH ROW EXECUTE FUNCTION reports_event_append_only()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS reports_event_append_only ON reports_reportevent",
    "DROP FUNCTION IF EXISTS reports_event_append_only()",
    "DROP INDEX IF EXISTS report_fts_idx",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
