"""Report listings: filters, search and keyset pagination that stay fast at millions of rows."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.accounts.models import AuditEntry
from aduan.agencies.models import Agency, Role
from aduan.errors import InvalidInput

from .access import READER_ROLES, SUPERVISOR_LEVEL, reports_visible_to
from .callers import Caller
from .models import CLOCKED_STATUSES, DraftStatus, Report, ResponseDraft
from .search import search
from .workflow import HELD, Status

SCOPES = ("public", "agency", "mine")
# Which timestamp orders each listing (newest first).
# "mine" follows the (reporter, -created_at) index: a heavy reporter's page stays one range scan.
_ORDER = {"public": "published_at", "agency": "received_at", "mine": "created_at"}


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    scope: str = "public"
    q: str = ""
    category: str = ""
    region: str = ""
    agency: str = ""
    status: str = ""
    kind: str = ""
    # Several statuses at once (the reporter's tabs); used with ``status`` empty.
    statuses: tuple[str, ...] = ()


def _encode(value: datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, pk = json.loads(raw)
        value = parse_datetime(stamp)
        if value is None or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InvalidInput(_("The cursor is not valid; use next_cursor from the previous page."),
                           field="cursor") from None
    return value, pk


def _region_q(code: str) -> Q:
    if len(code) == 2:
        return Q(province_code=code)
    if len(code) == 5:
        return Q(regency_code=code)
    # A district or village: narrow by regency first so the regency index does the work.
    return Q(regency_code=code[:5], region__code__startswith=code)


def _filter(reports: QuerySet, f: ReportFilters) -> QuerySet:
    if f.status:
        if f.status not in Status.values:
            raise InvalidInput(_("Unknown status %(status)r; allowed: %(allowed)s.")
                               % {"status": f.status, "allowed": ", ".join(Status.values)},
                               field="status")
        reports = reports.filter(status=f.status)
    elif f.statuses:
        reports = reports.filter(status__in=f.statuses)
    if f.kind:
        reports = reports.filter(kind=f.kind)
    if f.category:
        reports = reports.filter(Q(category=f.category) | Q(category__parent=f.category))
    if f.region:
        reports = reports.filter(_region_q(f.region))
    if f.agency:
        agency = Agency.objects.filter(pk=f.agency).only("path").first()
        if agency is None:
            raise InvalidInput(_("Unknown agency code %(code)r.") % {"code": f.agency},
                               field="agency")
        subtree = Agency.objects.filter(path__startswith=agency.path).values("pk")
        reports = reports.filter(holder__in=subtree)
    return search(reports, f.q)


def report_list(caller: Caller, filters: ReportFilters, *, cursor: str | None = None,
                limit: int = 20) -> tuple[list[Report], str | None]:
    """One page of reports the caller may list, newest first, and the next page's cursor."""
    if filters.scope not in SCOPES:
        raise InvalidInput(_("Unknown scope %(scope)r; allowed: %(allowed)s.")
                           % {"scope": filters.scope, "allowed": ", ".join(SCOPES)},
                           field="scope")
    order = _ORDER[filters.scope]
    reports = _filter(reports_visible_to(caller, filters.scope), filters)
    if cursor:
        value, pk = _decode(cursor)
        reports = reports.filter(Q(**{f"{order}__lt": value}) | Q(**{order: value, "pk__lt": pk}))
    page = list(reports.select_related("holder").order_by(f"-{order}", "-pk")[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = _encode(getattr(page[-1], order), page[-1].pk) if more and page else None
    return page, next_cursor


# --- staff queues ----------------------------------------------------------------

# Reporter tabs in "Laporan saya".
REPORTER_TABS = {
    "belum": (Status.SUBMITTED, Status.NEEDS_INFO),
    "proses": (Status.DISPATCHED, Status.IN_PROGRESS, Status.RESPONDED),
    "selesai": (Status.CLOSED, Status.ARCHIVED),
}

QUEUES = ("verify", "signoff", "held", "overdue", "waiting", "responded")
_HOLDING_ROLES = READER_ROLES - {Role.SUPERVISOR}


def queues_for(caller: Caller) -> list[str]:
    """The queues that make sense for the caller's roles, most urgent work first."""
    found = []
    if caller.is_national_admin or caller.has_role(Role.AGENCY_ADMIN):
        found.append("verify")
    if caller.has_role(Role.LIAISON):
        found.append("signoff")
    if caller.agencies_with(_HOLDING_ROLES):
        found.append("held")
    if caller.is_national_admin or caller.agencies_with(_HOLDING_ROLES) \
            or caller.has_role(Role.SUPERVISOR):
        found.append("overdue")
    if caller.is_national_admin or caller.agencies_with(_HOLDING_ROLES):
        found += ["waiting", "responded"]
    return found


def _subtree_codes(caller: Caller, roles) -> list[str]:
    paths = [g.agency_path for g in caller.grants if g.role in roles]
    if not paths:
        return []
    q = Q()
    for path in paths:
        q |= Q(path__startswith=path)
    return list(Agency.objects.filter(q).values_list("pk", flat=True))


def _queue_base(caller: Caller, queue: str) -> QuerySet:
    """The reports in a queue, scoped to what the caller's agencies hold."""
    reports = Report.objects.all()
    national = caller.is_national_admin
    if queue == "verify":
        reports = reports.filter(status=Status.SUBMITTED)
        if national:
            return reports
        return reports.filter(holder__in=_subtree_codes(caller, {Role.AGENCY_ADMIN}))
    if queue == "signoff":
        drafts = ResponseDraft.objects.filter(report=OuterRef("pk"), status=DraftStatus.PENDING)
        return reports.filter(status__in=HELD,
                              holder__in=_subtree_codes(caller, {Role.LIAISON})
                              ).filter(Exists(drafts))
    statuses = {"held": tuple(HELD), "waiting": (Status.NEEDS_INFO,),
                "responded": (Status.RESPONDED,), "overdue": CLOCKED_STATUSES}[queue]
    reports = reports.filter(status__in=statuses)
    if queue == "overdue":
        reports = reports.filter(due_at__lt=timezone.now())
        if caller.has_role(Role.SUPERVISOR) and not national:
            # The Ombudsman sees a late report once it is referred (DESIGN: level 3).
            return reports.filter(escalation_level__gte=SUPERVISOR_LEVEL)
    if national and queue != "held":
        return reports
    return reports.filter(holder__in=_subtree_codes(caller, _HOLDING_ROLES))


def _queue_cursor(cursor: str) -> tuple[datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, pk = json.loads(raw)
        value = parse_datetime(stamp) if stamp is not None else None
        if (stamp is not None and value is None) or not isinstance(pk, int):
            raise ValueError
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise InvalidInput(_("The cursor is not valid; use the link to the next page."),
                           field="cursor") from None
    return value, pk


def _after(due: datetime | None, pk: int) -> Q:
    # Order: due_at ascending with no deadline last, then id.
    if due is None:
        return Q(due_at__isnull=True, pk__gt=pk)
    return Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk) | Q(due_at__isnull=True)


def report_queue(caller: Caller, queue: str, *, cursor: str | None = None,
                 limit: int = 25) -> tuple[list[Report], str | None]:
    """One page of a staff queue, the nearest deadline first, and the next page's cursor."""
    if queue not in QUEUES:
        raise InvalidInput(_("Unknown queue %(queue)r; allowed: %(allowed)s.")
                           % {"queue": queue, "allowed": ", ".join(QUEUES)}, field="queue")
    reports = _queue_base(caller, queue)
    if cursor:
        reports = reports.filter(_after(*_queue_cursor(cursor)))
    page = list(reports.select_related("holder", "category")
                .order_by(F("due_at").asc(nulls_last=True), "pk")[:limit + 1])
    more = len(page) > limit
    page = page[:limit]
    next_cursor = None
    if more and page:
        last = page[-1]
        raw = json.dumps([last.due_at.isoformat() if last.due_at else None, last.pk]).encode()
        next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return page, next_cursor


def queue_counts(caller: Caller, queues: list[str], *, cap: int = 1000) -> dict[str, int]:
    """How many reports wait in each queue, counted up to ``cap`` (shown as "1000+")."""
    return {queue: _queue_base(caller, queue)[:cap + 1].count() for queue in queues}


# From this many reports on, the home page's totals come from PostgreSQL's statistics
# (kept fresh by autovacuum) rather than from counting a million rows on a page view.
ESTIMATE_FROM = 200_000


def _pg_estimates() -> dict[str, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class "
                       "WHERE oid = 'reports_report'::regclass")
        total = cursor.fetchone()[0]
        if total < ESTIMATE_FROM:
            return None
        cursor.execute("SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = 'reports_report' "
                       "AND attname = 'status'")
        row = cursor.fetchone()
    if row is None:
        return None
    share = dict(zip(row[0], row[1], strict=False))
    return {"received": total,
            "followed_up": round(total * (share.get(Status.RESPONDED, 0)
                                          + share.get(Status.CLOSED, 0))),
            "closed": round(total * share.get(Status.CLOSED, 0))}


def report_counters() -> dict[str, int]:
    """Totals for the home page: exact on small sites, estimated at national scale.

    Callers cache them for a few minutes either way.
    """
    counts = _pg_estimates() if connection.vendor == "postgresql" else None
    if counts is None:
        reports = Report.objects.all()
        counts = {"received": reports.count(),
                  "followed_up": reports.filter(status__in=(Status.RESPONDED,
                                                            Status.CLOSED)).count(),
                  "closed": reports.filter(status=Status.CLOSED).count()}
    return {**counts, "agencies": Agency.objects.filter(active=True).count()}


def identity_reveals(*, before: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    """The newest reporter identity reveals (audit entries), and the cursor of the next page.
    Callers check ``access.identity_reveals_allowed`` first."""
    rows = (AuditEntry.objects.filter(action=AuditEntry.Action.REPORTER_IDENTITY_VIEWED)
            .select_related("actor").order_by("-id"))
    if before:
        rows = rows.filter(id__lt=before)
    page = list(rows[:limit + 1])
    return page[:limit], (page[limit - 1].pk if len(page) > limit else None)
