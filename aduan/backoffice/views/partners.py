"""API clients (partner systems) for national admins: keys, webhooks and their deliveries.

A new key or signing secret is rendered once in the answer to the POST that made
it, never put in a session or a flash message.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.errors import DomainError
from aduan.partners import clients, webhooks
from aduan.partners.models import ApiClient
from aduan.reports.access import partners_manage_allowed
from aduan.web.helpers import add_domain_error

from ..forms import ApiClientForm, WebhookForm
from .base import staff_required

DELIVERIES_SHOWN = 20


def _allowed(request) -> None:
    if not partners_manage_allowed(request.caller):
        raise Http404()


def _client(client_id: int) -> ApiClient:
    client = ApiClient.objects.select_related("agency").filter(pk=client_id).first()
    if client is None:
        raise Http404()
    return client


@staff_required
def client_list(request):
    _allowed(request)
    form = ApiClientForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = clients.client_create(name=data["name"], agency_code=data["agency"],
                                         scopes=data["scopes"], actor=request.user,
                                         rate_limit_per_minute=data["rate_limit_per_minute"])
            form = ApiClientForm()
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(request, "backoffice/partners.html", {
        "clients": ApiClient.objects.select_related("agency"), "form": form, "made": made},
        status=422 if form.errors else 200)


def _detail(request, client: ApiClient, *, form=None, new_secret="", new_key="", status=200):
    endpoints = list(client.webhooks.all())
    for endpoint in endpoints:
        endpoint.recent = list(webhooks.deliveries(endpoint.pk)
                               .order_by("-created_at")[:DELIVERIES_SHOWN])
    return render(request, "backoffice/partner.html", {
        "client": client, "endpoints": endpoints, "form": form or WebhookForm(),
        "new_secret": new_secret, "new_key": new_key,
        "keys": client.keys.order_by("-created_at")}, status=status)


@staff_required
def client_page(request, client_id: int):
    _allowed(request)
    client = _client(client_id)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _endpoint, secret = webhooks.webhook_add(
                client=client, url=form.cleaned_data["url"],
                event_types=form.cleaned_data["events"], actor=request.user)
            return _detail(request, client, new_secret=secret)
        except DomainError as exc:
            add_domain_error(form, exc, {"events": "events", "url": "url"})
    return _detail(request, client, form=form, status=422 if form.errors else 200)


@require_POST
@staff_required
def client_rotate(request, client_id: int):
    _allowed(request)
    client = _client(client_id)
    try:
        made = clients.client_rotate(client=client, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("backoffice:partner", client_id=client.pk)
    return _detail(request, client, new_key=made.raw)


@require_POST
@staff_required
def client_revoke(request, client_id: int):
    _allowed(request)
    clients.client_revoke(client=_client(client_id), actor=request.user)
    messages.success(request, _("The client is revoked: none of its keys works any more."))
    return redirect("backoffice:partner", client_id=client_id)


@require_POST
@staff_required
def webhook_action(request, client_id: int, endpoint_id: int, action: str):
    _allowed(request)
    client = _client(client_id)
    try:
        endpoint = webhooks.webhook_get(client=client, endpoint_id=endpoint_id)
    except DomainError:
        raise Http404() from None
    if action == "hapus":
        webhooks.webhook_remove(endpoint=endpoint, actor=request.user)
        messages.success(request, _("The webhook was removed."))
    elif action == "lanjutkan":
        webhooks.webhook_resume(endpoint=endpoint, actor=request.user)
        messages.success(request, _("The webhook is active again."))
    elif action == "kirim-ulang":
        message_id = request.POST.get("delivery", "")
        if message_id.isdigit() and webhooks.webhook_redeliver(
                endpoint=endpoint, message_id=int(message_id), actor=request.user):
            messages.success(request, _("The delivery will be sent again."))
    else:
        raise Http404()
    return redirect("backoffice:partner", client_id=client.pk)
