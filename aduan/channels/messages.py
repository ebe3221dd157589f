"""Compose and queue notifications: e-mail through the outbox, notices in the back office.

Messages are written in Indonesian and then English in one text (a recipient's
language is not known). Templates are translated once per batch, not once per
message, because a sweep can send many thousands.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone, translation

from .models import Notice, OutboundChannel, OutboundMessage
from .tasks import kick_after_commit


class Recipient(NamedTuple):
    user_id: int | None
    email: str


@dataclass(frozen=True)
class Message:
    recipients: frozenset[Recipient]
    subject: str
    body: str
    purpose: str
    event_id: int | None = None


def bilingual(template) -> tuple[str, ...]:
    """The template in Indonesian and in English (one copy when both read the same)."""
    texts = []
    for language in ("id", "en"):
        with translation.override(language):
            texts.append(str(template))
    return tuple(dict.fromkeys(texts))


def fill(texts: tuple[str, ...], context: dict) -> str:
    return "\n\n".join(text % context for text in texts)


def compose(recipients: Iterable[Recipient], template: tuple, context: dict, *,
            purpose: str, event_id: int | None = None) -> Message:
    """One message from a (subject, body) template pair; the subject in Indonesian only."""
    return Message(frozenset(recipients), bilingual(template[0])[0] % context,
                   fill(bilingual(template[1]), context), purpose, event_id)


def send(messages: Iterable[Message]) -> None:
    """Queue e-mails (for recipients with an address) and notices (for staff accounts).

    Runs inside the caller's transaction; (event, recipient) pairs are unique, so
    nothing is queued twice for one event.
    """
    now = timezone.now()
    emails, notices = [], []
    for message in messages:
        for recipient in message.recipients:
            if recipient.email:
                emails.append(OutboundMessage(
                    channel=OutboundChannel.EMAIL, recipient=recipient.email,
                    subject=message.subject[:250], body=message.body, purpose=message.purpose,
                    event_id=message.event_id, next_attempt_at=now))
            if recipient.user_id:
                notices.append(Notice(
                    user_id=recipient.user_id, subject=message.subject[:250], body=message.body,
                    purpose=message.purpose, event_id=message.event_id, created_at=now))
    OutboundMessage.objects.bulk_create(emails, batch_size=1000, ignore_conflicts=True)
    Notice.objects.bulk_create(notices, batch_size=1000, ignore_conflicts=True)
    if emails:
        kick_after_commit()


def notices_for(user, *, unread_only: bool = False, limit: int = 50) -> list[Notice]:
    """The newest notices of a staff member's inbox."""
    notices = Notice.objects.filter(user=user)
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return list(notices.order_by("-created_at", "-id")[:limit])


def notices_mark_read(user, ids: Iterable[int] | None = None) -> int:
    notices = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=timezone.now())


def notices_unread_count(user, *, cap: int = 99) -> int:
    """How many notices wait unread (counted up to ``cap``; the badge shows "99+")."""
    return Notice.objects.filter(user=user, read_at__isnull=True)[:cap + 1].count()
