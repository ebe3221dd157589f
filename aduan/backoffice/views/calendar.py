"""The working-day calendar for national admins: holidays per year and region, and edits."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.agencies.models import Region
from aduan.deadlines.calendar import Calendar, holidays_in
from aduan.deadlines.holidays import holiday_add, holiday_remove
from aduan.errors import DomainError
from aduan.web.helpers import add_domain_error

from ..forms import HolidayForm, WorkdaysForm
from .base import staff_required


def _national_only(request) -> None:
    if not request.caller.is_national_admin:
        raise Http404()


def _region(raw: str) -> str:
    raw = (raw or "").strip()[:13]
    return raw if raw and Region.objects.filter(pk=raw).exists() else ""


def _year(raw: str) -> int:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _page(request, *, form=None, workdays=None, answer=None, status=200):
    year, region = _year(request.GET.get("year")), _region(request.GET.get("region"))
    return render(request, "backoffice/calendar.html", {
        "year": year, "region": region,
        "region_name": Region.objects.filter(pk=region).values_list("name", flat=True).first(),
        "holidays": holidays_in([year], region or None),
        "form": form or HolidayForm(initial={"region": region}),
        "workdays_form": workdays or WorkdaysForm(request.GET if "start" in request.GET
                                                  else None, initial={"region": region}),
        "answer": answer}, status=status)


@staff_required
def calendar(request):
    _national_only(request)
    workdays = WorkdaysForm(request.GET) if "start" in request.GET else None
    answer = None
    if workdays is not None and workdays.is_valid():
        data = workdays.cleaned_data
        answer = Calendar(data["region"] or None).add_workdays(data["start"], data["days"])
    if request.method != "POST":
        return _page(request, workdays=workdays, answer=answer)
    form = HolidayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            holiday = holiday_add(day=data["date"], name=data["name"], actor=request.user,
                                  region_code=data["region"] or None)
        except DomainError as exc:
            add_domain_error(form, exc, {"region_code": "region"})
        else:
            messages.success(request, _("%(day)s is now a holiday: %(name)s. Open reports' "
                                        "deadlines are being recomputed.")
                             % {"day": holiday.date.isoformat(), "name": holiday.name})
            return redirect(f"{request.path}?year={holiday.date.year}"
                            f"&region={holiday.region_code}")
    return _page(request, form=form, status=422)


@require_POST
@staff_required
def calendar_remove(request):
    _national_only(request)
    region = _region(request.POST.get("region"))
    try:
        day = date.fromisoformat(request.POST.get("date", ""))
        holiday_remove(day=day, region_code=region or None, actor=request.user)
    except ValueError:
        messages.error(request, _("Give a date in the form YYYY-MM-DD."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(day)s is a working day again. Open reports' deadlines "
                                    "are being recomputed.") % {"day": day.isoformat()})
    return redirect(f"/kantor/kalender/?year={request.POST.get('year', '')}&region={region}")
