"""Background tasks of the channels app (run by the database-backed worker), and their kicks."""

from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from aduan.lib.throttle import Throttle

from .models import OutboundMessage, OutboundStatus
from .outbox import BATCH, next_due_at, outbox_deliver_due


@task()
def deliver_outbox() -> dict[str, int]:
    """Deliver due messages, then schedule one follow-up run if work remains.

    Only a full batch or a failed send schedules another run, so the many kicks
    that a burst of reports enqueues never multiply into many deferred tasks.
    """
    counts = outbox_deliver_due()
    if sum(counts.values()) >= BATCH:
        deliver_outbox.enqueue()
    elif counts["retry"] and (due := next_due_at()) is not None:
        deliver_outbox.using(run_after=due).enqueue()
    return counts


KICK_EVERY = 1.0
_kicks = Throttle(KICK_EVERY)


def kick_after_commit() -> None:
    """Have delivery run soon after the caller's transaction commits.

    At most one kick per second per process: delivery starts a second later and
    sends everything due by then, so a burst of reports costs a few task rows, not
    one each. The worker's scheduler also kicks while anything is due
    (``outbox_safety_net``), so a message whose kick was skipped waits at most a tick.
    """
    if _kicks.ready():
        transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    deliver_outbox.using(run_after=timezone.now() + timedelta(seconds=KICK_EVERY)).enqueue()


def outbox_safety_net(now: datetime | None = None) -> bool:
    """Kick delivery if a message is due and unclaimed (called by the worker's scheduler)."""
    now = now or timezone.now()
    due = OutboundMessage.objects.filter(status=OutboundStatus.PENDING,
                                         next_attempt_at__lte=now).exclude(claimed_until__gt=now)
    if not due.exists():
        return False
    deliver_outbox.enqueue()
    return True
