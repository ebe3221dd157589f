"""Abuse limits on inbound messages, counted once per claimed batch.

Per contact: at most ``CHANNEL_CONTACT_PER_HOUR`` messages *answered* in an hour
(``processed_at``), so a flood kept for later trickles out at the limit's pace
instead of all at once an hour on. Per door: at most ``CHANNEL_DOOR_PER_MINUTE``
messages received in a minute. A message over a limit waits (``inbound._defer``);
nothing is dropped. The counts are read in two grouped queries for the whole batch
and kept up to date in memory while it is answered; another worker's batch running
at the same moment is not seen until the next batch, which is close enough for a
limit against floods (it is not a quota).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count

from .models import Contact, InboundMessage

CONTACT_WAIT = timedelta(minutes=10)
DOOR_WAIT = timedelta(minutes=1)


class Limits:
    def __init__(self, contacts: list[Contact], providers: set[str], now: datetime):
        self.on = bool(settings.ADUAN["RATE_LIMITS"])
        self.per_hour = settings.ADUAN["CHANNEL_CONTACT_PER_HOUR"]
        self.per_minute = settings.ADUAN["CHANNEL_DOOR_PER_MINUTE"]
        self.answered: dict[int, int] = {}
        self.arrived: dict[str, int] = {}
        if not self.on:
            return
        self.answered = dict(
            InboundMessage.objects.filter(contact__in=[c.pk for c in contacts],
                                          processed_at__gte=now - timedelta(hours=1))
            .values_list("contact").annotate(n=Count("pk")).values_list("contact", "n"))
        self.arrived = dict(
            InboundMessage.objects.filter(provider__in=providers,
                                          received_at__gte=now - timedelta(minutes=1))
            .values_list("provider").annotate(n=Count("pk")).values_list("provider", "n"))

    def wait(self, contact: Contact, message: InboundMessage) -> timedelta | None:
        """How long the message must wait, or None when it is within the limits."""
        if not self.on:
            return None
        if self.answered.get(contact.pk, 0) >= self.per_hour:
            return CONTACT_WAIT
        if self.arrived.get(message.provider, 0) > self.per_minute:
            return DOOR_WAIT
        return None

    def count_answer(self, contact: Contact) -> None:
        self.answered[contact.pk] = self.answered.get(contact.pk, 0) + 1


def limits_for(batch: list[InboundMessage], contacts: list[Contact], now: datetime) -> Limits:
    return Limits(contacts, {message.provider for message in batch}, now)
