"""Search benchmark: two-word queries over N synthetic reports on PostgreSQL.

Fills a database with ``bench/pages.py``'s set-based generator (reports, events, access
rows; the search table is filled by its trigger), then times ``report_list`` — the one
selector behind the portal's /laporan/?q=, the back office's /kantor/laporan/?q= and
GET /api/v1/reports?q= — for two-word queries: common words (each in 5-10 % of the
reports), a rare pair, one with no match, and with a staff caller's agency scope and a
status filter. Prints p50/p95 per query; nothing here fails on timing.

    python bench/search.py [--n 200000] [--runs 40] [--reuse]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_SEARCH_DB (default scale2_bench_search).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
os.environ.setdefault("ADUAN_BENCH_PAGES_DB",
                      os.environ.get("ADUAN_BENCH_SEARCH_DB", "scale2_bench_search"))
sys.path.insert(0, str(ROOT))

import pages  # noqa: E402  (reads the database name above at import)

QUERIES = [
    ("public: 'sampah menumpuk' (common)", "public", "sampah menumpuk", ""),
    ("public: 'jalan rusak' (common)", "public", "jalan rusak", ""),
    ("public: 'jembatan retak' + closed", "public", "jembatan retak", "closed"),
    ("public: 'nomor 123457' (rare)", "public", "nomor 123457", ""),
    ("public: 'gempa bumi' (no match)", "public", "gempa bumi", ""),
    ("staff (city admin): 'lampu mati'", "agency", "lampu mati", ""),
    ("staff (national): 'air keruh'", "agency", "air keruh", ""),
]


def _callers():
    from django.contrib.auth import get_user_model

    from aduan.reports.callers import ANONYMOUS, caller_for_user

    User = get_user_model()
    return {"public": ANONYMOUS,
            "staff (city admin)": caller_for_user(User.objects.get(username="admin.surabaya")),
            "staff (national)": caller_for_user(User.objects.get(username="admin.nasional"))}


def _time(caller, filters, runs: int) -> tuple[list[float], int]:
    from aduan.reports.selectors import report_list

    times, found = [], 0
    for i in range(runs + 3):
        start = time.perf_counter()
        page, _cursor = report_list(caller, filters, limit=20)
        elapsed = (time.perf_counter() - start) * 1000
        found = len(page)
        if i >= 3:  # warm the connection and the plan cache
            times.append(elapsed)
    return sorted(times), found


def _matches(text: str) -> int:
    return int(pages.psql("SELECT count(*) FROM reports_search WHERE document @@ "
                          f"websearch_to_tsquery('indonesian', '{text}')"))


def measure(runs: int) -> None:
    pages._setup_django()
    from aduan.reports.models import Report
    from aduan.reports.selectors import ReportFilters

    callers = _callers()
    print(f"\n{Report.objects.count():,} reports; report_list(q=...) first page of 20, "
          f"{runs} runs each, in-process, PostgreSQL\n")
    print(f"{'query':44} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, scope, text, status in QUERIES:
        who = label.split(":")[0]
        filters = ReportFilters(scope=scope, q=text, status=status)
        times, _found = _time(callers[who], filters, runs)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(f"{label:44} {_matches(text):8} {statistics.median(times):8.1f} {p95:8.1f}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database if it already holds --n reports or more")
    args = parser.parse_args()
    if subprocess.run(["pg_isready", "-q", "-d", f"{pages.PG}/postgres"]).returncode != 0:
        print("bench/search.py: PostgreSQL is not reachable; skipped")
        return
    if not (args.reuse and pages.report_count() >= args.n):
        print(f"filling {pages.DB} with {args.n:,} reports (set-based) ...", flush=True)
        pages.create_database()
        pages.fill(args.n)
    # The trigger's GIN inserts wait in the index's pending list until a vacuum (autovacuum
    # does it in production); a search would otherwise scan that list too.
    pages.psql("VACUUM ANALYZE reports_search")
    measure(args.runs)


if __name__ == "__main__":
    main()
