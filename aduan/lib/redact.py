"""Redact personal data from text before it is published.

Covers what DESIGN §2 names: NIK (16-digit population numbers), Indonesian phone
numbers, e-mail addresses, social-media handles and vehicle plate numbers, plus the
reporter's own name, e-mail address and phone number wherever they appear (the system
knows them; an anonymous reporter often signs the text). Redaction is deliberately greedy:
a public page that loses a long number or a word is better than one that
publishes somebody's NIK. Reports may be published with no human review
(auto-dispatch), so the patterns take the spellings people really type:
``hp081234567890``, ``0812 3456 7890``, ``0812/3456/7890``, ``+62 (812) 3456-7890``,
full-width digits, lower-case plates, ``nama(at)domain.com``.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

NIK = "[NIK]"
PHONE = "[TELEPON]"
EMAIL = "[EMAIL]"
PLATE = "[NOPOL]"
NAME = "[NAMA]"
HANDLE = "[AKUN]"

# Between digits people put spaces (often several), dots, hyphens (or the en and em dashes a
# phone's keyboard makes of them), slashes or underscores.
_SEP = r"[ \t.\-/_\u2010-\u2015]{0,3}"
# Characters that show as nothing: pasted text carries them, and they would split a number.
_INVISIBLE_RE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_AT = r"(?:@|\s*[(\[{<]\s*(?:at|et|@)\s*[)\]}>]\s*|\s+(?:at|et)\s+)"
_DOT = r"(?:\.|\s*[(\[{<]\s*(?:dot|titik)\s*[)\]}>]\s*|\s+(?:dot|titik)\s+)"
_EMAIL_RE = re.compile(
    rf"[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)*\s*{_DOT}\s*"
    r"(?:com|id|net|org|co|ac|go|sch|or|web|my|info|biz|edu|gov|io|me|us|uk|sg|au)\b",
    re.UNICODE | re.IGNORECASE)
_PLAIN_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 16 digits, possibly grouped (e.g. 3578 0101 0101 0001).
_NIK_RE = re.compile(rf"(?<!\d)\d(?:{_SEP}\d){{15}}(?!\d)")
# +62 / 62 / 0 followed by a mobile or area-code number, 8-13 digits in all, any grouping.
# Letters right before are allowed ("hp0812..."), digits are not.
_PHONE_RE = re.compile(
    rf"(?<!\d)(?:\+\s*62|\(\s*\+?62\s*\)|62|0){_SEP}\(?\d{{2,4}}\)?"
    rf"(?:{_SEP}\d){{5,10}}(?!\d)")
# Long digit runs that look like a number written without its prefix (812-3456-7890).
# No dots here: "850.000.000" is an amount of rupiah, not a phone.
_BARE_MOBILE_RE = re.compile(r"(?<![\d.,])8[1-9]\d(?:[ \t\-/]{0,3}\d){6,9}(?![\d.,])")
# A mobile number typed a digit or two at a time ("0 8 1 2 3 4 ...", "08 12 34 56 78 90").
# No dots between the digits: "08.00 - 10.00 - 12.00" is a timetable.
_SPACED_MOBILE_RE = re.compile(
    r"(?<!\d)(?:\+\s*6\s*2|6\s*2|0)[ \t\-/_\u2010-\u2015]{0,3}8(?:[ \t\-/_\u2010-\u2015]{0,3}\d)"
    r"{7,11}(?!\d)")
# Social-media handles (@budi_s on X, Instagram, Telegram): personal data like a number.
# Run after the e-mail patterns, so an address is one [EMAIL], not a name and an [AKUN].
_HANDLE_RE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
# Plate regions of Indonesia; a closed list keeps "RT 05 RW" and friends out.
_PLATE_PREFIXES = (
    "A B D E F G H K L M N P R S T W Z AA AB AD AE AG BA BB BD BE BG BH BK BL BM BN BP "
    "DA DB DC DD DE DG DH DK DL DM DN DR DS DT DW EA EB ED KB KH KT KU PA PB PG PT PY"
).split()
_PLATE_RE = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(_PLATE_PREFIXES, key=len, reverse=True)) + r")"
    r"[ \-.]{0,2}\d{1,4}[ \-.]{0,2}[A-Z]{1,3}(?![\w])", re.IGNORECASE)
# Words of a name that are titles or too short to identify anybody.
_NAME_SKIP = frozenset("bapak ibu pak bu sdr sdri saudara saudari mas mbak bin binti dan the "
                       "dr drs ir hj h st se sh mm".split())


@dataclass(frozen=True)
class Identity:
    """What the system knows about a reporter: redacted wherever it appears in public text."""

    name: str = ""
    email: str = ""
    phone: str = ""


def _digits(value: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value) if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def _own_phone(text: str, phone: str) -> str:
    target = _digits(phone)
    if len(target) < 6:
        return text
    core = target.lstrip("0")
    pattern = _SEP.join(re.escape(ch) for ch in core)
    return re.sub(rf"(?<!\d)(?:(?:\+\s*)?62|0)?{_SEP}{pattern}(?!\d)", PHONE, text)


def _own_name(text: str, name: str) -> str:
    words = [w for w in re.findall(r"\w+", name, re.UNICODE)
             if len(w) >= 3 and w.lower() not in _NAME_SKIP]
    if name.strip():
        text = re.sub(re.escape(name.strip()), NAME, text, flags=re.IGNORECASE)
    for word in sorted(set(words), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return text


def _own(text: str, identity: Identity) -> str:
    if identity.email.strip():
        email = identity.email.strip()
        text = re.sub(re.escape(email), EMAIL, text, flags=re.IGNORECASE)
        local = email.split("@", 1)[0]
        if len(local) >= 4:  # "budi.santoso (at) ..." written out by hand
            text = re.sub(rf"(?<![\w.]){re.escape(local)}(?![\w])", EMAIL, text,
                          flags=re.IGNORECASE)
    if identity.phone.strip():
        text = _own_phone(text, identity.phone)
    if identity.name.strip():
        text = _own_name(text, identity.name)
    return text


def redact(text: str, identity: Identity | None = None) -> str:
    """Return text with NIK, phone numbers, e-mail addresses, plates and the reporter's own
    name, e-mail and phone replaced by markers."""
    if not text:
        return text
    # Full-width and other compatibility forms (０８１２, ＠) become plain characters first.
    text = _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))
    if identity is not None:
        text = _own(text, identity)
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _PLAIN_EMAIL_RE.sub(EMAIL, text)
    text = _HANDLE_RE.sub(HANDLE, text)
    text = _NIK_RE.sub(NIK, text)
    text = _PHONE_RE.sub(PHONE, text)
    text = _BARE_MOBILE_RE.sub(PHONE, text)
    text = _SPACED_MOBILE_RE.sub(PHONE, text)
    return _PLATE_RE.sub(PLATE, text)


def redact_all(texts: Iterable[str], identity: Identity | None = None) -> list[str]:
    return [redact(text, identity) for text in texts]


def redact_identity(text: str, identity: Identity) -> str:
    """Return text with only the reporter's own name, e-mail and phone replaced (erasure:
    the rest of the text, other people's numbers included, stays for the staff)."""
    if not text:
        return text
    return _own(_INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)), identity)
