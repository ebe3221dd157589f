"""``aduan serve``: the production-style web server and the background worker, together.

Gunicorn serves the site; ``aduan worker`` runs background tasks from the
database queue; ``aduan mail serve`` receives the e-mail door's mail when
``ADUAN_MAIL_LISTEN`` is set. If either stops, the other is stopped too, so a supervisor
(or the person at the terminal) sees the failure instead of half a system.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

# No client address, query string, referrer or user agent: a search box or a similar-report
# query carries a citizen's own words, and the access log must hold no personal data.
ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


# How long the worker sleeps when no task is due: a routing sweep queued to start a moment
# later waits at most this long past its start (one indexed query per look while idle).
WORKER_POLL_SECONDS = 0.25


def web_workers() -> int:
    return int(os.environ.get("ADUAN_WEB_WORKERS") or min(2 * (os.cpu_count() or 1) + 1, 9))


def web_threads() -> int:
    """Threads per web worker: a submission mostly waits for the database's commit, so a few
    threads per process keep the CPUs busy meanwhile (ADUAN_WEB_THREADS=1: plain sync workers)."""
    return max(1, int(os.environ.get("ADUAN_WEB_THREADS") or 4))


def processes_for(host: str, port: int, *, no_worker: bool) -> list[list[str]]:
    """The command lines ``aduan serve`` runs side by side."""
    bindir = os.path.dirname(sys.executable)
    commands = [[os.path.join(bindir, "gunicorn"), "aduan.wsgi:application",
                 "--bind", f"{host}:{port}", "--workers", str(web_workers()),
                 "--threads", str(web_threads()),
                 # Aduan's subclasses: a too-long URL or too-large headers answer in the API's
                 # JSON error shape instead of gunicorn's HTML page (aduan.ops.workers).
                 "--worker-class", "aduan.ops.workers." + (
                     "ThreadWorker" if web_threads() > 1 else "SyncWorker"),
                 "--access-logfile", "-", "--access-logformat", ACCESS_LOG_FORMAT,
                 "--graceful-timeout", "20",
                 # The longest request line gunicorn takes: a GET with a long query then
                 # reaches Aduan, which answers in its JSON shape instead of HTML 414.
                 "--limit-request-line", "8190"]]
    if not no_worker:
        commands.append([os.path.join(bindir, "aduan"), "worker", "--interval",
                         str(WORKER_POLL_SECONDS)])
    mail = settings.CHANNEL_DOORS["email"]["LISTEN"]
    if mail:  # the e-mail door's SMTP listener (ADUAN_MAIL_LISTEN), off by default
        commands.append([os.path.join(bindir, "aduan"), "mail", "serve", "--listen", mail])
    return commands


class Command(BaseCommand):
    help = "Serve Aduan with gunicorn and run the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-worker", action="store_true",
                            help="Serve only; run workers elsewhere.")

    def handle(self, *args, host, port, no_worker, **options):
        commands = processes_for(host, port, no_worker=no_worker)
        mail = settings.CHANNEL_DOORS["email"]["LISTEN"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "aduan.settings"}
        processes = [subprocess.Popen(cmd, env=env) for cmd in commands]
        self.stdout.write(f"Aduan is serving at http://{host}:{port}/ "
                          f"({'with' if not no_worker else 'without'} a worker"
                          f"{f', mail at {mail}' if mail else ''}); Ctrl-C stops it.")

        def stop(*_args):
            for proc in processes:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(proc.poll() is None for proc in processes):
                time.sleep(0.5)
        finally:
            stop()
            for proc in processes:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
        codes = [proc.returncode for proc in processes]
        if any(code not in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes):
            sys.exit(1)
