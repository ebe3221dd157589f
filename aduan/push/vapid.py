"""The server's VAPID key pair (RFC 8292): from settings, or made once and kept in var/."""

import base64
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _load_or_create() -> Vapid02:
    configured = settings.ADUAN["VAPID_PRIVATE_KEY"]
    if configured:
        if "BEGIN" in configured:
            return Vapid02.from_pem(configured.encode("ascii"))
        return Vapid02.from_raw(configured.encode("ascii"))
    # Embedded default, like the secret key: made once, so subscriptions survive restarts.
    path = settings.VAR_DIR / "vapid_private.pem"
    if not path.exists():
        vapid = Vapid02()
        vapid.generate_keys()
        path.write_bytes(vapid.private_pem())
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


@lru_cache(maxsize=1)
def vapid_key() -> Vapid02:
    return _load_or_create()


def vapid_public_key() -> str:
    """The application server key a browser passes to ``pushManager.subscribe``."""
    raw = vapid_key().public_key.public_bytes(serialization.Encoding.X962,
                                              serialization.PublicFormat.UncompressedPoint)
    return b64url(raw)
