"""Contacts: a reporter's address on a channel, found by a keyed digest, and their reports."""

import re

from django.utils import timezone

from aduan.lib import vault

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
    return vault.digest("contact", f"{channel}:{address}")


def contacts_get_or_create(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Contact]:
    """The contacts of a batch's senders: (channel, address as sent) -> contact, in at most
    three queries whatever the batch's size (find, create the missing, read them back)."""
    keys = {pair: (pair[0], address_digest(pair[0], normalise_address(*pair))) for pair in pairs}
    found = _contacts_by_key(set(keys.values()))
    missing = {key: pair for pair, key in keys.items() if key not in found}
    if missing:
        # Another worker may create the same contact meanwhile: its row wins, ours is skipped.
        Contact.objects.bulk_create([
            Contact(channel=channel, address=normalise_address(*missing[(channel, digest)]),
                    address_digest=digest) for channel, digest in missing], ignore_conflicts=True)
        found |= _contacts_by_key(set(missing))
    return {pair: found[key] for pair, key in keys.items()}


def _contacts_by_key(keys: set[tuple[str, str]]) -> dict[tuple[str, str], Contact]:
    if not keys:
        return {}
    rows = Contact.objects.filter(channel__in={channel for channel, _digest in keys},
                                  address_digest__in=[digest for _channel, digest in keys])
    return {(c.channel, c.address_digest): c for c in rows if (c.channel, c.address_digest) in keys}


def contact_of_report(report_id: int) -> ReportContact | None:
    return (ReportContact.objects.select_related("contact")
            .filter(report_id=report_id).first())


def contact_link(*, report_id: int, contact: Contact, provider: str,
                 thread_ref: str = "") -> ReportContact:
    """The row recording that the report came from the contact (for the caller to insert:
    the report is new); the contact's known reports include it from now on."""
    known = getattr(contact, "_report_ids", None)
    if known is not None:
        known.insert(0, report_id)
    return ReportContact(report_id=report_id, contact=contact, provider=provider,
                         thread_ref=thread_ref[:300])


def contact_opt_out(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(opted_out_at=timezone.now())
    contact.opted_out_at = timezone.now()


REPORTS_KEPT = 50


def contact_report_ids(contact: Contact) -> list[int]:
    """The contact's reports, newest first (read once per worker batch, see below)."""
    known = getattr(contact, "_report_ids", None)
    if known is not None:
        return known[:REPORTS_KEPT]
    return list(ReportContact.objects.filter(contact=contact)
                .order_by("-created_at").values_list("report_id", flat=True)[:REPORTS_KEPT])


def contacts_prefetch_reports(contacts: list[Contact]) -> None:
    """Read the reports of many contacts in one query; ``contact_link`` keeps them current."""
    if not contacts:
        return
    by_contact: dict[int, list[int]] = {contact.pk: [] for contact in contacts}
    for contact_id, report_id in (ReportContact.objects.filter(contact__in=list(by_contact))
                                  .order_by("contact_id", "-created_at", "-report_id")
                                  .values_list("contact_id", "report_id")):
        by_contact[contact_id].append(report_id)
    for contact in contacts:
        contact._report_ids = by_contact[contact.pk]


def masked(address: str) -> str:
    """An address as staff lists show it: enough to tell two apart, not to dial."""
    if len(address) <= 4:
        return "•" * len(address)
    return address[:3] + "•" * (len(address) - 5) + address[-2:]
