"""Inbound messages: stored raw at once by the door, read and answered by the worker.

A door calls ``inbound_store`` after checking the provider's signature and
answers the provider straight away; a redelivery of the same provider message id
finds the row already there and changes nothing. The worker claims waiting rows
(``skip_locked`` on PostgreSQL), parses each outside any transaction (a photo may
have to be fetched), then answers it in one transaction with its outcome, so a
worker killed half-way leaves the row waiting and it is answered once, later.
"""

import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from aduan.lib.throttle import Throttle

from . import replies
from .contacts import contact_get_or_create
from .conversation import Turn, converse, provider_channel
from .models import InboundMessage, InboundOutcome
from .parsers import Incoming, Unreadable, parser_for

logger = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)
BATCH = 100
MAX_ATTEMPTS = 5


def inbound_store(*, provider: str, provider_message_id: str, sender: str, payload: dict,
                  now: datetime | None = None) -> tuple[InboundMessage | None, bool]:
    """Keep a provider's message; return it (None for a replay) and whether it is new.

    Text that is not valid Unicode (a lone surrogate from a broken JSON escape)
    cannot be stored as it is: the payload is kept escaped and read as unreadable.
    """
    try:
        json.dumps(payload, ensure_ascii=False).encode("utf-8")
        sender.encode("utf-8")
    except UnicodeEncodeError:
        payload = {"unreadable": json.dumps(payload)}
        sender = sender.encode("utf-8", "replace").decode("utf-8")
    row = InboundMessage(provider=provider, provider_message_id=provider_message_id[:200],
                         sender=sender[:254], payload=payload, received_at=now or timezone.now())
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        return None, False
    inbound_kick()
    return row, True


# --- the worker's side -------------------------------------------------------------

_kicks = Throttle(0.5)


def inbound_kick() -> None:
    """Have the worker read new messages soon (at most one kick per half second per process)."""
    if settings.ADUAN["CHANNELS"] == "inline":
        transaction.on_commit(inbound_process_due, robust=True)
    elif _kicks.ready():
        transaction.on_commit(_kick, robust=True)


def _kick() -> None:
    process_inbound.using(run_after=timezone.now() + timedelta(seconds=0.5)).enqueue()


@task()
def process_inbound() -> int:
    """Answer waiting inbound messages; run again while there are more."""
    done = inbound_process_due()
    if done >= BATCH:
        process_inbound.enqueue()
    return done


def inbound_safety_net() -> bool:
    """Kick the reader if messages wait unclaimed (called by the worker's scheduler)."""
    if not _due(timezone.now()).exists():
        return False
    process_inbound.enqueue()
    return True


# Rows the worker still has to answer: new ones, and those kept back by a rate limit.
WAITING = (InboundOutcome.PENDING, InboundOutcome.RATE_LIMITED)


def _due(now: datetime):
    return (InboundMessage.objects.filter(outcome__in=WAITING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)))


def _claim(now: datetime, limit: int) -> list[InboundMessage]:
    with transaction.atomic():
        due = _due(now).order_by("received_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        batch = list(due[:limit])
        InboundMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            claimed_until=now + CLAIM)
    return batch


def inbound_process_due(*, limit: int = BATCH) -> int:
    """Answer every due message of one batch; return how many were answered."""
    batch = _claim(timezone.now(), limit)
    for message in batch:
        inbound_process(message)
    return len(batch)


def inbound_process(message: InboundMessage) -> str:
    """Parse and answer one claimed message; return its outcome."""
    try:
        incoming, error = _parse(message), ""
    except Unreadable as exc:
        incoming, error = None, str(exc)
    except Exception as exc:  # a provider's media server down: try again later
        logger.warning("inbound message %s could not be read: %s", message.pk,
                       type(exc).__name__)
        if message.attempts + 1 < MAX_ATTEMPTS:
            InboundMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, error=type(exc).__name__[:500],
                claimed_until=timezone.now() + timedelta(minutes=2 ** message.attempts))
            return InboundOutcome.PENDING
        incoming, error = None, type(exc).__name__
    with transaction.atomic():
        return _answer(message, incoming, error)


def _parse(message: InboundMessage) -> Incoming:
    parser = parser_for(message.provider)
    if parser is None:
        raise Unreadable(f"no reader for {message.provider}")
    return parser(message.payload)


def _answer(message: InboundMessage, incoming: Incoming | None, error: str) -> str:
    locked = (InboundMessage.objects.select_for_update()
              .filter(pk=message.pk, outcome__in=WAITING).first())
    if locked is None:  # another worker answered it after our claim ran out
        return InboundOutcome.IGNORED
    now = timezone.now()
    contact = contact_get_or_create(provider_channel(message.provider, message.payload),
                                    message.sender)
    turn = Turn(contact, locked, incoming or Incoming())
    if incoming is not None and not incoming.ignore:
        wait = over_limit(contact, message, now=now)
        if wait is not None:
            return _defer(turn, wait, first=locked.outcome == InboundOutcome.PENDING)
    fields = {"contact": contact, "processed_at": now, "claimed_until": None,
              "attempts": message.attempts + 1, "error": ""}
    if incoming is None:
        outcome, report_id = InboundOutcome.FAILED, None
        turn.reply(replies.UNREADABLE, purpose="channel_error")
        fields["error"] = error[:500]
    elif incoming.ignore:
        outcome, report_id = InboundOutcome.IGNORED, None
        fields["error"] = incoming.ignore[:500]
    else:
        fields["text"] = incoming.text[:10_000]
        contact.last_inbound_at = now
        type(contact).objects.filter(pk=contact.pk).update(last_inbound_at=now)
        outcome, report_id = converse(turn)
    InboundMessage.objects.filter(pk=message.pk).update(outcome=outcome, report_id=report_id,
                                                        **fields)
    return outcome


# --- abuse limits ----------------------------------------------------------------
# A message over a limit is not dropped: it waits (outcome ``rate_limited``, not processed)
# and the worker reads it again once the limit has room, in the order it came.
CONTACT_WAIT = timedelta(minutes=10)
DOOR_WAIT = timedelta(minutes=1)


def over_limit(contact, message: InboundMessage, *, now: datetime) -> timedelta | None:
    """How long to wait when this contact had too many messages answered in the last hour,
    or too many came through this door in the last minute; None when within the limits."""
    limits = settings.ADUAN
    if not limits["RATE_LIMITS"]:
        return None
    # Counted as answered (processed_at), so a flood kept for later trickles out at the
    # limit's pace instead of all at once an hour later.
    per_hour = limits["CHANNEL_CONTACT_PER_HOUR"]
    mine = InboundMessage.objects.filter(contact=contact,
                                         processed_at__gte=now - timedelta(hours=1))
    if mine[:per_hour].count() >= per_hour:
        return CONTACT_WAIT
    cap = limits["CHANNEL_DOOR_PER_MINUTE"]
    door = InboundMessage.objects.filter(provider=message.provider,
                                         received_at__gte=now - timedelta(minutes=1))
    return DOOR_WAIT if door[:cap + 1].count() > cap else None


def _defer(turn: Turn, wait: timedelta, *, first: bool) -> str:
    """Keep the message for later; say so once, not once per message (a flood must not
    become our flood): on its first deferral, when no other message of the contact waits."""
    message = turn.message
    waiting = (InboundMessage.objects.filter(contact=turn.contact,
                                             outcome=InboundOutcome.RATE_LIMITED)
               .exclude(pk=message.pk).exists())
    if first and not waiting:
        turn.reply(replies.RATE_LIMITED, purpose="channel_rate_limited")
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=InboundOutcome.RATE_LIMITED, contact=turn.contact,
        text=turn.incoming.text[:10_000], claimed_until=timezone.now() + wait,
        error="over the rate limit: kept, read again later")
    return InboundOutcome.RATE_LIMITED
