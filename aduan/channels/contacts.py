"""Contacts: a reporter's address on a channel, found by a keyed digest, and their reports."""

import hashlib
import hmac
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Contact, OutboundChannel, Provider, ReportContact

# Which outbound channel answers a door.
CHANNEL_OF = {
    Provider.SMS_GATEWAY: OutboundChannel.SMS, Provider.TWILIO: OutboundChannel.SMS,
    Provider.WHATSAPP: OutboundChannel.WHATSAPP, Provider.TELEGRAM: OutboundChannel.TELEGRAM,
    Provider.X: OutboundChannel.TWITTER, Provider.EMAIL: OutboundChannel.EMAIL,
}


def normalise_address(channel: str, address: str) -> str:
    """One spelling per person: +62 numbers, lower-case mail and handles."""
    address = (address or "").strip()
    if address.startswith("simulator-"):
        return address  # the training simulator's trainees, never a real person
    if channel in (OutboundChannel.SMS, OutboundChannel.WHATSAPP):
        digits = re.sub(r"[^\d+]", "", address.removeprefix("whatsapp:"))
        if digits.startswith("0"):
            digits = "+62" + digits[1:]
        elif digits and not digits.startswith("+"):
            digits = "+" + digits
        return digits
    if channel == OutboundChannel.EMAIL:
        return address.lower()
    return address


def address_digest(channel: str, address: str) -> str:
    """A keyed HMAC of the address: looks it up without an index over phone numbers."""
    key = hashlib.sha256(b"aduan-contact:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{channel}:{address}".encode(), hashlib.sha256).hexdigest()


def contact_get_or_create(channel: str, address: str) -> Contact:
    address = normalise_address(channel, address)
    digest = address_digest(channel, address)
    contact = Contact.objects.filter(channel=channel, address_digest=digest).first()
    if contact is not None:
        return contact
    try:
        with transaction.atomic():
            return Contact.objects.create(channel=channel, address=address, address_digest=digest)
    except IntegrityError:  # another worker made it a moment ago
        return Contact.objects.get(channel=channel, address_digest=digest)


def contact_of_report(report_id: int) -> ReportContact | None:
    return (ReportContact.objects.select_related("contact")
            .filter(report_id=report_id).first())


def contact_link(*, report_id: int, contact: Contact, provider: str, thread_ref: str = "") -> None:
    ReportContact.objects.get_or_create(report_id=report_id, defaults={
        "contact": contact, "provider": provider, "thread_ref": thread_ref[:300]})


def contact_opt_out(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(opted_out_at=timezone.now())
    contact.opted_out_at = timezone.now()


def contact_report_ids(contact: Contact) -> list[int]:
    """The contact's reports, newest first."""
    return list(ReportContact.objects.filter(contact=contact)
                .order_by("-created_at").values_list("report_id", flat=True)[:50])


def masked(address: str) -> str:
    """An address as staff lists show it: enough to tell two apart, not to dial."""
    if len(address) <= 4:
        return "•" * len(address)
    return address[:3] + "•" * (len(address) - 5) + address[-2:]
