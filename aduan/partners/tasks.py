"""Background work of the partners app, run by the database-backed worker."""

from django.tasks import task

from aduan.lib.throttle import Throttle

from .feed import feed_number
from .idempotency import idempotency_prune

PRUNE_EVERY = 600.0
_prunes = Throttle(PRUNE_EVERY)


@task()
def prune_idempotency() -> int:
    return idempotency_prune()


def partners_housekeeping() -> bool:
    """Number the changes feed, and enqueue pruning of old idempotency keys every ten minutes
    (called by the worker's scheduler every tick)."""
    feed_number(wait=False)
    if not _prunes.ready():
        return False
    prune_idempotency.enqueue()
    return True
