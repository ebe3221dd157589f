"""Deadline sweep benchmark: one sweep over 1,000,000 open reports on PostgreSQL.

Fills a fresh PostgreSQL database set-based (INSERT ... SELECT generate_series)
with open reports in every open status whose deadlines are spread around the
sweep moment, so a realistic share is late, due soon or far away. Then it
times the first sweep (which reminds and escalates everything that is late),
a second sweep at the same moment (which must change nothing), and a sweep a
day later (steady state). Skips when PostgreSQL is not reachable.

    python bench/sweep.py [--reports 1000000]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_SWEEP_DB (database name, dropped and
recreated) say where it runs. ``--reuse`` keeps the filled database as a template
(``<name>_filled``) and clones it for the next run with the same ``--reports`` (a clone takes
seconds; filling a million reports minutes), so the timed part can run alone under a lock:

    python bench/sweep.py --reuse --fill-only      # outside the lock
    flock /tmp/bench.lock python bench/sweep.py --reuse
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ADUAN_BENCH_SWEEP_DB", "aduan_bench_sweep")

FILL = """
INSERT INTO reports_report (
    tracking_id, kind, title, body, public_title, public_body, region_id, province_code,
    regency_code, address, anonymous, confidential, channel, reporter_name, reporter_email,
    reporter_phone, pin_hash, pin_failures, status, status_before_info, received_at, created_at,
    updated_at, published_at, dispatched_at, forward_count, return_count, reopen_count,
    rating_comment, archive_reason, archive_note, escalation_level, severity, paused_workdays,
    category_id, holder_id, verification_due, followup_due, resolution_due, autoclose_due,
    info_due, responded_at, paused_at)
SELECT
    'B' || lpad(to_hex(g), 9, '0'), 'complaint', 'Laporan ' || g, 'Isi laporan ' || g,
    'Laporan ' || g, 'Isi laporan ' || g, r.code, left(r.code, 2), left(r.code, 5), '',
    false, false, 'api', '', '', '', 'x', 0, s.status, '', now() - interval '20 days',
    now() - interval '20 days', now(), now() - interval '19 days', now() - interval '19 days',
    0, 0, 0, '', '', '', 0, 'simple', 0, 'jalan_drainase',
    CASE WHEN s.status = 'submitted' THEN NULL ELSE 'pemkot-surabaya.dpupr' END,
    d.due, d.due, d.due + interval '10 days', d.due, d.due,
    CASE WHEN s.status = 'responded' THEN now() - interval '15 days' END,
    CASE WHEN s.status = 'needs_info' THEN now() - interval '15 days' END
FROM generate_series(1, %(n)s) AS g
CROSS JOIN LATERAL (SELECT (ARRAY['submitted', 'submitted', 'dispatched', 'dispatched',
    'dispatched', 'in_progress', 'in_progress', 'in_progress', 'responded', 'needs_info'])
    [1 + g %% 10] AS status) s
CROSS JOIN LATERAL (SELECT (ARRAY['35.78', '31.71', '64.72', '51.71', '91.71', '32.73',
    '73.71', '12.71'])[1 + g %% 8] AS code) r
CROSS JOIN LATERAL (SELECT now() + ((g %% 61) - 40) * interval '1 day'
    + (g %% 24) * interval '1 hour' AS due) d
"""


def aduan(env: dict, *args: str, stdin: str | None = None) -> str:
    return subprocess.run([str(BIN / "aduan"), *args], env=env, check=True, input=stdin,
                          capture_output=True, text=True).stdout


def psql(sql: str, database: str = "postgres") -> None:
    done = subprocess.run(["psql", f"{PG}/{database}", "-v", "ON_ERROR_STOP=1", "-qc", sql],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"psql failed: {done.stderr.strip()}")


TIMED = """
import json, time
from collections import defaultdict
from datetime import timedelta
from django.db import connections
from django.utils import timezone
from aduan.accounts import sealing
from aduan.deadlines.sweep import sweep
from aduan.reports.events import SystemEvents
spent, running = defaultdict(float), set()
def timed(name, func):
    def run(*args, **kwargs):
        if running:  # a commit inside the after-commit seal counts as sealing
            return func(*args, **kwargs)
        running.add(name)
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            running.discard(name)
            spent[name] += time.perf_counter() - start
    return run
# Phases: the steps' statements, writing the sealed events (and the hooks' rows), the
# commit (deferred foreign-key checks), and any sealing left for after the commit.
sealing.SEALERS["events"] = timed("seal", sealing.SEALERS["events"])
SystemEvents.flush = timed("events", SystemEvents.flush)
database = connections["default"]
database.ensure_connection()
database._commit = timed("commit", database._commit)
now = timezone.now()
for label, moment in (("first sweep", now), ("same moment again", now),
                      ("a day later", now + timedelta(days=1))):
    spent.clear()
    start = time.perf_counter()
    result = sweep(moment)
    total = time.perf_counter() - start
    steps = total - spent["events"] - spent["commit"] - spent["seal"]
    print(f"{label:<18} {total:6.2f} s (steps {steps:5.2f} s, writing the sealed events "
          f"{spent['events']:5.2f} s, commit {spent['commit']:5.2f} s, sealing after commit "
          f"{spent['seal']:5.2f} s)  " + json.dumps(
        {k: v for k, v in result.items() if k != "now"}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the filled database as a template and clone it next time")
    parser.add_argument("--fill-only", action="store_true",
                        help="with --reuse: make the template and stop")
    parser.add_argument("--drop", action="store_true", help="drop the template and stop")
    args = parser.parse_args()
    if not shutil.which("pg_isready") or subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode:
        print("sweep benchmark: PostgreSQL is not reachable on 127.0.0.1:5432, skipped")
        return
    workdir = Path(tempfile.mkdtemp(prefix="aduan-bench-sweep-"))
    env = {**os.environ, "ADUAN_VAR_DIR": str(workdir), "DATABASE_URL": f"{PG}/{DB}",
           "DJANGO_SETTINGS_MODULE": "aduan.settings", "ADUAN_LOG_LEVEL": "WARNING"}
    template = f"{DB}_filled"
    try:
        psql(f"DROP DATABASE IF EXISTS {DB}")
        if args.drop:
            psql(f"DROP DATABASE IF EXISTS {template}")
            return
        if args.reuse and _template_fits(template, args.reports):
            psql(f"CREATE DATABASE {DB} TEMPLATE {template}")
            aduan(env, "migrate", "--no-input")  # this checkout's schema (e.g. an index dropped)
            print(f"cloned {args.reports:,} open reports from {template}")
        else:
            fill(env, args.reports)
            if args.reuse:
                psql(f"DROP DATABASE IF EXISTS {template}")
                psql(f"CREATE DATABASE {template} TEMPLATE {DB}")
        if args.fill_only:
            return
        print(aduan(env, "shell", "-c", TIMED), end="")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {DB}")


def fill(env: dict, reports: int) -> None:
    psql(f"CREATE DATABASE {DB}")
    aduan(env, "setup")
    start = time.perf_counter()
    psql(FILL % {"n": reports}, DB)
    psql("VACUUM ANALYZE", DB)
    print(f"filled {reports:,} open reports in {time.perf_counter() - start:.1f} s")


def _template_fits(template: str, reports: int) -> bool:
    """The template exists and holds exactly ``reports`` reports."""
    done = subprocess.run(["psql", f"{PG}/{template}", "-tAc", "SELECT count(*) FROM reports_report"],
                          capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.strip() == str(reports)


if __name__ == "__main__":
    main()
