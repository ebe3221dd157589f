"""Statistics benchmark: rebuild, incremental refresh, open-data dump and every statistics page
and API call, at two sizes on PostgreSQL, with a linear projection to ten million reports.

Fills the database like ``bench/pages.py`` (set-based reports, events and access rows), then:
``aduan stats rebuild`` time, one incremental refresh batch, the open-data dump time, and the
median / p95 server time of each page (in-process test client). Nothing fails on timing.

    python bench/stats.py [--sizes 1000000,2000000] [--runs 20] [--reuse] [--results FILE]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_STATS_DB (database name) say where it runs.
Filling is not timed and can run apart from the timed part (on a shared machine only the
timed part needs the benchmark lock); each size's figures can be kept in a JSON file, and
the projection is made from the two largest sizes in it:

    python bench/stats.py --sizes 1000000 --fill-only
    flock /tmp/bench.lock python bench/stats.py --sizes 1000000 --reuse --results r.json
    python bench/stats.py --sizes 2000000 --reuse --fill-only
    flock /tmp/bench.lock python bench/stats.py --sizes 2000000 --reuse --results r.json
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("ADUAN_BENCH_PAGES_DB", os.environ.get("ADUAN_BENCH_STATS_DB",
                                                             "aduan_bench_stats"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402  (the shared set-based filler)

URLS = [
    ("national dashboard", None, "/statistik/"),
    ("national dashboard, map by % on time", None, "/statistik/?measure=pct_followup_on_time"),
    ("agency page (pemkot-surabaya)", None, "/statistik/instansi/pemkot-surabaya/"),
    ("province page (35)", None, "/statistik/wilayah/35/"),
    ("regency page (35.78)", None, "/statistik/wilayah/35.78/"),
    ("definitions", None, "/statistik/definisi/"),
    ("open data page", None, "/data/"),
    ("API national by month", None, "/api/v1/stats?by=month"),
    ("API agency by category", None, "/api/v1/stats?scope=agency&code=pemkot-surabaya&by=category"),
    ("API province by regency", None, "/api/v1/stats?scope=province&code=35&by=regency"),
    ("feed: agency", None, "/feeds/instansi/pemkot-surabaya/"),
    ("feed: regency", None, "/feeds/wilayah/35.78/"),
    ("feed: category", None, "/feeds/kategori/jalan_drainase/"),
    ("staff dashboard (national admin)", "national", "/kantor/statistik/"),
    ("early warning (national admin)", "national", "/kantor/statistik/peringatan-dini/"),
    ("leader report (pemkot-surabaya)", "national",
     "/kantor/statistik/laporan-pimpinan/pemkot-surabaya/{month}/"),
]


def _clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    from aduan.accounts.services import staff_add

    anonymous = Client()
    user = get_user_model().objects.filter(username="bench-national").first()
    if user is None:
        user, _created = staff_add(username="bench-national", agency_code="kemenpanrb",
                                   role="national_admin", password="bench-Password-1")
    national = Client()
    national.force_login(user)
    return {None: anonymous, "national": national}


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def grow(n: int, fresh: bool) -> None:
    """Bring the database to n reports: a new one when ``fresh``, else add what is missing."""
    have = pages.report_count()
    if fresh or have <= 0:
        pages.create_database()
        have = pages.report_count()
    if have < n:
        print(f"  filling {n - have} reports", flush=True)
        pages.fill(n - have)


def run_size(n: int, runs: int, pages_only: bool = False, no_pages: bool = False) -> dict:
    """Measure the database as it is (``grow`` brought it to about n reports)."""
    print(f"== {n} reports", flush=True)
    pages._setup_django()
    from datetime import date

    from django.db import connection

    from aduan.stats.opendata import opendata_export
    from aduan.stats.rollup import stats_rebuild, stats_refresh

    result = {"n": n}
    if not pages_only:
        result["rebuild_s"] = _timed(stats_rebuild)
        import resource

        result["rebuild_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"  aduan stats rebuild: {result['rebuild_s']:.1f} s "
              f"(this process's peak memory so far {result['rebuild_peak_mb']} MB)", flush=True)
        # An incremental batch: re-read the last 5000 events as if new.
        from aduan.stats.models import StatsCursor
        StatsCursor.objects.filter(name="events").update(last_id=models_top() - 5000)
        result["refresh_s"] = _timed(stats_refresh)
        print(f"  one refresh batch (5000 events): {result['refresh_s']:.2f} s", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            result["dump_s"] = _timed(lambda: opendata_export(folder))
            result["dump_reports"] = json.loads(
                (next(Path(folder).iterdir()) / "datapackage.json").read_text())["count"]
        print(f"  open-data dump: {result['dump_s']:.1f} s", flush=True)
    if no_pages:
        connection.close()
        return result
    from aduan.lib.versions import bump
    from aduan.stats.rollup import STATS_VERSION

    from aduan.stats.selectors import stats_warm

    clients = _clients()
    month = f"{date.today():%Y-%m}"
    warm_ms = []
    for label, who, url in URLS:
        path = url.format(month=month)
        clients[who].get(path)  # warm the process (templates, reference data)
        bump(STATS_VERSION)  # as after a refresh that moved cells: sums read again
        cold = _timed(lambda: clients[who].get(path)) * 1000
        bump(STATS_VERSION)  # again, now followed by the worker's warm-up (refresh_stats)
        warm_ms.append(_timed(stats_warm) * 1000)
        warmed = _timed(lambda: clients[who].get(path)) * 1000
        times = pages._time(clients[who], "GET", path, runs)
        median, p95 = statistics.median(times), sorted(times)[int(0.95 * (len(times) - 1))]
        result[label] = median
        result[f"{label}, first after a refresh"] = warmed
        print(f"  {label:45s} median {median:7.1f} ms   p95 {p95:7.1f} ms   "
              f"first after a refresh {warmed:7.1f} ms (without the warm-up {cold:7.1f} ms)",
              flush=True)
    result["warm_s"] = statistics.median(warm_ms) / 1000
    print(f"  the worker's warm-up after a refresh (median): {result['warm_s'] * 1000:.0f} ms")
    connection.close()
    return result


def models_top() -> int:
    from aduan.reports.models import ReportEvent

    return ReportEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def project(small: dict, large: dict, target: int = 10_000_000) -> None:
    print(f"== linear projection to {target} reports from {small['n']} and {large['n']}")
    for key in small:
        if key in ("n", "dump_reports") or key not in large:
            continue
        slope = (large[key] - small[key]) / (large["n"] - small["n"])
        value = large[key] + slope * (target - large["n"])
        if key == "rebuild_peak_mb":
            continue
        unit = "ms" if key not in ("rebuild_s", "refresh_s", "dump_s", "warm_s") else "s"
        print(f"  {key:45s} {value:10.1f} {unit}")
    for key in ("rebuild_s", "dump_s"):
        print(f"  {key} per million (at {large['n']}): {large[key] / large['n'] * 1e6:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,2000000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database and grow it, instead of a new one")
    parser.add_argument("--fill-only", action="store_true",
                        help="only bring the database to the (largest) size; measure nothing")
    parser.add_argument("--results", help="JSON file to add each size's figures to")
    parser.add_argument("--pages-only", action="store_true",
                        help="time the pages on the rollups already there (no rebuild, dump)")
    parser.add_argument("--no-pages", action="store_true",
                        help="only the rebuild, one refresh batch and the dump (so each part "
                             "holds the benchmark lock under ten minutes)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    import subprocess

    if subprocess.run(["pg_isready", "-q", "-d", f"{pages.PG}/postgres"]).returncode != 0:
        print("bench/stats.py: PostgreSQL is not reachable; skipped")
        return
    if args.fill_only:
        grow(max(sizes), fresh=not args.reuse)
        return
    kept = json.loads(Path(args.results).read_text()) if args.results and Path(
        args.results).exists() else {}
    for i, n in enumerate(sorted(sizes)):
        grow(n, fresh=i == 0 and not args.reuse)
        kept[str(n)] = {**kept.get(str(n), {}), **run_size(n, args.runs, args.pages_only,
                                                                 args.no_pages)}
        if args.results:
            Path(args.results).write_text(json.dumps(kept, indent=1))
    if len(kept) >= 2:
        small, large = sorted(kept.values(), key=lambda r: r["n"])[-2:]
        project(small, large)


if __name__ == "__main__":
    main()
