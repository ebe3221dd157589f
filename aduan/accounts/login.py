"""Log-in with a guard against password guessing, for the portal and the back office alike."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import RateLimited

from .models import LoginThrottle


def _key(username: str) -> str:
    return (username or "").strip().lower()[:254]


def account_authenticate(request, *, username: str, password: str):
    """The user for these credentials, or None; refuses (429) while the name is locked.

    After ``LOGIN_MAX_FAILURES`` wrong passwords in a row the name is locked for
    ``LOGIN_LOCK_MINUTES``; a right password clears the count.
    """
    key, now = _key(username), timezone.now()
    row = LoginThrottle.objects.filter(pk=key).first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        minutes = max(1, int((row.locked_until - now).total_seconds() // 60) + 1)
        raise RateLimited(_("Too many wrong passwords for this account; try again in %(n)d "
                            "minutes.") % {"n": minutes})
    user = authenticate(request, username=username, password=password)
    if user is not None:
        if row is not None:
            LoginThrottle.objects.filter(pk=key).delete()
        return None if not user.is_active else user
    _failed(key, now)
    return None


def _failed(key: str, now) -> None:
    limits = settings.ADUAN
    with transaction.atomic():
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(pk=key)
        LoginThrottle.objects.filter(pk=key).update(failures=F("failures") + 1)
        row.refresh_from_db()
        if row.failures >= limits["LOGIN_MAX_FAILURES"]:
            row.failures = 0
            row.locked_until = now + timedelta(minutes=limits["LOGIN_LOCK_MINUTES"])
            row.save(update_fields=["failures", "locked_until", "updated_at"])
