"""Erasure of a reporter's identity (UU PDP): the reports stay, anonymised; nothing is deleted
from the chained history.

Blanked: the name, e-mail and phone on the reports (and those words wherever the
reporter wrote them in the report and its events), channel addresses, the raw
messages they sent, the texts and addresses of messages sent to them; their push
subscriptions are removed. An account is kept as an empty, inactive row (events name
it as their actor, and those facts are chained), under a new name.
"""

from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from aduan.accounts.audit import AuditAction, audit_record
from aduan.accounts.chain import seal
from aduan.channels.models import Contact, OutboundStatus, ReportContact
from aduan.lib.redact import Identity, redact_identity
from aduan.reports.models import Report, ReportEvent
from aduan.reports.subjects import DataSubject

from .subject import (subject_addresses, subject_contacts, subject_inbound, subject_notices,
                      subject_outbox, subject_push)

ERASED = Concat(Value("erased:"), Cast("id", CharField()))


def _scrub(value, identity: Identity):
    if isinstance(value, str):
        return redact_identity(value, identity)
    if isinstance(value, dict):
        return {key: _scrub(item, identity) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, identity) for item in value]
    return value


def _identities(subject: DataSubject, reports: list[Report]) -> list[Identity]:
    found = [Identity(name=r.reporter_name, email=r.reporter_email, phone=r.reporter_phone)
             for r in reports]
    if subject.user is not None:
        user = subject.user
        found.append(Identity(name=user.get_full_name(), email=user.email,
                              phone=getattr(user, "phone", "")))
    return [i for i in found if i.name or i.email or i.phone]


def _scrub_all(value, identities: list[Identity]):
    for identity in identities:
        value = _scrub(value, identity)
    return value


def _erase_report(report: Report, identities: list[Identity]) -> None:
    for field in ("title", "body", "public_title", "public_body", "rating_comment"):
        setattr(report, field, _scrub_all(getattr(report, field), identities))
    report.reporter_name = report.reporter_email = report.reporter_phone = ""
    report.reporter = None
    report.anonymous = True  # only ever stricter (DESIGN §2)
    report.save(update_fields=["title", "body", "public_title", "public_body", "rating_comment",
                               "reporter_name", "reporter_email", "reporter_phone", "reporter",
                               "anonymous", "updated_at"])


def _erase_events(report_ids, identities: list[Identity], now) -> int:
    """Rewrite, once, the events whose texts or data name the reporter."""
    changed = []
    for event in ReportEvent.objects.filter(report_id__in=report_ids, erased_at__isnull=True):
        new = {field: _scrub_all(getattr(event, field), identities)
               for field in ("message", "public_message", "data")}
        if any(new[field] != getattr(event, field) for field in new):
            for field, value in new.items():
                setattr(event, field, value)
            event.erased_at = now
            changed.append(event)
    # bulk_update, not save(): events refuse save() once written; the trigger allows this.
    ReportEvent.objects.bulk_update(changed, ["message", "public_message", "data", "erased_at"])
    return len(changed)


def _erase_channels(subject: DataSubject, addresses: set[str], now) -> dict:
    contacts = list(subject_contacts(subject).values_list("pk", flat=True))
    outbox = subject_outbox(subject, addresses)
    # Cancel first: once blanked, the messages no longer match the subject's addresses.
    counts = {
        "pending_cancelled": outbox.filter(status=OutboundStatus.PENDING).update(
            status=OutboundStatus.FAILED, last_error="identity erased"),
        "messages_to_you": outbox.update(recipient=ERASED, recipient_digest=ERASED, subject="",
                                         body="", payload={}),
        "inbound_messages": subject_inbound(subject).update(sender="", text="", payload={}),
        "push_subscriptions": subject_push(subject).delete()[0],
        "notices": subject_notices(subject).delete()[0],
    }
    # A contact also used by reports outside the subject's keeps its address; the link
    # from the subject's reports goes.
    shared = set(ReportContact.objects.filter(contact_id__in=contacts)
                 .exclude(report_id__in=subject.report_ids).values_list("contact_id", flat=True))
    ReportContact.objects.filter(report_id__in=subject.report_ids, contact_id__in=shared).delete()
    counts["contacts"] = (Contact.objects.filter(pk__in=set(contacts) - shared)
                          .update(address="", address_digest=ERASED, opted_out_at=now, draft={}))
    return counts


def _erase_account(user, now) -> None:
    user.username = f"erased-{user.pk}"
    user.email = user.first_name = user.last_name = ""
    if hasattr(user, "phone"):
        user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)


def identity_erase(*, subject: DataSubject, actor=None, now=None) -> dict:
    """Erase the subject's identity everywhere it is held; return what was done (audited)."""
    now = now or timezone.now()
    with transaction.atomic():
        reports = list(Report.objects.select_for_update().filter(pk__in=subject.report_ids))
        # Only sealed events may be rewritten (the chain keeps their digest). With the
        # reports locked no new event can join them; seal what committed before.
        seal("events")
        identities = _identities(subject, reports)
        addresses = subject_addresses(subject)
        counts = _erase_channels(subject, addresses, now)
        counts["events"] = _erase_events(subject.report_ids, identities, now)
        for report in reports:
            _erase_report(report, identities)
        counts["reports"] = len(reports)
        target = subject.target
        if subject.user is not None:
            _erase_account(subject.user, now)
        audit_record(AuditAction.IDENTITY_ERASED, actor=actor, target=target,
                     reports=list(subject.report_ids), counts=counts)
    return counts
