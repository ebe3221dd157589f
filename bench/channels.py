"""Channels benchmark: signed webhook deliveries acknowledged per second, and the worker's rate.

For each database (PostgreSQL when reachable, and SQLite) it prepares a fresh database with
the reference data, then:

1. **acknowledgements**: starts gunicorn (as ``aduan serve`` does) with the generic SMS door
   configured, sends N signed ``POST /channels/sms`` deliveries from C client threads with
   keep-alive, and prints acknowledgements/s, p50 and p99; then checks that every
   acknowledged delivery is stored (one ``InboundMessage`` each) and that a replay of all of
   them creates nothing.
2. **worker**: turns the stored messages into reports with the worker's own loop
   (``inbound_process_due`` until nothing waits, one process, as ``aduan worker`` does) and
   prints messages/s and reports filed. Two thirds of the messages say what and where (a
   report at once), the rest are commands or questions.

    python bench/channels.py [--n 2000] [--c 16] [--db postgres,sqlite] [--workers W] [--threads T]
    python bench/channels.py --client wrk [--seconds 10] [--n 20000] ...  (wrk: Debian package)
    python bench/channels.py ... --senders 100000  (every delivery from a new sender)
    python bench/channels.py --queries [--n 300] [--db sqlite,postgres]
    python bench/channels.py --ceiling [--n 2000] [--c 16] [--threads T]
    python bench/channels.py --profile ack|worker [--n 500] [--db sqlite]

``--queries`` counts, in-process (Django's WSGI handler called directly, no HTTP), the
queries and the CPU time per acknowledgement and per worker message, and the CPU of a
trivial view under the full middleware stack and under ``/channels/``.
``--ceiling`` sends the same signed deliveries through the same gunicorn to a bare WSGI
callable and to that trivial view (``bench/ceiling_wsgi.py``): what this machine and this
client can answer at all. ``--profile`` runs one path in-process under cProfile
(acknowledgement through Django's test client, or the worker) and prints the top functions
by cumulative time.

Figures (2 CPUs shared, 2026-12-03; docs/adr/0014-channels-listener.md has the table and
the "before"): ``--n 1000 --c 16 --threads 4`` SQLite 590 acks/s and 117 messages/s,
PostgreSQL 407 acks/s and 56 messages/s; ``--ceiling`` bare WSGI 897/s, trivial view 404/s
(full stack) and 830/s (``/channels/``). The issue's aims (1,000 acks/s, 300 messages/s)
are not reached with that client. ``--client wrk`` (2026-12-04, quiet machine, 4x2): SQLite
1,327 acks/s, PostgreSQL 921-1,064; the worker still 77-156 messages/s.
Batch filing (2026-12-06, load 6-9 from other work): worker 188 (SQLite) and 103
(PostgreSQL) messages/s with 1,000 senders, 317 and 198 with ``--senders 100000`` (every
message a new report); ADR 0014, third pass.

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_DB (database name, dropped and recreated) say
where the PostgreSQL run goes.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import BIN, free_port, pg_available, prepare, wait_for  # noqa: E402

SECRET = "bench-gateway-secret"
PLACES = ["kec rungkut surabaya", "kec genteng surabaya", "kota malang", "kec wonokromo surabaya"]
WORDS = ("jalan rusak berlubang sampah menumpuk lampu mati air keruh banjir saluran tersumbat "
         "parkir liar").split()


def sms_text(i: int) -> str:
    rng = random.Random(i)
    kind = i % 6
    if kind == 4:
        return f"CEK {rng.randrange(10**9):09d}X"
    if kind == 5:
        return " ".join(rng.sample(WORDS, 5))  # no place: the door asks where
    return f"{' '.join(rng.sample(WORDS, 6))} di {rng.choice(PLACES)}"


# A thousand different senders by default: contacts repeat, as on a real number, and a
# sender's later messages join its open report. ``--senders`` (or ADUAN_BENCH_SENDERS, which
# the in-process scripts read) sets another number: as many as deliveries makes every
# message a new sender's, so the worker's figure is then that of filing new reports.
SENDERS = int(os.environ.get("ADUAN_BENCH_SENDERS") or 1000)


def delivery(i: int) -> bytes:
    return json.dumps({"id": f"bench-{i}", "from": f"0812{i % SENDERS:07d}", "to": "1708",
                       "text": sms_text(i)}).encode()


def signed_headers(body: bytes) -> dict:
    import hashlib
    import hmac

    stamp = str(int(time.time()))
    mac = hmac.new(SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Aduan-Timestamp": stamp,
            "X-Aduan-Signature": f"sha256={mac}"}


def deliver_all(port: int, indexes: range, c: int,
                path: str = "/channels/sms") -> tuple[list[float], int, int]:
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    local = threading.local()

    def one(i: int) -> None:
        body = delivery(i)
        start = time.perf_counter()
        try:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", path, body, signed_headers(body))
            response = conn.getresponse()
            response.read()
        except OSError:
            local.conn = None
            with lock:
                counts["errors"] += 1
            return
        with lock:
            latencies.append(time.perf_counter() - start)
            counts["ok" if response.status == 200 else "errors"] += 1

    with ThreadPoolExecutor(max_workers=c) as pool:
        list(pool.map(one, indexes))
    return latencies, counts["ok"], counts["errors"]


WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_deliveries.lua"


def deliver_wrk(port: int, indexes: range, c: int, seconds: float, threads: int = 2,
                path: str = "/channels/sms") -> tuple[int, float, dict]:
    """Send the deliveries with wrk (a C load generator): (answered, elapsed s, wrk's figures).

    A Python client spends about as much CPU per request as the server does; on a
    2-core machine it halves what the server can show. wrk sends pre-signed deliveries
    (the file is written here; its Lua cannot compute an HMAC) for ``seconds``, each at
    most once while they last: ``ran_out`` > 0 means a thread started replaying and the
    run needs more deliveries.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as lines:
        for i in indexes:
            body = delivery(i)
            headers = signed_headers(body)
            lines.write(f"{path}\t{headers['X-Aduan-Timestamp']}\t"
                        f"{headers['X-Aduan-Signature']}\t{body.decode()}\n")
    try:
        out = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(c), "-d", f"{max(1, round(seconds))}s", "--timeout", "30s",
             "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{port}", "--", lines.name, str(threads)],
            check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(lines.name)
    line = next(line for line in out.splitlines() if line.startswith("WRK "))
    figures = {key: int(value) for key, value in
               (item.split("=") for item in line.split()[1:])}
    return figures["requests"], figures["duration_us"] / 1e6, figures


def shell(env: dict, script: str, stdin: str = "") -> str:
    return subprocess.run([str(BIN / "aduan"), "shell", "-c", script], env=env, check=True,
                          input=stdin, capture_output=True, text=True).stdout.strip()


STORED = "from aduan.channels.models import InboundMessage as M; print(M.objects.count())"

WORKER = r'''
import time
from aduan.channels.inbound import inbound_process_due
from aduan.channels.models import InboundMessage
from aduan.reports.models import Report
from aduan.routing.aliases import find_region
find_region("rungkut surabaya")  # a running worker has its gazetteer built already
before = Report.objects.count()
waiting = InboundMessage.objects.filter(outcome="pending").count()
start = time.perf_counter()
while inbound_process_due(limit=100):
    pass
elapsed = time.perf_counter() - start
print(waiting, elapsed, Report.objects.count() - before)
'''


def gunicorn(env: dict, port: int, workers: int, threads: int,
             app: str = "aduan.wsgi:application") -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--pythonpath",
         str(Path(__file__).resolve().parent), "--workers", str(workers), "--threads",
         str(threads), "--log-level", "warning"], env=env)


def ceiling(n: int, c: int, workers: int, threads: int, client: str = "python",
            seconds: float = 10) -> None:
    """The same signed deliveries against a bare WSGI app and a trivial Django view."""
    workdir = Path(tempfile.mkdtemp(prefix="aduan-bench-ceiling-"))
    env = {**os.environ, "ADUAN_VAR_DIR": str(workdir), "ADUAN_LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"sqlite:///{workdir / 'unused.sqlite3'}"}
    try:
        for kind, path in (("raw", "/"), ("django", "/bench/trivial"),
                           ("doors", "/channels/bench-trivial")):
            port = free_port()
            server = gunicorn({**env, "ADUAN_BENCH_CEILING": kind}, port, workers, threads,
                              "ceiling_wsgi:application")
            try:
                for _ in range(100):
                    if deliver_all(port, range(1), 1, path)[1]:
                        break
                    time.sleep(0.3)
                deliver_all(port, range(n, n + min(200, n)), c, path)  # warm-up
                if client == "wrk":
                    ok, elapsed, figures = deliver_wrk(port, range(n), c, seconds, path=path)
                    errors = figures["not_ok"] + figures["socket_errors"]
                    p50 = figures["p50_us"] / 1000
                else:
                    start = time.perf_counter()
                    latencies, ok, errors = deliver_all(port, range(n), c, path)
                    elapsed = time.perf_counter() - start
                    p50 = statistics.median(sorted(latencies)) * 1000
            finally:
                server.terminate()
                server.wait(timeout=30)
            print(f"ceiling {kind:<7} {client} c={c} gunicorn {workers}x{threads}: "
                  f"{ok / elapsed:7.1f} answers/s  p50 {p50:6.1f} ms  errors {errors}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def worker_rate(env: dict) -> str:
    waiting, elapsed, filed = shell(env, WORKER).splitlines()[-1].split()
    waiting, elapsed = int(waiting), float(elapsed)
    return (f"worker: {waiting} messages in {elapsed:.1f} s = {waiting / elapsed:7.1f} "
            f"messages/s, {filed} reports filed ({int(filed) / elapsed:.1f} reports/s)")


def bench_env(db: str, workdir: Path) -> dict:
    env = prepare(db, workdir)
    # Limits on, at their defaults, as in production (3,000 per door per minute would refuse
    # a benchmark): the door's cap is raised, the per-contact one stays.
    return {**env, "ADUAN_SMS_GATEWAY_SECRET": SECRET, "ADUAN_CHANNEL_DOOR_PER_MINUTE": "1000000",
            "ADUAN_SMS_GATEWAY_URL": ""}


def run(db: str, n: int, c: int, workers: int, threads: int, client: str = "python",
        seconds: float = 10) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-channels-{db}-"))
    try:
        env = bench_env(db, workdir)
        port = free_port()
        server = gunicorn(env, port, workers, threads)
        try:
            wait_for(port)
            deliver_all(port, range(n, n + min(200, n)), c)  # warm-up
            note = ""
            if client == "wrk":
                ok, elapsed, figures = deliver_wrk(port, range(n), c, seconds)
                errors = figures["not_ok"] + figures["socket_errors"]
                p50, p99 = figures["p50_us"] / 1000, figures["p99_us"] / 1000
                sent = n if figures["ran_out"] else ok  # distinct deliveries sent
                if figures["ran_out"]:
                    note = f" (ran out of deliveries: {ok - n} were replays; use a larger --n)"
            else:
                start = time.perf_counter()
                latencies, ok, errors = deliver_all(port, range(n), c)
                elapsed = time.perf_counter() - start
                latencies.sort()
                p50 = statistics.median(latencies) * 1000
                p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
                sent = ok
            time.sleep(1)  # requests still in flight when wrk stopped are answered and stored
            stored = int(shell(env, STORED).splitlines()[-1])
            replay = deliver_all(port, range(min(n, 2000)), c)
            after_replay = int(shell(env, STORED).splitlines()[-1])
        finally:
            server.terminate()
            server.wait(timeout=30)
        warm = min(200, n)
        print(f"{db:<8} {client} c={c} gunicorn {workers}x{threads}: {ok / elapsed:7.1f} acks/s  "
              f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}  stored "
              f"{stored - warm} of {sent} distinct sent; replayed {replay[1]} acks, "
              f"{after_replay - stored} new rows{note}")
        print(f"{db:<8} {worker_rate(env)}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


PROFILE_ACK = r'''
import cProfile, pstats, json, sys
from django.test import Client
from django.test.utils import setup_test_environment
sys.path.insert(0, BENCH)
from channels import delivery, signed_headers
n = int(sys.stdin.read())
client = Client()
def post(i):
    body = delivery(i)
    headers = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in signed_headers(body).items()
               if k != "Content-Type"}
    client.post("/channels/sms", body, content_type="application/json", **headers)
for i in range(n, n + 50):
    post(i)
profile = cProfile.Profile()
profile.enable()
for i in range(n):
    post(i)
profile.disable()
pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
'''

PROFILE_WORKER = r'''
import cProfile, pstats
from aduan.channels.inbound import inbound_process_due
from aduan.routing.aliases import find_region
find_region("rungkut surabaya")
profile = cProfile.Profile()
profile.enable()
while inbound_process_due(limit=100):
    pass
profile.disable()
pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
'''


QUERIES = r'''
import io, sys, time
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext
sys.path.insert(0, BENCH)
from channels import delivery, signed_headers
from aduan.channels.inbound import inbound_process_due
from aduan.routing.aliases import find_region
n = int(sys.stdin.read())
settings.ROOT_URLCONF = "ceiling_urls"  # the site's URLs and the trivial view
handler = WSGIHandler()
def post(i, path="/channels/sms"):
    body = delivery(i)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": "application/json"}
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v
                    for k, v in signed_headers(body).items() if k != "Content-Type"})
    status = []
    b"".join(handler(environ, lambda s, h: status.append(s)))
    assert status[0].startswith("200"), status
def cpu(path, first):
    start = time.process_time()
    for i in range(first, first + n):
        post(i, path)
    return (time.process_time() - start) / n * 1000
post(10 * n)  # the first request opens the connection and fills caches
with CaptureQueriesContext(connection) as acks:
    ack_ms = cpu("/channels/sms", 0)
full_ms, doors_ms = cpu("/bench/trivial", n), cpu("/channels/bench-trivial", n)
find_region("rungkut surabaya")
with CaptureQueriesContext(connection) as work:
    done, start = 0, time.process_time()
    while (batch := inbound_process_due(limit=100)):
        done += batch
    work_ms = (time.process_time() - start) / done * 1000
print(f"ack: {len(acks) / n:.2f} queries and {ack_ms:.2f} ms CPU per delivery ({n} "
      f"deliveries, in-process WSGI); a trivial view: {full_ms:.2f} ms CPU under the full "
      f"middleware stack, {doors_ms:.2f} ms under /channels/")
print(f"worker: {len(work) / done:.2f} queries and {work_ms:.2f} ms CPU (this process) per "
      f"message ({done} messages)")
'''


def queries(db: str, n: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-channels-{db}-"))
    try:
        env = bench_env(db, workdir)
        script = QUERIES.replace("BENCH", repr(str(Path(__file__).resolve().parent)))
        for line in shell(env, script, str(n)).splitlines():
            if line.startswith(("ack:", "worker:")):
                print(f"{db:<8} {line}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def profile(db: str, n: int, what: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"aduan-bench-channels-{db}-"))
    try:
        env = bench_env(db, workdir)
        ack = PROFILE_ACK.replace("BENCH", repr(str(Path(__file__).resolve().parent)))
        if what == "worker":  # the messages to read, stored without profiling
            ack = ack.replace("pstats.Stats(profile)", "0 and pstats.Stats(profile)")
        print(shell(env, ack, str(n)))
        if what == "worker":
            print(shell(env, PROFILE_WORKER))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    global SENDERS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--c", type=int, default=16)
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", choices=["ack", "worker"])
    parser.add_argument("--client", choices=["python", "wrk"], default="python",
                        help="load generator: Python threads, or wrk (Debian package) for "
                             "--seconds with --n pre-signed deliveries")
    parser.add_argument("--seconds", type=float, default=10, help="length of a wrk run")
    parser.add_argument("--senders", type=int, default=SENDERS,
                        help="distinct senders (messages from one sender join its report)")
    parser.add_argument("--ceiling", action="store_true",
                        help="the same deliveries against a bare WSGI app and a trivial view")
    parser.add_argument("--queries", action="store_true",
                        help="count queries per acknowledgement and per worker message")
    args = parser.parse_args()
    SENDERS = args.senders
    os.environ["ADUAN_BENCH_SENDERS"] = str(args.senders)  # for the in-process scripts
    print(f"channels benchmark on {os.cpu_count()} CPUs, {args.senders} senders")
    if args.ceiling:
        ceiling(args.n, args.c, args.workers, args.threads, args.client, args.seconds)
        return
    for db in args.db.split(","):
        if db == "postgres" and not pg_available():
            print("postgres: not reachable on 127.0.0.1:5432, skipped")
            continue
        if args.queries:
            queries(db, args.n)
        elif args.profile:
            profile(db, args.n, args.profile)
        else:
            run(db, args.n, args.c, args.workers, args.threads, args.client, args.seconds)


if __name__ == "__main__":
    main()
