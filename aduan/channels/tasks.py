"""Background tasks of the channels app (run by the database-backed worker)."""

from django.tasks import task

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
