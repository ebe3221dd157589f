"""The API's one error shape: ``{"error": {"code": ..., "message": ...}}``.

Validation errors are described in the caller's language (Indonesian unless the
request asks for English), naming the field and what it allows.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from aduan.accounts.challenge import challenge_create
from aduan.errors import ChallengeRequired, DomainError

_HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
               415: "unsupported_media_type", 422: "invalid_input", 429: "rate_limited",
               500: "server_error"}


def error_response(status: int, code: str, message: str, **extra) -> JsonResponse:
    payload = {"error": {"code": code, "message": str(message), **extra}}
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes the location with the parameter source and the payload's name
    while parts and parts[0] in ("body", "query", "path", "header", "payload", "filters"):
        parts.pop(0)
    return ".".join(parts) or "body"


def _describe(error: dict) -> str:
    field = _field_name(error.get("loc", ()))
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    templates = {
        "missing": _("%(field)s is required."),
        "extra_forbidden": _("%(field)s is not a known field; remove it."),
        "string_too_long": _("%(field)s must be at most %(max_length)s characters."),
        "string_too_short": _("%(field)s must not be empty."),
        "string_type": _("%(field)s must be text."),
        "bool_type": _("%(field)s must be true or false."),
        "bool_parsing": _("%(field)s must be true or false."),
        "int_type": _("%(field)s must be a whole number."),
        "int_parsing": _("%(field)s must be a whole number."),
        "int_from_float": _("%(field)s must be a whole number."),
        "float_type": _("%(field)s must be a number."),
        "float_parsing": _("%(field)s must be a number."),
        "finite_number": _("%(field)s must be a finite number."),
        "date_type": _("%(field)s must be a date in the form YYYY-MM-DD."),
        "date_parsing": _("%(field)s must be a date in the form YYYY-MM-DD."),
        "date_from_datetime_parsing": _("%(field)s must be a date in the form YYYY-MM-DD."),
        "date_from_datetime_inexact": _("%(field)s must be a date in the form YYYY-MM-DD."),
        "literal_error": _("%(field)s must be one of: %(expected)s."),
        "enum": _("%(field)s must be one of: %(expected)s."),
        "greater_than_equal": _("%(field)s must be at least %(ge)s."),
        "less_than_equal": _("%(field)s must be at most %(le)s."),
        "model_type": _("%(field)s must be a JSON object."),
        "model_attributes_type": _("%(field)s must be a JSON object."),
        "dict_type": _("%(field)s must be a JSON object."),
        "string_pattern_mismatch": _("%(field)s has the wrong format."),
    }
    if kind == "value_error" and "error" in ctx:
        return f"{field}: {ctx['error']}"
    template = templates.get(kind)
    if template is None:
        return f"{field}: {error.get('msg', _('invalid value'))}"
    values = {"field": field, **{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))}}
    try:
        return template % values
    except (KeyError, TypeError):
        return f"{field}: {error.get('msg', _('invalid value'))}"


def validation_error(request: HttpRequest, exc) -> JsonResponse:
    fields = [{"field": _field_name(e.get("loc", ())), "message": _describe(e)}
              for e in exc.errors]
    message = " ".join(f["message"] for f in fields) or _("The request is not valid.")
    return error_response(422, "invalid_input", message, fields=fields)


def domain_error(request: HttpRequest, exc: DomainError) -> JsonResponse:
    extra = {"field": exc.field} if exc.field else {}
    if isinstance(exc, ChallengeRequired):
        # Solve it and repeat the request with the header X-Aduan-Proof (see the docs).
        extra["challenge"] = challenge_create()
    return error_response(exc.status, exc.code, exc.message, **extra)


def http_error(request: HttpRequest, exc) -> JsonResponse:
    status = exc.status_code
    if status == 400:
        return error_response(400, "malformed_json",
                              _("The request body is not valid JSON; send a JSON object."))
    return error_response(status, _HTTP_CODES.get(status, "error"), str(exc))


def too_big(request: HttpRequest, exc: RequestDataTooBig) -> JsonResponse:
    return error_response(413, "payload_too_large",
                          _("The request body is too large; a report's body may have at most "
                            "10,000 characters."))


def json_error_for_api(response, request: HttpRequest):
    """Give non-JSON error responses under /api/ (404, 405, 500, CSRF) the error shape."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"):
        return response
    status = response.status_code
    messages = {404: _("No such API endpoint."), 405: _("This method is not allowed here."),
                500: _("Something went wrong on our side; the request was not carried out.")}
    new = error_response(status, _HTTP_CODES.get(status, "error"),
                         messages.get(status, _("The request failed.")))
    if response.has_header("Allow"):
        new["Allow"] = response["Allow"]
    return new



def missing_credentials(request: HttpRequest, exc) -> JsonResponse:
    return error_response(401, "unauthenticated",
                          _("Authenticate first: 'Authorization: Bearer <token>', or the header "
                            "X-Report-PIN for your own report."))
