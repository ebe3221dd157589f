"""A new report: validation, a tracking ID and PIN, the first event.

Also the PIN check that lets a reporter without an account act on their report.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.audit import AuditAction, audit_once_per
from aduan.agencies.models import Agency, Category, Region
from aduan.agencies.selectors import active_category, region_exists
from aduan.deadlines.services import apply_deadlines
from aduan.accounts.challenge import attempt_allowed
from aduan.accounts.ratelimit import rate_clear
from aduan.errors import InvalidInput
from aduan.lib import pins, tracking
from aduan.lib.redact import Identity, redact

from .. import notifications
from ..attachments import Prepared, attachments_store
from ..callers import Caller
from ..events import events_create
from ..models import Channel, Report, ReportAccess, ReportEvent, Visibility
from ..workflow import Action, Actor, Status
from ._core import holding_agency, new_event, required_text

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


def _pin_keys() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _validate_new(data: NewReport) -> tuple[Category | None, Region | None, Agency | None]:
    category = region = agency = None
    if data.category:
        category = active_category(data.category)
        if category is None:
            raise InvalidInput(_("Unknown category %(code)r; use a code from GET /api/v1/categories.")
                               % {"code": data.category}, field="category")
    if data.region_code:
        region = Region(code=data.region_code) if region_exists(data.region_code) else None
        if region is None:
            raise InvalidInput(_("Unknown region code %(code)r; use a Kemendagri code such as "
                                 "35.78 or 35.78.01.1001.") % {"code": data.region_code},
                               field="region_code")
    if data.agency:
        agency = holding_agency(data.agency, "agency")
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


def _identity(data: NewReport, user) -> Identity:
    """Everything the reporter told us about themselves, to keep out of the public text."""
    account = user if user is not None and user.is_authenticated else None
    names = [data.reporter_name, account.get_full_name() if account else ""]
    return Identity(name=" ".join(n for n in names if n).strip(),
                    email=data.reporter_email or (account.email if account else ""),
                    phone=data.reporter_phone or (getattr(account, "phone", "") if account else ""))


@dataclass
class Submission:
    """A new report checked and built by ``report_prepare``, not yet written."""

    report: Report
    pin: str
    agency: Agency | None
    attachments: list[Prepared]


class Filed(NamedTuple):
    report: Report
    pin: str
    event: ReportEvent  # the submission's event (receipts are tied to it)


def report_prepare(*, data: NewReport, user=None, now: datetime | None = None,
                   attachments: list[Prepared] = ()) -> Submission:
    """Check a new report and build it (not saved); ``InvalidInput`` when it cannot be filed.

    A report sent straight to an agency is held there, so that agency can verify it.
    ``attachments`` come cleaned from ``attachments.attachments_prepare``.
    """
    now = now or timezone.now()
    title = required_text(data.title, "title", 200)
    body = required_text(data.body, "body", 10_000)
    category, region, agency = _validate_new(data)
    pin = pins.generate()
    code = region.code if region else ""
    identity = _identity(data, user)
    report = Report(
        kind=data.kind, title=title, body=body, public_title=redact(title, identity),
        public_body=redact(body, identity), occurred_on=data.occurred_on, region=region,
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
    return Submission(report, pin, agency, list(attachments))


def report_submit(*, data: NewReport, user=None, now: datetime | None = None,
                  attachments: list[Prepared] = (),
                  after_insert: Callable[[list[Report]], None] | None = None) -> tuple[Report, str]:
    """Create a report in ``submitted``; return it with its PIN (shown once, stored hashed).

    A batch of one (``reports_submit``): every door files the same way. Doors call
    ``aduan.routing.intake.report_intake`` rather than this.
    """
    filed = reports_submit([report_prepare(data=data, user=user, now=now,
                                           attachments=attachments)], after_insert=after_insert)
    return filed[0].report, filed[0].pin


def reports_submit(items: Sequence[Submission], *,
                   after_insert: Callable[[list[Report]], None] | None = None) -> list[Filed]:
    """Write prepared reports, their first events, access grants, files and messages together.

    One multi-row INSERT per table whatever the batch's size, in one transaction (a
    savepoint inside the caller's): all are filed or none. ``after_insert`` runs in it,
    once, with every report, after the reports and their events are written (the intake
    entry point hands them to the router there).
    """
    if not items:
        return []
    # 45 random bits make a clash with an existing tracking ID a one-in-billions event;
    # rather than look every ID up first, the rare clash retries the whole (rolled back)
    # batch with new IDs.
    for attempt in range(5):
        _new_tracking_ids(items)
        try:
            with transaction.atomic():
                filed = _insert(items)
                if after_insert is not None:
                    after_insert([item.report for item in filed])
            return filed
        except IntegrityError:
            ids = [item.report.tracking_id for item in items]
            clash = Report.objects.filter(tracking_id__in=ids).exists()
            if not clash or attempt == 4:
                raise
            for item in items:
                item.report.pk, item.report._state.adding = None, True
    raise AssertionError("unreachable")


def _new_tracking_ids(items: Sequence[Submission]) -> None:
    taken: set[str] = set()
    for item in items:
        while (tracking_id := tracking.generate()) in taken:
            pass
        taken.add(tracking_id)
        item.report.tracking_id = tracking_id


def _insert(items: Sequence[Submission]) -> list[Filed]:
    reports = Report.objects.bulk_create([item.report for item in items])
    # A new report has no grants yet: the holder's line is simply inserted.
    ReportAccess.objects.bulk_create([
        ReportAccess(report=item.report, agency_id=code, granted_at=item.report.received_at)
        for item in items if item.agency is not None for code in item.agency.ancestor_codes],
        ignore_conflicts=True)
    events = events_create([new_event(
        item.report, Action.SUBMIT, caller=Caller(user=item.report.reporter),
        actor=Actor.REPORTER, from_status="", visibility=Visibility.PUBLIC,
        now=item.report.received_at, to_agency_id=item.agency.pk if item.agency else None,
        data={"channel": item.report.channel, "attachments": len(item.attachments)})
        for item in items])
    notifications.queue_for_events(list(zip(reports, events, strict=True)))
    for item, event in zip(items, events, strict=True):
        if item.attachments:
            attachments_store(report=item.report, prepared=item.attachments,
                              from_reporter=True, visibility=Visibility.REPORTER,
                              now=item.report.received_at, event=event)
    return [Filed(item.report, item.pin, event) for item, event in zip(items, events, strict=True)]


# --- reporter authentication -------------------------------------------------------

# Compared against when the tracking ID is unknown, so that both paths cost the same.
_DUMMY_HASH = pins.make_hash("00000000", "unknown-report")


def report_pin_check(*, tracking_id: str, pin: str, client: str = "", proof: str = "",
                     now: datetime | None = None) -> int:
    """Return the report's id if the PIN is right; else ``WrongPin``.

    Attempts are counted per tracking ID and per client, known ID or not, with the same
    work on both paths, so neither the message nor the time tells whether an ID exists.
    Past a limit the caller must solve a proof-of-work check (``ChallengeRequired``)
    instead of being locked out: the real reporter can always get in.
    """
    canonical = tracking.normalize(tracking_id) or ""
    attempt_allowed([("pin_report", canonical or tracking_id[:20]), ("pin_client", client)],
                    proof)
    row = (Report.objects.filter(tracking_id=canonical).values("pk", "pin_hash").first()
           if canonical else None)
    right = pins.check(pin, row["pin_hash"] if row else _DUMMY_HASH, _pin_keys())
    if row is None or not right:
        raise WrongPin()
    rate_clear("pin_report", canonical)
    audit_once_per(PIN_AUDIT_EVERY, AuditAction.PIN_UNLOCKED, target=f"report:{canonical}")
    return row["pk"]


# A PIN opens a report for a session (portal) or a request (API): audited once an hour.
PIN_AUDIT_EVERY = timedelta(hours=1)


class WrongPin(Exception):
    """The PIN did not match, or no such report (the caller decides between 401 and 404)."""
