"""The download of everything held about a data subject (UU PDP: right of access)."""

from django.utils import timezone

from aduan.accounts.audit import AuditAction, audit_record
from aduan.reports.access import View
from aduan.reports.callers import Caller
from aduan.reports.presenters import attachments_for, events_for, report_data
from aduan.reports.subjects import DataSubject

from .subject import (subject_addresses, subject_contacts, subject_inbound, subject_notices,
                      subject_outbox, subject_push, subject_reports)

FORMAT = "aduan-personal-data/1"


def _account(user) -> dict | None:
    if user is None:
        return None
    return {"username": user.get_username(), "email": user.email or None,
            "name": user.get_full_name() or None, "phone": getattr(user, "phone", "") or None,
            "joined_at": user.date_joined, "last_login": user.last_login,
            "api_tokens": [{"name": t.name, "created_at": t.created_at,
                            "last_used_at": t.last_used_at, "revoked_at": t.revoked_at}
                           for t in user.api_tokens.order_by("id")]}


def _report(report) -> dict:
    # What the reporter sees of their report, plus the identity it holds about them.
    as_reporter = Caller(pin_report_id=report.pk)
    data = report_data(report, View.REPORTER, as_reporter)
    data["reporter"] = {"name": report.reporter_name or None,
                        "email": report.reporter_email or None,
                        "phone": report.reporter_phone or None,
                        "anonymous": report.anonymous, "confidential": report.confidential}
    data["events"] = events_for(report, View.REPORTER, as_reporter)
    data["attachments"] = attachments_for(report, View.REPORTER, as_reporter)
    return data


def personal_data_export(*, subject: DataSubject, actor=None) -> dict:
    """Everything about the subject as one JSON-able dict; the download is audited."""
    addresses = subject_addresses(subject)
    document = {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "account": _account(subject.user),
        "reports": [_report(report) for report in
                    subject_reports(subject).select_related("holder", "category", "region")],
        "contacts": [{"channel": c.channel, "address": c.address, "created_at": c.created_at,
                      "opted_out_at": c.opted_out_at} for c in subject_contacts(subject)],
        "inbound_messages": [{"provider": m.provider, "received_at": m.received_at,
                              "sender": m.sender, "text": m.text}
                             for m in subject_inbound(subject)],
        "messages_to_you": [{"channel": m.channel, "recipient": m.recipient,
                             "subject": m.subject, "body": m.body, "status": m.status,
                             "created_at": m.created_at, "sent_at": m.sent_at}
                            for m in subject_outbox(subject, addresses)],
        "push_subscriptions": [{"endpoint": p.endpoint, "created_at": p.created_at}
                               for p in subject_push(subject)],
        "notices": [{"subject": n.subject, "body": n.body, "created_at": n.created_at}
                    for n in subject_notices(subject)],
    }
    audit_record(AuditAction.DATA_EXPORTED, actor=actor, target=subject.target,
                 reports=list(subject.report_ids))
    return document
