"""GeoReport v2 answers in XML and JSON from one plain structure, and its error arrays.

The spec defines XML and maps it to JSON by the Spark convention: the outer
wrapper (``<service_requests>``) disappears in JSON, a list becomes an array of
its items (``<request>`` each in XML). So a view builds ``Answer(root, item,
rows)`` once and this module writes either format. XML is written with the
standard library's ElementTree (no XML is ever parsed from callers).
"""

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
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


def _append(parent: ET.Element, name: str, value) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _append(element, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _append(element, ITEM_NAMES.get(name, "item"), inner)
    else:
        element.text = _text(value)


def to_xml(answer: Answer) -> bytes:
    root = ET.Element(answer.root)
    if answer.item:
        for row in answer.rows:
            _append(root, answer.item, row)
    else:
        for key, value in answer.rows.items():
            _append(root, key, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


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
