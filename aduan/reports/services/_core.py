"""What every report service shares: lock, authorise, record, grant access.

Each service opens a transaction, locks the report row (``lock``), asks the
workflow whether the move is legal and the access rules whether the caller may
make it (``authorise``), appends an event (``append_event``, which also queues
its notifications in the same transaction), and saves only the fields it changed.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency
from aduan.deadlines.services import apply_deadlines, report_resolution_recompute
from aduan.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotAuthorisedAgency,
    ReportNotFound,
    Unauthenticated,
)
from aduan.lib.redact import Identity, redact

from .. import events, notifications
from ..access import relations, view_level
from ..attachments import Prepared, attachments_store
from ..callers import Caller
from ..models import Report, ReportAccess, ReportEvent
from ..policy import Policy
from ..workflow import MOVES, Actor, TransitionError, next_status


def lock(report: Report) -> Report:
    return (Report.objects.select_for_update(of=("self",)).select_related("holder")
            .get(pk=report.pk))


def authorise(caller: Caller, report: Report, action: str) -> str:
    """Return the relation under which the caller acts; refuse with 404/409/403."""
    if caller is not SYSTEM_CALLER and view_level(caller, report) is None:
        raise ReportNotFound()
    try:
        next_status(action, report.status, previous=report.status_before_info,
                    has_holder=report.holder_id is not None)
    except TransitionError as exc:
        raise InvalidTransition(_(
            "Cannot %(action)s a report whose status is %(status)s; allowed actions now: "
            "%(allowed)s") % {"action": action, "status": report.status,
                              "allowed": ", ".join(exc.allowed) or "-"}) from None
    mine = {Actor.SYSTEM} if caller is SYSTEM_CALLER else relations(caller, report)
    allowed = MOVES[action].actors & mine
    if not allowed:
        if not caller.is_authenticated and caller.pin_report_id is None:
            raise Unauthenticated()
        raise Forbidden(_("Your role may not %(action)s this report.") % {"action": action})
    check_policy(report, action)
    # Prefer the most specific relation for the record.
    for actor in (Actor.REPORTER, Actor.HOLDER_STAFF, Actor.HOLDER_LIAISON, Actor.HOLDER_ADMIN,
                  Actor.NATIONAL_ADMIN, Actor.SUPERVISOR, Actor.SYSTEM):
        if actor in allowed:
            return actor
    raise AssertionError("unreachable")


SYSTEM_CALLER = Caller()

_POLICY_MESSAGES = {
    "signoff_required": lambda: _("This agency publishes follow-ups only after a liaison "
                                  "officer signs them off: save a draft instead."),
    "signoff_not_required": lambda: _("This agency does not use sign-off: respond directly."),
    "no_pending_draft": lambda: _("No drafted follow-up is waiting for sign-off."),
}


def check_policy(report: Report, action: str) -> None:
    refusal = Policy(report).refusal(action)
    if refusal is not None:
        raise InvalidTransition(_POLICY_MESSAGES[refusal](), code=refusal)


def reporter_identity(report: Report) -> Identity:
    """The reporter's own name, e-mail and phone: staff often quote them in a public answer."""
    return Identity(name=report.reporter_name, email=report.reporter_email,
                    phone=report.reporter_phone)


def new_event(report: Report, action: str, *, caller: Caller, actor: str, from_status: str,
              visibility: str, now: datetime, message: str = "", data: dict | None = None,
              from_agency_id: str | None = None, to_agency_id: str | None = None,
              public: bool = False) -> ReportEvent:
    """The event of an action, not yet written (``append_event``, or in bulk by intake)."""
    return ReportEvent(
        report=report, created_at=now, action=action,
        actor=caller.user if actor != Actor.SYSTEM else None, actor_role=actor,
        from_status=from_status, to_status=report.status,
        from_agency_id=from_agency_id, to_agency_id=to_agency_id,
        message=message,
        public_message=redact(message, reporter_identity(report)) if public else "",
        data=data or {}, visibility=visibility,
    )


def append_event(report: Report, action: str, **fields) -> ReportEvent:
    """Write one event (arguments as ``new_event``) and queue its notifications."""
    event = new_event(report, action, **fields)
    event.save()
    notifications.queue_for_event(report, event)
    events.events_written([event.pk])
    return event


def grant_access(report: Report, agency: Agency, now: datetime) -> None:
    """Let the agency and every agency above it read the report, now and later."""
    codes = agency.ancestor_codes
    ReportAccess.objects.bulk_create(
        [ReportAccess(report=report, agency_id=code, granted_at=now) for code in codes],
        ignore_conflicts=True,
    )
    # A report forwarded back to a former holder is fully theirs again.
    ReportAccess.objects.filter(report=report, agency__in=codes, until__isnull=False) \
        .update(until=None)


def access_end(report: Report, *, keep: Agency, now: datetime) -> None:
    """After a forward, agencies outside the new holder's line keep what they saw so far."""
    ReportAccess.objects.filter(report=report, until__isnull=True) \
        .exclude(agency__in=keep.ancestor_codes).update(until=now)


def holding_agency(code: str | None, field: str) -> Agency:
    agency = Agency.objects.filter(pk=code).first() if code else None
    if agency is None:
        raise InvalidInput(_("Unknown agency code %(code)r.") % {"code": code or ""}, field=field)
    if not agency.can_hold_reports:
        raise NotAuthorisedAgency(
            _("%(name)s cannot hold reports; choose the government body that is authorised "
              "to answer.") % {"name": agency.name}, field=field)
    return agency


def required_text(value: str, field: str, max_length: int = 10_000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": field}, field=field)
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s must be at most %(max)d characters.")
                           % {"field": field, "max": max_length}, field=field)
    return value


def simple_move(*, caller: Caller, report: Report, action: str, visibility: str,
                 message: str = "", public: bool = False, fields: dict | None = None,
                 data: dict | None = None, attachments: list[Prepared] = ()) -> Report:
    """A status move with optional field updates: the shape most actions share."""
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, action)
        previous, previous_severity = report.status, report.severity
        # Field values are worked out from the report as it was before the move.
        changes = {key: (value(report, now) if callable(value) else value)
                   for key, value in (fields or {}).items()}
        report.status = next_status(action, previous, previous=report.status_before_info or None,
                                    has_holder=report.holder_id is not None)
        for key, value in changes.items():
            setattr(report, key, value)
        due_fields = apply_deadlines(report, action, now=now)
        if "severity" in changes and report.severity != previous_severity:
            due_fields += report_resolution_recompute(report, now=now)
        report.save(update_fields=["status", "updated_at", *changes, *due_fields])
        event = append_event(report, action, caller=caller, actor=actor, from_status=previous,
                        visibility=visibility, now=now, message=message, public=public,
                        data=data, to_agency_id=report.holder_id)
        if attachments:
            attachments_store(report=report, prepared=list(attachments),
                              from_reporter=actor == Actor.REPORTER, visibility=visibility,
                              now=now, event=event)
    return report
