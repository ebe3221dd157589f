"""Routing actions: route a new report (and dispatch it when sure), and citizens' support."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import DomainError, Forbidden, InvalidTransition, ReportNotFound, Unauthenticated
from aduan.reports import services as report_services
from aduan.reports.access import View, view_level
from aduan.reports.callers import Caller
from aduan.reports.models import Report
from aduan.reports.workflow import OPEN_STATUSES, Status

from .models import Decision, ReportSupport, RoutingSuggestion
from .router import Route, RouteInput, Router
from .training import report_text

logger = logging.getLogger(__name__)

# Reports per routing batch: one classifier call and a fixed handful of statements each
# (the dispatch's writes are linear in the batch), so a backlog drains in few batches.
PENDING_BATCH = 500
# Reports older than this without a suggestion were left to people on purpose (routing off,
# a failure): the sweep does not reach back further.
PENDING_WINDOW = timedelta(days=2)


def _decide(report: Report, route: Route, allow_dispatch: bool) -> tuple[str, str]:
    """Auto-dispatch or leave to the verifier, with the reason when it is left."""
    if not (allow_dispatch and settings.ADUAN["AUTO_DISPATCH"]):
        return Decision.NEEDS_VERIFIER, "auto_dispatch_off"
    if report.holder_id is not None:
        return Decision.NEEDS_VERIFIER, "sent_to_agency"
    if route.agency is None:
        return Decision.NEEDS_VERIFIER, "no_agency"
    if not route.exact:
        return Decision.NEEDS_VERIFIER, "region_not_specific"
    if route.confidence < route.threshold:
        return Decision.NEEDS_VERIFIER, "low_confidence"
    return Decision.AUTO_DISPATCHED, ""


def _suggestion(report: Report, route: Route, decision: str, reason: str) -> RoutingSuggestion:
    return RoutingSuggestion(
        report=report, created_at=timezone.now(), category_id=route.category,
        region_id=route.region_code, level=route.level, agency_id=route.agency,
        confidence=route.confidence, threshold=route.threshold,
        candidates=[c.as_dict() for c in route.candidates], evidence=route.evidence,
        decision=decision, reason=reason, model_id=route.model_id)


def _store(report: Report, route: Route, decision: str, reason: str, *,
           replace: bool) -> RoutingSuggestion | None:
    """Record the proposal; None if another worker recorded one first (it does the rest)."""
    suggestion = _suggestion(report, route, decision, reason)
    if replace:
        fields = {f.attname: getattr(suggestion, f.attname)
                  for f in RoutingSuggestion._meta.concrete_fields if f.name not in ("id", "report")}
        return RoutingSuggestion.objects.update_or_create(report=report, defaults=fields)[0]
    try:
        with transaction.atomic():
            suggestion.save(force_insert=True)
            return suggestion
    except IntegrityError:
        return None


def _item(report: Report) -> RouteInput:
    return RouteInput(report_text(report.title, report.body, report.address),
                      region=report.region_id, category=report.category_id)


def _apply(report: Report, route: Route, *, allow_dispatch: bool = True,
           replace: bool = False) -> RoutingSuggestion | None:
    decision, reason = _decide(report, route, allow_dispatch)
    suggestion = _store(report, route, decision, reason, replace=replace)
    if suggestion is not None and decision == Decision.AUTO_DISPATCHED:
        try:
            _dispatch_as_system(report, route)
        except DomainError as exc:
            # A verifier acted first: the workflow refused the system's move.
            logger.info("report %s: automatic dispatch refused (%s)", report.pk, exc.code)
            suggestion.decision, suggestion.reason = Decision.NEEDS_VERIFIER, "dispatch_refused"
            suggestion.save(update_fields=["decision", "reason"])
    return suggestion


def report_route(*, report_id: int, router: Router | None = None, allow_dispatch: bool = True,
                 again: bool = False) -> RoutingSuggestion | None:
    """Route one submitted report: store the suggestions, and dispatch it as the system if sure.

    A report is routed once (``again`` re-routes it, e.g. after retraining); a
    report that a human already moved on is left alone.
    """
    report = Report.objects.select_related("holder").filter(pk=report_id).first()
    if report is None or report.status != Status.SUBMITTED:
        return None
    if not again and RoutingSuggestion.objects.filter(report=report).exists():
        return None
    route = (router or Router.load()).route([_item(report)])[0]
    return _apply(report, route, allow_dispatch=allow_dispatch, replace=again)


def _pending():
    since = timezone.now() - PENDING_WINDOW
    return Report.objects.filter(status=Status.SUBMITTED, received_at__gte=since,
                                 routing__isnull=True)


def route_pending_exists() -> bool:
    return _pending().exists()


def route_pending(*, limit: int = PENDING_BATCH, router: Router | None = None) -> int:
    """Route the oldest submitted reports that have no suggestion yet; return how many.

    One indexed query finds them (status, receipt time, no suggestion), the
    classifier scores the whole batch at once, and the batch is written
    set-based: one insert of suggestions, one batch dispatch of the sure ones.
    Two workers running this at the same time route a report once: each locks
    its batch (skipping rows another holds) and then drops reports that
    already have a suggestion.
    """
    ids = list(_pending().order_by("received_at", "pk").values_list("pk", flat=True)[:limit])
    if not ids:
        return 0
    reports = list(Report.objects.select_related("holder").filter(pk__in=ids).order_by("pk"))
    routes = (router or Router.cached()).route([_item(r) for r in reports])
    with transaction.atomic():
        locked = set(Report.objects.select_for_update(skip_locked=True, of=("self",))
                     .filter(pk__in=ids, status=Status.SUBMITTED).values_list("pk", flat=True))
        locked -= set(RoutingSuggestion.objects.filter(report_id__in=locked)
                      .values_list("report_id", flat=True))
        batch = [(r, route) for r, route in zip(reports, routes) if r.pk in locked]
        suggestions = [_suggestion(r, route, *_decide(r, route, True)) for r, route in batch]
        RoutingSuggestion.objects.bulk_create(suggestions, batch_size=500)
        sure = {s.report_id: s for s in suggestions if s.decision == Decision.AUTO_DISPATCHED}
        refused = report_services.reports_dispatch_as_system(
            [report_services.SystemDispatch(r.pk, route.agency, route.category)
             for r, route in batch if r.pk in sure])
        for pk, code in refused.items():
            logger.info("report %s: automatic dispatch refused (%s)", pk, code)
        RoutingSuggestion.objects.filter(report_id__in=list(refused)).update(
            decision=Decision.NEEDS_VERIFIER, reason="dispatch_refused")
    return len(batch)


def _dispatch_as_system(report: Report, route: Route) -> None:
    system = report_services.SYSTEM_CALLER
    with transaction.atomic():
        if report.category_id is None:
            report = report_services.report_categorise(caller=system, report=report,
                                                       category=route.category)
        report_services.report_dispatch(caller=system, report=report, agency=route.agency)


# --- support: "I have this problem too" -------------------------------------------------


def support_count(report: Report) -> int:
    """Citizens who support the report plus reports archived as its duplicates."""
    return (ReportSupport.objects.filter(report=report).count()
            + Report.objects.filter(duplicate_of=report).count())


def support_offered(report: Report, view: View) -> bool:
    """Whether a viewer at ``view`` is offered support: open reports, never staff or the reporter."""
    return report.status in OPEN_STATUSES and View.PUBLIC <= view < View.STAFF \
        and view != View.REPORTER


def report_support(*, caller: Caller, report: Report) -> int:
    """Add the caller's support to an open report they may see; return the new count.

    Supporting needs a citizen account (so each person counts once); supporting
    twice, or one's own report, changes nothing.
    """
    if caller.user is None:
        raise Unauthenticated(_("Log in with a citizen account to support a report."))
    level = view_level(caller, report)
    if level is None:
        raise ReportNotFound()
    if report.status not in OPEN_STATUSES:
        raise InvalidTransition(_("Only an open report can be supported; this one is %(status)s.")
                                % {"status": report.status})
    if level >= View.STAFF:
        raise Forbidden(_("Staff cannot support reports; link related reports instead."))
    if report.reporter_id != caller.user.pk:
        try:
            with transaction.atomic():
                ReportSupport.objects.get_or_create(report=report, user=caller.user)
        except IntegrityError:
            pass  # a concurrent identical support: counted once either way
    return support_count(report)
