"""The Open311 door in the site's OpenAPI document: every resource as .json and .xml.

Registered with ``aduan.web.openapi`` when the app starts; ``tests/test_open311.py`` checks
that every route of ``urls.py`` is described, so the two cannot drift apart.
"""

from .reading import LIMIT
from .render import CONTENT_TYPES

TAG = "open311"
BASE = "/open311/v2"
_REF = "#/components/schemas/"

_DATETIME = {"type": "string", "format": "date-time", "nullable": True}
_TEXT = {"type": "string", "nullable": True}

SCHEMAS = {
    "Open311Error": {"type": "object", "required": ["code", "description"], "properties": {
        "code": {"type": "integer", "description": "The HTTP status: 400, 403, 404 or 429"},
        "description": {"type": "string"}}},
    "Open311Discovery": {"type": "object", "properties": {
        "changeset": {"type": "string", "format": "date-time"}, "contact": {"type": "string"},
        "key_service": {"type": "string"},
        "endpoints": {"type": "array", "items": {"type": "object", "properties": {
            "specification": {"type": "string"}, "url": {"type": "string"},
            "changeset": {"type": "string"}, "type": {"type": "string"},
            "formats": {"type": "array", "items": {"type": "string"}}}}}}},
    "Open311Service": {"type": "object", "properties": {
        "service_code": {"type": "string", "description": "The category code"},
        "service_name": {"type": "string"}, "description": {"type": "string"},
        "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime"]},
        "keywords": {"type": "string"}, "group": {"type": "string"}}},
    "Open311ServiceDefinition": {"type": "object", "properties": {
        "service_code": {"type": "string"},
        "attributes": {"type": "array", "items": {"type": "object", "properties": {
            "variable": {"type": "boolean"}, "code": {"type": "string"},
            "datatype": {"type": "string", "enum": ["string", "singlevaluelist"]},
            "required": {"type": "boolean"}, "datatype_description": _TEXT,
            "order": {"type": "integer"}, "description": {"type": "string"},
            "values": {"type": "array", "items": {"type": "object", "properties": {
                "key": {"type": "string"}, "name": {"type": "string"}}}}}}}}},
    "Open311Request": {"type": "object", "properties": {
        "service_request_id": {"type": "string", "description": "The tracking ID"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": {**_TEXT, "description": "The latest public follow-up"},
        "service_name": _TEXT, "service_code": {"type": "string"},
        "description": {"type": "string", "description": "The public (redacted) text"},
        "agency_responsible": {**_TEXT, "description": "The holder agency"},
        "service_notice": {"type": "string", "description": "Aduan's own status, as a label"},
        "requested_datetime": _DATETIME, "updated_datetime": _DATETIME,
        "expected_datetime": {**_DATETIME, "description": "The due date; null once closed"},
        "address": _TEXT, "address_id": {**_TEXT, "description": "Kemendagri region code"},
        "zipcode": _TEXT, "lat": {"type": "number", "nullable": True,
                                  "description": "Rounded to about a kilometre"},
        "long": {"type": "number", "nullable": True}, "media_url": _TEXT}},
    "Open311RequestCreated": {"type": "object", "properties": {
        "service_request_id": {"type": "string"}, "token": {"type": "string"},
        "service_notice": {"type": "string", "description": "The tracking ID and the PIN "
                           "to give the reporter (once)"},
        "account_id": _TEXT}},
    "Open311Token": {"type": "object", "properties": {
        "service_request_id": {"type": "string"}, "token": {"type": "string"}}},
    "Open311Update": {"type": "object", "properties": {
        "update_id": {"type": "string"}, "service_request_id": {"type": "string"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "updated_datetime": {"type": "string", "format": "date-time"},
        "description": {"type": "string"}, "media_url": _TEXT,
        "external_status_code": {"type": "string", "description": "Aduan's own status"}}},
}


def _query(name: str, description: str, **schema) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "string", **schema}}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


COMMON = [
    _query("jurisdiction_id", "Optional; another jurisdiction than this site's is 404"),
    _query("locale", "`id` (default) or `en`", enum=["id", "en"]),
]
WINDOW = [
    _query("start_date", "W3C date-time; with `end_date` at most 90 days apart (default: "
           "the last 90 days)", format="date-time"),
    _query("end_date", "W3C date-time", format="date-time"),
]
FILTERS = [
    _query("service_request_id", "Comma-separated tracking IDs; overrides every other "
           "filter"),
    _query("service_code", "Comma-separated service codes"),
    *WINDOW,
    _query("status", "`open`, `closed` or both, comma-separated"),
]
FORM = {"type": "object", "required": ["api_key", "service_code", "description"],
        "properties": {
            "api_key": {"type": "string", "description": "An API client key with "
                        "`reports:submit`"},
            "jurisdiction_id": {"type": "string"},
            "service_code": {"type": "string"},
            "lat": {"type": "number"}, "long": {"type": "number"},
            "address_string": {"type": "string", "maxLength": 500},
            "address_id": {"type": "string", "description": "Kemendagri region code"},
            "description": {"type": "string", "maxLength": 4000},
            "attribute[code]": {"type": "string", "description": "One per attribute of the "
                                "service definition (`attribute[problem]`, `attribute[kind]`, "
                                "`attribute[external_id]` ...)"},
            "media_url": {"type": "string", "format": "uri"},
            "email": {"type": "string", "format": "email"},
            "phone": {"type": "string"}, "first_name": {"type": "string"},
            "last_name": {"type": "string"}, "device_id": {"type": "string"},
            "account_id": {"type": "string"}},
        "description": "Where: `lat` and `long`, `address_string` or `address_id`."}

# (path without the format, method, summary, schema, a list or one object, parameters, status)
RESOURCES = [
    ("/discovery", "get", "Service discovery", "Open311Discovery", False, [], 200),
    ("/services", "get", "Every active category as a service", "Open311Service", True, [], 200),
    ("/services/{code}", "get", "A service definition (its attributes)",
     "Open311ServiceDefinition", False, [_path("code", "A service code")], 200),
    ("/requests", "get", f"Public requests, newest first, at most {LIMIT}", "Open311Request",
     True, FILTERS, 200),
    ("/requests", "post", "File a request (form-encoded, as the spec shows)",
     "Open311RequestCreated", True, [], 201),
    ("/requests/{service_request_id}", "get", "One public request", "Open311Request", True,
     [_path("service_request_id", "The tracking ID")], 200),
    ("/tokens/{token}", "get", "The service_request_id a token was given for", "Open311Token",
     True, [_path("token", "The token of the POST answer")], 200),
    ("/servicerequestupdates", "get", f"FixMyStreet: public updates in a window, oldest "
     f"first, at most {LIMIT}", "Open311Update", True, WINDOW, 200),
]


def _content(fmt: str, schema: str, many: bool) -> dict:
    if fmt == "xml":
        return {CONTENT_TYPES["xml"]: {"schema": {"type": "string", "description":
                                                  "The spec's XML (elements as in JSON)"}}}
    ref = {"$ref": _REF + schema}
    return {CONTENT_TYPES["json"]: {"schema": {"type": "array", "items": ref} if many
                                    else ref}}


def _errors(fmt: str, method: str) -> dict:
    codes = {400: "Bad input (the field and what is allowed)", 404: "Unknown resource, "
             "service, request, token or jurisdiction"}
    if method == "post":
        codes.update({403: "Missing or invalid `api_key`, or no `reports:submit`",
                      429: "The client is over its rate limit"})
    content = (_content("xml", "", False) if fmt == "xml" else
               {CONTENT_TYPES["json"]: {"schema": {"type": "array",
                                                   "items": {"$ref": _REF + "Open311Error"}}}})
    return {str(code): {"description": text + " (the spec's error array)", "content": content}
            for code, text in sorted(codes.items())}


def _operation(fmt, path, method, summary, schema, many, parameters, status) -> dict:
    operation = {"tags": [TAG], "summary": f"{summary} ({fmt.upper()})",
                 "operationId": f"open311_{method}_{path.strip('/').split('/')[0]}_"
                                f"{'one_' if '{' in path else ''}{fmt}",
                 "parameters": [*parameters, *COMMON],
                 "responses": {str(status): {"description": "OK",
                                             "content": _content(fmt, schema, many)},
                               **_errors(fmt, method)}}
    if method == "post":
        operation["parameters"] = []
        operation["requestBody"] = {"required": True, "content": {
            "application/x-www-form-urlencoded": {"schema": FORM}}}
        operation["responses"]["200"] = {"description": "Already filed with this "
                                         "`attribute[external_id]`: the first request",
                                         "content": _content(fmt, schema, many)}
    return operation


def openapi_part() -> dict:
    """Path items for every Open311 resource in both formats."""
    paths: dict[str, dict] = {}
    for path, method, *rest in RESOURCES:
        for fmt in CONTENT_TYPES:
            paths.setdefault(f"{BASE}{path}.{fmt}", {})[method] = _operation(
                fmt, path, method, *rest)
    return {"paths": paths, "components": {"schemas": SCHEMAS},
            "tags": [{"name": TAG, "description": "Open311 GeoReport v2 (docs/open311.md): "
                      "reads are public; POST needs an API client key as `api_key`."}]}
