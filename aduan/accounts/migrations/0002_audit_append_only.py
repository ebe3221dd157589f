"""Audit entries are append-only, enforced by the database as well as the model."""

from django.db import migrations

FORWARD = {
    "sqlite": ["CREATE TRIGGER accounts_audit_no_update BEFORE UPDATE ON accounts_auditentry "
               "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END"],
    "postgresql": [
        "CREATE FUNCTION accounts_audit_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'integrity_constraint_violation'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER accounts_audit_append_only BEFORE UPDATE OR DELETE ON "
        "accounts_auditentry FOR EACH ROW EXECUTE FUNCTION accounts_audit_append_only()",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER IF EXISTS accounts_audit_no_update"],
    "postgresql": ["DROP TRIGGER IF EXISTS accounts_audit_append_only ON accounts_auditentry",
                   "DROP FUNCTION IF EXISTS accounts_audit_append_only()"],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
