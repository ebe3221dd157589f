"""Redact personal data from text before it is published.

Covers what DESIGN §2 names: NIK (16-digit population numbers), Indonesian phone
numbers, e-mail addresses and vehicle plate numbers. Redaction is deliberately
greedy for digits: a public page that loses a long number is better than one that
publishes somebody's NIK.
"""

import re

NIK = "[NIK]"
PHONE = "[TELEPON]"
EMAIL = "[EMAIL]"
PLATE = "[NOPOL]"

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 16 digits, possibly grouped by spaces, dots or hyphens (e.g. 3578 0101 0101 0001).
_NIK_RE = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
# +62 / 62 / 0 followed by a mobile or area-code number, 8-13 digits in all, any grouping.
_PHONE_RE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?\(?\d{2,4}\)?(?:[ .-]?\d){5,10}(?!\d)")
# Plate regions of Indonesia; a closed list keeps "RT 05 RW" and friends out.
_PLATE_PREFIXES = (
    "A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP "
    "DA DB DC DD DE DG DH DK DL DM DN DR DS DT DW EA EB ED KB KH KT KU PA PB PG PT PY"
).split()
_PLATE_RE = re.compile(
    r"\b(?:" + "|".join(sorted(_PLATE_PREFIXES, key=len, reverse=True)) + r")"
    r"[ -]?\d{1,4}[ -]?[A-Z]{1,3}\b"
)


def redact(text: str) -> str:
    """Return text with NIK, phone numbers, e-mail addresses and plates replaced by markers."""
    if not text:
        return text
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _NIK_RE.sub(NIK, text)
    text = _PHONE_RE.sub(PHONE, text)
    return _PLATE_RE.sub(PLATE, text)
