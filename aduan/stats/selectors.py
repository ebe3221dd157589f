"""Reads of the measures: sums of rollup cells for a scope and period, never a scan of reports.

Only "overdue now" is counted live (it depends on the clock), with the
partial index of overdue reports.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Agency, Region
from aduan.errors import InvalidInput, NotFound
from aduan.lib import versions
from aduan.reports.models import CLOCKED_Q, Report

from .cells import merge
from .measures import evaluate
from .models import StatsCell
from .predikat import grade, scheme_active
from .rollup import STATS_VERSION

SCOPES = ("national", "agency", "province", "regency")
# Live counts (they depend on the clock) are kept this long per process.
LIVE_TTL = 300
DIMS = ("month", "category", "channel", "kind", "province", "regency")
# Sums of cells are kept under the cells' data version: a refresh that moves any cell
# makes every process read them again (within versions.CHECK_SECONDS).
SUMS_TTL = 3600
logger = logging.getLogger(__name__)


def _kept(parts: tuple, compute):
    """``compute()``, kept in the cache under the current version of the cells."""
    key = f"stats:{versions.version(STATS_VERSION)}:" + ":".join(str(p) for p in parts)
    try:
        return cache.get_or_set(key, compute, SUMS_TTL)
    except Exception:  # an unreachable cache must not stop a page
        logger.warning("shared cache unavailable; statistics computed without it")
        return compute()


@dataclass(frozen=True)
class Period:
    start: date  # first day of the first month
    end: date  # first day of the last month

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m} – {self.end:%Y-%m}"


def _month(text: str, field: str) -> date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput(_("Give the month as YYYY-MM, e.g. 2026-01."), field=field) from None


def period_parse(start: str | None, end: str | None, today: date | None = None) -> Period:
    """The months from ``start`` to ``end`` (YYYY-MM); by default the last twelve months."""
    today = today or timezone.localdate()
    last = _month(end, "to") if end else today.replace(day=1)
    first = _month(start, "from") if start else date(last.year - 1, last.month, 1)
    if first > last:
        raise InvalidInput(_("The period starts after it ends."), field="from")
    return Period(first, last)


@dataclass(frozen=True)
class Subject:
    """What a statistics page is about: the nation, an agency, or a region."""

    scope: str
    code: str
    name: str
    path: str = ""  # agencies: the materialised path (for access checks)


def subject_get(scope: str, code: str = "") -> Subject:
    """The nation, an agency or a region by code; NotFound when there is none."""
    if scope == "national":
        return Subject("national", "", str(_("Indonesia")))
    if scope == "agency":
        agency = Agency.objects.filter(code=code, active=True).only("name", "path").first()
        if agency:
            return Subject("agency", code, agency.name, agency.path)
    elif scope in ("province", "regency"):
        level = 1 if scope == "province" else 2
        region = Region.objects.filter(code=code, level=level).only("name").first()
        if region:
            return Subject(scope, code, region.name)
    else:
        raise InvalidInput(_("Unknown scope; allowed: %(scopes)s") % {"scopes": ", ".join(SCOPES)},
                           field="scope")
    raise NotFound(_("No such agency or region."))


def _cells(subject: Subject, period: Period, public: bool, dim: str):
    return StatsCell.objects.filter(
        scope=subject.scope, scope_code=subject.code, public=public, dim=dim,
        month__gte=period.start, month__lte=period.end).values_list("month", "dim_code", "counts")


def totals(subject: Subject, period: Period, public: bool) -> Counter:
    return _kept(("totals", subject.scope, subject.code, period.start, period.end, public),
                 lambda: _totals(subject, period, public))


def _totals(subject: Subject, period: Period, public: bool) -> Counter:
    total: Counter = Counter()
    for _month_, _code, counts in _cells(subject, period, public, "all"):
        total.update(counts)
    return total


def overdue_now(subject: Subject, public: bool) -> int:
    """Open reports past their current deadline, counted at most every LIVE_TTL seconds."""
    key = f"stats:overdue:{subject.scope}:{subject.code}:{int(public)}"
    return cache.get_or_set(key, lambda: _overdue_count(subject, public), LIVE_TTL)


def _overdue_count(subject: Subject, public: bool) -> int:
    q = CLOCKED_Q & Q(due_at__lt=timezone.now())
    if public:
        q &= Q(confidential=False)
    if subject.scope == "province":
        q &= Q(province_code=subject.code)
    elif subject.scope == "regency":
        q &= Q(regency_code=subject.code)
    elif subject.scope == "agency":
        q &= Q(holder__path__startswith=subject.path)
    return Report.objects.filter(q).count()


def measures(subject: Subject, period: Period, public: bool) -> dict:
    """Every measure of the subject over the period, plus "overdue now"."""
    values = evaluate(totals(subject, period, public))
    values["overdue_now"] = overdue_now(subject, public)
    return values


def breakdown(subject: Subject, period: Period, public: bool, dim: str) -> dict[str, dict]:
    """Measures per month (``dim="month"``) or per category, channel, kind, province, regency."""
    if dim not in DIMS:
        raise InvalidInput(_("Unknown breakdown; allowed: %(dims)s") % {"dims": ", ".join(DIMS)},
                           field="by")
    return _kept(("by", subject.scope, subject.code, period.start, period.end, public, dim),
                 lambda: _breakdown(subject, period, public, dim))


def _breakdown(subject: Subject, period: Period, public: bool, dim: str) -> dict[str, dict]:
    sums: dict[str, Counter] = defaultdict(Counter)
    cell_dim = "all" if dim == "month" else dim
    for month, code, counts in _cells(subject, period, public, cell_dim):
        sums[f"{month:%Y-%m}" if dim == "month" else code].update(counts)
    if dim == "month":  # every month of the period, also the empty ones
        for month in months(period):
            sums.setdefault(f"{month:%Y-%m}", Counter())
    return {code: evaluate(sums[code]) for code in sorted(sums)}


def months(period: Period) -> list[date]:
    out, day = [], period.start
    while day <= period.end:
        out.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def league(period: Period, limit: int = 50) -> list[dict]:
    """Top-level agencies by received reports, each with its measures and predikat (public)."""
    scheme = scheme_active()
    # Agency names are in the rows: their own data version is part of the key.
    return _kept(("league", period.start, period.end, limit, scheme.pk, scheme.version,
                  versions.version("agencies")),
                 lambda: _league(period, limit, scheme))


def _league(period: Period, limit: int, scheme) -> list[dict]:
    roots = dict(Agency.objects.filter(parent__isnull=True, active=True)
                 .values_list("code", "name"))
    sums: dict[str, dict] = defaultdict(dict)
    for code, counts in StatsCell.objects.filter(
            scope="league", public=True, dim="all", month__gte=period.start,
            month__lte=period.end).values_list("scope_code", "counts"):
        if code in roots:
            merge(sums[code], counts)
    # Only what the table shows and the grade needs (every measure of ~500 agencies
    # was most of the dashboard's first view after a refresh).
    codes = sorted({"received", "pct_completed", "pct_followup_on_time", *scheme.weights})
    rows = []
    for code, counts in sums.items():
        values = evaluate(counts, codes)
        rows.append({"code": code, "name": roots[code], "values": values,
                     "grade": grade(values, scheme)})
    rows.sort(key=lambda r: (-(r["grade"].score or -1), -r["values"]["received"], r["code"]))
    return rows[:limit]


def stats_warm(today: date | None = None) -> None:
    """Work out and keep what the national dashboard reads for the default period (the
    worker calls this right after a refresh that moved cells, so no visitor's first view
    after it pays for the league table and the breakdowns)."""
    period = period_parse(None, None, today)
    national = subject_get("national")
    measures(national, period, True)
    for dim in ("month", "category", "channel", "province"):
        breakdown(national, period, True, dim)
    league(period)
