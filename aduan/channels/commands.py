"""Commands a reporter can type on a text channel (pure: no database).

``CEK <id>``, ``INFO <id> <text>``, ``BALAS <id> <text>``, ``BANTUAN`` and
``STOP``, with English aliases. Case, extra spaces and punctuation around the
keyword are forgiven (``cek: 7qmx2-p4fka``, ``Info#7QMX2P4FKA ...``); tracking
IDs are read as on the web (``aduan.lib.tracking.normalize``).
"""

import re
from dataclasses import dataclass

from aduan.lib import tracking

CHECK, INFO, REPLY, HELP, STOP = "check", "info", "reply", "help", "stop"
KEYWORDS = {
    "CEK": CHECK, "CHECK": CHECK, "STATUS": CHECK,
    "INFO": INFO, "TAMBAH": INFO,
    "BALAS": REPLY, "REPLY": REPLY,
    "BANTUAN": HELP, "HELP": HELP, "TOLONG": HELP,
    "STOP": STOP, "BERHENTI": STOP, "UNSUBSCRIBE": STOP,
}
NEEDS_ID = {CHECK, INFO, REPLY}
NEEDS_TEXT = {INFO, REPLY}
_HEAD = re.compile(r"^[\s\W_]*([A-Za-z]+)\b[\s:;,.#!\-]*(.*)$", re.S)
# A tracking ID as people type it: ten symbols, maybe split by a space or a hyphen.
_ID = re.compile(r"^([0-9A-Za-z]{5})[\s\-]?([0-9A-Za-z]{5})\b[\s:;,.\-]*(.*)$", re.S)
_ANY_ID = re.compile(r"(?<![0-9A-Za-z])([0-9A-Za-z]{5})[\s\-]?([0-9A-Za-z]{5})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Command:
    name: str
    tracking_id: str | None = None   # canonical, or None when missing or not valid
    typed_id: str = ""               # what was typed where the ID should be
    text: str = ""


def command_parse(message: str) -> Command | None:
    """The command in a message, or None when the message is not a command."""
    match = _HEAD.match(message or "")
    if not match or match.group(1).upper() not in KEYWORDS:
        return None
    name, rest = KEYWORDS[match.group(1).upper()], match.group(2).strip()
    if name not in NEEDS_ID:
        # "Stop the flooding on my street" is a complaint, not STOP.
        return Command(name) if len(rest) <= 20 else None
    found = _ID.match(rest)
    if not found:
        return Command(name, None, rest.split()[0][:20] if rest else "")
    typed = found.group(1) + found.group(2)
    return Command(name, tracking.normalize(typed), typed, found.group(3).strip())


def quoted_tracking_id(message: str) -> str | None:
    """The first valid tracking ID quoted anywhere in a text (an e-mail subject, a reply)."""
    for match in _ANY_ID.finditer(message or ""):
        canonical = tracking.normalize(match.group(1) + match.group(2))
        if canonical:
            return canonical
    return None
