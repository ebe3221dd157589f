"""The router's automatic dispatch of many reports at once (set-based, one transaction).

The same rules as ``report_dispatch`` (and ``report_categorise`` for reports
that arrived without a category) apply to every report: the workflow and the
access rules are asked per report, in memory; the reads and writes are done
for the whole batch (one locking read, one bulk update, one insert each for
access grants, events and messages). A report the rules refuse is left out and
returned with the reason, so the router can leave it to a verifier.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from aduan.agencies.models import Agency, Category
from aduan.deadlines.services import apply_deadlines, recomputed_deadlines
from aduan.errors import DomainError
from aduan.lib.bulkupdate import rows_update

from .. import events, notifications
from ..models import Report, ReportAccess, ReportEvent, Visibility
from ..workflow import Action, Actor, Status
from ._core import SYSTEM_CALLER, authorise, holding_agency

_FIELDS = ["status", "holder", "category", "dispatched_at", "published_at", "updated_at",
           "escalation_level", "verification_due", "followup_due", "resolution_due"]


@dataclass(frozen=True)
class SystemDispatch:
    report_id: int
    agency: str
    category: str | None


def _event(report: Report, action: str, now: datetime, **fields) -> ReportEvent:
    return ReportEvent(report=report, created_at=now, action=action, actor=None,
                       actor_role=Actor.SYSTEM, to_status=report.status, **fields)


def _move(report: Report, item: SystemDispatch, agencies: dict, categories: dict,
          now: datetime) -> list[ReportEvent]:
    """Categorise (if needed) and dispatch one locked report in memory; its new events."""
    authorise(SYSTEM_CALLER, report, Action.DISPATCH)
    target = agencies.get(item.agency) or holding_agency(item.agency, "agency")
    new_events = []
    if report.category_id is None and item.category in categories:
        report.category = categories[item.category]
        for name, value in recomputed_deadlines(report).items():
            setattr(report, name, value)
        new_events.append(_event(report, Action.CATEGORISE, now, from_status=report.status,
                                 visibility=Visibility.STAFF,
                                 data={"from": None, "to": item.category}))
    previous, from_agency = report.status, report.holder_id
    report.status, report.holder = Status.DISPATCHED, target
    report.dispatched_at = report.dispatched_at or now
    report.published_at = report.published_at or now
    report.updated_at = now
    apply_deadlines(report, Action.DISPATCH, now=now)
    new_events.append(_event(report, Action.DISPATCH, now, from_status=previous,
                             from_agency_id=from_agency, to_agency_id=target.pk,
                             visibility=Visibility.PUBLIC,
                             data={"category": report.category_id}))
    return new_events


def reports_dispatch_as_system(items: list[SystemDispatch]) -> dict[int, str]:
    """Dispatch each report to its agency as the system; {report id: refusal code} of the rest.

    Reports locked by someone else right now are skipped (``busy``), like any
    report that is no longer waiting for verification.
    """
    if not items:
        return {}
    now = timezone.now()
    by_id = {item.report_id: item for item in items}
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={i.agency for i in items})
                if a.can_hold_reports}
    categories = {c.pk: c for c in Category.objects.filter(
        pk__in={i.category for i in items if i.category}, active=True)}
    refused: dict[int, str] = {}
    with transaction.atomic():
        reports = list(Report.objects.select_for_update(of=("self",), skip_locked=True)
                       .select_related("holder", "category", "reporter")
                       .filter(pk__in=list(by_id)).order_by("pk"))
        refused.update({pk: "busy" for pk in set(by_id) - {r.pk for r in reports}})
        moved, new_events = [], []
        for report in reports:
            try:
                new_events += _move(report, by_id[report.pk], agencies, categories, now)
            except DomainError as exc:
                refused[report.pk] = exc.code
                continue
            moved.append(report)
        _write(moved, new_events, now)
    return refused


def _write(moved: list[Report], new_events: list[ReportEvent], now: datetime) -> None:
    if not moved:
        return
    rows_update(moved, _FIELDS)
    ReportAccess.objects.bulk_create(
        [ReportAccess(report=report, agency_id=code, granted_at=now)
         for report in moved for code in report.holder.ancestor_codes],
        batch_size=1000, ignore_conflicts=True)
    written = events.events_create(new_events)
    notifications.queue_for_events([(event.report, event) for event in written])
