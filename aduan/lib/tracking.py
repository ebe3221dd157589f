"""Tracking IDs: short, random, readable aloud and over SMS, with a check character.

An ID is nine random symbols from Crockford's base-32 alphabet (no I, L, O or U,
so nothing is mistaken for 1, 0 or V) followed by one Luhn mod-32 check symbol.
The check catches every single mistyped symbol. Luhn mod 32, like Luhn mod 10 with
"09"/"90", is blind to one neighbour swap: 0 and Z (the first and last symbols of the
alphabet). IDs are drawn so that 0 and Z are never neighbours (about 2% of the 45-bit
space is skipped), so every neighbour swap of an issued ID is caught too; IDs issued
before that rule stay valid. The random bits make IDs neither sequential nor guessable.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 9
LENGTH = RANDOM_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Crockford's decoding rules: read what people and phones tend to type.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_symbol(payload: str) -> str:
    n = len(ALPHABET)
    total = 0
    factor = 2
    for ch in reversed(payload):
        addend = factor * _VALUE[ch]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


_BLIND_PAIRS = ("0Z", "Z0")  # the neighbour swap Luhn mod 32 cannot see


def swap_safe(tracking_id: str) -> bool:
    """True when every swap of two neighbours in the ID breaks its check symbol."""
    return not any(pair in tracking_id for pair in _BLIND_PAIRS)


def generate() -> str:
    """Return a fresh random tracking ID (uniqueness is the caller's database's job)."""
    while True:
        tracking_id = from_bits(secrets.randbits(5 * RANDOM_LENGTH))
        if tracking_id is not None:
            return tracking_id


def from_bits(bits: int) -> str | None:
    """The ID whose random part is the low 45 bits of ``bits``, or None where that ID would
    let a neighbour swap through (bulk generators bring their own randomness)."""
    payload = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(RANDOM_LENGTH))
    tracking_id = payload + _check_symbol(payload)
    return tracking_id if swap_safe(tracking_id) else None


def normalize(raw: str) -> str | None:
    """Return the canonical form of a typed tracking ID, or None if it is not valid.

    Accepts lower case, spaces and hyphens, and the look-alikes O, I and L.
    """
    text = "".join(raw.split()).replace("-", "").upper().translate(_ALIASES)
    if len(text) != LENGTH or any(ch not in _VALUE for ch in text):
        return None
    if _check_symbol(text[:-1]) != text[-1]:
        return None
    return text


def display(tracking_id: str) -> str:
    """Format a canonical ID in two groups for reading aloud: ``7QMX2-P4FKA``."""
    return f"{tracking_id[:5]}-{tracking_id[5:]}"
