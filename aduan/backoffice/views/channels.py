"""Channels for national admins (doors, inbound, waiting and failed outbound) and the simulator."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.channels.models import OutboundChannel
from aduan.channels.outbox import outbox_retry
from aduan.channels.selectors import (
    channels_overview,
    dead_letters,
    doors_configured,
    unreadable_inbound,
)
from aduan.channels.simulator import simulate
from aduan.errors import DomainError
from aduan.reports.access import channel_simulator_allowed, channels_admin_allowed
from aduan.reports.training import training_mode
from aduan.web.helpers import add_domain_error

from ..forms import SimulatorForm
from .base import staff_required


def _allowed(rule, request) -> None:
    # 404, not 403: a page the caller may not use is as absent as one that does not exist.
    if not rule(request.caller):
        raise Http404()


@staff_required
def channels(request):
    _allowed(channels_admin_allowed, request)
    overview = channels_overview(doors_configured())
    return render(request, "backoffice/channels.html", {
        **overview, "outbound_rows": sorted(overview["outbound"].items()),
        "dead": dead_letters(), "unreadable": unreadable_inbound(),
        "training": training_mode()})


@require_POST
@staff_required
def retry(request, message_id: int):
    _allowed(channels_admin_allowed, request)
    if outbox_retry(message_id=message_id):
        messages.success(request, _("The message will be sent again."))
    return redirect("backoffice:channels")


@staff_required
def simulator(request):
    _allowed(channel_simulator_allowed, request)
    form = SimulatorForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = simulate(user_id=request.user.pk, channel=data["channel"],
                              text=data["text"], public=data["public"])
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "backoffice/simulator.html", {
        "form": form, "result": result, "training": training_mode(),
        "channel_labels": dict(OutboundChannel.choices)},
        status=422 if form.errors else 200)
