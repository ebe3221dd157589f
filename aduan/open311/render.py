"""GeoReport v2 answers in XML and JSON from one plain structure, and its error arrays.

The spec defines XML and maps it to JSON by the Spark convention: the outer
wrapper (``<service_requests>``) disappears in JSON, a list becomes an array of
its items (``<request>`` each in XML). So a view builds ``Answer(root, item,
rows)`` once and this module writes either format. XML is written as escaped text,
byte for byte what ElementTree would write (a test compares them), minus characters
XML 1.0 forbids; no XML is ever parsed from callers.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"
# Inner lists and the name of each of their items in XML (Spark convention).
ITEM_NAMES = {"attributes": "attribute", "values": "value", "endpoints": "endpoint",
              "formats": "format"}


@dataclass(frozen=True)
class Answer:
    """``rows`` under ``root`` (a list of ``item``), or one object when ``item`` is empty."""

    root: str
    item: str
    rows: list | dict
    status: int = 200


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset, as the spec requires (``2026-01-05T08:15:30+07:00``)."""
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return str(value)


# Characters XML 1.0 does not allow (a reporter's text may carry them): dropped, so every
# answer stays well-formed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    if not _SPECIAL.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("", text)


def _write(out: list[str], name: str, value) -> None:
    """Append ``<name>value</name>`` to ``out``, as ElementTree would write it."""
    if isinstance(value, (dict, list)) and value:
        out.append(f"<{name}>")
        if isinstance(value, dict):
            for key, inner in value.items():
                _write(out, key, inner)
        else:
            for inner in value:
                _write(out, ITEM_NAMES.get(name, "item"), inner)
        out.append(f"</{name}>")
        return
    text = "" if isinstance(value, (dict, list)) else _escape(_text(value))
    out.append(f"<{name}>{text}</{name}>" if text else f"<{name} />")


def to_xml(answer: Answer) -> bytes:
    """The answer as the spec's XML. Written as text, not through an element tree: a list of
    1,000 requests is 17,000 elements, and building the tree cost ten times the writing."""
    items = ([(answer.item, row) for row in answer.rows] if answer.item
             else list(answer.rows.items()))
    out = [XML_DECLARATION]
    if not items:
        out.append(f"<{answer.root} />")
    else:
        out.append(f"<{answer.root}>")
        for name, value in items:
            _write(out, name, value)
        out.append(f"</{answer.root}>")
    return "".join(out).encode()


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, datetime):
            return w3c(o)
        return super().default(o)


def to_json(answer: Answer) -> bytes:
    return json.dumps(answer.rows, cls=_Encoder, ensure_ascii=False).encode()


def respond(answer: Answer, fmt: str) -> HttpResponse:
    body = to_xml(answer) if fmt == "xml" else to_json(answer)
    response = HttpResponse(body, status=answer.status, content_type=CONTENT_TYPES[fmt])
    # Every answer is built for one caller's language; caches must keep them apart.
    response["Vary"] = "Accept-Language"
    return response


def errors(status: int, descriptions: list[str], fmt: str) -> HttpResponse:
    """The spec's error array: each error's code is the HTTP status, its description for people."""
    rows = [{"code": status, "description": str(text)} for text in descriptions]
    return respond(Answer("errors", "error", rows, status=status), fmt)
