"""Who is calling the API: a bearer token, a report PIN, or nobody.

Browser sessions are deliberately not accepted here: the API is for apps and
partner systems with tokens, so it needs no CSRF protection and a stolen
cookie cannot drive it.
"""

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.audit import Action, audit_once_per
from aduan.accounts.models import ApiToken, hash_token
from aduan.accounts.ratelimit import client_key
from aduan.errors import Unauthenticated
from aduan.partners.clients import client_authenticate, client_rate_check
from aduan.partners.models import CLIENT_KEY_PREFIX
from aduan.reports.access import report_get_for_caller
from aduan.reports.callers import ANONYMOUS, Caller, caller_for_client, caller_for_user
from aduan.reports.services import WrongPin, report_pin_check

PIN_HEADER = "HTTP_X_REPORT_PIN"
# A solved proof-of-work check (given in a 429 "challenge_required" answer).
PROOF_HEADER = "HTTP_X_ADUAN_PROOF"
_TOUCH_EVERY = timedelta(minutes=5)
# Token use is audited once per token per hour (the first request), not per request.
_AUDIT_EVERY = timedelta(hours=1)


def bearer_value(request: HttpRequest) -> str | None:
    """The raw bearer credential of the request, None without one; a malformed header is
    refused."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header:
        return None
    scheme, _sep, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthenticated(_("Use the header 'Authorization: Bearer <token>'."),
                              code="invalid_token")
    return raw.strip()


def client_caller(request: HttpRequest, raw: str) -> Caller:
    """A partner system's caller from its key; counted against its own rate limit."""
    client = client_authenticate(raw)
    if client is None:
        raise Unauthenticated(_("The client key is not valid, has expired or has been "
                                "revoked."), code="invalid_token")
    request._aduan_client = client
    client_rate_check(client)
    return caller_for_client(client)


def _token_user(raw: str | None):
    if raw is None:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=hash_token(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        raise Unauthenticated(_("The token is not valid or has been revoked."),
                              code="invalid_token")
    now = timezone.now()
    # Recording use on every request would turn each read into a write.
    if token.last_used_at is None or token.last_used_at < now - _TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        audit_once_per(_AUDIT_EVERY, Action.TOKEN_USED, actor=token.user,
                       target=f"token:{token.pk}")
    return token.user


def resolve_caller(request: HttpRequest, tracking_id: str | None = None) -> Caller:
    """The caller of this request; a wrong token or PIN is refused, never ignored."""
    cached = getattr(request, "_aduan_caller", None)
    if cached is not None:
        return cached
    raw = bearer_value(request)
    if raw is not None and raw.startswith(CLIENT_KEY_PREFIX):
        request._aduan_caller = client_caller(request, raw)
        return request._aduan_caller
    user = _token_user(raw)
    pin_report_id = None
    pin = request.META.get(PIN_HEADER)
    if pin is not None and tracking_id is not None:
        try:
            pin_report_id = report_pin_check(tracking_id=tracking_id, pin=pin,
                                             client=client_key(request),
                                             proof=request.META.get(PROOF_HEADER, ""))
        except WrongPin:
            # A report the caller could not see without the PIN stays unknown (404).
            report_get_for_caller(caller_for_user(user), tracking_id)
            raise Unauthenticated(_("The PIN does not match this report."),
                                  code="invalid_pin") from None
    caller = caller_for_user(user, pin_report_id=pin_report_id) if (user or pin_report_id) \
        else ANONYMOUS
    request._aduan_caller = caller
    return caller



def credentials_present(request: HttpRequest):
    """ninja ``auth`` for actions: a token or a report PIN must be present before the body
    is read, so a call without either answers 401, not 409 or 422. Both are checked
    later, by ``resolve_caller``."""
    return request.META.get("HTTP_AUTHORIZATION") or request.META.get(PIN_HEADER) or None
