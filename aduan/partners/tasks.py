"""Background work of the partners app, run by the database-backed worker."""

from django.tasks import task

from aduan.lib.throttle import Throttle

from .idempotency import idempotency_prune

PRUNE_EVERY = 600.0
_prunes = Throttle(PRUNE_EVERY)


@task()
def prune_idempotency() -> int:
    return idempotency_prune()


def partners_housekeeping() -> bool:
    """Enqueue pruning of old idempotency keys every ten minutes (called by the worker's scheduler)."""
    if not _prunes.ready():
        return False
    prune_idempotency.enqueue()
    return True
