"""Fault run: two ``aduan serve`` (web + worker each) on one PostgreSQL, kill -9 of a worker
during load, then check that nothing was lost or done twice.

Both servers take submissions from client threads; every few seconds the worker process of
server A is killed with SIGKILL (``aduan serve`` then stops its gunicorn too, so server A's
web is down until it is restarted, and its clients see connection errors: those reports
were never acknowledged). When the load ends and the workers have settled it checks, in the
database: every acknowledged report stored once, one submit event each, routed at most once
(one routing suggestion, at most one dispatch event), no duplicate messages per (event,
recipient), every message sent, no task left waiting; task rows a killed worker held are counted.

    python bench/faults.py [--n 600] [--c 8] [--kills 3] [--every 6]

ADUAN_BENCH_PG (server URL) and ADUAN_BENCH_DB (default scale2_bench_faults, dropped and
recreated). Prints figures; nothing here fails on timing.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("ADUAN_BENCH_DB", "scale2_bench_faults")

import intake  # noqa: E402

BIN = intake.BIN


def start(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "aduan"), "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def worker_pid(server: subprocess.Popen) -> int | None:
    """The ``aduan worker`` child of one ``aduan serve`` (found by its parent id)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    for pid in children.read_text().split() if children.exists() else []:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"worker" in cmdline:
            return int(pid)
    return None


def psql(env: dict, sql: str) -> str:
    return subprocess.run(["psql", env["DATABASE_URL"], "-qAtc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


CHECKS = {
    "reports stored twice (same tracking id)":
        "SELECT count(*) FROM (SELECT tracking_id FROM reports_report GROUP BY 1 "
        "HAVING count(*) > 1) d",
    "reports without exactly one submit event":
        "SELECT count(*) FROM reports_report r WHERE (SELECT count(*) FROM reports_reportevent e "
        "WHERE e.report_id = r.id AND e.action = 'submit') <> 1",
    "reports with more than one dispatch event":
        "SELECT count(*) FROM (SELECT report_id FROM reports_reportevent WHERE action = "
        "'dispatch' GROUP BY 1 HAVING count(*) > 1) d",
    "duplicate messages (event, channel, recipient)":
        "SELECT count(*) FROM (SELECT event_id, channel, recipient_digest "
        "FROM channels_outboundmessage WHERE event_id IS NOT NULL GROUP BY 1, 2, 3 "
        "HAVING count(*) > 1) d",
    "messages not sent":
        "SELECT count(*) FROM channels_outboundmessage WHERE status <> 'sent'",
    "tasks due and still waiting (READY)":
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
        "AND (run_after IS NULL OR run_after <= now())",
    # django-tasks-db does not reclaim the task a killed worker held: its row stays RUNNING.
    # The work is not lost: the safety nets re-kick routing and the outbox from the reports'
    # and messages' own state.
    "task rows left RUNNING (held by a killed worker)":
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'",
}


def load(ports: list[int], n: int, c: int, results: dict) -> None:
    def run(port: int) -> None:
        latencies, acknowledged, errors = intake.submit_all(port, n // len(ports), c)
        results.setdefault("acknowledged", []).extend(acknowledged)
        results["errors"] = results.get("errors", 0) + errors

    threads = [threading.Thread(target=run, args=(p,)) for p in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--c", type=int, default=8)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--every", type=float, default=6.0)
    args = parser.parse_args()
    if not intake.pg_available():
        print("bench/faults.py: PostgreSQL is not reachable; skipped")
        return
    workdir = Path(tempfile.mkdtemp(prefix="aduan-bench-faults-"))
    servers: dict[int, subprocess.Popen] = {}
    try:
        env = intake.prepare("postgres", workdir)
        env["ADUAN_RATE_LIMITS"] = "off"
        # Two servers on one small machine: two gunicorn processes each, not 2 x cores + 1.
        env.setdefault("ADUAN_WEB_WORKERS", "2")
        ports = [intake.free_port(), intake.free_port()]
        for port in ports:
            servers[port] = start(env, port)
        for port in ports:
            intake.wait_for(port, timeout=300)
        results: dict = {}
        started = time.perf_counter()
        loader = threading.Thread(target=load, args=(ports, args.n, args.c, results))
        loader.start()
        kills = 0
        while loader.is_alive() and kills < args.kills:
            time.sleep(args.every)
            victim = worker_pid(servers[ports[0]])
            if victim is None or not loader.is_alive():
                continue
            os.kill(victim, signal.SIGKILL)
            kills += 1
            servers[ports[0]].wait(timeout=60)  # serve stops its gunicorn when a child dies
            servers[ports[0]] = start(env, ports[0])
            intake.wait_for(ports[0], timeout=300)
        loader.join()
        elapsed = time.perf_counter() - started
        acknowledged = results.get("acknowledged", [])
        deadline = time.time() + 180
        while time.time() < deadline:
            routed, _dispatched = intake.routed_counts(env, acknowledged)
            pending = int(psql(env, CHECKS["tasks due and still waiting (READY)"]))
            unsent = int(psql(env, CHECKS["messages not sent"]))
            if routed >= len(acknowledged) and not pending and not unsent:
                break
            time.sleep(1)
        present = intake.count_present(env, acknowledged)
        print(f"faults: n={args.n} c={args.c}, {kills} kill -9 of a worker in {elapsed:.0f} s; "
              f"{len(acknowledged)} acknowledged, {results.get('errors', 0)} refused or cut off "
              f"while a server was down")
        print(f"  acknowledged reports stored: {present} of {len(acknowledged)}; routed: "
              f"{routed} of {len(acknowledged)}")
        for label, sql in CHECKS.items():
            print(f"  {label}: {psql(env, sql)}")
    finally:
        for server in servers.values():
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
