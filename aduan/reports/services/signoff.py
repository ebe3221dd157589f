"""Follow-ups that need a liaison officer's sign-off: draft, sign off, send back."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.deadlines.services import apply_deadlines
from aduan.errors import Forbidden

from ..attachments import Prepared, attachments_store
from ..callers import Caller
from ..models import DraftStatus, Report, ResponseDraft, Visibility
from ..workflow import Action, Status
from ._core import append_event, authorise, lock, required_text


def report_draft_response(*, caller: Caller, report: Report, message: str,
                          attachments: list[Prepared] = ()) -> ResponseDraft:
    """Save a follow-up for sign-off; it replaces a draft that is still waiting."""
    message = required_text(message, "message")
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.DRAFT)
        ResponseDraft.objects.filter(report=report, status=DraftStatus.PENDING).update(
            status=DraftStatus.SUPERSEDED, decided_at=now)
        draft = ResponseDraft.objects.create(report=report, message=message, author=caller.user,
                                             agency=report.holder, created_at=now)
        attachments_store(report=report, prepared=list(attachments), from_reporter=False,
                          visibility=Visibility.STAFF, now=now, draft=draft)
        append_event(report, Action.DRAFT, caller=caller, actor=actor, from_status=report.status,
                visibility=Visibility.STAFF, now=now, message=message,
                data={"draft": draft.pk}, to_agency_id=report.holder_id)
    return draft


def _decide_draft(report: Report, caller: Caller, status: str, note: str,
                  now: datetime) -> ResponseDraft:
    draft = (ResponseDraft.objects.select_for_update()
             .get(report=report, status=DraftStatus.PENDING))
    if status == DraftStatus.SIGNED_OFF and draft.author_id == caller.user.pk:
        # Four eyes: the sign-off exists so that somebody else reads the answer first.
        raise Forbidden(_("You wrote this draft; another liaison officer must sign it off."),
                        code="own_draft")
    draft.status, draft.decided_by, draft.decided_at = status, caller.user, now
    draft.decision_note = note
    draft.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return draft


def report_sign_off(*, caller: Caller, report: Report, note: str = "") -> Report:
    """Publish the waiting draft as the agency's follow-up (liaison officers only)."""
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.SIGN_OFF)
        draft = _decide_draft(report, caller, DraftStatus.SIGNED_OFF, (note or "").strip(), now)
        previous = report.status
        report.status, report.responded_at = Status.RESPONDED, now
        due_fields = apply_deadlines(report, Action.SIGN_OFF, now=now)
        report.save(update_fields=["status", "responded_at", "updated_at", *due_fields])
        event = append_event(report, Action.SIGN_OFF, caller=caller, actor=actor,
                        from_status=previous, visibility=Visibility.PUBLIC, now=now,
                        message=draft.message, public=True, to_agency_id=report.holder_id,
                        data={"draft": draft.pk})
        # The draft's files are published with it.
        draft.attachments.update(event=event, visibility=Visibility.PUBLIC)
    return report


def report_return_draft(*, caller: Caller, report: Report, reason: str) -> Report:
    """Send the waiting draft back to its author with the reason; the status stays."""
    reason = required_text(reason, "reason", 2000)
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.RETURN_DRAFT)
        draft = _decide_draft(report, caller, DraftStatus.RETURNED, reason, now)
        append_event(report, Action.RETURN_DRAFT, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                message=reason, to_agency_id=report.holder_id, data={"draft": draft.pk})
    return report
