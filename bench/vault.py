"""Sealing benchmark: the cost of personal data at rest, and a key rotation on N reports.

Times sealing and opening values in process (what every write and read of a reporter's
name, e-mail or phone pays), then fills a fresh database with N reports whose identity
is plaintext (as before sealing existed), times sealing them (the migration's step),
adds a second key and times ``keys_rotate`` (every value sealed again), and reads the
identities of a page of 50 reports before and after to show the read cost.

    python bench/vault.py [--reports 200000] [--sqlite]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_VAULT_DB (database name, dropped and
recreated) say where it runs on PostgreSQL.
"""

import argparse
import base64
import os
import secrets
import subprocess
import sys
import tempfile
import time

PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ADUAN_BENCH_VAULT_DB", "aduan_bench_vault")


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}"


def _fill(connection, report_id: int, n: int) -> None:
    """N copies of one report, identities written as plaintext by SQL (no sealing)."""
    from aduan.reports.models import Report
    columns = [f.column for f in Report._meta.concrete_fields
               if not getattr(f, "generated", False) and f.column not in ("id", "tracking_id", "reporter_name", "reporter_email",
                                   "reporter_phone")]
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        for start in range(0, n, 50_000):
            rows = [(f"Warga Bench {i}", f"warga{i}@contoh.id", f"0812{i:08d}")
                    for i in range(start, min(start + 50_000, n))]
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS ids (i int, name text, email text, "
                           "phone text)")
            cursor.execute("DELETE FROM ids")
            cursor.executemany("INSERT INTO ids VALUES (%s, %s, %s, %s)",
                               [(start + i, *row) for i, row in enumerate(rows)])
            cursor.execute(
                f"INSERT INTO reports_report (tracking_id, reporter_name, reporter_email, "
                f"reporter_phone, {names}) SELECT 'B' || ids.i, ids.name, ids.email, ids.phone, "
                f"{names} FROM reports_report r, ids WHERE r.id = %s", [report_id])


def _page_read(model) -> float:
    start = time.perf_counter()
    for _ in range(20):
        list(model.objects.order_by("-id").values_list("reporter_name", "reporter_email",
                                                        "reporter_phone")[:50])
    return (time.perf_counter() - start) / 20 * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    first, second = _key("b1"), _key("b2")
    os.environ["ADUAN_DATA_KEYS"] = first
    os.environ["ADUAN_RATE_LIMITS"] = "off"
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/vault.sqlite3"
    else:
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
            subprocess.run(["psql", PG, "-qc", sql], check=True)
        os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from aduan.lib import vault
    from aduan.lib.reseal import reseal
    from aduan.privacy.keys import keys_rotate
    from aduan.reports import services
    from aduan.reports.models import Report

    n = 100_000
    start = time.perf_counter()
    sealed = [vault.seal(f"warga{i}@contoh.id", "reports.Report.reporter_email")
              for i in range(n)]
    seal_s = time.perf_counter() - start
    start = time.perf_counter()
    for value in sealed:
        vault.open_sealed(value, "reports.Report.reporter_email")
    open_s = time.perf_counter() - start
    print(f"in process: seal {n / seal_s:,.0f}/s ({seal_s / n * 1e6:.1f} µs), "
          f"open {n / open_s:,.0f}/s ({open_s / n * 1e6:.1f} µs)")

    call_command("migrate", verbosity=0)
    report, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Bench", body="Bench", reporter_name="Warga"))
    _fill(connection, report.pk, args.reports)
    plain_ms = _page_read(Report)
    start = time.perf_counter()
    done = sum(reseal(Report, field) for field in
               ("reporter_name", "reporter_email", "reporter_phone"))
    first_s = time.perf_counter() - start
    sealed_ms = _page_read(Report)
    print(f"{connection.vendor}: sealed {done:,} plaintext values of {args.reports:,} reports "
          f"in {first_s:.1f}s ({done / first_s:,.0f} values/s)")
    with override_settings(DATA_KEYS=f"{second},{first}"):
        start = time.perf_counter()
        rotated = sum(keys_rotate().values())
        rotate_s = time.perf_counter() - start
    print(f"{connection.vendor}: rotation resealed {rotated:,} values in {rotate_s:.1f}s "
          f"({rotated / rotate_s:,.0f} values/s)")
    print(f"{connection.vendor}: a page of 50 identities read in {plain_ms:.2f} ms as "
          f"plaintext, {sealed_ms:.2f} ms sealed")


if __name__ == "__main__":
    sys.exit(main())
