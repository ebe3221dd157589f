"""Triggers that keep chained tables append-only, per database (used by migrations).

Allowed after insert: sealing once (the chain columns set on a row that had no hash)
and, for report events, erasing once (texts and data rewritten with ``erased_at`` set,
on a sealed row). Everything else, every delete included, is refused.

On SQLite the delete triggers call ``aduan_may_purge()``, a function each Django
connection registers (``accounts.apps``); it answers 0 unless a test is flushing the
database. A connection without it (the sqlite3 shell) cannot delete at all.
PostgreSQL's ``TRUNCATE`` fires no row trigger (Django's test flush uses it); the
production role should not hold the TRUNCATE privilege (docs/adr/0011).
"""

CHAIN = ("chain_seq", "prev_hash", "row_hash")
MESSAGE = "chained rows are append-only"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION aduan_chain_guard() RETURNS trigger AS $$
DECLARE
  old_j jsonb; new_j jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '{MESSAGE}: % refuses deletes', TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  old_j := to_jsonb(OLD); new_j := to_jsonb(NEW);
  IF old_j->>'row_hash' IS NULL AND new_j->>'row_hash' IS NOT NULL
     AND old_j - 'chain_seq' - 'prev_hash' - 'row_hash' - 'content_hash'
       = new_j - 'chain_seq' - 'prev_hash' - 'row_hash' - 'content_hash' THEN
    RETURN NEW;
  END IF;
  IF new_j ? 'erased_at' AND old_j->>'row_hash' IS NOT NULL
     AND old_j->>'erased_at' IS NULL AND new_j->>'erased_at' IS NOT NULL
     AND old_j - 'message' - 'public_message' - 'data' - 'erased_at'
       = new_j - 'message' - 'public_message' - 'data' - 'erased_at' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '{MESSAGE}: % refuses this update', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql
"""


def pg_forward(table: str, old_trigger: str, old_function: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {old_trigger} ON {table}",
        f"DROP FUNCTION IF EXISTS {old_function}()",
        PG_FUNCTION,
        f"CREATE TRIGGER {table}_chain_guard BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION aduan_chain_guard()",
    ]


def pg_backward(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_chain_guard ON {table}"]


def _abort(name: str, table: str, when: str, body: str = "") -> tuple[str, str]:
    return (name, f"CREATE TRIGGER {name} BEFORE {when} ON {table} {body}BEGIN "
                  f"SELECT RAISE(ABORT, '{MESSAGE}'); END")


def sqlite_statements(table: str, prefix: str, facts: tuple[str, ...],
                      sealed_extra: tuple[str, ...] = (),
                      erasable: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) pairs for one chained table."""
    statements = [
        _abort(f"{prefix}_no_delete", table, "DELETE", "WHEN aduan_may_purge() = 0 "),
        _abort(f"{prefix}_no_update", table, f"UPDATE OF {', '.join(facts)}"),
        _abort(f"{prefix}_sealed", table, f"UPDATE OF {', '.join((*CHAIN, *sealed_extra))}",
               "WHEN OLD.row_hash IS NOT NULL "),
    ]
    if erasable:
        statements += [
            _abort(f"{prefix}_erase_once", table, f"UPDATE OF {', '.join(erasable)}",
                   "WHEN OLD.row_hash IS NULL OR OLD.erased_at IS NOT NULL "
                   "OR NEW.erased_at IS NULL "),
            _abort(f"{prefix}_erased", table, "UPDATE OF erased_at",
                   "WHEN OLD.erased_at IS NOT NULL OR OLD.row_hash IS NULL "),
        ]
    return statements


AUDIT_SQLITE = sqlite_statements(
    "accounts_auditentry", "accounts_auditchain",
    ("id", "at", "actor_id", "action", "target", "detail"))
ANCHOR_SQLITE = [
    _abort("accounts_anchor_no_delete", "accounts_anchor", "DELETE",
           "WHEN aduan_may_purge() = 0 "),
    _abort("accounts_anchor_no_update", "accounts_anchor", "UPDATE"),
]
EVENT_SQLITE = sqlite_statements(
    "reports_reportevent", "reports_eventchain",
    ("id", "report_id", "created_at", "action", "actor_id", "actor_role", "from_status",
     "to_status", "from_agency_id", "to_agency_id", "visibility"),
    sealed_extra=("content_hash",), erasable=("message", "public_message", "data"))

PG_ANCHOR = [
    "CREATE OR REPLACE FUNCTION aduan_anchor_guard() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'anchors are append-only' USING ERRCODE = 'integrity_constraint_violation'; "
    "END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER accounts_anchor_guard BEFORE UPDATE OR DELETE ON accounts_anchor "
    "FOR EACH ROW EXECUTE FUNCTION aduan_anchor_guard()",
]


def run_per_vendor(statements_by_vendor: dict):
    """A RunPython function that executes the statements for the connection's vendor."""

    def run(apps, schema_editor):
        for item in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(item[1] if isinstance(item, tuple) else item, params=None)
    return run
