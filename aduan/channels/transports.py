"""Senders for the outbox: one per outbound channel, registered by the door that owns it.

The outbox (a domain module) never imports a door; each door registers its
sender when its app is ready. A sender sends one message and returns the
provider's id for it (or ""); it raises ``PermanentFailure`` when the provider
refuses the message for good (it goes to the dead letters at once) and any
other exception for a failure worth retrying.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage

from .models import OutboundChannel, OutboundMessage

Sender = Callable[[OutboundMessage], str]

_senders: dict[str, Sender] = {}
# Channels retried for a time rather than a number of attempts (partner webhooks: 24 h).
_retry_windows: dict[str, timedelta] = {}


class PermanentFailure(Exception):
    """The provider refused this message for good: retrying cannot help."""


def transport_register(channel: str, sender: Sender, *,
                       retry_for: timedelta | None = None) -> None:
    """Register the sender of ``channel``; ``retry_for`` retries failures that long after a
    message was queued, instead of a fixed number of attempts."""
    _senders[channel] = sender
    if retry_for is not None:
        _retry_windows[channel] = retry_for


def retry_window(channel: str) -> timedelta | None:
    return _retry_windows.get(channel)


def transport_for(channel: str) -> Sender | None:
    return _senders.get(channel)


def transports_registered() -> list[str]:
    return sorted(_senders)


def email_send(message: OutboundMessage) -> str:
    """Send a message by e-mail with a stable Message-ID, so a mail server can drop a repeat."""
    message_id = f"<outbox-{message.pk}@{settings.ADUAN['MAIL_DOMAIN']}>"
    headers = {"Message-ID": message_id}
    # A reply to a reporter who wrote in by e-mail stays in their thread.
    thread = message.payload.get("thread", "") if message.channel == OutboundChannel.EMAIL else ""
    if thread.startswith("<") and thread.endswith(">") and "\n" not in thread:
        headers.update({"In-Reply-To": thread, "References": thread})
    EmailMessage(subject=message.subject or "Aduan", body=message.body, to=[message.recipient],
                 headers=headers).send()
    return message_id


transport_register(OutboundChannel.EMAIL, email_send)
