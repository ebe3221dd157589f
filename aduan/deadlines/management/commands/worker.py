"""``aduan worker``: the database task worker plus the periodic scheduler.

It is django-tasks-db's ``db_worker`` (same options: claiming a task is safe
with many workers on many machines) with one more thread that enqueues the
deadline sweep every ``ADUAN_SWEEP_INTERVAL_SECONDS`` and kicks the routing sweep
every half minute, and the router's retraining and drift flags when due.

Its worker id (the one django-tasks-db writes into a claimed task's ``worker_ids``)
is also its heartbeat's name, so a task whose worker stopped reporting can be
told from one that runs long (``aduan.deadlines.reclaim``).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from aduan.channels.inbound import inbound_safety_net
from aduan.channels.tasks import outbox_safety_net
from aduan.deadlines.models import WorkerHeartbeat
from aduan.deadlines.reclaim import tasks_reclaim, tasks_reclaim_periodic
from aduan.deadlines.tasks import schedule_periodic
from aduan.routing.schedule import routing_periodic
from aduan.partners.tasks import partners_housekeeping
from aduan.routing.tasks import routing_safety_net

logger = logging.getLogger(__name__)
TICK_SECONDS = 30


def _heartbeat(name: str) -> None:
    """Tell ``/health/ready`` this worker is alive (and forget workers gone for a day)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=name, defaults={"seen_at": now})
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def worker_name() -> str:
    """host:pid:random, at most 64 characters (django-tasks-db's limit). The random part keeps
    a restarted container (same host name, pid 1) from passing for its dead predecessor."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{get_random_string(6)}"


def _scheduler(stop: threading.Event, name: str) -> None:
    while not stop.is_set():
        try:
            _heartbeat(name)
            tasks_reclaim_periodic()  # tasks of workers killed mid-task, back to the queue
            schedule_periodic()
            routing_safety_net()  # reports whose kick fell just after a routing sweep
            outbox_safety_net()  # messages whose kick was throttled away
            routing_periodic()  # retraining (monthly) and agency drift flags (daily)
            inbound_safety_net()  # channel messages whose kick was throttled away
            for hook in settings.ADUAN["PERIODIC_HOOKS"]:  # e.g. statistics, open data
                import_string(hook)()
            partners_housekeeping()  # idempotency keys older than 24 hours
        except Exception:  # a database hiccup must not kill the scheduler thread
            logger.exception("could not schedule the periodic sweep")
        finally:
            close_old_connections()
        stop.wait(TICK_SECONDS)


class Command(DbWorkerCommand):
    help = "Run background tasks from the database queue and schedule the deadline sweep."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_name())

    def handle(self, *args, **options):
        try:
            reclaimed = tasks_reclaim()
        except Exception:  # the database may still be starting; the scheduler tries again
            logger.exception("could not reclaim abandoned tasks")
        else:
            if reclaimed:
                logger.warning("reclaimed %d task(s) left running by stopped workers", reclaimed)
        stop = threading.Event()
        thread = threading.Thread(target=_scheduler, args=(stop, options["worker_id"]),
                                  daemon=True, name="aduan-scheduler")
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
