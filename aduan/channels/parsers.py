"""Readers of stored provider payloads: one per door, registered by the door.

The door's web view only checks the signature and stores the raw payload; the
worker later asks the door's parser what the message says. A parser raises
``Unreadable`` for a payload it cannot make sense of (kept as ``failed``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from aduan.reports.attachments import Upload


class Unreadable(Exception):
    """The payload is not a message this door understands (the reason is for staff)."""


@dataclass(frozen=True)
class Incoming:
    text: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    uploads: list[Upload] = field(default_factory=list)
    # Where a public answer goes (a tweet to reply to), or "" for a private channel.
    public_ref: str = ""
    # The provider's thread reference (an e-mail Message-ID) and subject, if any.
    thread_ref: str = ""
    subject: str = ""
    ignore: str = ""  # why the message needs no answer (the account's own tweet, a status)


Parser = Callable[[dict], Incoming]
_parsers: dict[str, Parser] = {}


def parser_register(provider: str, parser: Parser) -> None:
    _parsers[provider] = parser


def parser_for(provider: str) -> Parser | None:
    return _parsers.get(provider)


def text_parser(payload: dict) -> Incoming:
    """Payloads already reduced to {"text", "latitude", "longitude"} (SMS, the simulator)."""
    text = payload.get("text")
    if "unreadable" in payload or not isinstance(text, str):
        raise Unreadable("no text")
    lat, lng = payload.get("latitude"), payload.get("longitude")
    try:
        point = (Decimal(str(lat)), Decimal(str(lng))) if lat is not None and lng is not None \
            else (None, None)
    except ArithmeticError:
        raise Unreadable("bad location") from None
    return Incoming(text=text, latitude=point[0], longitude=point[1])


def simulator_parser(payload: dict) -> Incoming:
    """A trainee's message in the channel simulator; a simulated tweet is public."""
    incoming = text_parser(payload)
    if payload.get("public"):
        return Incoming(text=incoming.text, public_ref=str(payload.get("ref", "sim")))
    return incoming


parser_register("simulator", simulator_parser)
