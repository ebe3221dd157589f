"""Log-in with a guard against password guessing, for the portal and the back office alike."""

from django.contrib.auth import authenticate

from .challenge import attempt_allowed
from .ratelimit import client_key, rate_clear


def _key(username: str) -> str:
    return (username or "").strip().lower()[:254]


def account_authenticate(request, *, username: str, password: str):
    """The user for these credentials, or None.

    Attempts are counted per account name and per client, atomically and before the
    password is checked; past either limit the form must carry a solved proof-of-work
    check (``ChallengeRequired``, 429). Nobody is locked out: ten wrong passwords
    typed by someone else must not keep a staff member from work. An unknown name is
    counted like a known one, so the check says nothing about which accounts exist.
    """
    key = _key(username)
    attempt_allowed([("login_account", key), ("login_client", client_key(request))],
                    request.POST.get("proof", ""))
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    rate_clear("login_account", key)
    return user if user.is_active else None
