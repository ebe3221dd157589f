"""Queue and deliver outbound messages with retries and backoff.

Delivery claims a batch of due rows (``skip_locked`` on PostgreSQL, so several
workers never take the same row), sends each outside any transaction, then
records the outcome. A worker that dies mid-send leaves its claim to expire,
and the message is retried: delivery is at least once, with a stable
Message-ID so a mail server can drop a repeat.
"""

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from aduan.reports.training import training_mode

from .models import OutboundMessage, OutboundStatus
from .transports import PermanentFailure, retry_window, transport_for

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
CLAIM = timedelta(minutes=5)
BATCH = 50
RECORD_EVERY = 50


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 hours."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _claim(now: datetime, limit: int) -> list[OutboundMessage]:
    with transaction.atomic():
        due = (OutboundMessage.objects
               .filter(status=OutboundStatus.PENDING, next_attempt_at__lte=now)
               .exclude(claimed_until__gt=now)
               .order_by("next_attempt_at"))
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due[:limit])
        OutboundMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            claimed_until=now + CLAIM)
    return batch


def _send(message: OutboundMessage) -> str:
    sender = transport_for(message.channel)
    if sender is None:
        raise RuntimeError(f"no sender for channel {message.channel}")
    return sender(message) or ""


def _gives_up(message: OutboundMessage, attempts: int, now: datetime) -> bool:
    window = retry_window(message.channel)
    if window is not None:
        return now + backoff(attempts) > message.created_at + window
    return attempts >= MAX_ATTEMPTS


def _record(message: OutboundMessage, now: datetime, error: Exception | None,
            reference: str = "") -> None:
    attempts = message.attempts + 1
    if error is None:
        changes = {"status": OutboundStatus.SENT, "sent_at": now, "last_error": "",
                   "provider_ref": reference[:120]}
    elif _gives_up(message, attempts, now) or isinstance(error, PermanentFailure):
        changes = {"status": OutboundStatus.FAILED, "last_error": str(error)[:500]}
    else:
        changes = {"next_attempt_at": now + backoff(attempts), "last_error": str(error)[:500]}
    OutboundMessage.objects.filter(pk=message.pk).update(
        attempts=attempts, claimed_until=None, **changes)


def outbox_deliver_due(*, now: datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send what is due; return counts. Safe to run in several workers at once."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "skipped": 0}
    batch = _claim(now, limit)
    training = bool(batch) and training_mode()
    outcomes = []
    for message in batch:
        if training:
            OutboundMessage.objects.filter(pk=message.pk).update(
                status=OutboundStatus.SKIPPED, claimed_until=None)
            counts["skipped"] += 1
            continue
        try:
            reference = _send(message)
        except Exception as exc:  # any failure of the provider means: try again later
            logger.warning("outbox message %s failed: %s", message.pk, type(exc).__name__)
            outcomes.append((message, timezone.now(), exc, ""))
            counts["retry"] += 1
        else:
            outcomes.append((message, timezone.now(), None, reference))
            counts["sent"] += 1
        if len(outcomes) >= RECORD_EVERY:
            _record_all(outcomes)
    _record_all(outcomes)
    return counts


def _record_all(outcomes: list) -> None:
    # One commit for many outcomes: a commit per message made the disk's flush, not the
    # sending, the limit. A crash before it leaves those messages claimed; they are sent
    # again after the claim expires (delivery is at least once anyway). Successes with the
    # same provider answer (a webhook's "HTTP 204") are recorded by one statement.
    sent: dict[str, list[int]] = {}
    with transaction.atomic():
        for message, now, error, reference in outcomes:
            if error is None:
                sent.setdefault(reference[:120], []).append(message.pk)
            else:
                _record(message, now, error)
        for reference, ids in sent.items():
            OutboundMessage.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1, claimed_until=None, status=OutboundStatus.SENT,
                sent_at=timezone.now(), last_error="", provider_ref=reference)
    outcomes.clear()


def next_due_at() -> datetime | None:
    return (OutboundMessage.objects.filter(status=OutboundStatus.PENDING)
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())


def outbox_retry(*, message_id: int) -> bool:
    """Give a dead letter another round of attempts (staff saw why it failed and fixed it)."""
    return bool(OutboundMessage.objects.filter(pk=message_id, status=OutboundStatus.FAILED)
                .update(status=OutboundStatus.PENDING, attempts=0, claimed_until=None,
                        next_attempt_at=timezone.now(), last_error=""))
