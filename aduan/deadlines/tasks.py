"""Periodic background work: the deadline sweep and the outbox safety net."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from aduan.channels.tasks import deliver_outbox

from .models import SweepState
from .sweep import sweep


@task()
def run_sweep() -> dict:
    return sweep()


def schedule_periodic(now=None) -> bool:
    """Enqueue the sweep (and an outbox run) when the interval has passed; True if it did.

    Every worker calls this on a timer; the locked ``SweepState`` row makes sure
    that, across all workers on all machines, one of them enqueues per interval.
    """
    now = now or timezone.now()
    interval = timedelta(seconds=settings.ADUAN["SWEEP_INTERVAL_SECONDS"])
    with transaction.atomic():
        SweepState.objects.get_or_create(pk=1)
        state = SweepState.objects.select_for_update().get(pk=1)
        if state.next_enqueue_at is not None and state.next_enqueue_at > now:
            return False
        state.next_enqueue_at = now + interval
        state.save(update_fields=["next_enqueue_at"])
        transaction.on_commit(run_sweep.enqueue)
        # A kick lost in a crash between commit and enqueue is picked up here.
        transaction.on_commit(deliver_outbox.enqueue)
    return True


@task()
def recompute_open_deadlines(since: str | None = None) -> int:
    """Work out the due dates of open reports again (after a holiday was added or removed).

    Only reports with a due date on or after ``since`` (ISO date) can move; a
    batch at a time, so the job never holds the table for long.
    """
    from .recompute import recompute_open

    return recompute_open(since=since)
