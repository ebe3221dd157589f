"""Full-text search per backend, and append-only report events enforced by the database."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE reports_report_fts USING fts5(public_title, public_body, "
    "content='reports_report', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER reports_report_fts_ai AFTER INSERT ON reports_report BEGIN "
    "INSERT INTO reports_report_fts(rowid, public_title, public_body) "
    "VALUES (new.id, new.public_title, new.public_body); END",
    "CREATE TRIGGER reports_report_fts_ad AFTER DELETE ON reports_report BEGIN "
    "INSERT INTO reports_report_fts(reports_report_fts, rowid, public_title, public_body) "
    "VALUES ('delete', old.id, old.public_title, old.public_body); END",
    "CREATE TRIGGER reports_report_fts_au AFTER UPDATE OF public_title, public_body "
    "ON reports_report BEGIN "
    "INSERT INTO reports_report_fts(reports_report_fts, rowid, public_title, public_body) "
    "VALUES ('delete', old.id, old.public_title, old.public_body); "
    "INSERT INTO reports_report_fts(rowid, public_title, public_body) "
    "VALUES (new.id, new.public_title, new.public_body); END",
    # Deletes stay possible on SQLite only because Django's test flush needs them;
    # the model refuses them, and PostgreSQL (production) refuses them too.
    "CREATE TRIGGER reports_event_no_update BEFORE UPDATE ON reports_reportevent BEGIN "
    "SELECT RAISE(ABORT, 'report events are append-only'); END",
]
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
