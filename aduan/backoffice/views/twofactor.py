"""The second step of the staff login: a code, a passkey or a recovery code; and enrolment.

A staff member who owes a second factor (``web.twofactor``) reaches only these pages
until it is given. One who has none yet enrols here first (trust on first use: the
password proved who they are, the device is bound to the account from now on).
"""

import base64
import json
from base64 import b32encode

import segno
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from aduan.accounts import passkeys
from aduan.accounts.ratelimit import client_key, rate_exceeded
from aduan.accounts.twofactor import (
    has_second_factor,
    recovery_codes_left,
    recovery_codes_new,
    second_factor_verify,
    totp_confirm,
    totp_pending,
)
from aduan.accounts.models import WebAuthnCredential
from aduan.errors import DomainError, RateLimited
from aduan.reports.callers import caller_for_user
from aduan.web.helpers import add_domain_error, challenge_context
from aduan.web.twofactor import pending_user, second_factor_done

from ..forms import SecondFactorForm, TotpEnrolForm

SESSION_NEXT = "aduan_2fa_next"
SESSION_CHALLENGE = "aduan_webauthn_challenge"


def after_password(request, user):
    """Where the password step sends a staff member who owes a second factor."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}):
        request.session[SESSION_NEXT] = target
    return redirect("backoffice:second_step" if has_second_factor(user)
                    else "backoffice:enrol")


def _continue(request):
    target = request.session.pop(SESSION_NEXT, "")
    return redirect(target or "backoffice:home")


@never_cache
def second_step(request):
    user = pending_user(request)
    if user is None:
        return redirect("backoffice:home")
    if not has_second_factor(user):
        return redirect("backoffice:enrol")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(user=user, code=form.cleaned_data["code"],
                                          client=client_key(request),
                                          proof=request.POST.get("proof", ""))
        except RateLimited as exc:
            request.aduan_challenge = True
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            second_factor_done(request, user, device)
            return _continue(request)
    return render(request, "backoffice/second_step.html", {
        "form": form, "username": user.get_username(), **_challenge(request, user),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        "codes_left": recovery_codes_left(user)}, status=422 if form.errors else 200)


def _enrolling_user(request):
    """(user, owes the factor) for someone who may add a device now, else (None, False)."""
    user = pending_user(request)
    if user is not None:
        return (user, True) if not has_second_factor(user) else (None, False)
    if request.user.is_authenticated and caller_for_user(request.user).is_staff_member:
        return request.user, False
    return None, False


@never_cache
def enrol(request):
    user, owes = _enrolling_user(request)
    if user is None:
        return redirect("backoffice:home")
    device = totp_pending(user)
    form = TotpEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_confirm(user=user, code=form.cleaned_data["code"],
                                  name=form.cleaned_data["name"], client=client_key(request),
                                  proof=request.POST.get("proof", ""))
        except RateLimited as exc:
            request.aduan_challenge = True
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _enrolled(request, user, device)
    secret = b32encode(device.bin_key).decode()
    return render(request, "backoffice/enrol.html", {
        "form": form, "owes": owes, "qr_svg": segno.make(device.config_url, error="m")
        .svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        **_challenge(request, user)}, status=422 if form.errors else 200)


def _enrolled(request, user, device):
    """The first factor is confirmed: verify the session, show recovery codes once if new."""
    second_factor_done(request, user, device)
    if recovery_codes_left(user):
        return _continue(request)
    return recovery_codes_page(request, recovery_codes_new(user), first=True)


def recovery_codes_page(request, codes: list[str], *, first: bool = False):
    response = render(request, "backoffice/recovery_codes.html", {
        "codes": codes, "first": first, "next": request.session.get(SESSION_NEXT, "")})
    response["Cache-Control"] = "no-store"
    return response


def _challenge(request, user) -> dict:
    return challenge_context(getattr(request, "aduan_challenge", False)
                             or rate_exceeded("otp_account", str(user.pk))
                             or rate_exceeded("otp_client", client_key(request)))


# --- passkeys (JSON for web/static/aduan/passkey.js) -----------------------------------


def _json_body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _keep_challenge(request, challenge: bytes) -> None:
    request.session[SESSION_CHALLENGE] = base64.b64encode(challenge).decode()


def _take_challenge(request) -> bytes | None:
    # Each challenge is answered once: a replayed answer finds none.
    raw = request.session.pop(SESSION_CHALLENGE, None)
    return base64.b64decode(raw) if raw else None


def _error(exc: DomainError) -> JsonResponse:
    body = {"error": {"code": exc.code, "message": str(exc.message)}}
    return JsonResponse(body, status=exc.status)


@require_POST
def passkey_register_options(request):
    user, _owes = _enrolling_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    options, challenge = passkeys.passkey_registration_options(user)
    _keep_challenge(request, challenge)
    return JsonResponse(json.loads(options))


@require_POST
def passkey_register(request):
    user, _owes = _enrolling_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    data = _json_body(request)
    try:
        device = passkeys.passkey_register(user=user, credential=data.get("credential") or {},
                                           challenge=_take_challenge(request),
                                           name=str(data.get("name") or ""))
    except DomainError as exc:
        return _error(exc)
    second_factor_done(request, user, device)
    if recovery_codes_left(user):
        return JsonResponse({"ok": True, "redirect": request.session.pop(SESSION_NEXT, "")
                             or "/kantor/keamanan/"})
    request.session["aduan_2fa_show_codes"] = True
    return JsonResponse({"ok": True, "redirect": "/kantor/keamanan/kode-pemulihan/"})


@require_POST
def passkey_login_options(request):
    user = pending_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    options, challenge = passkeys.passkey_authentication_options(user)
    _keep_challenge(request, challenge)
    return JsonResponse(json.loads(options))


@require_POST
def passkey_login(request):
    user = pending_user(request)
    if user is None:
        return JsonResponse({"error": {"code": "not_found"}}, status=404)
    data = _json_body(request)
    try:
        device = passkeys.passkey_authenticate(
            user=user, credential=data.get("credential") or {},
            challenge=_take_challenge(request), client=client_key(request),
            proof=str(data.get("proof") or ""))
    except DomainError as exc:
        return _error(exc)
    second_factor_done(request, user, device)
    return JsonResponse({"ok": True, "redirect": request.session.pop(SESSION_NEXT, "")
                         or "/kantor/"})
