"""SMS lengths: GSM-7 or UCS-2, and fitting a reply into a few segments.

A message that uses only the GSM 03.38 default alphabet (with its extension
table, whose characters cost two septets) is sent in GSM-7: 160 characters in
one segment, 153 per segment when concatenated. Anything else (an emoji, a
curly quote) turns the whole message into UCS-2: 70, or 67 per segment, counted
in UTF-16 code units.
"""

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = set("^{}\\[~]|€\f")
# Look-alikes that would force UCS-2 for nothing.
_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "…": "...", "\u00a0": " "})


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def units(text: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    if is_gsm7(text):
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    n = units(text)
    return 1 if n <= single else -(-n // multi)


def plain(text: str) -> str:
    """Replace typographic look-alikes by their GSM-7 equivalents."""
    return text.translate(_PLAIN)


def fit(text: str, link: str = "", *, max_segments: int = 3) -> str:
    """The text, shortened if needed so that it plus ``link`` fits ``max_segments``.

    The link (where to read the rest) is kept whole; a cut text ends with "…" in
    UCS-2 or "..." in GSM-7.
    """
    text = plain(" ".join(text.split()) if "\n" not in text else text.strip())
    tail = f" {link}" if link else ""
    if segments(text + tail) <= max_segments:
        return text + tail
    ellipsis = "..."
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that still fits
        mid = (lo + hi + 1) // 2
        if segments(text[:mid].rstrip() + ellipsis + tail) <= max_segments:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ellipsis + tail
