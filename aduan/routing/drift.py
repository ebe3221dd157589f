"""Agencies whose routed volume jumps, or that start getting a new kind of complaint.

Both are signs that the router (or the rules) will soon be wrong for them: a
new programme, a reorganisation, a disaster. National admins see the flags
(``AgencyFlag``, in the admin) and put a few labelled examples in by
re-categorising or forwarding reports; the next retraining learns from them.

Counted over dispatch and forward events (indexed by action and time), set-based:
one grouped query per window.
"""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from aduan.reports.models import ReportEvent
from aduan.reports.workflow import Action

from .models import AgencyFlag, FlagKind

RECENT = timedelta(days=7)
USUAL_WEEKS = 8
NEW_KIND_LOOKBACK = timedelta(days=180)
# A jump: at least this many reports in the last week and this many times the usual week.
JUMP_MIN, JUMP_FACTOR = 10, 3.0
NEW_KIND_MIN = 3


def _counts(start, end, *, by_category: bool = False) -> dict:
    fields = ("to_agency", "report__category") if by_category else ("to_agency",)
    rows = (ReportEvent.objects
            .filter(action__in=(Action.DISPATCH, Action.FORWARD), created_at__gte=start,
                    created_at__lt=end, to_agency__isnull=False)
            .values(*fields).annotate(n=Count("report", distinct=True)).order_by())
    return {tuple(row[f] for f in fields): row["n"] for row in rows}


def drift_flags(now=None) -> list[AgencyFlag]:
    """Flag volume jumps and new kinds of complaint; an open flag is never repeated."""
    now = now or timezone.now()
    since = now - RECENT
    recent = _counts(since, now)
    usual = _counts(since - USUAL_WEEKS * RECENT, since)
    flags = []
    for (agency,), n in recent.items():
        week = usual.get((agency,), 0) / USUAL_WEEKS
        if n >= JUMP_MIN and n >= JUMP_FACTOR * max(week, 1.0):
            flags.append(AgencyFlag(agency_id=agency, kind=FlagKind.VOLUME, recent=n,
                                    usual=round(week, 1), created_at=now))
    recent_kinds = _counts(since, now, by_category=True)
    known = _counts(now - NEW_KIND_LOOKBACK, since, by_category=True)
    for (agency, category), n in recent_kinds.items():
        if category and n >= NEW_KIND_MIN and (agency, category) not in known:
            flags.append(AgencyFlag(agency_id=agency, kind=FlagKind.NEW_CATEGORY,
                                    category_id=category, recent=n, usual=0.0, created_at=now))
    open_ = set(AgencyFlag.objects.filter(seen=False)
                .values_list("agency_id", "kind", "category_id"))
    flags = [f for f in flags if (f.agency_id, f.kind, f.category_id) not in open_]
    return AgencyFlag.objects.bulk_create(flags)
