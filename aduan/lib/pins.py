"""Report PINs for reporters without an account.

A PIN is eight random digits: easy to type on a phone and to send by SMS. It is
stored as a keyed hash (HMAC-SHA256 with a server key and a per-report salt), not
a slow password hash: eight digits are too few for slowness to protect them, while
the server key makes a stolen database useless for guessing, and the caller locks
PIN access after repeated failures.
"""

import hashlib
import hmac
import secrets
from collections.abc import Iterable

PIN_LENGTH = 8
_SCHEME = "hs256"


def generate() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def _digest(pin: str, salt: str, key: str) -> str:
    return hmac.new(key.encode(), f"{salt}:{pin}".encode(), hashlib.sha256).hexdigest()


def make_hash(pin: str, key: str, *, salt: str | None = None) -> str:
    """The stored form of a PIN; ``salt`` fixed only for generated demo data."""
    salt = salt or secrets.token_hex(8)
    return f"{_SCHEME}${salt}${_digest(pin, salt, key)}"


def normalize(raw: str) -> str:
    """Drop the spaces and hyphens people add when copying a PIN."""
    return "".join(ch for ch in raw if ch not in " -\t")


def check(pin: str, stored: str, keys: Iterable[str]) -> bool:
    """Compare in constant time against every accepted key (current, then fallbacks)."""
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != _SCHEME:
        return False
    pin = normalize(pin)
    return any(hmac.compare_digest(_digest(pin, salt, key), digest) for key in keys)
