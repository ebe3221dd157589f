"""Sending a report, its receipt, and following it with a tracking ID and PIN."""

import time

from django.conf import settings
from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aduan.accounts.ratelimit import client_key, rate_exceeded
from aduan.errors import ChallengeRequired, DomainError
from aduan.lib import tracking
from aduan.reports import services
from aduan.reports.models import Channel
from aduan.reports.presenters import similar_summary
from aduan.routing.intake import report_intake
from aduan.routing.similar import similar_for_new_report
from aduan.web.helpers import (
    add_domain_error,
    challenge_context,
    names_for,
    no_store,
    uploads_from,
)

from .. import regions
from ..auth import SESSION_RECEIPT, pin_unlock, portal_caller
from ..forms import FIELD_OF, ReportForm, TrackForm

# Submit buttons that only move the region picker along; they never send the report.
PICKER_BUTTONS = ("_refine", "_find_region")


def _initial(user) -> dict:
    if not user.is_authenticated:
        return {}
    return {"reporter_name": user.get_full_name() or "", "reporter_email": user.email,
            "reporter_phone": getattr(user, "phone", "")}


def new_report_of(form: ReportForm, region_code: str) -> services.NewReport:
    data = form.cleaned_data
    return services.NewReport(
        kind=data["kind"], title=data["title"], body=data["body"],
        category=data["category"] or None, region_code=region_code or None,
        address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
        occurred_on=data["occurred_on"], anonymous=data["anonymous"],
        confidential=data["confidential"], reporter_name=data["reporter_name"],
        reporter_email=data["reporter_email"], reporter_phone=data["reporter_phone"],
        channel=Channel.WEB)


def _submit(request, form: ReportForm, picker) -> HttpResponse | None:
    try:
        prepared = uploads_from(form.cleaned_data["attachments"])
        report, pin = report_intake(data=new_report_of(form, picker.code),
                                    user=request.user, attachments=prepared,
                                    client=client_key(request),
                                    proof=request.POST.get("proof", ""))
    except DomainError as exc:
        if isinstance(exc, ChallengeRequired):
            request.aduan_challenge = True
        add_domain_error(form, exc, FIELD_OF)
        return None
    request.session[SESSION_RECEIPT] = {"tracking_id": report.tracking_id, "pin": pin,
                                        "at": time.time(), "shown": False}
    pin_unlock(request, report.tracking_id, report.pk)
    return redirect("portal:receipt")


# How alike an open report must be to hold a submission up for a look (0..1, see
# routing.similar); lower scores are left for staff to link as duplicates.
SIMILAR_HOLD_SCORE = 0.35


def _similar_first(request, form: ReportForm, picker) -> list[dict]:
    """Open reports so like this one that the citizen should see them before sending.

    Only when no files are attached: a second look must never cost the citizen
    the photos they chose (browsers do not keep files across a page load).
    """
    if request.POST.get("_send_anyway") or request.FILES:
        return []
    data = form.cleaned_data
    found = similar_for_new_report(portal_caller(request), text=f"{data['title']} {data['body']}",
                                   region_code=picker.code or None,
                                   category=data["category"] or None, limit=5)
    rows = [similar_summary(r, score, full=False) for r, score in found
            if score >= SIMILAR_HOLD_SCORE]
    return names_for(rows)


@require_http_methods(["GET", "POST"])
def report_new(request):
    similar = []
    if request.method == "GET":
        form = ReportForm(initial=_initial(request.user))
        picker = regions.picker_from(None)
    else:
        picker = regions.picker_from(request.POST)
        form = ReportForm(request.POST, request.FILES)
        if any(name in request.POST for name in PICKER_BUTTONS):
            # Only the picker moved: keep what was typed, show no errors yet.
            form.full_clean()
            form._errors = ErrorDict()
        elif form.is_valid():
            similar = _similar_first(request, form, picker)
            if not similar:
                response = _submit(request, form, picker)
                if response is not None:
                    return response
    tiles = settings.ADUAN["MAP_TILES_URL"]
    status = 422 if request.method == "POST" and form.errors else 200
    challenge = getattr(request, "aduan_challenge", False) or (
        rate_exceeded("submit_client", client_key(request)))
    return render(request, "portal/report_form.html", {
        "form": form, "picker": picker, "map_tiles": tiles, "similar": similar,
        **challenge_context(challenge),
        "map_attribution": settings.ADUAN["MAP_ATTRIBUTION"],
        "had_files": bool(request.FILES),
    }, status=status)


# After the receipt page, the PIN stays in the session only this long, for the file.
RECEIPT_DOWNLOAD_SECONDS = 300


def _receipt_pin(request, data: dict) -> str | None:
    """The PIN while it may still be shown or saved; forgotten once its time is over."""
    if data.get("pin") and time.time() - data.get("at", 0) <= RECEIPT_DOWNLOAD_SECONDS:
        return data["pin"]
    if data.get("pin"):
        request.session[SESSION_RECEIPT] = {**data, "pin": None}
    return None


def receipt(request):
    """The receipt: the PIN is shown once; a reload shows the tracking ID alone."""
    data = request.session.get(SESSION_RECEIPT)
    if not data:
        return redirect("portal:track")
    # Kept (for the file) only until the download or the few minutes are over.
    kept = _receipt_pin(request, data)
    request.session[SESSION_RECEIPT] = {**data, "shown": True, "pin": kept}
    return no_store(render(request, "portal/receipt.html", {
        "tracking_id": data["tracking_id"], "display_id": tracking.display(data["tracking_id"]),
        "pin": None if data.get("shown") else kept, "can_download": bool(kept),
        "site_url": settings.SITE_URL}))


def receipt_text(request):
    """The receipt as a file, within a few minutes of sending; the PIN is then forgotten."""
    data = request.session.get(SESSION_RECEIPT)
    pin = _receipt_pin(request, data) if data else None
    if not pin:
        return redirect("portal:track")
    request.session[SESSION_RECEIPT] = {**data, "pin": None}
    body = "\n".join([
        _("Aduan — report receipt"), "",
        _("Tracking ID: %(id)s") % {"id": tracking.display(data["tracking_id"])},
        _("PIN: %(pin)s") % {"pin": pin}, "",
        _("Follow your report at %(url)s/lacak/ with this tracking ID and PIN. Keep the PIN "
          "secret: whoever has it can read and answer for your report.")
        % {"url": settings.SITE_URL}, ""])
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="aduan-{data["tracking_id"]}.txt"')
    return no_store(response)


@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None,
                     initial={"tracking_id": request.GET.get("id", "")[:20]})
    challenge = False
    if request.method == "POST" and form.is_valid():
        tracking_id = form.cleaned_data["tracking_id"]
        try:
            report_id = services.report_pin_check(
                tracking_id=tracking_id, pin=form.cleaned_data["pin"],
                client=client_key(request), proof=request.POST.get("proof", ""))
        except ChallengeRequired as exc:
            form.add_error(None, str(exc.message))
            challenge = True
        except services.WrongPin:
            # One message for both: the form must not tell which tracking IDs exist.
            form.add_error(None, _("The tracking ID or the PIN is not right. Check both and "
                                   "try again."))
        else:
            canonical = tracking.normalize(tracking_id)
            pin_unlock(request, canonical, report_id)
            messages.success(request, _("Report unlocked. You can follow it and answer here."))
            return redirect("portal:report", tracking_id=canonical)
    challenge = challenge or rate_exceeded("pin_client", client_key(request))
    status = 422 if form.errors else 200
    return no_store(render(request, "portal/track.html",
                           {"form": form, **challenge_context(challenge)}, status=status))
