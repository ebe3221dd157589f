"""What a reporter does on their report's page: add information, reply, accept and rate."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aduan.errors import DomainError
from aduan.lib import tracking
from aduan.reports import services
from aduan.reports.access import report_get_for_caller
from aduan.routing.services import report_support
from aduan.web.helpers import add_domain_error, no_store, not_found_on, uploads_from

from ..auth import portal_caller
from ..forms import MessageForm, RatingForm
from .public import REPORTER_ACTIONS, _report_context


def _message_service(service):
    def run(caller, report, form):
        return service(caller=caller, report=report, message=form.cleaned_data["message"],
                       attachments=uploads_from(form.cleaned_data["attachments"]))
    return run


def _close(caller, report, form):
    return services.report_close(caller=caller, report=report,
                                 rating=form.cleaned_data["rating"],
                                 comment=form.cleaned_data["comment"])


ACTIONS = {
    "provide_info": (MessageForm, _message_service(services.report_provide_info)),
    "add_info": (MessageForm, _message_service(services.report_add_info)),
    "reply": (MessageForm, _message_service(services.report_reply)),
    "close": (RatingForm, _close),
}
DONE = {
    "provide_info": gettext_lazy("Thank you: your information was sent to the handler."),
    "add_info": gettext_lazy("Your information was added to the report."),
    "reply": gettext_lazy("Your reply was sent; the agency will follow up again."),
    "close": gettext_lazy("Thank you for your rating. The report is now completed."),
}


@require_POST
def reporter_action(request, tracking_id: str, action: str):
    canonical = tracking.normalize(tracking_id)
    if canonical is None or action not in REPORTER_ACTIONS:
        raise Http404()
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    caller = portal_caller(request, canonical)
    if form.is_valid():
        try:
            report, _view = report_get_for_caller(caller, canonical)
            run(caller, report, form)
        except DomainError as exc:
            not_found_on(exc)
            add_domain_error(form, exc)
        else:
            messages.success(request, str(DONE[action]))
            return redirect("portal:report", tracking_id=canonical)
    try:
        context = _report_context(request, canonical, forms={action: form})
    except DomainError as exc:
        not_found_on(exc)
        raise
    context["failed_action"] = action
    return no_store(render(request, "portal/report.html", context, status=422))


@require_POST
def support(request, tracking_id: str):
    """A citizen with an account says "I have this problem too" (counted once per account)."""
    canonical = tracking.normalize(tracking_id)
    if canonical is None:
        raise Http404()
    if not request.user.is_authenticated:
        return redirect(f"{reverse('portal:login')}?next={reverse('portal:report', args=[canonical])}")
    caller = portal_caller(request, canonical)
    try:
        report, _view = report_get_for_caller(caller, canonical)
        report_support(caller=caller, report=report)
    except DomainError as exc:
        not_found_on(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, SUPPORTED)
    return redirect("portal:report", tracking_id=canonical)


SUPPORTED = gettext_lazy("Thank you: your support is counted. The agency sees how many people "
                         "have this problem.")
