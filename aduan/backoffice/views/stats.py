"""Staff statistics: their subtree's dashboard (confidential reports counted, never shown),
the early-warning list, and the monthly leader report (printable page and XLSX)."""

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from aduan.agencies.models import Agency
from aduan.errors import DomainError, NotFound
from aduan.reports.access import (
    leader_report_allowed,
    stats_full_counts_allowed,
    stats_home_agencies,
)
from aduan.stats import selectors
from aduan.stats.early_warning import spikes
from aduan.stats.leader import leader_report_data, leader_report_xlsx, previous_month
from aduan.stats.measures import BY_CODE, OVERDUE
from aduan.stats.predikat import grade, scheme_active
from aduan.web.charts import dashboard_charts

from .base import staff_required


def _subject(request):
    """The agency (or, for national admins, the nation) the staff member asked for."""
    caller = request.caller
    code = request.GET.get("instansi") or next(iter(stats_home_agencies(caller)), "")
    if not code and caller.is_national_admin:
        return selectors.subject_get("national")
    try:
        subject = selectors.subject_get("agency", code) if code else None
    except NotFound:
        subject = None
    if subject is None or not stats_full_counts_allowed(caller, "agency", subject.path):
        raise Http404()
    return subject


@staff_required
def dashboard(request):
    subject = _subject(request)
    try:
        period = selectors.period_parse(request.GET.get("from"), request.GET.get("to"))
        error = ""
    except DomainError as exc:
        period, error = selectors.period_parse(None, None), str(exc.message)
    totals = selectors.measures(subject, period, public=False)
    return render(request, "backoffice/stats.html", {
        "subject": subject, "period": period, "error": error, "totals": totals,
        "grade": grade(totals, scheme_active()),
        "key_measures": [{"label": BY_CODE[c].label, "value": totals[c]} for c in
                         ("received", "followed_up", "pct_followup_on_time",
                          "median_days_followup", "open_backlog")] +
                        [{"label": OVERDUE.label, "value": totals["overdue_now"]}],
        "charts": dashboard_charts(subject, period, public=False),
        "agencies": stats_home_agencies(request.caller),
        "month": previous_month(date.today().replace(day=1)),
    })


def _region_prefix(request) -> str | None:
    """The regions a staff member watches: their agencies' region; everything for national."""
    caller = request.caller
    if caller.is_national_admin:
        return ""
    codes = stats_home_agencies(caller)
    region = Agency.objects.filter(code__in=codes).exclude(region=None).values_list(
        "region_id", flat=True).first()
    return region


@staff_required
def early_warning(request):
    prefix = _region_prefix(request)
    rows = spikes(region_prefix=prefix, public=not request.caller.is_national_admin) \
        if prefix is not None else []
    return render(request, "backoffice/early_warning.html",
                  {"spikes": rows, "prefix": prefix, "national": request.caller.is_national_admin})


@staff_required
def leader_report(request, code: str, month: str):
    agency = Agency.objects.filter(code=code, active=True).first()
    if agency is None or not leader_report_allowed(request.caller, agency.path):
        raise Http404()
    try:
        start = selectors.period_parse(month, month).start
    except DomainError:
        raise Http404() from None
    data = leader_report_data(agency, start)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            leader_report_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="aduan-{code}-{month}.xlsx"'
        return response
    return render(request, "backoffice/leader_report.html", data)


@staff_required
def leader_report_latest(request):
    codes = stats_home_agencies(request.caller)
    if not codes:
        raise Http404()
    month = previous_month(date.today().replace(day=1))
    return redirect("backoffice:leader_report", code=codes[0], month=f"{month:%Y-%m}")
