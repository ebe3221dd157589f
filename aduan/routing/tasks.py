"""Background tasks of the routing app (run by the database-backed worker).

Intake never writes a task row per report: a web process kicks the routing
sweep at most once a second, and the sweep routes every waiting report in
batches and runs again while it finds work. The worker's scheduler also kicks
it every half minute, which picks up a report whose kick fell in a window
just after a sweep looked.
"""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from aduan.accounts.sealing import seal_pending
from aduan.lib.throttle import Throttle

from .services import PENDING_BATCH, route_pending, route_pending_exists

KICK_EVERY = 1.0
_kicks = Throttle(KICK_EVERY)
# Routing runs before the other tasks that are due (the outbox's deliveries above all):
# it is what a waiting report's dispatch, deadlines and messages wait for.
PRIORITY = 10


@task(priority=PRIORITY)
def route_new_reports() -> int:
    """Route waiting reports; run again shortly while there is traffic."""
    routed = route_pending()
    # Submissions' events that their throttled after-commit seals left (ADR 0011).
    seal_pending("events")
    if routed >= PENDING_BATCH:
        route_new_reports.enqueue()
    elif routed:
        route_new_reports.using(run_after=timezone.now() + timedelta(seconds=KICK_EVERY)) \
            .enqueue()
    return routed


def routing_kick(*, force: bool = False) -> bool:
    """Enqueue the routing sweep unless this process did so within the last second.

    The sweep starts a second later, so the reports submitted meanwhile (whose
    kicks were skipped) have committed by the time it looks.
    """
    if not _kicks.ready(force=force):
        return False
    route_new_reports.using(run_after=timezone.now() + timedelta(seconds=KICK_EVERY)).enqueue()
    return True


def routing_safety_net() -> bool:
    """Kick the sweep if reports wait unrouted (called by the worker's scheduler)."""
    return route_pending_exists() and routing_kick(force=True)
