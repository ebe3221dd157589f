"""What staff do with a report: dispatch, forward, accept, respond, archive, and more."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import AuditEntry
from aduan.agencies.models import Category
from aduan.deadlines.services import apply_deadlines, recomputed_deadlines
from aduan.errors import (
    Forbidden,
    InvalidInput,
    NotAuthorisedAgency,
    ReportNotFound,
    Unauthenticated,
)
from aduan.lib import tracking

from .. import notifications
from ..access import View, view_level
from ..attachments import Prepared
from ..callers import Caller
from ..models import Report, ReportLink, Visibility
from ..workflow import Action, ArchiveReason, Severity, Status
from ._core import (
    SYSTEM_CALLER,
    access_end,
    append_event,
    authorise,
    grant_access,
    holding_agency,
    lock,
    required_text,
    simple_move,
)


def report_dispatch(*, caller: Caller, report: Report, agency: str) -> Report:
    """Verify a submitted report and send it to the agency that must answer it."""
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.DISPATCH)
        target = holding_agency(agency, "agency")
        previous, from_agency = report.status, report.holder_id
        report.status, report.holder = Status.DISPATCHED, target
        report.dispatched_at = report.dispatched_at or now
        report.published_at = report.published_at or now
        due_fields = apply_deadlines(report, Action.DISPATCH, now=now)
        report.save(update_fields=["status", "holder", "dispatched_at", "published_at",
                                   "updated_at", *due_fields])
        grant_access(report, target, now)
        append_event(report, Action.DISPATCH, caller=caller, actor=actor, from_status=previous,
                visibility=Visibility.PUBLIC, now=now, from_agency_id=from_agency,
                to_agency_id=target.pk, data={"category": report.category_id})
    return report


def report_forward(*, caller: Caller, report: Report, agency: str, reason: str) -> Report:
    """Hand the report to the authorised body (no wrong door); the receipt time is kept."""
    now = timezone.now()
    reason = required_text(reason, "reason", 2000)
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.FORWARD)
        target = holding_agency(agency, "agency")
        if target.is_within(report.holder):
            raise NotAuthorisedAgency(_("%(name)s is part of the holding agency; use an "
                                        "internal dispatch instead of a forward.")
                                      % {"name": target.name}, field="agency")
        previous, from_agency = report.status, report.holder_id
        # The due dates stay: the clock keeps counting from the original receipt and dispatch.
        report.status, report.holder = Status.DISPATCHED, target
        report.forward_count += 1
        report.save(update_fields=["status", "holder", "forward_count", "updated_at"])
        grant_access(report, target, now)
        access_end(report, keep=target, now=now)
        event = append_event(report, Action.FORWARD, caller=caller, actor=actor,
                        from_status=previous, visibility=Visibility.PUBLIC, now=now,
                        message=reason, from_agency_id=from_agency, to_agency_id=target.pk,
                        data={"forward_count": report.forward_count})
        if report.forward_count > settings.ADUAN["FORWARD_ALERT_LIMIT"]:
            notifications.alert_national_admins(report, reason="forward_limit",
                                                event_id=event.pk)
    return report


def report_return(*, caller: Caller, report: Report, reason: str = "") -> Report:
    """Send the report back to verification when the holder does not know who is responsible."""
    now = timezone.now()
    reason = (reason or "").strip()[:2000]
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.RETURN)
        previous, from_agency = report.status, report.holder_id
        report.status, report.holder = Status.SUBMITTED, None
        report.return_count += 1
        report.save(update_fields=["status", "holder", "return_count", "updated_at"])
        append_event(report, Action.RETURN, caller=caller, actor=actor, from_status=previous,
                visibility=Visibility.STAFF, now=now, message=reason,
                from_agency_id=from_agency)
    return report


def report_dispatch_internal(*, caller: Caller, report: Report, agency: str) -> Report:
    """Move the report to a unit inside the caller's agency; the status stays."""
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.DISPATCH_INTERNAL)
        target = holding_agency(agency, "agency")
        own = [g.agency_path for g in caller.grants if report.holder.path.startswith(g.agency_path)]
        if target.pk == report.holder_id or not any(target.path.startswith(p) for p in own):
            raise NotAuthorisedAgency(_("%(name)s is not a unit inside your agency; use a "
                                        "forward to send a report to another body.")
                                      % {"name": target.name}, field="agency")
        from_agency = report.holder_id
        report.holder = target
        report.save(update_fields=["holder", "updated_at"])
        grant_access(report, target, now)
        append_event(report, Action.DISPATCH_INTERNAL, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                from_agency_id=from_agency, to_agency_id=target.pk)
    return report


def report_accept(*, caller: Caller, report: Report, severity: str | None = None) -> Report:
    """The agency takes the report on; it may say how much work it needs (sets the deadline)."""
    if severity is not None and severity not in Severity.values:
        raise InvalidInput(_("Unknown severity %(severity)r; allowed: %(allowed)s.")
                           % {"severity": severity, "allowed": ", ".join(Severity.values)},
                           field="severity")
    return simple_move(caller=caller, report=report, action=Action.ACCEPT,
                        visibility=Visibility.PUBLIC,
                        fields={"severity": severity} if severity else None,
                        data={"severity": severity} if severity else None)


def report_request_info(*, caller: Caller, report: Report, message: str) -> Report:
    """Ask the reporter for more data; the report waits (and its clock pauses) until they answer."""
    message = required_text(message, "message")
    return simple_move(caller=caller, report=report, action=Action.REQUEST_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"status_before_info": lambda r, now: r.status})


def report_respond(*, caller: Caller, report: Report, message: str,
                   attachments: list[Prepared] = ()) -> Report:
    """Publish the agency's follow-up; the reporter's reply window opens."""
    message = required_text(message, "message")
    return simple_move(caller=caller, report=report, action=Action.RESPOND,
                        visibility=Visibility.PUBLIC, message=message, public=True,
                        fields={"responded_at": lambda r, now: now}, attachments=attachments)


def report_archive(*, caller: Caller, report: Report, reason: str, note: str = "",
                   duplicate_of: str | None = None) -> Report:
    """Stop processing a report, always with a reason code (a duplicate names the original)."""
    if reason not in ArchiveReason.values:
        raise InvalidInput(_("Unknown archive reason %(reason)r; allowed: %(allowed)s.")
                           % {"reason": reason, "allowed": ", ".join(ArchiveReason.values)},
                           field="reason")
    original = None
    if reason == ArchiveReason.DUPLICATE:
        canonical = tracking.normalize(duplicate_of or "")
        original = Report.objects.filter(tracking_id=canonical).first() if canonical else None
        if original is not None and caller is not SYSTEM_CALLER \
                and view_level(caller, original) is None:
            original = None  # an original the caller may not see stays unknown
        if original is None or original.pk == report.pk:
            raise InvalidInput(_("A duplicate must name the original report's tracking ID."),
                               field="duplicate_of")
    fields = {"archive_reason": reason, "archive_note": (note or "").strip(),
              "duplicate_of": original}
    return simple_move(caller=caller, report=report, action=Action.ARCHIVE,
                        visibility=Visibility.REPORTER, message=(note or "").strip(),
                        data={"reason": reason,
                              "duplicate_of": original.tracking_id if original else None},
                        fields=fields)


def report_categorise(*, caller: Caller, report: Report, category: str) -> Report:
    """Set or correct the report's category; a staff correction teaches the router."""
    target = Category.objects.filter(pk=category, active=True).first()
    if target is None:
        raise InvalidInput(_("Unknown category %(code)r; use a code from GET /api/v1/categories.")
                           % {"code": category}, field="category")
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.CATEGORISE)
        previous = report.category_id
        if previous == target.pk:
            return report
        report.category = target
        # SLA policies depend on the category: its due dates are worked out again.
        due = {name: value for name, value in recomputed_deadlines(report).items()
               if getattr(report, name) != value}
        for name, value in due.items():
            setattr(report, name, value)
        report.save(update_fields=["category", "updated_at", *due])
        append_event(report, Action.CATEGORISE, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                data={"from": previous, "to": target.pk})
    return report


def report_link(*, caller: Caller, report: Report, other: str) -> Report:
    """Link two reports about the same problem; both histories record it."""
    now = timezone.now()
    canonical = tracking.normalize(other or "")
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.LINK)
        linked = Report.objects.filter(tracking_id=canonical).first() if canonical else None
        # Only a report the caller handles too: linking another agency's report would
        # reveal that it exists and write into its history.
        level = view_level(caller, linked) if linked is not None else None
        if level is None or level < View.STAFF or linked.pk == report.pk:
            raise InvalidInput(_("Name another report you may see by its tracking ID."),
                               field="other")
        low, high = sorted((report.pk, linked.pk))
        _link, created = ReportLink.objects.get_or_create(
            report_id=low, other_id=high, defaults={"created_at": now, "created_by": caller.user})
        if created:
            for one, two in ((report, linked), (linked, report)):
                append_event(one, Action.LINK, caller=caller, actor=actor, from_status=one.status,
                        visibility=Visibility.STAFF, now=now,
                        data={"other": two.tracking_id})
    return report


def report_reopen(*, caller: Caller, report: Report, reason: str) -> Report:
    reason = required_text(reason, "reason", 2000)
    return simple_move(caller=caller, report=report, action=Action.REOPEN,
                        visibility=Visibility.REPORTER, message=reason,
                        fields={"closed_at": None, "archive_reason": "", "duplicate_of": None,
                                "reopen_count": lambda r, now: r.reopen_count + 1})


def report_restrict(*, caller: Caller, report: Report, anonymous: bool | None = None,
                    confidential: bool | None = None) -> Report:
    """Make a report's privacy stricter; loosening is refused (only the reporter chooses that)."""
    if anonymous is False or confidential is False:
        raise InvalidInput(_("Privacy can only be made stricter: set anonymous or confidential "
                             "to true."), field="anonymous" if anonymous is False else "confidential")
    now = timezone.now()
    with transaction.atomic():
        report = lock(report)
        actor = authorise(caller, report, Action.RESTRICT)
        changed = [name for name, value in (("anonymous", anonymous),
                                            ("confidential", confidential))
                   if value and not getattr(report, name)]
        if not changed:
            return report
        for name in changed:
            setattr(report, name, True)
        report.save(update_fields=[*changed, "updated_at"])
        append_event(report, Action.RESTRICT, caller=caller, actor=actor, from_status=report.status,
                visibility=Visibility.STAFF, now=now, data={"made_stricter": changed})
    return report
