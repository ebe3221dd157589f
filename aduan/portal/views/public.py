"""Public pages: home, listing, report page, attachments, region and agency look-ups."""

from django.core.cache import cache
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aduan.agencies.selectors import agency_search, region_children, region_search
from aduan.errors import InvalidInput, NotFound
from aduan.reports.access import View, attachment_get_for_caller, report_get_for_caller
from aduan.reports.callers import ANONYMOUS
from aduan.reports.models import Attachment
from aduan.reports.presenters import attachments_for, events_for, report_summary
from aduan.reports.selectors import ReportFilters, report_counters, report_list
from aduan.routing.presenters import report_detail
from aduan.routing.services import support_offered
from aduan.web.helpers import names_for, render_report_page

from ..auth import portal_caller
from ..forms import ListingForm, MessageForm, RatingForm

COUNTERS_TTL = 300
# Reporter actions the portal offers, in the order they are shown.
REPORTER_ACTIONS = ("provide_info", "close", "reply", "add_info")


@require_GET
def home(request):
    recent, _cursor = report_list(ANONYMOUS, ReportFilters(scope="public"), limit=6)
    counters = cache.get_or_set("portal:counters", report_counters, COUNTERS_TTL)
    rows = names_for([report_summary(r, full=False) for r in recent])
    return render(request, "portal/home.html", {"recent": rows, "counters": counters})


def _region_options(code: str) -> list[tuple[str, str, bool]]:
    """Provinces, and the regencies of the chosen province, for the listing filter."""
    options = [(c, n, False) for c, n in region_children(None)]
    if code:
        province = code[:2]
        options += [(c, n, True) for c, n in region_children(province)]
    return options


@require_GET
def listing(request):
    form = ListingForm(request.GET or None)
    rows, next_cursor, error = [], None, ""
    if not request.GET or form.is_valid():
        filters = form.filters() if request.GET else ReportFilters(scope="public")
        try:
            page, next_cursor = report_list(portal_caller(request), filters,
                                            cursor=request.GET.get("cursor") or None)
            rows = names_for([report_summary(r, full=False) for r in page])
        except InvalidInput as exc:
            error = str(exc.message)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "portal/listing.html", {
        "form": form, "rows": rows, "next_cursor": next_cursor, "error": error,
        "query": query.urlencode(), "is_first": not request.GET.get("cursor"),
        "region_options": _region_options(request.GET.get("region", "")[:13]),
        "region_value": request.GET.get("region", ""),
    })


def _report_context(request, tracking_id: str, forms: dict | None = None) -> dict:
    caller = portal_caller(request, tracking_id)
    report, view = report_get_for_caller(caller, tracking_id)
    data = report_detail(report, view, caller)
    actions = [a for a in REPORTER_ACTIONS if a in data["allowed_actions"]]
    forms = forms or {}
    return {
        "report": data, "view": int(view), "is_reporter": view == View.REPORTER,
        "events": events_for(report, view, caller),
        "attachments": attachments_for(report, view, caller),
        "actions": actions,
        "forms": {a: forms.get(a) or (RatingForm() if a == "close" else MessageForm())
                  for a in actions},
        "staff_view": view >= View.STAFF,
        "can_support": support_offered(report, view),
    }


def report_page(request, tracking_id: str):
    return render_report_page(request, tracking_id, "portal:report", _report_context,
                              "portal/report.html")


def attachment(request, public_id):
    row = (Attachment.objects.filter(public_id=public_id)
           .values_list("report__tracking_id", flat=True).first())
    if row is None:
        raise Http404()
    try:
        found, _view = attachment_get_for_caller(portal_caller(request, row), public_id)
    except NotFound:
        raise Http404() from None
    response = FileResponse(found.file.open("rb"), content_type=found.content_type,
                            as_attachment=not found.is_image, filename=found.name)
    # Served files never run code on this origin, whatever they contain.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def region_lookup(request):
    """Small JSON pages for the region picker: the children of one code, or a name search."""
    parent = request.GET.get("parent", "").strip()[:13]
    text = request.GET.get("q", "").strip()[:100]
    if text:
        items = region_search(text)
    else:
        items = [{"code": c, "name": n} for c, n in region_children(parent or None)]
    return JsonResponse({"items": items}, headers={"Cache-Control": "public, max-age=86400"})


@require_GET
def agency_lookup(request):
    items = agency_search(request.GET.get("q", "")[:100])
    return JsonResponse({"items": items}, headers={"Cache-Control": "public, max-age=3600"})
