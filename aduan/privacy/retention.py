"""Retention: personal data past its period (``RetentionPeriod``) is blanked, set-based.

One UPDATE per kind of data (plus one for the contacts left without a live report),
never a loop over rows; each kind that changed anything writes one audit entry. The
reports themselves, their events and the audit log stay (history is append-only);
what goes is who the reporter was and the raw texts of messages.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from aduan.accounts.audit import AuditAction, audit_record
from aduan.channels.models import (Contact, InboundMessage, InboundOutcome, OutboundMessage,
                                   OutboundStatus, ReportContact)
from aduan.reports.models import Report, Status

from .models import DEFAULT_DAYS, RetentionKind, RetentionPeriod

ERASED = Concat(Value("erased:"), Cast("id", CharField()))
_ENDED = (Status.CLOSED, Status.ARCHIVED)


def retention_periods() -> dict[str, int]:
    days = {kind: int(value) for kind, value in DEFAULT_DAYS.items()}
    days.update(RetentionPeriod.objects.values_list("kind", "days"))
    return days


def _expired_reports(cutoff):
    return (Report.objects.filter(status__in=_ENDED)
            .alias(ended=Coalesce("closed_at", "updated_at")).filter(ended__lt=cutoff))


def _identity(cutoff, dry_run: bool) -> int:
    held = (~Q(reporter_name="") | ~Q(reporter_email="") | ~Q(reporter_phone=""))
    rows = _expired_reports(cutoff).filter(held)
    if dry_run:
        return rows.count()
    count = rows.update(reporter_name="", reporter_email="", reporter_phone="")
    # Channel addresses used only by expired reports go too.
    live = ReportContact.objects.filter(contact=OuterRef("pk")).exclude(
        report__in=_expired_reports(cutoff))
    Contact.objects.filter(~Exists(live), reports__isnull=False).exclude(address="").update(
        address="", address_digest=ERASED, draft={})
    return count


def _inbound(cutoff, dry_run: bool) -> int:
    rows = (InboundMessage.objects.filter(received_at__lt=cutoff)
            .exclude(outcome=InboundOutcome.PENDING)
            .exclude(sender="", text="", payload={}))
    return rows.count() if dry_run else rows.update(sender="", text="", payload={})


def _outbox(cutoff, dry_run: bool) -> int:
    rows = (OutboundMessage.objects.filter(created_at__lt=cutoff)
            .exclude(status=OutboundStatus.PENDING).exclude(body="", payload={}))
    if dry_run:
        return rows.count()
    return rows.update(recipient=ERASED, recipient_digest=ERASED, subject="", body="", payload={})


_APPLY = {
    RetentionKind.CLOSED_REPORT_IDENTITY: _identity,
    RetentionKind.INBOUND_RAW: _inbound,
    RetentionKind.OUTBOX_BODY: _outbox,
}


def retention_apply(*, now=None, dry_run: bool = False, actor=None) -> dict[str, int]:
    """Blank what is past its period; {kind: rows changed (or that would be)}."""
    now = now or timezone.now()
    done = {}
    for kind, days in retention_periods().items():
        cutoff = now - timedelta(days=days)
        with transaction.atomic():
            done[kind] = _APPLY[kind](cutoff, dry_run)
            if done[kind] and not dry_run:
                audit_record(AuditAction.RETENTION_APPLIED, actor=actor, target=f"kind:{kind}",
                             kind=kind, days=days, cutoff=cutoff.isoformat(), rows=done[kind])
    return done
