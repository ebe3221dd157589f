"""Everything held about one data subject, found once for the download and the erasure.

A subject is a reporter account (its reports, their contacts, its push subscriptions
and the messages sent to it) or the reporter of one report, proved by its PIN.
Messages count as the subject's when they went to one of the subject's addresses:
the e-mail and phone on their reports or account, and their reports' channel contacts.
"""

from django.db.models import Q

from aduan.channels.models import (Contact, InboundMessage, Notice, OutboundMessage, ReportContact,
                                   recipient_digest)
from aduan.push.models import PushSubscription
from aduan.reports.models import Report
from aduan.reports.subjects import DataSubject


def subject_reports(subject: DataSubject):
    return Report.objects.filter(pk__in=subject.report_ids).order_by("created_at", "id")


def subject_contacts(subject: DataSubject):
    ids = ReportContact.objects.filter(report_id__in=subject.report_ids).values("contact_id")
    return Contact.objects.filter(pk__in=ids).order_by("id")


def subject_addresses(subject: DataSubject) -> set[str]:
    addresses = set(subject_contacts(subject).values_list("address", flat=True))
    for email, phone in subject_reports(subject).values_list("reporter_email", "reporter_phone"):
        addresses.update([email, phone])
    if subject.user is not None:
        addresses.update([subject.user.email, getattr(subject.user, "phone", "")])
    return {address for address in addresses if address}


def subject_outbox(subject: DataSubject, addresses: set[str] | None = None):
    """Messages to the subject: about their reports, or (an account) to the account."""
    addresses = subject_addresses(subject) if addresses is None else addresses
    to_them = Q(recipient_digest__in={recipient_digest(address) for address in addresses})
    about = Q(event__report_id__in=subject.report_ids)
    scope = about | Q(event__isnull=True) if subject.user is not None else about
    return OutboundMessage.objects.filter(to_them & scope).order_by("id")


def subject_inbound(subject: DataSubject):
    mine = Q(report_id__in=subject.report_ids)
    if subject.user is not None:
        mine |= Q(contact__in=subject_contacts(subject))
    return InboundMessage.objects.filter(mine).order_by("id")


def subject_push(subject: DataSubject):
    mine = Q(report_id__in=subject.report_ids)
    if subject.user is not None:
        mine |= Q(user=subject.user)
    return PushSubscription.objects.filter(mine).order_by("id")


def subject_notices(subject: DataSubject):
    if subject.user is None:
        return Notice.objects.none()
    return Notice.objects.filter(user=subject.user).order_by("id")
