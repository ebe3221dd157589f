"""A staff member's own account security: second factors, recovery codes and API tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aduan.accounts.services import token_create, token_revoke, tokens_list
from aduan.accounts.twofactor import (
    device_remove,
    devices_list,
    recovery_codes_left,
    recovery_codes_new,
)
from aduan.errors import DomainError

from ..forms import TokenForm
from .base import staff_required
from .twofactor import recovery_codes_page


def _verified(request) -> bool:
    return request.user.is_verified()


@never_cache
@staff_required
def security(request):
    return render(request, "backoffice/security.html", {
        "devices": devices_list(request.user), "verified": _verified(request),
        "codes_left": recovery_codes_left(request.user), "tokens": tokens_list(request.user),
        "token_form": TokenForm()})


@require_POST
@staff_required
def device_delete(request):
    if not _verified(request):
        return redirect("backoffice:security")
    try:
        device_remove(user=request.user, persistent_id=request.POST.get("device", ""))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The device was removed."))
    return redirect("backoffice:security")


@never_cache
@staff_required
def recovery_codes(request):
    """POST: new codes (the old ones stop working); GET: the first codes after a passkey."""
    first = request.session.pop("aduan_2fa_show_codes", False)
    if not _verified(request) or (request.method != "POST" and not (
            first and not recovery_codes_left(request.user))):
        return redirect("backoffice:security")
    return recovery_codes_page(request, recovery_codes_new(request.user), first=first)


@never_cache
@require_POST
@staff_required
def token_new(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return redirect("backoffice:security")
    try:
        raw = token_create(user=request.user, name=form.cleaned_data["name"],
                           actor=request.user, verified_device=request.user.otp_device)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("backoffice:security")
    response = render(request, "backoffice/token_created.html", {"token": raw})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def token_delete(request, token_id: int):
    try:
        token_revoke(user=request.user, token_id=token_id)
    except DomainError:
        pass
    messages.success(request, _("The token was revoked."))
    return redirect("backoffice:security")
