"""Log-in with a guard against password guessing, for the portal and the back office alike."""

from django.contrib.auth import authenticate

from .audit import Action, audit_record, client_tag, user_target
from .challenge import attempt_allowed
from .ratelimit import client_key, rate_clear
from .services import user_for_login


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
    key, client = _key(username), client_key(request)
    attempt_allowed([("login_account", key), ("login_client", client)],
                    request.POST.get("proof", ""))
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        _audit_failure(key, client)
        return None
    rate_clear("login_account", key)
    audit_record(Action.LOGIN, actor=user, target=user_target(user), client=client_tag(client))
    return user


def _audit_failure(key: str, client: str) -> None:
    # The typed name may be a reporter's e-mail: name the account by id, or not at all.
    known = user_for_login(key)
    audit_record(Action.LOGIN_FAILED, actor=None,
                 target=user_target(known) if known else "unknown", client=client_tag(client))
