"""Open311 benchmark: GET /open311/v2/requests.json p50/p95 on PostgreSQL.

Fills a PostgreSQL database with synthetic reports built in memory and written
set-based with ``bulk_create`` (no service is called per report): a year of
reports with the status mix of a mature system, 5% confidential, and for every
followed-up report its public follow-up event (the ``status_notes``). Then it
asks requests.json through Django's test client in-process, for the default
window and with the spec's filters, and prints the median and p95 server time.
Nothing here fails on timing.

    python bench/open311.py [--n 200000] [--runs 40] [--reuse]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_OPEN311_DB (database name, default
open311_bench; dropped and recreated unless --reuse finds it filled).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("ADUAN_BENCH_OPEN311_DB", "open311_bench")
SECRET = "bench-secret-key-not-for-production-0123456789abcdef"
BATCH = 5000
STATUS_MIX = [("closed", 45), ("in_progress", 13), ("dispatched", 12), ("responded", 10),
              ("archived", 10), ("submitted", 6), ("needs_info", 4)]
WORDS = ("jalan rusak berlubang sampah menumpuk lampu mati air keruh banjir saluran tersumbat "
         "parkir liar sekolah puskesmas obat kosong listrik padam trotoar jembatan").split()


def env() -> dict:
    return {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "ADUAN_SECRET_KEY": SECRET,
            "ADUAN_VAR_DIR": str(ROOT / "var" / "bench-open311"), "ADUAN_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "aduan.settings", "ADUAN_EMAIL": "file"}


def psql(sql: str, db: str = DB) -> str:
    return subprocess.run(["psql", f"{PG}/{db}", "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


def report_count() -> int:
    try:
        return int(psql("SELECT count(*) FROM reports_report") or 0)
    except subprocess.CalledProcessError:
        return -1


def create_database() -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}", "postgres")
    psql(f"CREATE DATABASE {DB}", "postgres")
    subprocess.run([str(BIN / "aduan"), "setup"], env=env(), check=True, capture_output=True)


def _statuses(n: int, rng: random.Random) -> list[str]:
    population = [status for status, share in STATUS_MIX for _ in range(share)]
    return [rng.choice(population) for _ in range(n)]


def _report(g: int, status: str, now, rng, places, holders, categories, pin_hash):
    from aduan.lib import tracking
    from aduan.reports.models import Report

    received = now - timedelta(seconds=g * 31_536_000 // ARGS.n + rng.randrange(60))
    published = status not in ("submitted", "needs_info")
    title = " ".join(rng.choice(WORDS) for _ in range(4))
    body = f"Laporan {g}: {title} sejak minggu lalu, belum ada perbaikan dari petugas."
    place = places[g % len(places)]
    return Report(
        tracking_id=tracking.generate(), kind="complaint", title=title, body=body,
        public_title=title, public_body=body, region_id=place, province_code=place[:2],
        regency_code=place[:5], address=f"Jl. Contoh No. {g}",
        latitude=-7.25 + rng.random() / 10, longitude=112.75 + rng.random() / 10,
        category_id=categories[g % len(categories)], confidential=g % 20 == 7,
        anonymous=g % 10 == 3, channel="open311" if g % 4 == 0 else "web",
        reporter_name=f"Warga {g}", pin_hash=pin_hash, status=status,
        holder_id=holders[g % len(holders)] if published else None, received_at=received,
        published_at=received + timedelta(days=1) if published else None,
        dispatched_at=received + timedelta(days=1) if published else None,
        responded_at=received + timedelta(days=6) if status in ("responded", "closed") else None,
        closed_at=received + timedelta(days=12) if status == "closed" else None,
        resolution_due=received + timedelta(days=21),
        archive_reason="spam" if status == "archived" else "")


def fill(n: int) -> None:
    """n reports and one public follow-up per followed-up report, in batches of bulk_create."""
    from django.db import connection

    from aduan.agencies.models import Agency, Category, Region
    from aduan.lib import pins
    from aduan.reports.models import Report, ReportEvent
    from django.utils import timezone

    started, rng, now = time.perf_counter(), random.Random(311), timezone.now()
    places = list(Region.objects.filter(level=4, code__startswith="35.")
                  .values_list("code", flat=True)[:5000])
    holders = list(Agency.objects.filter(code__startswith="pemkot-").values_list("code",
                                                                                 flat=True))
    categories = list(Category.objects.values_list("code", flat=True))
    pin_hash = pins.make_hash("12345678", SECRET)
    statuses = _statuses(n, rng)
    for first in range(0, n, BATCH):
        batch = [_report(g, statuses[g], now, rng, places, holders, categories, pin_hash)
                 for g in range(first, min(first + BATCH, n))]
        Report.objects.bulk_create(batch)
        ReportEvent.objects.bulk_create([
            ReportEvent(report=r, created_at=r.responded_at, action="respond",
                        from_status="in_progress", to_status="responded",
                        message="Sudah ditangani petugas.",
                        public_message="Sudah ditangani petugas.", visibility="public")
            for r in batch if r.responded_at is not None])
        print(f"\r  {first + len(batch)} / {n} reports", end="", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"\n  filled in {time.perf_counter() - started:.0f} s", flush=True)


def measure(client, path: str, params: dict, runs: int) -> tuple[float, float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
        count = max(response.content.count(b'"service_request_id"'),
                    response.content.count(b"<service_request_id>"))
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], count


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--reuse", action="store_true")
    ARGS = parser.parse_args()
    os.environ.update(env())
    if not (ARGS.reuse and report_count() >= ARGS.n):
        print(f"preparing {DB} with {ARGS.n} reports", flush=True)
        create_database()
        import django

        django.setup()
        fill(ARGS.n)
    else:
        import django

        django.setup()
    from django.test import Client
    from django.utils import timezone

    client = Client()
    old_end = timezone.now() - timedelta(days=200)
    cases = [
        ("default window (last 90 days), 1000 newest", "/open311/v2/requests.json", {}),
        ("same, XML", "/open311/v2/requests.xml", {}),
        ("service_code=jalan_drainase", "/open311/v2/requests.json",
         {"service_code": "jalan_drainase"}),
        ("status=closed", "/open311/v2/requests.json", {"status": "closed"}),
        ("service_code + status=open", "/open311/v2/requests.json",
         {"service_code": "kesehatan", "status": "open"}),
        ("start/end 200-290 days ago", "/open311/v2/requests.json",
         {"start_date": (old_end - timedelta(days=90)).isoformat(),
          "end_date": old_end.isoformat()}),
        ("servicerequestupdates, last 2 days", "/open311/v2/servicerequestupdates.json",
         {"start_date": (timezone.now() - timedelta(days=2)).isoformat()}),
    ]
    print(f"GET requests at {report_count()} reports, {ARGS.runs} runs each (ms):")
    for label, path, params in cases:
        measure(client, path, params, 3)  # warm the cache and the connection
        p50, p95, count = measure(client, path, params, ARGS.runs)
        print(f"  {label:48s} p50 {p50:6.1f}  p95 {p95:6.1f}  ({count} requests)")
    plan = psql("EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM reports_report WHERE "
                "confidential = false AND published_at IS NOT NULL AND status <> 'archived' "
                "AND received_at >= now() - interval '90 days' ORDER BY received_at DESC, "
                "id DESC LIMIT 1000")
    print("plan of the default query:\n  " + "\n  ".join(plan.splitlines()))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
