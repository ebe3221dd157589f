""""Data saya" (UU PDP): a reporter downloads everything held about them, or erases their
identity from their reports, with an account or with a report's tracking ID and PIN."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aduan.errors import Forbidden, NotFound, ReportNotFound, Unauthenticated
from aduan.privacy.erasure import identity_erase
from aduan.privacy.export import personal_data_export
from aduan.reports.access import data_subject_for_caller

from ..auth import SESSION_PINS, portal_caller
from ..forms import ErasureForm

def _subject(request, tracking_id):
    return data_subject_for_caller(portal_caller(request, tracking_id), tracking_id)


def _guarded(view):
    """An account page sends the visitor to log in; a report without its PIN is a 404."""
    def wrapped(request, tracking_id=None):
        try:
            return view(request, tracking_id, _subject(request, tracking_id))
        except Unauthenticated:
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.path})}")
        except (ReportNotFound, NotFound):
            raise Http404() from None
        except Forbidden as exc:
            return render(request, "portal/my_data.html", {"refused": exc.message}, status=403)
    wrapped.__name__ = view.__name__
    return wrapped


@require_http_methods(["GET", "POST"])
@_guarded
def my_data(request, tracking_id, subject):
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identity_erase(subject=subject, actor=request.user)
        if subject.user is not None:
            logout(request)
        else:
            pins = dict(request.session.get(SESSION_PINS, {}))
            pins.pop(tracking_id, None)
            request.session[SESSION_PINS] = pins
        messages.success(request, _("Your identity has been erased. The report stays, "
                                    "without your name, e-mail, phone or addresses."))
        return redirect("portal:home")
    response = render(request, "portal/my_data.html", {
        "form": form, "tracking_id": tracking_id,
        "reports": len(subject.report_ids)}, status=422 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@_guarded
def my_data_download(request, tracking_id, subject):
    document = personal_data_export(subject=subject, actor=request.user)
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"data-saya-{tracking_id}.json" if tracking_id else "data-saya.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
