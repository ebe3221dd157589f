"""What a caller may read of a report, as plain data for the API and the web pages.

Every protected field is decided here, once: the public sees redacted text and
no contact data; agencies never see an anonymous reporter; only the reporter
and the handling staff see the unredacted text.
"""

from django.db.models import Q
from django.utils import timezone

from aduan.deadlines.services import current_deadline

from .access import (
    View,
    attachment_visible,
    event_visibilities,
    former_cutoff,
    public_name_visible,
    relations,
    reporter_identity_visible,
    view_level,
)
from .callers import Caller
from .models import Attachment, Report, ReportEvent, ReportLink
from .policy import Policy
from .workflow import Actor, allowed_actions, may


def _agency(agency) -> dict | None:
    return {"code": agency.pk, "name": agency.name} if agency is not None else None


def _reporter(report: Report, view: View) -> dict | None:
    if reporter_identity_visible(report, view):
        return {"name": report.reporter_name or None, "email": report.reporter_email or None,
                "phone": report.reporter_phone or None}
    if view == View.PUBLIC and public_name_visible(report) and report.reporter_name:
        return {"name": report.reporter_name, "email": None, "phone": None}
    return None


def caller_actions(caller: Caller, report: Report, policy: Policy | None = None) -> list[str]:
    """The actions this caller may take on the report now: workflow, role and agency rules."""
    mine = relations(caller, report)
    candidates = [action for action in allowed_actions(report.status) if may(action, mine)]
    if not candidates:
        return []
    policy = policy or Policy(report)
    return [action for action in candidates if policy.refusal(action) is None]


def report_data(report: Report, view: View, caller: Caller) -> dict:
    """The report as the caller may see it."""
    full = view >= View.REPORTER
    category = report.category
    data = {
        "tracking_id": report.tracking_id,
        "kind": report.kind,
        "title": report.title if full else report.public_title,
        "body": report.body if full else report.public_body,
        "status": report.status,
        "status_label": report.get_status_display(),
        "category": {"code": category.pk, "name": category.name} if category else None,
        "region_code": report.region_id,
        "region_name": report.region.name if report.region_id else None,
        "address": report.address if full else None,
        "latitude": report.latitude if full else None,
        "longitude": report.longitude if full else None,
        "occurred_on": report.occurred_on,
        "anonymous": report.anonymous,
        "confidential": report.confidential,
        "channel": report.channel,
        "holder": _agency(report.holder),
        "received_at": report.received_at,
        "published_at": report.published_at,
        "dispatched_at": report.dispatched_at,
        "responded_at": report.responded_at,
        "closed_at": report.closed_at,
        "verification_due": report.verification_due,
        "followup_due": report.followup_due,
        "resolution_due": report.resolution_due,
        "reply_due": report.reply_due,
        "autoclose_due": report.autoclose_due,
        "info_due": report.info_due,
        "severity": report.severity,
        "paused_workdays": report.paused_workdays,
        "current_deadline": current_deadline(report, timezone.now()),
        "due_at": report.due_at,
        "escalation_level": report.escalation_level,
        "forward_count": report.forward_count,
        "reopen_count": report.reopen_count,
        "rating": report.rating,
        "rating_comment": report.rating_comment if full else None,
        "archive_reason": report.archive_reason or None,
        "reporter": _reporter(report, view),
        "reporter_hidden": report.anonymous and not reporter_identity_visible(report, view),
        "allowed_actions": caller_actions(caller, report) if caller.is_authenticated
        or caller.pin_report_id else [],
        "duplicate_of": _visible_tracking_id(caller, report.duplicate_of)
        if report.duplicate_of_id else None,
        "related": _related(caller, report),
    }
    return data


def _visible_tracking_id(caller: Caller, other: Report | None) -> str | None:
    """A linked report's ID, only if the caller may see that report too."""
    if other is None or view_level(caller, other) is None:
        return None
    return other.tracking_id


def _related(caller: Caller, report: Report) -> list[str]:
    # Two indexed look-ups (links by either end, then those reports); a join with OR and
    # DISTINCT over the reports table cost 400 ms at a million reports.
    pairs = ReportLink.objects.filter(Q(report=report) | Q(other=report)) \
        .values_list("report_id", "other_id")
    ids = {first if second == report.pk else second for first, second in pairs}
    if not ids:
        return []
    others = Report.objects.filter(pk__in=ids).select_related("holder")
    return sorted(r.tracking_id for r in others if view_level(caller, r) is not None)


def report_summary(report: Report, *, full: bool) -> dict:
    """A listing row; ``full`` only for callers that may read the unredacted title."""
    return {
        "tracking_id": report.tracking_id,
        "kind": report.kind,
        "title": report.title if full else report.public_title,
        "status": report.status,
        "category": report.category_id,
        "region_code": report.region_id,
        "holder": _agency(report.holder),
        "received_at": report.received_at,
        "published_at": report.published_at,
        "confidential": report.confidential,
        "anonymous": report.anonymous,
    }


def similar_summary(report: Report, score: float, *, full: bool) -> dict:
    """A suggested similar report: its listing row, how alike it is, and its support."""
    return {**report_summary(report, full=full), "score": score,
            "support_count": getattr(report, "supporters", 0)
            + getattr(report, "duplicate_count", 0)}


def event_data(event: ReportEvent, view: View) -> dict:
    staff = view >= View.FORMER
    # Staff identities are for staff; a reporter's account is never shown through events.
    show_actor = staff and event.actor_role not in (Actor.REPORTER, Actor.SYSTEM)
    return {
        "id": event.pk,
        "action": event.action,
        "at": event.created_at,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "from_agency": _agency(event.from_agency),
        "to_agency": _agency(event.to_agency),
        "message": (event.message if view >= View.REPORTER else event.public_message) or None,
        "actor_role": event.actor_role,
        "actor": event.actor.get_username() if show_actor and event.actor_id else None,
        "data": event.data if staff else _without_references(event.data),
    }


# Event data naming another report: the reporter sees the original of a duplicate in
# ``report_data["duplicate_of"]``, and only when they may see that report.
_REFERENCES = ("duplicate_of", "other")


def _without_references(data: dict) -> dict:
    return {key: value for key, value in data.items() if key not in _REFERENCES}


def events_for(report: Report, view: View, caller: Caller | None = None) -> list[dict]:
    """The history the caller may read; a former holder's ends at the forward away."""
    events = ReportEvent.objects.filter(report=report, visibility__in=event_visibilities(view))
    if view == View.FORMER:
        events = events.filter(created_at__lte=former_cutoff(caller, report))
    events = events.select_related("actor", "from_agency", "to_agency").order_by("created_at", "id")
    return [event_data(event, view) for event in events]


def attachment_data(attachment: Attachment) -> dict:
    return {"id": str(attachment.public_id), "name": attachment.name,
            "content_type": attachment.content_type, "size": attachment.size,
            "is_image": attachment.is_image, "event_id": attachment.event_id,
            "draft_id": attachment.draft_id, "from_reporter": attachment.from_reporter}


def attachments_for(report: Report, view: View, caller: Caller | None = None) -> list[dict]:
    rows = Attachment.objects.filter(report=report).order_by("created_at", "id")
    cutoff = former_cutoff(caller, report) if view == View.FORMER else None
    return [attachment_data(a) for a in rows
            if attachment_visible(_with_report(a, report), view, cutoff)]


def _with_report(attachment: Attachment, report: Report) -> Attachment:
    attachment.report = report  # already loaded: saves a query per row
    return attachment


# About a kilometre: the public learns the neighbourhood of a report, never the exact pin
# (a pin on a house can name the person who lives there).
PUBLIC_COORDINATE_PLACES = 2


def public_coordinates(latitude, longitude) -> tuple[float | None, float | None]:
    """A public report's location as the public may see it (rounded), or (None, None)."""
    if latitude is None or longitude is None:
        return None, None
    return (round(float(latitude), PUBLIC_COORDINATE_PLACES),
            round(float(longitude), PUBLIC_COORDINATE_PLACES))
