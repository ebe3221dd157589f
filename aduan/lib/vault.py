"""Personal data sealed at rest: AES-256-GCM under a ring of data keys, and keyed digests.

The ring comes from ``ADUAN_DATA_KEYS`` (or the file ``ADUAN_DATA_KEYS_FILE`` names):
comma- or newline-separated ``<id>:<base64 of 32 random bytes>`` entries, the first
one current. New values are sealed under the current key; a value sealed under an
older key still opens while that key is in the ring, and ``aduan keys rotate``
re-seals everything under the current one so the old key can then be dropped.

A sealed value reads ``aes1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``. The
column it belongs to (``app.Model.field``) is bound in as associated data, so a
value copied into another column does not open. A value without the prefix is
plaintext written before sealing existed; it is read as it is until a migration or
a rotation seals it.

Sealed columns cannot be searched by value. Where a look-up is needed, a keyed
HMAC digest of the value is stored beside it (``digest``); the digest key is derived
from ``SECRET_KEY`` and does not change when data keys rotate.
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "aes1:"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_NONCE = 12


class VaultError(Exception):
    """The key ring is malformed, or a sealed value cannot be opened with it."""


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]

    def cipher(self, key_id: str) -> AESGCM:
        return _cipher(self.keys[key_id])

    def prefix(self, key_id: str | None = None) -> str:
        return f"{PREFIX}{key_id or self.current}:"


def parse_ring(text: str) -> KeyRing:
    """``id:base64key`` entries, the first current. Raises VaultError with the reason."""
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for entry in re.split(r"[,\s]+", text.strip()):
        if not entry:
            continue
        key_id, sep, encoded = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise VaultError("each data key is written <id>:<base64 key>, the id 1-16 letters, "
                             "digits, '-' or '_'")
        try:
            raw = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_",
                                   validate=True)
        except (binascii.Error, ValueError):
            raise VaultError(f"data key {key_id!r} is not base64") from None
        if len(raw) != 32:
            raise VaultError(f"data key {key_id!r} must be 32 bytes (256 bits), not {len(raw)}")
        if key_id in keys:
            raise VaultError(f"data key {key_id!r} appears twice")
        keys[key_id] = raw
        order.append(key_id)
    if not order:
        raise VaultError("no data key: set ADUAN_DATA_KEYS or ADUAN_DATA_KEYS_FILE")
    return KeyRing(current=order[0], keys=keys)


def new_key_entry(key_id: str) -> str:
    if not _KEY_ID.match(key_id):
        raise VaultError("a key id is 1-16 letters, digits, '-' or '_'")
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip('=')}"


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    return AESGCM(key)


@lru_cache(maxsize=4)
def _ring_for(text: str) -> KeyRing:
    return parse_ring(text)


def ring() -> KeyRing:
    """The configured ring (parsed once per distinct setting, so tests may override it)."""
    return _ring_for(settings.DATA_KEYS)


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


def key_id_of(value: str) -> str | None:
    if not is_sealed(value):
        return None
    return value[len(PREFIX):].partition(":")[0]


def seal(plaintext: str, column: str) -> str:
    keys = ring()
    nonce = os.urandom(_NONCE)
    sealed = keys.cipher(keys.current).encrypt(nonce, plaintext.encode(), column.encode())
    return keys.prefix() + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def open_sealed(value: str, column: str) -> str:
    """The plaintext of a sealed value (a legacy plaintext value is returned unchanged)."""
    if not is_sealed(value):
        return value
    key_id, _sep, encoded = value[len(PREFIX):].partition(":")
    keys = ring()
    if key_id not in keys.keys:
        raise VaultError(f"data key {key_id!r} is not in ADUAN_DATA_KEYS: add it back to read "
                         f"{column}, then run 'aduan keys rotate'")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        return keys.cipher(key_id).decrypt(raw[:_NONCE], raw[_NONCE:], column.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise VaultError(f"a value of {column} does not open with data key {key_id!r} "
                         "(altered, or moved from another column)") from None


def digest(purpose: str, value: str) -> str:
    """A keyed HMAC-SHA256 of ``value``: equal values give equal digests, nothing else leaks."""
    key = hashlib.sha256(f"aduan-{purpose}:".encode() + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
