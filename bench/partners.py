"""Partner benchmarks: the cost of Idempotency-Key on POST /api/v1/reports, and webhook
deliveries per second by one worker.

1. A fresh database (PostgreSQL when reachable, else SQLite) with the reference data, an
   API client with ``reports:submit``, gunicorn serving it. N reports are submitted from
   C threads with the client's key, in alternating rounds with and without a fresh
   ``Idempotency-Key`` each, so drift (a warming cache, a growing table) hits both alike.
   Prints reports/s and p50 of each, and the slowdown.
2. A local receiver (a threaded http.server with keep-alive, checking every signature)
   and one webhook of the client pointing at it; M deliveries are queued in the outbox,
   then one process drains them with ``outbox_deliver_due`` (what the worker's task
   runs) and prints deliveries/s; the receiver counts what it got and checks signatures.

    python bench/partners.py [--n 2000] [--c 8] [--m 5000] [--db postgres|sqlite]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_DB (database name, dropped and recreated;
default partners_bench) say where the PostgreSQL run goes.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("ADUAN_BENCH_DB", "partners_bench")

from intake import BIN, aduan, free_port, payload, pg_available, prepare, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from aduan.lib.signing import SignatureError, verify  # noqa: E402

ROUNDS = 4


def submit_round(port: int, key: str, indexes: range, c: int, idempotent: bool):
    latencies, errors, lock, local = [], 0, threading.Lock(), threading.local()

    def one(i: int) -> None:
        nonlocal errors
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        start = time.perf_counter()
        try:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", "/api/v1/reports", payload(i), headers)
            response = conn.getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except OSError:
            local.conn = None
            with lock:
                errors += 1
            return
        with lock:
            latencies.append(time.perf_counter() - start)
            errors += response.status != 201

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=c) as pool:
        list(pool.map(one, indexes))
    return time.perf_counter() - start, latencies, errors


def bench_idempotency(env: dict, key: str, n: int, c: int) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "aduan.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str((os.cpu_count() or 1) * 2 + 1), "--log-level", "warning"], env=env)
    totals = {False: [0.0, [], 0, 0], True: [0.0, [], 0, 0]}
    try:
        wait_for(port)
        submit_round(port, key, range(10_000_000, 10_000_000 + min(200, n)), c, True)
        size = max(n // (2 * ROUNDS), 1)
        for r in range(2 * ROUNDS):
            idempotent = r % 2 == 1
            elapsed, latencies, errors = submit_round(port, key, range(r * size, (r + 1) * size),
                                                      c, idempotent)
            total = totals[idempotent]
            total[0] += elapsed
            total[1] += latencies
            total[2] += errors
            total[3] += size
    finally:
        server.terminate()
        server.wait(timeout=30)
    rates = {}
    for idempotent, (elapsed, latencies, errors, count) in totals.items():
        rates[idempotent] = (count - errors) / elapsed
        label = "with Idempotency-Key   " if idempotent else "without Idempotency-Key"
        print(f"  {label}: {rates[idempotent]:7.1f} reports/s  p50 "
              f"{statistics.median(latencies) * 1000:6.1f} ms  errors {errors}  n={count}")
    print(f"  slowdown with the key: {(rates[False] / rates[True] - 1) * 100:+.1f}%")


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.secret, self.count, self.bad, self.lock = "", 0, 0, threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            verify(self.server.secret, body, self.headers)
            ok = True
        except SignatureError:
            ok = False
        with self.server.lock:
            self.server.count += ok
            self.server.bad += not ok
        self.send_response(204 if ok else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


QUEUE = """
import json, sys
from django.utils import timezone
from aduan.channels.models import OutboundChannel, OutboundMessage
from aduan.partners.payloads import event_public_id
endpoint, m = int(sys.argv[1]), int(sys.argv[2])
now = timezone.now()
rows = []
for i in range(m):
    body = {"id": event_public_id(10**9 + i), "type": "report.dispatched",
            "created_at": now.isoformat(), "message": "",
            "report": {"tracking_id": f"BENCH{i:05d}", "status": "dispatched",
                       "category": "jalan_drainase",
                       "holder": {"code": "pemkot-surabaya", "name": "Pemerintah Kota Surabaya"}}}
    rows.append(OutboundMessage(channel=OutboundChannel.WEBHOOK, recipient=f"webhook:{endpoint}",
        purpose="webhook", subject=body["type"], body=json.dumps(body, separators=(",", ":")),
        payload={"endpoint": endpoint, "event_id": body["id"]}, next_attempt_at=now))
OutboundMessage.objects.bulk_create(rows, batch_size=1000)
"""

DRAIN = """
import os, time
from aduan.channels.outbox import outbox_deliver_due
def drain():
    sent = 0
    while True:
        counts = outbox_deliver_due(limit=200)
        if not sum(counts.values()):
            return sent
        sent += counts["sent"]
start = time.perf_counter()
if os.environ.get("BENCH_PROFILE"):
    import cProfile, pstats, sys
    profile = cProfile.Profile()
    sent = profile.runcall(drain)
    pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
else:
    sent = drain()
elapsed = time.perf_counter() - start
print(f"{sent} {elapsed:.3f}")
"""


def bench_webhooks(env: dict, client: str, m: int) -> None:
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_port}/aduan"
    env = {**env, "ADUAN_WEBHOOKS_ALLOW_PRIVATE": "1"}
    out = aduan(env, "clients", "webhook", "add", client, url, "--events", "report.dispatched")
    receiver.secret = out.strip().splitlines()[-1]
    endpoint = out.split("Webhook ", 1)[1].split(" ", 1)[0]
    # Deliveries the submissions queued (e-mails, nothing for this webhook) are sent first.
    aduan(env, "shell", "-c", DRAIN)
    python = [str(BIN / "python"), "-c",
              "import django, sys; django.setup(); exec(sys.stdin.read())"]
    subprocess.run([*python, endpoint, str(m)], input=QUEUE, env=env, check=True, text=True)
    result = subprocess.run(python, input=DRAIN, env=env, check=True, text=True,
                            stdout=subprocess.PIPE).stdout.split()
    sent, elapsed = int(result[0]), float(result[1])
    receiver.shutdown()
    print(f"  one worker: {sent} deliveries in {elapsed:.2f} s = {sent / elapsed:7.1f} "
          f"deliveries/s; receiver got {receiver.count} signed correctly, {receiver.bad} bad")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--c", type=int, default=8)
    parser.add_argument("--m", type=int, default=5000)
    parser.add_argument("--db", default="postgres" if pg_available() else "sqlite")
    args = parser.parse_args()
    print(f"partners benchmark on {os.cpu_count()} CPUs, {args.db}")
    workdir = Path(tempfile.mkdtemp(prefix="aduan-bench-partners-"))
    try:
        env = {**prepare(args.db, workdir), "ADUAN_RATE_LIMITS": "off",
               "ADUAN_ROUTING": "off", "DJANGO_SETTINGS_MODULE": "aduan.settings"}
        key = aduan(env, "clients", "add", "Bench Partner", "--agency", "pemkot-surabaya",
                    "--scopes", "reports:submit", "--rate-limit", "100000"
                    ).strip().splitlines()[-1]
        print(f"POST /api/v1/reports, n={args.n} c={args.c}, {ROUNDS} alternating rounds each:")
        bench_idempotency(env, key, args.n, args.c)
        print(f"webhook deliveries, m={args.m}:")
        bench_webhooks(env, "Bench Partner", args.m)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
