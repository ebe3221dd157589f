"""Hash-chain benchmark: seal and verify N report events on PostgreSQL (or SQLite).

Migrates a fresh database, files one report, writes N events for it set-based
(the way the sweep writes them), then times sealing them (what the worker or the
writer's after-commit hook does) and ``verify`` over the whole chain.

    python bench/audit_chain.py [--events 100000] [--sqlite]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_CHAIN_DB (database name, dropped and
recreated) say where it runs on PostgreSQL.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ADUAN_BENCH_CHAIN_DB", "aduan_bench_chain")

FILL = {
    "postgresql": "INSERT INTO reports_reportevent (report_id, created_at, action, actor_role, "
                  "from_status, to_status, data, visibility, message, public_message) "
                  "SELECT %s, now(), 'remind', 'system', 'dispatched', 'dispatched', "
                  "jsonb_build_object('n', g), 'staff', '', '' FROM generate_series(1, %s) g",
    "sqlite": "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s) "
              "INSERT INTO reports_reportevent (report_id, created_at, action, actor_role, "
              "from_status, to_status, data, visibility, message, public_message) "
              "SELECT %s, datetime('now'), 'remind', 'system', 'dispatched', 'dispatched', "
              "json_object('n', n), 'staff', '', '' FROM g",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/chain.sqlite3"
    else:
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
            subprocess.run(["psql", PG, "-qc", sql], check=True)
        os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from aduan.accounts import chain
    from aduan.reports import services

    report, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Bench", body="Bench"))
    chain.seal("events")
    params = ([report.pk, args.events] if connection.vendor == "postgresql"
              else [args.events, report.pk])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(FILL[connection.vendor], params)
    start = time.perf_counter()
    sealed = chain.seal("events")
    sealing = time.perf_counter() - start
    start = time.perf_counter()
    result = chain.verify("events")
    verifying = time.perf_counter() - start
    print(f"{connection.vendor}: sealed {sealed} events in {sealing:.2f}s "
          f"({sealed / sealing:,.0f}/s); verified {result.checked} in {verifying:.2f}s "
          f"({result.checked / verifying:,.0f}/s); ok={result.ok}")


if __name__ == "__main__":
    sys.exit(main())
