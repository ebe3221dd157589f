"""Compose and queue notifications: e-mail through the outbox, notices in the back office.

Messages are written in Indonesian and then English in one text (a recipient's
language is not known). Templates are translated once per batch, not once per
message, because a sweep can send many thousands.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.utils import timezone, translation

from aduan.lib import sms
from aduan.lib.tracking import display

from .contacts import contact_of_report
from .models import Contact, Notice, OutboundChannel, OutboundMessage
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


# --- messages to a reporter's contact on the door they came in by -------------------


# Report channels whose reports come in by a channel door (values of reports.Channel).
DOOR_CHANNELS = frozenset({"sms", "whatsapp", "telegram", "twitter", "email"})


def track_link(tracking_id: str) -> str:
    return f"{settings.SITE_URL}/lacak/?id={display(tracking_id)}"


def channel_text(channel: str, texts: tuple[str, ...], link: str = "") -> str:
    """The body for a channel: SMS in Indonesian only and at most three segments."""
    if channel == OutboundChannel.SMS:
        return sms.fit(texts[0], link)
    body = "\n\n".join(texts)
    return f"{body}\n{link}" if link else body


def contact_message(contact: Contact, body: str, *, purpose: str, subject: str = "",
                    event_id: int | None = None,
                    payload: dict | None = None) -> OutboundMessage | None:
    """The outbox row of a message to a contact on its channel (not saved).

    None for a contact that sent STOP, except for the confirmation of STOP itself.
    """
    if contact.opted_out_at is not None and purpose != "channel_stop":
        return None
    return OutboundMessage(
        channel=contact.channel, recipient=contact.address, subject=subject[:250], body=body,
        purpose=purpose, event_id=event_id, next_attempt_at=timezone.now(),
        payload={"contact": contact.pk, **(payload or {})})


def contact_send(contact: Contact, body: str, **fields) -> bool:
    """Queue one message to a contact (``contact_message``) inside the caller's transaction.

    ``(event, channel, recipient)`` is unique, so an event never queues twice.
    """
    row = contact_message(contact, body, **fields)
    if row is None:
        return False
    created = OutboundMessage.objects.bulk_create([row], ignore_conflicts=True)
    kick_after_commit()
    return bool(created)


def contact_notify(report, template: tuple, context: dict, *, purpose: str,
                   event_id: int | None) -> bool:
    """Tell a report's origin contact of an event, on its door; False if it has none."""
    if report.channel not in DOOR_CHANNELS or purpose == "report_submit":
        # Web and API reports have no contact; a door's new report is linked to its
        # contact after the submission and gets the door's own receipt: spare the look-up.
        return False
    link = contact_of_report(report.pk)
    if link is None:
        return False
    texts = tuple(text % context for text in bilingual(template[1]))
    body = channel_text(link.contact.channel, texts, track_link(report.tracking_id))
    subject = bilingual(template[0])[0] % context
    return contact_send(link.contact, body, purpose=purpose, subject=subject,
                        event_id=event_id, payload=thread_payload(link))


def thread_payload(link) -> dict:
    """What the door needs to keep a reply in its thread (a mail's References)."""
    payload = {"report": link.report_id, "door": link.provider}
    if link.thread_ref:
        payload["thread"] = link.thread_ref
    return payload
