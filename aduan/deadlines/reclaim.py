"""Give back tasks that a killed worker left RUNNING.

django-tasks-db marks a row RUNNING when a worker claims it and never looks at
it again: a worker killed mid-task (kill -9, a machine lost, an OOM kill)
leaves the row RUNNING for ever, and the work is never retried. The worker
reclaims such rows at start and on its scheduler's ticks, in one UPDATE:

* a row is reclaimed only when it was claimed longer than the lease ago
  (``TASK_LEASE_MINUTES``) *and* the worker that claimed it (the last entry of
  ``worker_ids``; our worker's id is its heartbeat's name) has not reported for
  ``READY_WORKER_SILENCE_SECONDS``. A task that really runs long on a live
  worker is never taken from it, whatever its age;
* it goes back to READY (``run_after`` kept, so it runs at once), or to FAILED
  once it was claimed ``TASK_MAX_ATTEMPTS`` times, so a task that kills its
  worker every time (memory) does not loop for ever.

Re-running is safe for the tasks that matter: each one looks for the work still
to do when it starts (see docs in ``sweep``, ``outbox`` and ``routing.services``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import (Case, CharField, DateTimeField, Exists, F, Func, IntegerField,
                              OuterRef, TextField, Value, When)
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aduan.lib.throttle import Throttle

from .models import WorkerHeartbeat

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"
EXPIRED = "aduan.deadlines.reclaim.LeaseExpired"
TRACEBACK = ("LeaseExpired: the worker that ran this task stopped without finishing it "
             "(claimed %d times); not retried again.")
# The query reads every RUNNING row (django-tasks-db indexes READY only): once a minute
# per process is plenty against a ten-minute lease.
_every_minute = Throttle(60)


class LeaseExpired(Exception):
    """Recorded as the error of a task given up after its workers died ``TASK_MAX_ATTEMPTS`` times."""


class _Claims(Func):
    """How many times the row was claimed: the length of its ``worker_ids`` JSON list."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


class _Claimant(Func):
    """The id of the worker that claimed the row last (the last entry of ``worker_ids``)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="json_extract(%(expressions)s, '$[#-1]')",
                           **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s ->> -1)", **extra)

    def as_sql(self, compiler, connection, **extra):
        if "template" not in extra:  # other backends: no heartbeat matches, the lease decides
            extra["template"] = "NULL"
        return super().as_sql(compiler, connection, **extra)


def tasks_reclaim(*, now: datetime | None = None) -> int:
    """Put tasks of dead workers held past the lease back to READY (or FAILED); return how many."""
    now = now or timezone.now()
    options = settings.ADUAN
    lease = timedelta(minutes=options["TASK_LEASE_MINUTES"])
    alive = WorkerHeartbeat.objects.filter(
        worker=_Claimant(OuterRef("worker_ids")),
        seen_at__gte=now - timedelta(seconds=options["READY_WORKER_SILENCE_SECONDS"]))
    give_up = GreaterThanOrEqual(_Claims("worker_ids"), options["TASK_MAX_ATTEMPTS"])

    def pick(failed, ready, field=None):
        return Case(When(give_up, then=failed), default=ready, output_field=field or TextField())

    return (DBTaskResult.objects
            .filter(status=RUNNING, started_at__lte=now - lease)
            .filter(~Exists(alive))
            .update(status=pick(Value(FAILED), Value(READY)),
                    started_at=pick(F("started_at"), Value(None), DateTimeField()),
                    finished_at=pick(Value(now), Value(None), DateTimeField()),
                    exception_class_path=pick(Value(EXPIRED), Value("")),
                    traceback=pick(Value(TRACEBACK % options["TASK_MAX_ATTEMPTS"]), Value(""))))


def tasks_reclaim_periodic(now: datetime | None = None) -> int:
    """Reclaim at most once a minute per process (called on every scheduler tick)."""
    return tasks_reclaim(now=now) if _every_minute.ready() else 0
