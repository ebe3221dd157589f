"""Report listings: filters, search and keyset pagination that stay fast at millions of rows."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from aduan.agencies.models import Agency

from .access import Caller, reports_visible_to
from .errors import InvalidInput
from .models import Report
from .search import search
from .workflow import Status

SCOPES = ("public", "agency", "mine")
# Which timestamp orders each listing (newest first).
_ORDER = {"public": "published_at", "agency": "received_at", "mine": "received_at"}


@dataclass(frozen=True, kw_only=True)
class ReportFilters:
    scope: str = "public"
    q: str = ""
    category: str = ""
    region: str = ""
    agency: str = ""
    status: str = ""
    kind: str = ""


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
