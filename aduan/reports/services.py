"""Every change to a report: one service function per action (DESIGN §3).

Each service opens a transaction, locks the report row, asks the workflow
whether the move is legal and the access rules whether the caller may make
it, appends an event, saves only the fields it changed, and queues its
notifications in the same transaction (the outbox), so a crash loses nothing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import AuditEntry
from aduan.deadlines.services import (apply_deadlines, recomputed_deadlines,
                                      report_resolution_recompute)
from aduan.agencies.models import Agency, Category, Region
from aduan.lib import pins, tracking
from aduan.lib.redact import redact

from . import notifications
from .access import Caller, Policy, View, relations, view_level
from .attachments import Prepared, attachments_store
from .errors import (Forbidden, InvalidInput, InvalidTransition, NotAuthorisedAgency,
                     RateLimited, ReportNotFound, Unauthenticated)
from .models import (Channel, DraftStatus, Report, ReportAccess, ReportEvent, ReportLink,
                     ResponseDraft, Visibility)
from .workflow import (MOVES, Action, Actor, ArchiveReason, Severity, Status,
                       TransitionError, next_status)

# Indonesia's extent with a margin: a pin outside it is a typo, not a report.
LATITUDE_RANGE = (Decimal("-11.5"), Decimal("6.5"))
LONGITUDE_RANGE = (Decimal("94.5"), Decimal("141.5"))


@dataclass(frozen=True, kw_only=True)
class NewReport:
    kind: str
    title: str
    body: str
    category: str | None = None
    region_code: str | None = None
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    occurred_on: date | None = None
    anonymous: bool = False
    confidential: bool = False
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    agency: str | None = None
    channel: str = Channel.API


# --- helpers -------------------------------------------------------------------


def _pin_keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _lock(report: Report) -> Report:
    return (Report.objects.select_for_update(of=("self",)).select_related("holder")
            .get(pk=report.pk))


def _authorise(caller: Caller, report: Report, action: str) -> str:
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
    _check_policy(report, action)
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


def _check_policy(report: Report, action: str) -> None:
    refusal = Policy(report).refusal(action)
    if refusal is not None:
        raise InvalidTransition(_POLICY_MESSAGES[refusal](), code=refusal)


def _append(report: Report, action: str, *, caller: Caller, actor: str, from_status: str,
            visibility: str, now: datetime, message: str = "", data: dict | None = None,
            from_agency_id: str | None = None, to_agency_id: str | None = None,
            public: bool = False) -> ReportEvent:
    event = ReportEvent(
        report=report, created_at=now, action=action,
        actor=caller.user if actor != Actor.SYSTEM else None, actor_role=actor,
        from_status=from_status, to_status=report.status,
        from_agency_id=from_agency_id, to_agency_id=to_agency_id,
        message=message, public_message=redact(message) if public else "",
        data=data or {}, visibility=visibility,
    )
    event.save()
    notifications.queue_for_event(report, event)
    return event


def _grant(report: Report, agency: Agency, now: datetime) -> None:
    """Let the agency and every agency above it read the report, now and later."""
    ReportAccess.objects.bulk_create(
        [ReportAccess(report=report, agency_id=code, granted_at=now)
         for code in agency.ancestor_codes],
        ignore_conflicts=True,
    )


def _holding_agency(code: str | None, field: str) -> Agency:
    agency = Agency.objects.filter(pk=code).first() if code else None
    if agency is None:
        raise InvalidInput(_("Unknown agency code %(code)r.") % {"code": code or ""}, field=field)
    if not agency.can_hold_reports:
        raise NotAuthorisedAgency(
            _("%(name)s cannot hold reports; choose the government body that is authorised "
              "to answer.") % {"name": agency.name}, field=field)
    return agency


def _required_text(value: str, field: str, max_length: int = 10_000) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("%(field)s is required.") % {"field": field}, field=field)
    if len(value) > max_length:
        raise InvalidInput(_("%(field)s must be at most %(max)d characters.")
                           % {"field": field, "max": max_length}, field=field)
    return value


# --- submit ----------------------------------------------------------------------


def _validate_new(data: NewReport) -> tuple[Category | None, Region | None, Agency | None]:
    category = region = agency = None
    if data.category:
        category = Category.objects.filter(pk=data.category, active=True).first()
        if category is None:
            raise InvalidInput(_("Unknown category %(code)r; use a code from GET /api/v1/categories.")
                               % {"code": data.category}, field="category")
    if data.region_code:
        region = Region.objects.filter(pk=data.region_code).first()
        if region is None:
            raise InvalidInput(_("Unknown region code %(code)r; use a Kemendagri code such as "
                                 "35.78 or 35.78.01.1001.") % {"code": data.region_code},
                               field="region_code")
    if data.agency:
        agency = _holding_agency(data.agency, "agency")
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidInput(_("Give both latitude and longitude, or neither."), field="latitude")
    if data.latitude is not None and not (
            LATITUDE_RANGE[0] <= data.latitude <= LATITUDE_RANGE[1]
            and LONGITUDE_RANGE[0] <= data.longitude <= LONGITUDE_RANGE[1]):
        raise InvalidInput(_("The location must lie in Indonesia (latitude -11.5 to 6.5, "
                             "longitude 94.5 to 141.5)."), field="latitude")
    if data.occurred_on is not None and data.occurred_on > timezone.localdate():
        raise InvalidInput(_("The incident date cannot be in the future."), field="occurred_on")
    return category, region, agency


def report_submit(*, data: NewReport, user=None, now: datetime | None = None,
                  attachments: list[Prepared] = ()) -> tuple[Report, str]:
    """Create a report in ``submitted``; return it with its PIN (shown once, stored hashed).

    A report sent straight to an agency is held there, so that agency can verify it.
    ``attachments`` come cleaned from ``attachments.attachments_prepare``.
    """
    now = now or timezone.now()
    title = _required_text(data.title, "title", 200)
    body = _required_text(data.body, "body", 10_000)
    category, region, agency = _validate_new(data)
    pin = pins.generate()
    code = region.code if region else ""
    report = Report(
        kind=data.kind, title=title, body=body, public_title=redact(title),
        public_body=redact(body), occurred_on=data.occurred_on, region=region,
        province_code=code[:2], regency_code=code[:5] if len(code) >= 5 else "",
        address=data.address.strip(), latitude=data.latitude, longitude=data.longitude,
        category=category, requested_agency=agency, holder=agency,
        anonymous=data.anonymous, confidential=data.confidential, channel=data.channel,
        reporter=user if user is not None and user.is_authenticated else None,
        reporter_name=data.reporter_name.strip(), reporter_email=data.reporter_email.strip(),
        reporter_phone=data.reporter_phone.strip(), pin_hash=pins.make_hash(pin, _pin_keys()[0]),
        status=Status.SUBMITTED, received_at=now,
    )
    apply_deadlines(report, Action.SUBMIT, now=now)
    caller = Caller(user=report.reporter)
    # 45 random bits make a clash with an existing tracking ID a one-in-billions event;
    # rather than pay a savepoint on every submission, the rare clash retries the whole
    # (rolled back) transaction with a new ID.
    for attempt in range(5):
        report.tracking_id = tracking.generate()
        try:
            with transaction.atomic():
                report.save(force_insert=True)
                if agency is not None:
                    _grant(report, agency, now)
                event = _append(report, Action.SUBMIT, caller=caller, actor=Actor.REPORTER,
                                from_status="", visibility=Visibility.PUBLIC, now=now,
                                to_agency_id=agency.pk if agency else None,
                                data={"channel": data.channel,
                                      "attachments": len(attachments)})
                attachments_store(report=report, prepared=list(attachments),
                                  from_reporter=True, visibility=Visibility.REPORTER, now=now,
                                  event=event)
                _queue_routing(report.pk)
            return report, pin
        except IntegrityError:
            clash = Report.objects.filter(tracking_id=report.tracking_id).exists()
            if not clash or attempt == 4:
                raise
            report.pk, report._state.adding = None, True
    raise AssertionError("unreachable")


def _queue_routing(report_id: int) -> None:
    """Hand the report to the router (no wrong door) once the submission has committed.

    With the database task queue the kick is written in the submission's own
    transaction, so the sweep it starts can never miss the report because of a
    crash between commit and kick.
    """
    from aduan.routing.services import report_route
    from aduan.routing.tasks import routing_kick

    mode = settings.ADUAN["ROUTING"]
    if mode == "task" and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        routing_kick()
    elif mode == "task":
        transaction.on_commit(routing_kick, robust=True)
    elif mode == "inline":
        transaction.on_commit(partial(report_route, report_id=report_id), robust=True)


# --- reporter authentication -------------------------------------------------------


def report_pin_check(*, tracking_id: str, pin: str, now: datetime | None = None) -> int:
    """Return the report's id if the PIN is right; count failures and lock after too many."""
    now = now or timezone.now()
    canonical = tracking.normalize(tracking_id)
    row = (Report.objects.filter(tracking_id=canonical)
           .values("pk", "pin_hash", "pin_failures", "pin_locked_until").first()
           if canonical else None)
    if row is None:
        raise ReportNotFound()
    if row["pin_locked_until"] and row["pin_locked_until"] > now:
        raise RateLimited(_("Too many wrong PINs for this report; try again later."))
    if pins.check(pin, row["pin_hash"], _pin_keys()):
        if row["pin_failures"]:
            Report.objects.filter(pk=row["pk"]).update(pin_failures=0, pin_locked_until=None)
        return row["pk"]
    limits = settings.ADUAN
    failures = row["pin_failures"] + 1
    locked = (now + timedelta(minutes=limits["PIN_LOCK_MINUTES"])
              if failures >= limits["PIN_MAX_FAILURES"] else None)
    Report.objects.filter(pk=row["pk"]).update(
        pin_failures=0 if locked else F("pin_failures") + 1, pin_locked_until=locked)
    raise WrongPin()


class WrongPin(Exception):
    """The PIN did not match (the caller decides between 401 and 404)."""


# --- staff actions ----------------------------------------------------------------


def report_dispatch(*, caller: Caller, report: Report, agency: str) -> Report:
    """Verify a submitted report and send it to the agency that must answer it."""
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.DISPATCH)
        target = _holding_agency(agency, "agency")
        previous, from_agency = report.status, report.holder_id
        report.status, report.holder = Status.DISPATCHED, target
        report.dispatched_at = report.dispatched_at or now
        report.published_at = report.published_at or now
        due_fields = apply_deadlines(report, Action.DISPATCH, now=now)
        report.save(update_fields=["status", "holder", "dispatched_at", "published_at",
                                   "updated_at", *due_fields])
        _grant(report, target, now)
        _append(report, Action.DISPATCH, caller=caller, actor=actor, from_status=previous,
                visibility=Visibility.PUBLIC, now=now, from_agency_id=from_agency,
                to_agency_id=target.pk, data={"category": report.category_id})
    return report


def report_forward(*, caller: Caller, report: Report, agency: str, reason: str) -> Report:
    """Hand the report to the authorised body (no wrong door); the receipt time is kept."""
    now = timezone.now()
    reason = _required_text(reason, "reason", 2000)
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.FORWARD)
        target = _holding_agency(agency, "agency")
        if target.is_within(report.holder):
            raise NotAuthorisedAgency(_("%(name)s is part of the holding agency; use an "
                                        "internal dispatch instead of a forward.")
                                      % {"name": target.name}, field="agency")
        previous, from_agency = report.status, report.holder_id
        # The due dates stay: the clock keeps counting from the original receipt and dispatch.
        report.status, report.holder = Status.DISPATCHED, target
        report.forward_count += 1
        report.save(update_fields=["status", "holder", "forward_count", "updated_at"])
        _grant(report, target, now)
        event = _append(report, Action.FORWARD, caller=caller, actor=actor,
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
        report = _lock(report)
        actor = _authorise(caller, report, Action.RETURN)
        previous, from_agency = report.status, report.holder_id
        report.status, report.holder = Status.SUBMITTED, None
        report.return_count += 1
        report.save(update_fields=["status", "holder", "return_count", "updated_at"])
        _append(report, Action.RETURN, caller=caller, actor=actor, from_status=previous,
                visibility=Visibility.STAFF, now=now, message=reason,
                from_agency_id=from_agency)
    return report


def report_dispatch_internal(*, caller: Caller, report: Report, agency: str) -> Report:
    """Move the report to a unit inside the caller's agency; the status stays."""
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.DISPATCH_INTERNAL)
        target = _holding_agency(agency, "agency")
        own = [g.agency_path for g in caller.grants if report.holder.path.startswith(g.agency_path)]
        if target.pk == report.holder_id or not any(target.path.startswith(p) for p in own):
            raise NotAuthorisedAgency(_("%(name)s is not a unit inside your agency; use a "
                                        "forward to send a report to another body.")
                                      % {"name": target.name}, field="agency")
        from_agency = report.holder_id
        report.holder = target
        report.save(update_fields=["holder", "updated_at"])
        _grant(report, target, now)
        _append(report, Action.DISPATCH_INTERNAL, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                from_agency_id=from_agency, to_agency_id=target.pk)
    return report


def _simple_move(*, caller: Caller, report: Report, action: str, visibility: str,
                 message: str = "", public: bool = False, fields: dict | None = None,
                 data: dict | None = None, attachments: list[Prepared] = ()) -> Report:
    """A status move with optional field updates: the shape most actions share."""
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, action)
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
        event = _append(report, action, caller=caller, actor=actor, from_status=previous,
                        visibility=visibility, now=now, message=message, public=public,
                        data=data, to_agency_id=report.holder_id)
        if attachments:
            attachments_store(report=report, prepared=list(attachments),
                              from_reporter=actor == Actor.REPORTER, visibility=visibility,
                              now=now, event=event)
    return report


def report_accept(*, caller: Caller, report: Report, severity: str | None = None) -> Report:
    """The agency takes the report on; it may say how much work it needs (sets the deadline)."""
    if severity is not None and severity not in Severity.values:
        raise InvalidInput(_("Unknown severity %(severity)r; allowed: %(allowed)s.")
                           % {"severity": severity, "allowed": ", ".join(Severity.values)},
                           field="severity")
    return _simple_move(caller=caller, report=report, action=Action.ACCEPT,
                        visibility=Visibility.PUBLIC,
                        fields={"severity": severity} if severity else None,
                        data={"severity": severity} if severity else None)


def report_request_info(*, caller: Caller, report: Report, message: str) -> Report:
    """Ask the reporter for more data; the report waits (and its clock pauses) until they answer."""
    message = _required_text(message, "message")
    return _simple_move(caller=caller, report=report, action=Action.REQUEST_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"status_before_info": lambda r, now: r.status})


def report_provide_info(*, caller: Caller, report: Report, message: str,
                        attachments: list[Prepared] = ()) -> Report:
    message = _required_text(message, "message")
    return _simple_move(caller=caller, report=report, action=Action.PROVIDE_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"status_before_info": ""}, attachments=attachments)


def report_add_info(*, caller: Caller, report: Report, message: str,
                    attachments: list[Prepared] = ()) -> Report:
    """The reporter adds a detail or a file while the report is being handled."""
    message = _required_text(message, "message")
    return _simple_move(caller=caller, report=report, action=Action.ADD_INFO,
                        visibility=Visibility.REPORTER, message=message,
                        attachments=attachments)


def report_respond(*, caller: Caller, report: Report, message: str,
                   attachments: list[Prepared] = ()) -> Report:
    """Publish the agency's follow-up; the reporter's reply window opens."""
    message = _required_text(message, "message")
    return _simple_move(caller=caller, report=report, action=Action.RESPOND,
                        visibility=Visibility.PUBLIC, message=message, public=True,
                        fields={"responded_at": lambda r, now: now}, attachments=attachments)


def report_reply(*, caller: Caller, report: Report, message: str,
                 attachments: list[Prepared] = ()) -> Report:
    """The reporter disagrees with the follow-up: the report reopens at the same agency."""
    message = _required_text(message, "message")
    if report.reply_due is not None and report.reply_due < timezone.now():
        raise InvalidTransition(_("The reply window for this follow-up has closed."))
    return _simple_move(caller=caller, report=report, action=Action.REPLY,
                        visibility=Visibility.REPORTER, message=message,
                        fields={"reopen_count": lambda r, now: r.reopen_count + 1},
                        attachments=attachments)


# --- follow-ups that need a liaison's sign-off -------------------------------------


def report_draft_response(*, caller: Caller, report: Report, message: str,
                          attachments: list[Prepared] = ()) -> ResponseDraft:
    """Save a follow-up for sign-off; it replaces a draft that is still waiting."""
    message = _required_text(message, "message")
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.DRAFT)
        ResponseDraft.objects.filter(report=report, status=DraftStatus.PENDING).update(
            status=DraftStatus.SUPERSEDED, decided_at=now)
        draft = ResponseDraft.objects.create(report=report, message=message, author=caller.user,
                                             agency=report.holder, created_at=now)
        attachments_store(report=report, prepared=list(attachments), from_reporter=False,
                          visibility=Visibility.STAFF, now=now, draft=draft)
        _append(report, Action.DRAFT, caller=caller, actor=actor, from_status=report.status,
                visibility=Visibility.STAFF, now=now, message=message,
                data={"draft": draft.pk}, to_agency_id=report.holder_id)
    return draft


def _decide_draft(report: Report, caller: Caller, status: str, note: str,
                  now: datetime) -> ResponseDraft:
    draft = (ResponseDraft.objects.select_for_update()
             .get(report=report, status=DraftStatus.PENDING))
    draft.status, draft.decided_by, draft.decided_at = status, caller.user, now
    draft.decision_note = note
    draft.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return draft


def report_sign_off(*, caller: Caller, report: Report, note: str = "") -> Report:
    """Publish the waiting draft as the agency's follow-up (liaison officers only)."""
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.SIGN_OFF)
        draft = _decide_draft(report, caller, DraftStatus.SIGNED_OFF, (note or "").strip(), now)
        previous = report.status
        report.status, report.responded_at = Status.RESPONDED, now
        due_fields = apply_deadlines(report, Action.SIGN_OFF, now=now)
        report.save(update_fields=["status", "responded_at", "updated_at", *due_fields])
        event = _append(report, Action.SIGN_OFF, caller=caller, actor=actor,
                        from_status=previous, visibility=Visibility.PUBLIC, now=now,
                        message=draft.message, public=True, to_agency_id=report.holder_id,
                        data={"draft": draft.pk})
        # The draft's files are published with it.
        draft.attachments.update(event=event, visibility=Visibility.PUBLIC)
    return report


def report_return_draft(*, caller: Caller, report: Report, reason: str) -> Report:
    """Send the waiting draft back to its author with the reason; the status stays."""
    reason = _required_text(reason, "reason", 2000)
    now = timezone.now()
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.RETURN_DRAFT)
        draft = _decide_draft(report, caller, DraftStatus.RETURNED, reason, now)
        _append(report, Action.RETURN_DRAFT, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                message=reason, to_agency_id=report.holder_id, data={"draft": draft.pk})
    return report


def report_close(*, caller: Caller, report: Report, rating: int, comment: str = "") -> Report:
    """The reporter accepts the follow-up and rates it from 1 to 5."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput(_("The rating must be a whole number from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise InvalidInput(_("The comment must be at most 2000 characters."), field="comment")
    return _simple_move(caller=caller, report=report, action=Action.CLOSE,
                        visibility=Visibility.PUBLIC, data={"rating": rating},
                        fields={"rating": rating, "rating_comment": comment,
                                "closed_at": lambda r, now: now})


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
    return _simple_move(caller=caller, report=report, action=Action.ARCHIVE,
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
        report = _lock(report)
        actor = _authorise(caller, report, Action.CATEGORISE)
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
        _append(report, Action.CATEGORISE, caller=caller, actor=actor,
                from_status=report.status, visibility=Visibility.STAFF, now=now,
                data={"from": previous, "to": target.pk})
    return report


def report_link(*, caller: Caller, report: Report, other: str) -> Report:
    """Link two reports about the same problem; both histories record it."""
    now = timezone.now()
    canonical = tracking.normalize(other or "")
    linked = Report.objects.filter(tracking_id=canonical).first() if canonical else None
    if linked is None or view_level(caller, linked) is None or linked.pk == report.pk:
        raise InvalidInput(_("Name another report you may see by its tracking ID."),
                           field="other")
    with transaction.atomic():
        report = _lock(report)
        actor = _authorise(caller, report, Action.LINK)
        low, high = sorted((report.pk, linked.pk))
        _link, created = ReportLink.objects.get_or_create(
            report_id=low, other_id=high, defaults={"created_at": now, "created_by": caller.user})
        if created:
            for one, two in ((report, linked), (linked, report)):
                _append(one, Action.LINK, caller=caller, actor=actor, from_status=one.status,
                        visibility=Visibility.STAFF, now=now,
                        data={"other": two.tracking_id})
    return report


def report_reopen(*, caller: Caller, report: Report, reason: str) -> Report:
    reason = _required_text(reason, "reason", 2000)
    return _simple_move(caller=caller, report=report, action=Action.REOPEN,
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
        report = _lock(report)
        actor = _authorise(caller, report, Action.RESTRICT)
        changed = [name for name, value in (("anonymous", anonymous),
                                            ("confidential", confidential))
                   if value and not getattr(report, name)]
        if not changed:
            return report
        for name in changed:
            setattr(report, name, True)
        report.save(update_fields=[*changed, "updated_at"])
        _append(report, Action.RESTRICT, caller=caller, actor=actor, from_status=report.status,
                visibility=Visibility.STAFF, now=now, data={"made_stricter": changed})
    return report


def reporter_identity_reveal(*, caller: Caller, report: Report) -> dict:
    """Show who filed the report. National admins only; every look is audited."""
    if view_level(caller, report) is None:
        raise ReportNotFound()
    if not caller.is_authenticated:
        raise Unauthenticated()
    if not caller.is_national_admin:
        raise Forbidden(_("Only a national admin may see who filed an anonymous report."))
    AuditEntry.objects.create(
        actor=caller.user, action=AuditEntry.Action.REPORTER_IDENTITY_VIEWED,
        target=report.tracking_id, detail={"anonymous": report.anonymous})
    return {"name": report.reporter_name, "email": report.reporter_email,
            "phone": report.reporter_phone,
            "account": report.reporter.get_username() if report.reporter_id else None}


__all__ = [
    "NewReport", "View", "WrongPin", "report_accept", "report_add_info", "report_archive",
    "report_categorise", "report_close", "report_dispatch", "report_dispatch_internal",
    "report_draft_response", "report_forward", "report_link", "report_pin_check",
    "report_provide_info", "report_reopen", "report_reply", "report_request_info",
    "report_respond", "report_restrict", "report_return", "report_return_draft",
    "report_sign_off", "report_submit",
    "reporter_identity_reveal",
]
