"""The router's periodic work, enqueued by the worker's scheduler: retraining and drift flags.

The router retrains by itself every ``ADUAN_ROUTING_RETRAIN_DAYS`` (30 by default;
0 turns it off) on the seed corpus and all history; ``training.train(guard=True)``
keeps the active model when the new one is worse on held-out recent history.
Agencies whose volume jumps or that get a new kind of complaint are flagged daily.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .drift import drift_flags
from .models import RoutingState

logger = logging.getLogger(__name__)
FLAGS_EVERY = timedelta(days=1)


@task()
def retrain_router() -> dict:
    from .training import train

    result = train(guard=True)
    logger.info("router retrained: %s", result.metrics.get("decision"))
    return {"category_model": result.category_model_id, "agency_model": result.agency_model_id,
            "decision": result.metrics.get("decision")}


@task()
def flag_agencies() -> int:
    return len(drift_flags())


def routing_periodic(now=None) -> list[str]:
    """Enqueue what is due (called by every worker's scheduler; one enqueues per interval)."""
    now = now or timezone.now()
    days = settings.ADUAN["ROUTING_RETRAIN_DAYS"]
    due = []
    with transaction.atomic():
        RoutingState.objects.get_or_create(pk=1)
        state = RoutingState.objects.select_for_update().get(pk=1)
        if state.next_retrain_at is None:  # a new site: its model was trained at setup
            state.next_retrain_at = now + timedelta(days=days or 1)
        elif days and state.next_retrain_at <= now:
            state.next_retrain_at = now + timedelta(days=days)
            due.append("retrain")
            transaction.on_commit(retrain_router.enqueue)
        if state.next_flags_at is None or state.next_flags_at <= now:
            state.next_flags_at = now + FLAGS_EVERY
            due.append("flags")
            transaction.on_commit(flag_agencies.enqueue)
        state.save()
    return due
