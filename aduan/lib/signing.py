"""The house signature scheme for HTTP bodies (SMS gateway door, partner webhooks).

A sender puts two headers on a request::

    X-Aduan-Timestamp: <unix seconds>
    X-Aduan-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>

The receiver recomputes the HMAC over the raw bytes it received (never over a
re-serialised body), compares in constant time, and refuses a timestamp outside
a window (default five minutes either way), which bounds replays. Several
secrets may be accepted at once so a secret can be rotated without downtime.
"""

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping

TIMESTAMP_HEADER = "X-Aduan-Timestamp"
SIGNATURE_HEADER = "X-Aduan-Signature"
WINDOW_SECONDS = 300
_PREFIX = "sha256="


class SignatureError(Exception):
    """The request is not signed by a holder of the secret (``reason`` says why, for logs)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _key(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def signature(secret: str | bytes, timestamp: int | str, body: bytes) -> str:
    """The header value ``sha256=<hex>`` for ``body`` sent at ``timestamp``."""
    mac = hmac.new(_key(secret), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return _PREFIX + mac.hexdigest()


def sign(secret: str | bytes, body: bytes, *, now: float | None = None) -> dict[str, str]:
    """The two headers to send with ``body``."""
    timestamp = int(now if now is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(secret, timestamp, body)}


def verify(secrets: str | bytes | Iterable[str | bytes], body: bytes,
           headers: Mapping[str, str], *, now: float | None = None,
           window: int = WINDOW_SECONDS) -> int:
    """Check the headers of a received ``body``; return its timestamp or raise SignatureError.

    ``headers`` is looked up case-insensitively enough for Django's
    ``request.headers`` and for a plain dict with the canonical names.
    """
    if isinstance(secrets, (str, bytes)):
        secrets = [secrets]
    keys = [s for s in secrets if s]
    if not keys:
        raise SignatureError("no secret configured")
    stamp = headers.get(TIMESTAMP_HEADER) or headers.get(TIMESTAMP_HEADER.lower())
    given = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower())
    if not stamp or not given:
        raise SignatureError("missing signature headers")
    if not stamp.isascii() or not stamp.isdigit() or len(stamp) > 12:
        raise SignatureError("malformed timestamp")
    now = now if now is not None else time.time()
    if abs(now - int(stamp)) > window:
        raise SignatureError("timestamp outside the window")
    if not given.startswith(_PREFIX):
        raise SignatureError("unknown signature scheme")
    if not any(hmac.compare_digest(signature(key, stamp, body), given.strip()) for key in keys):
        raise SignatureError("signature mismatch")
    return int(stamp)
