"""A proof-of-work check in the ALTCHA style, asked of a client only after it passed a limit.

The server picks a secret number up to ``maxnumber`` and sends SHA-256(salt + number)
with an HMAC over it; the browser tries numbers until the hash matches (about a second
on a phone) and sends the number back. Verifying costs one hash and one HMAC. The salt
carries its expiry, and each solution is accepted once. Nothing is fetched from a third
party: the page's own script (``web/static/aduan/challenge.js``) does the work.
Unlike blocking an address, this never locks out a real reporter behind shared NAT.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime

from django.conf import settings

from aduan.errors import ChallengeRequired

from .ratelimit import rate_hit

ALGORITHM = "SHA-256"
LIFETIME_SECONDS = 600


def _sign(challenge: str) -> str:
    key = f"aduan-challenge:{settings.SECRET_KEY}".encode()
    return hmac.new(key, challenge.encode(), hashlib.sha256).hexdigest()


def challenge_create(*, now: float | None = None) -> dict:
    """A new challenge for the browser (JSON-serialisable)."""
    expires = int((now or time.time()) + LIFETIME_SECONDS)
    maxnumber = settings.ADUAN["CHALLENGE_MAX_NUMBER"]
    salt = f"{secrets.token_hex(12)}?expires={expires}"
    number = secrets.randbelow(maxnumber + 1)
    challenge = hashlib.sha256(f"{salt}{number}".encode()).hexdigest()
    return {"algorithm": ALGORITHM, "challenge": challenge, "maxnumber": maxnumber,
            "salt": salt, "signature": _sign(challenge)}


def challenge_solve(challenge: dict) -> str:
    """The payload a browser would send back (for tests and scripted clients)."""
    for number in range(challenge["maxnumber"] + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            payload = {**challenge, "number": number}
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise ValueError("challenge has no solution")


def challenge_verify(payload: str, *, now: float | None = None) -> bool:
    """Whether ``payload`` solves a challenge we issued, unexpired and not used before."""
    try:
        data = json.loads(base64.b64decode(payload or "", validate=True))
        salt, challenge = str(data["salt"]), str(data["challenge"])
        number, signature = int(data["number"]), str(data["signature"])
        expires = int(salt.rsplit("?expires=", 1)[1])
    except (ValueError, KeyError, TypeError, IndexError, binascii.Error):
        return False
    if data.get("algorithm") != ALGORITHM or expires < (now or time.time()):
        return False
    if not hmac.compare_digest(_sign(challenge), signature):
        return False
    if hashlib.sha256(f"{salt}{number}".encode()).hexdigest() != challenge:
        return False
    # Counted in the window of the challenge's own expiry, not of the clock: a solution
    # used just before and again just after a window boundary meets the same counter.
    return rate_hit("challenge_used", challenge, now=datetime.fromtimestamp(expires, tz=UTC))


def attempt_allowed(scopes: list[tuple[str, str]], proof: str = "") -> None:
    """Count one attempt in every scope; past any limit a solved challenge is required.

    Every scope is counted even when one is over (no short cut that a caller could time).
    """
    within = [rate_hit(scope, identity) for scope, identity in scopes]
    if not all(within) and not challenge_verify(proof):
        raise ChallengeRequired()
