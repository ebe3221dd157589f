"""``aduan worker``: the database task worker plus the periodic scheduler.

It is django-tasks-db's ``db_worker`` (same options: claiming a task is safe
with many workers on many machines) with one more thread that enqueues the
deadline sweep every ``ADUAN_SWEEP_INTERVAL_SECONDS`` and kicks the routing sweep
every half minute.
"""

import logging
import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from aduan.channels.tasks import outbox_safety_net
from aduan.deadlines.tasks import schedule_periodic
from aduan.partners.tasks import partners_housekeeping
from aduan.routing.tasks import routing_safety_net

logger = logging.getLogger(__name__)
TICK_SECONDS = 30


def _scheduler(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            schedule_periodic()
            routing_safety_net()  # reports whose kick fell just after a routing sweep
            outbox_safety_net()  # messages whose kick was throttled away
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
