"""Inbound messages: stored raw at once by the door, read and answered by the worker.

A door calls ``inbound_store`` after checking the provider's signature and
answers the provider straight away; a redelivery of the same provider message id
finds the row already there and changes nothing. The worker claims waiting rows
(``skip_locked`` on PostgreSQL), parses each outside any transaction (a photo may
have to be fetched), then answers them a chunk to a transaction: the chunk's answers
are decided one after the other and their rows written together (``answers``: the
reports filed in one go through the intake's batch form); if that fails, the chunk
is rolled back and answered again one message at a time, each in a savepoint, so the
message at fault is left to retry alone. A worker killed half-way leaves the rows
waiting and each is answered once, later.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from aduan.lib.throttle import Throttle

from . import replies
from .answers import Answers
from .contacts import contacts_get_or_create, contacts_prefetch_reports
from .conversation import Turn, converse, provider_channel
from .limits import Limits, limits_for
from .models import Contact, InboundMessage, InboundOutcome
from .parsers import Incoming, Unreadable, parser_for

logger = logging.getLogger(__name__)
CLAIM = timedelta(minutes=5)
BATCH = 100
# Messages answered per transaction: one commit (and one seal of the event chain) for
# many reports, while SQLite's single writer lock is held a fraction of a second, not
# the whole batch (a door's acknowledgement waits for it).
ANSWER_CHUNK = 25
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
    if not _insert_once(row):
        return None, False
    inbound_kick()
    return row, True


# What a new row carries; the other columns are NULL until the worker reads it.
_NEW_FIELDS = ("provider", "provider_message_id", "sender", "payload", "received_at", "text",
               "outcome", "error", "attempts")


def _insert_once(row: InboundMessage) -> bool:
    """Insert unless (provider, provider message id) is there; True when inserted.

    One statement (``ON CONFLICT DO NOTHING RETURNING``, SQLite and PostgreSQL alike)
    instead of a savepoint, the ORM's insert and an IntegrityError for a replay: this is
    the acknowledgement path of every door, and a replay is an ordinary event there.
    """
    meta = InboundMessage._meta
    fields = [meta.get_field(name) for name in _NEW_FIELDS]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))}) "
           f"ON CONFLICT ({quote('provider')}, {quote('provider_message_id')}) DO NOTHING "
           f"RETURNING {quote(meta.pk.column)}")
    params = [field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields]
    found = _run_once(sql, params)
    if found is None:
        return False
    row.pk = found[0]
    return True


def _run_once(sql: str, params: list):
    """Run the door's one statement; outside a transaction, without the health check's
    ``SELECT 1`` first (``CONN_HEALTH_CHECKS``, a round trip on every request) and once
    more on a fresh connection if the kept one turns out dead.

    Safe because the statement is idempotent: if the first try did commit before the
    connection broke, the second finds the row and changes nothing (then it reads as a
    replay, and the worker's safety net reads the message, as for any missed kick).
    """
    retry = not connection.in_atomic_block and connection.health_check_enabled
    if retry:
        connection.health_check_done = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except (OperationalError, InterfaceError):
        if not retry:
            raise
        connection.close()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


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


@dataclass
class Batch:
    """What a claimed batch's messages share, read in a few queries for all of them:
    each sender's contact (with its reports), and the rate limits' counts."""

    contacts: dict[tuple[str, str], Contact]
    limits: Limits
    now: datetime
    # Contacts whose ``last_inbound_at`` becomes ``now``: one UPDATE for the batch.
    heard: set[int] = field(default_factory=set)
    # The rows of the answers made so far, written together.
    answers: Answers = field(default_factory=Answers)

    def contact(self, message: InboundMessage) -> Contact:
        return self.contacts[_contact_key(message)]

    def flush(self) -> None:
        if self.heard:
            Contact.objects.filter(pk__in=self.heard).update(last_inbound_at=self.now)


def _contact_key(message: InboundMessage) -> tuple[str, str]:
    return provider_channel(message.provider, message.payload), message.sender


def batch_load(messages: list[InboundMessage], now: datetime) -> Batch:
    contacts = contacts_get_or_create({_contact_key(message) for message in messages})
    contacts_prefetch_reports(list(contacts.values()))
    return Batch(contacts, limits_for(messages, list(contacts.values()), now), now)


def inbound_process_due(*, limit: int = BATCH) -> int:
    """Answer every due message of one batch; return how many were claimed.

    Each message is parsed first, outside any transaction (a photo may have to be
    fetched); then they are answered ``ANSWER_CHUNK`` to a transaction, each message in
    its own savepoint, so its report, receipt and outcome are written together or not
    at all and one message that fails does not undo the others. A worker killed before
    a commit leaves that chunk's messages waiting, claimed again once the claim runs out.
    """
    now = timezone.now()
    messages = _claim(now, limit)
    read = [(message, *parsed) for message in messages if (parsed := _read(message))]
    for start in range(0, len(read), ANSWER_CHUNK):
        _answer_all(read[start:start + ANSWER_CHUNK], now)
    return len(messages)


def inbound_process(message: InboundMessage) -> str:
    """Parse and answer one claimed message; return its outcome."""
    parsed = _read(message)
    if parsed is None:
        return InboundOutcome.PENDING
    return _answer_all([(message, *parsed)], timezone.now()).get(message.pk,
                                                                 InboundOutcome.IGNORED)


def _read(message: InboundMessage) -> tuple[Incoming | None, str] | None:
    """What the message says (None and the reason when unreadable); None to try later."""
    try:
        return _parse(message), ""
    except Unreadable as exc:
        return None, str(exc)
    except Exception as exc:  # a provider's media server down: try again later
        logger.warning("inbound message %s could not be read: %s", message.pk,
                       type(exc).__name__)
        if message.attempts + 1 < MAX_ATTEMPTS:
            _retry_later(message, type(exc).__name__)
            return None
        return None, type(exc).__name__


def _retry_later(message: InboundMessage, error: str) -> None:
    """Leave the message waiting, read again after a backoff (at most an hour)."""
    InboundMessage.objects.filter(pk=message.pk).update(
        attempts=message.attempts + 1, error=error[:500],
        claimed_until=timezone.now() + timedelta(minutes=2 ** min(message.attempts, 6)))


def _answer_all(read: list[tuple[InboundMessage, Incoming | None, str]],
                now: datetime) -> dict[int, str]:
    if not read:
        return {}
    with transaction.atomic():
        # Rows another worker answered after our claim ran out are left alone.
        waiting = dict(InboundMessage.objects.select_for_update()
                       .filter(pk__in=[message.pk for message, *_ in read], outcome__in=WAITING)
                       .values_list("pk", "outcome"))
        read = [item for item in read if item[0].pk in waiting]
        for message, *_ in read:
            message.outcome = waiting[message.pk]
        messages = [message for message, *_ in read]
        outcomes = None
        if len(read) > 1:
            batch = batch_load(messages, now)
            try:
                with transaction.atomic():
                    outcomes = _answer_together(read, batch)
            except Exception as exc:  # one answer's fault: find it, answer the others
                logger.warning("inbound chunk of %d answered one by one after %s", len(read),
                               type(exc).__name__)
        if outcomes is None:  # what the failed attempt changed in memory is read again
            batch = batch_load(messages, now)
            outcomes = _answer_each(read, batch, now)
        batch.flush()
    return outcomes


def _answer_together(read, batch: Batch) -> dict[int, str]:
    """Answer the chunk, writing the answers' rows together (see ``answers``)."""
    outcomes, unwritten = {}, set()
    for message, incoming, error in read:
        contact = batch.contact(message)
        if contact.pk in unwritten:  # its earlier answer must be seen by this one
            batch.answers.flush()
            unwritten.clear()
        unwritten.add(contact.pk)
        outcomes[message.pk] = _answer(message, incoming, error, batch)
    batch.answers.flush()
    return outcomes


def _answer_each(read, batch: Batch, now: datetime) -> dict[int, str]:
    """Answer one message at a time, each in its own savepoint: one that raises is rolled
    back alone and left waiting (backoff, error type logged) while the others commit."""
    outcomes = {}
    for message, incoming, error in read:
        try:
            with transaction.atomic():
                outcomes[message.pk] = _answer(message, incoming, error, batch)
                batch.answers.flush()
        except Exception as exc:  # a bug must not hold the batch back: the rest goes on
            batch.answers.clear()
            # The type only: a database error's text may quote the row's values.
            logger.error("inbound message %s could not be answered: %s", message.pk,
                         type(exc).__name__)
            if message.attempts + 1 < MAX_ATTEMPTS:
                _retry_later(message, type(exc).__name__)
            else:  # kept as failed for staff to see, like a message that cannot be read
                _give_up(message, type(exc).__name__, now)
                outcomes[message.pk] = InboundOutcome.FAILED
            _forget(batch.contact(message))
    return outcomes


def _give_up(message: InboundMessage, error: str, now: datetime) -> None:
    InboundMessage.objects.filter(pk=message.pk).update(
        outcome=InboundOutcome.FAILED, attempts=message.attempts + 1, error=error[:500],
        processed_at=now, claimed_until=None)


def _forget(contact: Contact) -> None:
    """After a rolled-back answer, the contact as the database still has it."""
    contact.refresh_from_db(fields=["draft", "opted_out_at", "last_inbound_at"])
    contact.__dict__.pop("_report_ids", None)


def _parse(message: InboundMessage) -> Incoming:
    parser = parser_for(message.provider)
    if parser is None:
        raise Unreadable(f"no reader for {message.provider}")
    return parser(message.payload)


def _answer(message: InboundMessage, incoming: Incoming | None, error: str,
            batch: Batch) -> str:
    now = timezone.now()
    contact = batch.contact(message)
    turn = Turn(contact, message, incoming or Incoming(), batch.answers)
    if incoming is not None and not incoming.ignore:
        wait = batch.limits.wait(contact, message)
        if wait is not None:
            return _defer(turn, wait, first=message.outcome == InboundOutcome.PENDING)
    batch.limits.count_answer(contact)
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
        batch.heard.add(contact.pk)
        outcome, report_id = converse(turn)
    batch.answers.record(message, outcome=outcome, report_id=report_id, **fields)
    return outcome


# --- abuse limits (counted in ``limits``) --------------------------------------------
# A message over a limit is not dropped: it waits (outcome ``rate_limited``, not processed)
# and the worker reads it again once the limit has room, in the order it came.


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
