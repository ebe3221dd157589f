"""Public statistics pages, the measure definitions and the open-data page (thin views)."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.agencies.selectors import province_names
from aduan.errors import DomainError, NotFound
from aduan.reports.models import PUBLIC_Q, Report
from aduan.reports.workflow import OPEN_STATUSES
from aduan.stats import selectors
from aduan.stats.measures import BY_CODE, MEASURES, OVERDUE
from aduan.stats.opendata import DATA_FILES, FIELDS, opendata_latest
from aduan.stats.predikat import grade, scheme_active

from aduan.web.charts import chart, dashboard_charts
from .tiles import shade_tiles

MAP_MEASURES = ("received", "pct_followup_on_time", "pct_completed", "median_days_followup",
                "open_backlog")


def _period(request):
    try:
        return selectors.period_parse(request.GET.get("from"), request.GET.get("to")), ""
    except DomainError as exc:
        return selectors.period_parse(None, None), str(exc.message)


def _names(model, codes) -> dict[str, str]:
    return dict(model.objects.filter(pk__in=list(codes)).values_list("pk", "name"))


def _board(subject, period, *, public: bool = True) -> dict:
    """The charts and tables every dashboard shows for its subject."""
    return {"subject": subject, "period": period,
            "totals": selectors.measures(subject, period, public),
            "charts": dashboard_charts(subject, period, public)}


def _key_measures(totals: dict) -> list[dict]:
    codes = ["received", "followed_up", "pct_completed", "pct_followup_on_time",
             "median_days_followup", "rating_mean", "open_backlog"]
    items = [{"code": c, "label": BY_CODE[c].label, "value": totals.get(c)} for c in codes]
    items.append({"code": OVERDUE.code, "label": OVERDUE.label, "value": totals["overdue_now"]})
    return items


@require_GET
def dashboard(request):
    period, error = _period(request)
    national = selectors.subject_get("national")
    context = _board(national, period)
    measure = request.GET.get("measure", "received")
    measure = measure if measure in MAP_MEASURES else "received"
    by_province = selectors.breakdown(national, period, True, "province")
    names = province_names()
    context.update({
        "error": error, "key_measures": _key_measures(context["totals"]),
        "map_measure": BY_CODE[measure], "map_measures": [BY_CODE[m] for m in MAP_MEASURES],
        "tiles": shade_tiles({c: v[measure] for c, v in by_province.items()}, names),
        "provinces": sorted(((names.get(c, c), c, v) for c, v in by_province.items() if c)),
        "league": selectors.league(period), "scheme": scheme_active(),
    })
    return render(request, "transparency/dashboard.html", context)


def _subject_or_404(scope: str, code: str):
    try:
        return selectors.subject_get(scope, code)
    except NotFound:
        raise Http404() from None


def _slowest_open(subject, q) -> list:
    """The ten public open reports waiting longest (kept LIVE_TTL seconds per process)."""
    def query():
        return list(Report.objects.filter(PUBLIC_Q & q, status__in=OPEN_STATUSES)
                    .order_by("received_at").only("tracking_id", "public_title",
                                                  "received_at", "status")[:10])
    key = f"stats:slowest:{subject.scope}:{subject.code}"
    return cache.get_or_set(key, query, selectors.LIVE_TTL)


def _subject_page(request, subject, q):
    period, error = _period(request)
    context = _board(subject, period)
    national_months = selectors.breakdown(selectors.subject_get("national"), period, True, "month")
    own_months = selectors.breakdown(subject, period, True, "month")
    rows = [(m, {"own": own_months[m]["median_days_followup"],
                 "national": national_months[m]["median_days_followup"]}) for m in own_months]
    trend = chart("vs-national", _("Median working days to first follow-up: here and nationally"),
                  rows, ["own", "national"], kind="line")
    trend["headers"] = [_("Here"), _("National")]
    for series, label in zip(trend["spec"]["series"], trend["headers"], strict=True):
        series["label"] = label
    context["charts"].append(trend)
    context.update({"error": error, "key_measures": _key_measures(context["totals"]),
                    "grade": grade(context["totals"], scheme_active()),
                    "slowest": _slowest_open(subject, q)})
    return render(request, "transparency/subject.html", context)


@require_GET
def agency(request, code: str):
    subject = _subject_or_404("agency", code)
    return _subject_page(request, subject, Q(holder__path__startswith=subject.path))


@require_GET
def region(request, code: str):
    scope = "province" if len(code) == 2 else "regency"
    subject = _subject_or_404(scope, code)
    field = "province_code" if scope == "province" else "regency_code"
    return _subject_page(request, subject, Q(**{field: code}))


@require_GET
def definitions(request):
    versions = {}
    for language in ("id", "en"):
        with translation.override(language):
            versions[language] = [{"code": m.code, "label": str(m.label), "rule": str(m.rule),
                                   "unit": m.unit} for m in [*MEASURES, OVERDUE]]
    rows = [{"code": i["code"], "unit": i["unit"], "id": i, "en": e}
            for i, e in zip(versions["id"], versions["en"], strict=True)]
    return render(request, "transparency/definitions.html",
                  {"rows": rows, "scheme": scheme_active()})


@require_GET
def data_page(request):
    latest = opendata_latest()
    files = [{"name": n, "size": (latest / n).stat().st_size} for n in DATA_FILES
             if latest and (latest / n).exists()]
    return render(request, "transparency/data.html", {
        "latest": latest.name if latest else None, "files": files, "fields": FIELDS,
        "license": settings.ADUAN["OPENDATA_LICENSE"],
        "license_url": settings.ADUAN["OPENDATA_LICENSE_URL"]})


@require_GET
def data_file(request, day: str, name: str):
    latest = opendata_latest()
    if name not in DATA_FILES or latest is None or day not in (latest.name, "terbaru"):
        raise Http404()
    path = latest / name
    if not path.exists():
        raise Http404()
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"aduan-{latest.name}-{name}")
