"""The two-factor gate: a session that still owes its second factor is anonymous.

After the password the staff member is logged in (Django's session, rotated), but until
a second factor is verified (django-otp's ``OTPMiddleware`` says which device did it)
``request.user`` is an anonymous user on every page: the portal, the Django admin and
the back office alike, so no view can forget the check. Only the second-step pages read
the waiting account, through ``pending_user(request)``. Sessions that need no second
factor (citizens, roles outside ``settings.TWO_FACTOR_ROLES`` without a device) pass.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from aduan.accounts.twofactor import two_factor_required


def _gate(request, user):
    request._aduan_pending_user = None
    if not user.is_authenticated or user.is_verified() or not two_factor_required(user):
        return user
    request._aduan_pending_user = user
    anonymous = AnonymousUser()
    anonymous.is_verified = lambda: False
    anonymous.otp_device = None
    return anonymous


def pending_user(request):
    """The account logged in with its password that still owes the second factor, or None."""
    request.user.is_authenticated  # evaluate the lazy gate  # noqa: B018
    return getattr(request, "_aduan_pending_user", None)


class TwoFactorGateMiddleware:
    """Install the gate on ``request.user`` (after ``OTPMiddleware``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(lambda: _gate(request, user))
        return self.get_response(request)


def second_factor_done(request, user, device) -> None:
    """Mark this session verified by ``device`` (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    user.otp_device = device
    user.is_verified = lambda: True
    request.user = user
    request._aduan_pending_user = None
