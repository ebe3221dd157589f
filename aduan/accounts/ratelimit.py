"""Rate limits for every door, in one place: fixed windows counted atomically in the database.

``rate_hit(scope, identity)`` counts one attempt and says whether it is within the
scope's limit. The count is one conditional ``UPDATE ... SET count = count + 1 WHERE
count < limit``, so parallel requests cannot slip past the limit between a read and
a write (16 parallel PIN guesses once got 14 tries through a read-then-write counter).
Identities (client addresses, e-mail addresses, tracking IDs) are stored only as
keyed hashes. Limits are ``DEFAULT_LIMITS`` with ``settings.ADUAN["RATE_LIMIT_OVERRIDES"]``;
``ADUAN_RATE_LIMITS=off`` (``settings.ADUAN["RATE_LIMITS"]`` false) turns every limit off,
the channel doors' too (benchmarks only).
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from aduan.lib.throttle import Throttle

from .models import RateCounter

# scope: (attempts, seconds). Client scopes escalate to a proof-of-work check rather
# than block: many Indonesians share one address behind carrier-grade NAT.
DEFAULT_LIMITS = {
    "pin_report": (10, 900),       # PIN tries per tracking ID (known or not)
    "pin_client": (30, 3600),      # PIN tries per client address
    "login_account": (10, 900),    # wrong passwords per account name
    "login_client": (30, 3600),    # wrong passwords per client address
    "otp_account": (5, 900),       # second-step codes per account (TOTP, recovery, passkey)
    "otp_client": (30, 3600),      # second-step codes per client address
    "submit_client": (10, 3600),   # web submissions per client address (then a check)
    "submit_api_client": (60, 3600),  # API submissions per client address (then 429)
    "submit_identity": (20, 86400),   # submissions per reporter e-mail, phone or account
    "reset_client": (10, 3600),    # password-reset requests per client address
    "reset_identity": (3, 3600),   # reset mails per e-mail address
    "challenge_used": (1, 3600),   # each proof-of-work solution is accepted once
}

_purge = Throttle(600)


def limits_enabled() -> bool:
    return bool(settings.ADUAN["RATE_LIMITS"])


def limit_for(scope: str) -> tuple[int, int]:
    return {**DEFAULT_LIMITS, **settings.ADUAN["RATE_LIMIT_OVERRIDES"]}[scope]


def _key(scope: str, identity: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}:{identity}".encode(),
                      hashlib.sha256).hexdigest()[:40]
    return f"{scope}:{digest}:{window}"


def _window(seconds: int, now: datetime) -> tuple[int, datetime]:
    index = int(now.timestamp()) // seconds
    return index, datetime.fromtimestamp((index + 1) * seconds, tz=UTC)


def rate_hit(scope: str, identity: str, *, now: datetime | None = None,
             limit: tuple[int, int] | None = None) -> bool:
    """Count one attempt; True if it is within the limit (always True when limits are off).

    ``limit`` (attempts, seconds) replaces the scope's own, for limits kept per row
    (an API client's requests per minute).
    """
    if not limits_enabled() or not identity:
        return True
    limit, seconds = limit or limit_for(scope)
    now = now or timezone.now()
    index, ends = _window(seconds, now)
    key = _key(scope, identity, index)
    for _attempt in range(2):
        if RateCounter.objects.filter(pk=key, count__lt=limit).update(count=F("count") + 1):
            return True
        if RateCounter.objects.filter(pk=key).exists():
            return False
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=key, count=1, expires_at=ends)
        except IntegrityError:
            continue  # another request created it first: count through the update
        _purge_expired(now)
        return True
    return False


def rate_exceeded(scope: str, identity: str, *, now: datetime | None = None) -> bool:
    """Whether the limit is already reached, without counting an attempt."""
    if not limits_enabled() or not identity:
        return False
    limit, seconds = limit_for(scope)
    index, _ends = _window(seconds, now or timezone.now())
    row = RateCounter.objects.filter(pk=_key(scope, identity, index)).values("count").first()
    return row is not None and row["count"] >= limit


def rate_clear(scope: str, identity: str, *, now: datetime | None = None) -> None:
    """Forget the attempts in the current window (a right PIN or password)."""
    _limit, seconds = limit_for(scope)
    index, _ends = _window(seconds, now or timezone.now())
    RateCounter.objects.filter(pk=_key(scope, identity, index)).delete()


def _purge_expired(now: datetime) -> None:
    if _purge.ready():
        RateCounter.objects.filter(expires_at__lt=now - timedelta(minutes=1)).delete()


def client_key(request) -> str:
    """Who is asking, for per-client limits: the address (an IPv6 /64 counts as one)."""
    header = settings.ADUAN["CLIENT_IP_HEADER"]
    if header:
        meta = "HTTP_" + header.upper().replace("-", "_")
        address = (request.META.get(meta) or "").split(",")[0].strip()
    else:
        address = request.META.get("REMOTE_ADDR", "")
    if ":" in address:
        address = ":".join(address.split(":")[:4]) + "::/64"
    return address
