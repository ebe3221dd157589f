"""``aduan worker``: the database task worker plus the periodic scheduler.

It is django-tasks-db's ``db_worker`` (same options: claiming a task is safe
with many workers on many machines) with one more thread that enqueues the
deadline sweep every ``ADUAN_SWEEP_INTERVAL_SECONDS`` and kicks the routing sweep
every half minute, and the router's retraining and drift flags when due.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from aduan.channels.inbound import inbound_safety_net
from aduan.channels.tasks import outbox_safety_net
from aduan.deadlines.models import WorkerHeartbeat
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


def _scheduler(stop: threading.Event) -> None:
    name = f"{socket.gethostname()}:{os.getpid()}"[:200]
    while not stop.is_set():
        try:
            _heartbeat(name)
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

    def handle(self, *args, **options):
        stop = threading.Event()
        thread = threading.Thread(target=_scheduler, args=(stop,), daemon=True,
                                  name="aduan-scheduler")
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
