"""PostgreSQL: keep the search document in its own table, as SQLite's FTS5 table already is.

An expression GIN index on reports_report made every non-HOT update of a
report (status, holder, escalation ...) recompute to_tsvector and insert GIN
entries, though the text never changes after submission. The document now
lives in reports_search, written by a trigger only when the public text is
written, and report updates never touch it.
"""

from django.db import migrations

FORWARD = [
    # No foreign key: Django's flush truncates reports_report alone, and reports are never
    # deleted in use; a stale document would only ever be joined back to nothing.
    "CREATE TABLE reports_search (report_id bigint PRIMARY KEY, document tsvector NOT NULL)",
    "CREATE INDEX reports_search_document_idx ON reports_search USING GIN (document)",
    "CREATE FUNCTION reports_search_sync() RETURNS trigger AS $$ BEGIN "
    "INSERT INTO reports_search (report_id, document) VALUES (NEW.id, "
    "to_tsvector('indonesian', NEW.public_title || ' ' || NEW.public_body)) "
    "ON CONFLICT (report_id) DO UPDATE SET document = EXCLUDED.document; "
    "RETURN NULL; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER reports_search_sync AFTER INSERT OR UPDATE OF public_title, public_body "
    "ON reports_report FOR EACH ROW EXECUTE FUNCTION reports_search_sync()",
    "INSERT INTO reports_search (report_id, document) SELECT id, "
    "to_tsvector('indonesian', public_title || ' ' || public_body) FROM reports_report",
    "DROP INDEX IF EXISTS report_fts_idx",
]
BACKWARD = [
    "CREATE INDEX report_fts_idx ON reports_report USING GIN "
    "(to_tsvector('indonesian', public_title || ' ' || public_body))",
    "DROP TRIGGER IF EXISTS reports_search_sync ON reports_report",
    "DROP FUNCTION IF EXISTS reports_search_sync()",
    "DROP TABLE IF EXISTS reports_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_report_fillfactor")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
