"""Intake benchmark: submit N reports over HTTP with concurrency C to a production-style server.

For each database (PostgreSQL when reachable, and SQLite) it prepares a fresh database with
the reference data, starts gunicorn (not runserver) on it, submits the reports from C client
threads, and prints reports/s, p50 and p99 latency. Then it checks that every acknowledged
report is in the database, and measures the reference: inserting the same rows (report +
event + outbox message) straight into the database, one transaction per report, with C
threads, and prints the ratio.

    python bench/intake.py [--n 3000] [--c 16] [--db postgres,sqlite] [--workers W]
    python bench/intake.py --end-to-end [--n 2000] [--c 16] [--db postgres]

``--end-to-end`` serves with ``aduan serve`` (web and worker, as in production on one
machine) and also waits until the worker has routed every acknowledged report; it prints
the accept rate (while the worker runs) and the end-to-end rate (first submission to the
last report routed, its dispatch and messages queued), and the share auto-dispatched.

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_DB (database name, dropped and recreated) say
where the PostgreSQL run goes.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("ADUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")

CATEGORIES = ["jalan_drainase", "lingkungan", "kependudukan", "bansos", "kesehatan",
              "perhubungan", "air_bersih", "pendidikan"]
REGIONS = ["35.78", "35.78.01", "35.78.02.1001", "64.72.08.1002", "31.71", "32.73", "51.71"]
WORDS = ("jalan rusak berlubang sampah menumpuk lampu mati air keruh bantuan belum cair antre "
         "lama petugas tidak ramah banjir saluran tersumbat parkir liar pungutan liar").split()


def payload(i: int) -> bytes:
    rng = random.Random(i)
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 120)))
    data = {"kind": "complaint", "title": f"Laporan {i}: " + " ".join(rng.sample(WORDS, 4)),
            "body": body, "category": rng.choice(CATEGORIES), "region_code": rng.choice(REGIONS),
            "address": f"Jl. Contoh No. {i}", "anonymous": i % 7 == 0,
            "reporter": {"name": f"Warga {i}", "email": f"warga{i}@contoh.id" if i % 2 else ""}}
    return json.dumps(data).encode()


def free_port() -> int:
    """ADUAN_BENCH_PORT if set (a shared machine hands out port ranges), else any free port."""
    if os.environ.get("ADUAN_BENCH_PORT"):
        return int(os.environ["ADUAN_BENCH_PORT"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def aduan(env: dict, *args: str) -> str:
    return subprocess.run([str(BIN / "aduan"), *args], env=env, check=True,
                          capture_output=True, text=True).stdout


def prepare(db: str, workdir: Path) -> dict:
    # Every request comes from one client address: the per-client limits (60 API submissions
    # an hour) would refuse all but the first few, so they are off, as in the other benches.
    env = {**os.environ, "ADUAN_VAR_DIR": str(workdir), "ADUAN_EMAIL": "file",
           "DJANGO_SETTINGS_MODULE": "aduan.settings", "ADUAN_LOG_LEVEL": "WARNING",
           "ADUAN_RATE_LIMITS": "off"}
    if db == "postgres":
        name = os.environ.get("ADUAN_BENCH_DB", "aduan_bench")
        subprocess.run(["psql", f"{PG_ADMIN_URL}/postgres", "-qc",
                        f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
        subprocess.run(["psql", f"{PG_ADMIN_URL}/postgres", "-qc", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    aduan(env, "setup")
    return env


def wait_for(port: int, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/categories")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def submit_all(port: int, n: int, c: int) -> tuple[list[float], list[str], int]:
    latencies: list[float] = []
    acknowledged: list[str] = []
    errors = 0
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        nonlocal errors
        body = payload(i)
        start = time.perf_counter()
        try:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/v1/reports", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except OSError:
            local.conn = None
            with lock:
                errors += 1
            return
        elapsed = time.perf_counter() - start
        with lock:
            latencies.append(elapsed)
            if response.status == 201:
                acknowledged.append(json.loads(data)["tracking_id"])
            else:
                errors += 1

    with ThreadPoolExecutor(max_workers=c) as pool:
        list(pool.map(one, range(n)))
    return latencies, acknowledged, errors


def count_present(env: dict, tracking_ids: list[str]) -> int:
    script = ("import sys, json\nfrom aduan.reports.models import Report\n"
              "ids = json.load(sys.stdin)\n"
              "print(sum(Report.objects.filter(tracking_id__in=ids[i:i + 500]).count()"
              " for i in range(0, len(ids), 500)))\n")
    out = subprocess.run([str(BIN / "aduan"), "shell", "-c", script], env=env, check=True,
                         input=json.dumps(tracking_ids), capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


DIRECT = r'''
import json, sys, time, threading
from concurrent.futures import ThreadPoolExecutor
from django.db import transaction
from django.utils import timezone
from aduan.lib import pins, tracking
from aduan.lib.redact import redact
from aduan.reports.models import Report, ReportEvent
from aduan.channels.models import OutboundMessage
n, c = json.loads(sys.stdin.read())
now = timezone.now()

def one(i):
    title, body = f"Direct {i} jalan rusak", "jalan rusak berlubang " * 20
    with transaction.atomic():
        r = Report.objects.create(tracking_id=tracking.generate(), kind="complaint", title=title,
            body=body, public_title=redact(title), public_body=redact(body), region_id="35.78",
            province_code="35", regency_code="35.78", category_id="jalan_drainase",
            pin_hash=pins.make_hash(pins.generate(), "k"), received_at=now, channel="api",
            reporter_name=f"Warga {i}", reporter_email=f"w{i}@contoh.id" if i % 2 else "")
        e = ReportEvent.objects.create(report=r, created_at=now, action="submit",
            actor_role="reporter", to_status="submitted", visibility="public")
        if i % 2:
            OutboundMessage.objects.create(channel="email", recipient=r.reporter_email,
                subject="s", body="b", event=e, purpose="report_submit", next_attempt_at=now)

start = time.perf_counter()
with ThreadPoolExecutor(max_workers=c) as pool:
    list(pool.map(one, range(n)))
print(n / (time.perf_counter() - start))
'''


def direct_rate(env: dict, n: int, c: int) -> float:
    out = subprocess.run([str(BIN / "aduan"), "shell", "-c", DIRECT], env=env, check=True,
                         input=json.dumps([n, c]), capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


ROUTED = r'''
import sys, json
from aduan.routing.models import RoutingSuggestion
ids = json.load(sys.stdin)
routed = dispatched = 0
for i in range(0, len(ids), 500):
    rows = RoutingSuggestion.objects.filter(report__tracking_id__in=ids[i:i + 500])
    routed += rows.count()
    dispatched += rows.filter(decision="auto_dispatched", report__status="dispatched").count()
print(routed, dispatched)
'''


def routed_counts(env: dict, tracking_ids: list[str]) -> tuple[int, int]:
    out = subprocess.run([str(BIN / "aduan"), "shell", "-c", ROUTED], env=env, check=True,
                         input=json.dumps(tracking_ids), capture_output=True, text=True).stdout
    routed, dispatched = out.strip().splitlines()[-1].split()
    return int(routed), int(dispatched)


def run_end_to_end(db: str, n: int, c: int) -> None:
    """``aduan serve`` (web + worker): accept rate, and time until the worker routed all."""
    workdir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-e2e-{db}-"))
    try:
        env = prepare(db, workdir)
        port = free_port()
        log = open(workdir / "serve.log", "wb")  # access log and task lines, kept out of the figures
        server = subprocess.Popen([str(BIN / "aduan"), "serve", "--port", str(port)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(port)
            warm = submit_all(port, min(100, n), c)[1]
            while routed_counts(env, warm)[0] < len(warm):  # the worker is up and has routed
                time.sleep(0.5)
            start = time.perf_counter()
            latencies, acknowledged, errors = submit_all(port, n, c)
            accepted = time.perf_counter() - start
            routed = dispatched = 0
            while time.perf_counter() - start < 600:
                routed, dispatched = routed_counts(env, acknowledged)
                if routed >= len(acknowledged):
                    break
                time.sleep(0.25)
            total = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
        latencies.sort()
        print(f"{db:<8} end to end, aduan serve, n={n} c={c}: accept "
              f"{len(acknowledged) / accepted:7.1f} reports/s (p50 "
              f"{statistics.median(latencies) * 1000:.1f} ms, errors {errors}); routed {routed} "
              f"of {len(acknowledged)}, {dispatched} auto-dispatched "
              f"({100 * dispatched / max(1, routed):.0f}%); end to end "
              f"{routed / total:7.1f} reports/s ({total:.1f} s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def pg_available() -> bool:
    return shutil.which("pg_isready") is not None and subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def run(db: str, n: int, c: int, workers: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-{db}-"))
    try:
        env = prepare(db, workdir)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "aduan.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--log-level", "warning"], env=env)
        try:
            wait_for(port)
            submit_all(port, min(200, n), c)  # warm-up: connections, caches, code paths
            start = time.perf_counter()
            latencies, acknowledged, errors = submit_all(port, n, c)
            elapsed = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
        present = count_present(env, acknowledged)
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
        http_rate = len(acknowledged) / elapsed
        reference = direct_rate(env, n, c)
        print(f"{db:<8} n={n} c={c} workers={workers}: {http_rate:7.1f} reports/s  "
              f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  "
              f"acknowledged {len(acknowledged)} missing {len(acknowledged) - present}")
        print(f"{db:<8} direct inserts (same rows, {c} threads, one transaction each): "
              f"{reference:7.1f} reports/s  ratio http/direct {http_rate / reference:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--c", type=int, default=16)
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--end-to-end", action="store_true",
                        help="serve with aduan serve (web + worker) and wait for routing")
    args = parser.parse_args()
    print(f"intake benchmark on {os.cpu_count()} CPUs")
    for db in args.db.split(","):
        if db == "postgres" and not pg_available():
            print("postgres: not reachable on 127.0.0.1:5432, skipped")
            continue
        if args.end_to_end:
            run_end_to_end(db, args.n, args.c)
        else:
            run(db, args.n, args.c, args.workers)


if __name__ == "__main__":
    main()
