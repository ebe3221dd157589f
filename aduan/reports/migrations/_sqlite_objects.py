"""SQLite objects Django's schema editor does not know about (see reports/dbobjects.py)."""

from aduan.accounts.chainsql import ANCHOR_SQLITE, AUDIT_SQLITE, EVENT_SQLITE

# As migration 0002 created them; the two "no_update" guards were replaced by the hash
# chain's triggers (accounts 0006, reports 0012), which allow sealing once.
STATEMENTS_0002 = [
    ("reports_report_fts",
     "CREATE VIRTUAL TABLE reports_report_fts USING fts5(public_title, public_body, "
     "content='reports_report', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"),
    ("reports_report_fts_ai",
     "CREATE TRIGGER reports_report_fts_ai AFTER INSERT ON reports_report BEGIN "
     "INSERT INTO reports_report_fts(rowid, public_title, public_body) "
     "VALUES (new.id, new.public_title, new.public_body); END"),
    ("reports_report_fts_ad",
     "CREATE TRIGGER reports_report_fts_ad AFTER DELETE ON reports_report BEGIN "
     "INSERT INTO reports_report_fts(reports_report_fts, rowid, public_title, public_body) "
     "VALUES ('delete', old.id, old.public_title, old.public_body); END"),
    ("reports_report_fts_au",
     "CREATE TRIGGER reports_report_fts_au AFTER UPDATE OF public_title, public_body "
     "ON reports_report BEGIN "
     "INSERT INTO reports_report_fts(reports_report_fts, rowid, public_title, public_body) "
     "VALUES ('delete', old.id, old.public_title, old.public_body); "
     "INSERT INTO reports_report_fts(rowid, public_title, public_body) "
     "VALUES (new.id, new.public_title, new.public_body); END"),
    # Deletes stay possible on SQLite only because Django's test flush needs them;
    # the model refuses them, and PostgreSQL (production) refuses them too.
    ("reports_event_no_update",
     "CREATE TRIGGER reports_event_no_update BEFORE UPDATE ON reports_reportevent BEGIN "
     "SELECT RAISE(ABORT, 'report events are append-only'); END"),
    ("accounts_audit_no_update",
     "CREATE TRIGGER accounts_audit_no_update BEFORE UPDATE ON accounts_auditentry BEGIN "
     "SELECT RAISE(ABORT, 'audit entries are append-only'); END"),
]

_REPLACED = {"reports_event_no_update", "accounts_audit_no_update"}
# What must exist now (restored after a table rebuild by reports/dbobjects.py).
STATEMENTS = [*(item for item in STATEMENTS_0002 if item[0] not in _REPLACED),
              *AUDIT_SQLITE, *ANCHOR_SQLITE, *EVENT_SQLITE]
