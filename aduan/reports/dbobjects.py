"""Keep SQLite's triggers in place after migrations.

SQLite cannot alter most columns in place, so Django's migrations rebuild a
table (create, copy, drop, rename), and a rebuild drops the table's triggers:
the FTS5 index would silently stop following the reports, and events would
lose their append-only guard. After every ``migrate`` this puts back whatever
is missing and, if the search triggers were gone, rebuilds the search index.
PostgreSQL alters tables in place and needs none of this.
"""

from django.db import connections

from .migrations import _sqlite_objects as objects


def _table_of(sql: str) -> str:
    """The table a CREATE TRIGGER is on (so a partial migrate skips tables not there yet)."""
    if " ON " not in sql or "VIRTUAL TABLE" in sql:
        return "reports_report"
    return sql.split(" ON ", 1)[1].split()[0]


def ensure_sqlite_objects(using: str = "default") -> list[str]:
    """Create missing triggers (and the FTS table); return the names that were created."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "reports_report" not in present:
            return []
        created = [name for name, sql in objects.STATEMENTS if name not in present
                   and _table_of(sql) in present]
        for name, sql in objects.STATEMENTS:
            if name in created:
                cursor.execute(sql)
        if any(name.startswith("reports_report_fts") for name in created):
            cursor.execute("INSERT INTO reports_report_fts(reports_report_fts) VALUES ('rebuild')")
    return created


def on_post_migrate(sender, using="default", **kwargs):
    ensure_sqlite_objects(using)
