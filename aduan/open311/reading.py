"""GET requests, one request, and the FixMyStreet ``servicerequestupdates``: public reports only.

Every read goes through ``reports.access`` as the public (``ANONYMOUS``): a
confidential, unverified or archived report is never listed and answers 404.
Only public text is shown (redacted title and body, the latest public
follow-up), never a reporter's name or contact, never a reporter's file, and
the location only to about a kilometre (``presenters.public_coordinates``).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aduan.agencies.models import Region
from aduan.errors import InvalidInput, ReportNotFound
from aduan.lib import tracking
from aduan.reports.access import report_get_for_caller, reports_visible_to
from aduan.reports.callers import ANONYMOUS
from aduan.reports.models import ReportEvent, Status, Visibility
from aduan.reports.presenters import public_coordinates
from aduan.reports.workflow import Action

from .render import w3c

WINDOW = timedelta(days=90)
LIMIT = 1000
DESCRIPTION_MAX = 4000
# Archived reports are never public, so "closed" is only the accepted (or expired) ones.
CLOSED = (Status.CLOSED, Status.ARCHIVED)
OPEN = tuple(status for status in Status.values if status not in CLOSED)
STATUS_GROUPS = {"open": OPEN, "closed": CLOSED}

_FIELDS = ("pk", "tracking_id", "status", "category_id", "category__name", "category__name_en",
           "public_body", "holder__name", "received_at", "updated_at", "closed_at",
           "resolution_due", "due_at", "region_id", "region__name", "latitude", "longitude",
           "status_notes")


def open311_status(status: str) -> str:
    return "closed" if status in CLOSED else "open"


@dataclass(frozen=True)
class RequestQuery:
    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None


def _comma(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def moment_parse(value: str, name: str) -> datetime | None:
    """A W3C date-time (``2026-01-01T00:00:00Z``); one without an offset is read as WIB."""
    if not value.strip():
        return None
    try:
        moment = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidInput(_("%(name)s must be a W3C date-time such as "
                             "2026-01-01T00:00:00Z.") % {"name": name}, field=name)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The spec's default: the most recent 90 days; a span may not be longer."""
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise InvalidInput(_("end_date must not be before start_date."), field="end_date")
    if end - start > WINDOW:
        raise InvalidInput(_("start_date and end_date may not span more than 90 days."),
                           field="start_date")
    return start, end


def query_parse(params) -> RequestQuery:
    statuses = _comma(params.get("status", ""))
    unknown = [status for status in statuses if status not in STATUS_GROUPS]
    if unknown:
        raise InvalidInput(_("Unknown status %(status)s; use open or closed.")
                           % {"status": ", ".join(unknown)}, field="status")
    ids = _comma(params.get("service_request_id", ""))
    if len(ids) > LIMIT:
        raise InvalidInput(_("Ask for at most 1000 service_request_id at once."),
                           field="service_request_id")
    return RequestQuery(ids=ids, codes=_comma(params.get("service_code", "")),
                        statuses=statuses,
                        start=moment_parse(params.get("start_date", ""), "start_date"),
                        end=moment_parse(params.get("end_date", ""), "end_date"))


def _public():
    """Public reports, each with its latest public follow-up (one index probe per row)."""
    notes = (ReportEvent.objects.filter(report=OuterRef("pk"), visibility=Visibility.PUBLIC)
             .exclude(public_message="").order_by("-created_at", "-id")
             .values("public_message")[:1])
    return reports_visible_to(ANONYMOUS, "public").annotate(status_notes=Subquery(notes))


def _rows(query: RequestQuery):
    reports = _public()
    if query.ids:
        # The spec: a list of ids overrides every other argument.
        canonical = [tracking.normalize(value) for value in query.ids]
        return reports.filter(tracking_id__in=[c for c in canonical if c]) \
            .order_by("-received_at", "-id").values(*_FIELDS)[:LIMIT]
    start, end = window(query.start, query.end)
    reports = reports.filter(received_at__gte=start, received_at__lte=end)
    if query.codes:
        reports = reports.filter(category_id__in=query.codes)
    if query.statuses:
        reports = reports.filter(status__in=[s for group in query.statuses
                                             for s in STATUS_GROUPS[group]])
    return reports.order_by("-received_at", "-id").values(*_FIELDS)[:LIMIT]


def requests_list(query: RequestQuery) -> list[dict]:
    """The public service requests the query names, newest first, at most 1,000."""
    return _present(list(_rows(query)))


def request_get(service_request_id: str) -> dict:
    """One public request; anything else (unknown, confidential, unverified) is 404."""
    report, _view = report_get_for_caller(ANONYMOUS, service_request_id)
    rows = list(_public().filter(pk=report.pk).values(*_FIELDS))
    if not rows:
        raise ReportNotFound()
    return _present(rows)[0]


@lru_cache(maxsize=1)
def _upper_region_names() -> dict[str, str]:
    """Names of provinces, regencies and districts (about 7,300): reference data that never
    changes while a site runs, kept per process."""
    return dict(Region.objects.filter(level__lte=3).values_list("code", "name"))


@lru_cache(maxsize=65536)
def region_address(code: str | None, name: str | None) -> str | None:
    """A region's public address, most specific first ("Kel. X, Kec. Y, Kota Z, Prov")."""
    if not code:
        return None
    parts = code.split(".")
    upper = _upper_region_names()
    names = [name or ""] + [upper.get(".".join(parts[:n]), "") for n in range(len(parts) - 1, 0, -1)]
    return ", ".join(n for n in names if n)


def _service_name(row: dict, english: bool) -> str | None:
    if english and row["category__name_en"]:
        return row["category__name_en"].split(" (")[0]
    return row["category__name"]


def _present(rows: list[dict]) -> list[dict]:
    labels = {value: str(label) for value, label in Status.choices}
    english = (get_language() or "id").startswith("en")
    out = []
    for row in rows:
        closed = row["status"] in CLOSED
        lat, long = public_coordinates(row["latitude"], row["longitude"])
        out.append({
            "service_request_id": row["tracking_id"],
            "status": open311_status(row["status"]),
            "status_notes": row["status_notes"],
            "service_name": _service_name(row, english),
            "service_code": row["category_id"],
            "description": row["public_body"][:DESCRIPTION_MAX],
            "agency_responsible": row["holder__name"],
            "service_notice": labels[row["status"]],
            "requested_datetime": w3c(row["received_at"]),
            "updated_datetime": w3c(row["closed_at"] if closed and row["closed_at"]
                                    else row["updated_at"]),
            "expected_datetime": None if closed else w3c(row["resolution_due"] or row["due_at"]),
            "address": region_address(row["region_id"], row["region__name"]),
            "address_id": row["region_id"],
            "zipcode": None,
            "lat": lat,
            "long": long,
            # Reporters' files are never public (access.attachment_visible).
            "media_url": None,
        })
    return out


def updates_list(start: datetime | None, end: datetime | None) -> list[dict]:
    """Public updates of public reports in the window, oldest first, at most 1,000."""
    start, end = window(start, end)
    public = reports_visible_to(ANONYMOUS, "public")
    events = (ReportEvent.objects.filter(visibility=Visibility.PUBLIC, created_at__gte=start,
                                         created_at__lte=end, report__in=public)
              .order_by("created_at", "id")
              .values("pk", "report__tracking_id", "to_status", "created_at",
                      "public_message", "action")[:LIMIT])
    labels = dict(Action.choices)
    return [{"update_id": str(event["pk"]),
             "service_request_id": event["report__tracking_id"],
             "status": open311_status(event["to_status"]),
             "updated_datetime": w3c(event["created_at"]),
             "description": event["public_message"] or str(labels.get(event["action"],
                                                                      event["action"])),
             "media_url": None,
             "external_status_code": event["to_status"]} for event in events]
