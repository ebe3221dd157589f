"""``Idempotency-Key`` on every POST under /api/v1 (a middleware, so no endpoint can miss it).

Keys are scoped by who sends them: a bearer credential, a report PIN on its
report, or nobody (anonymous citizens, whose key alone is the scope; a key is
at least 16 characters, so it cannot be guessed to read another's answer).
"""

import hashlib

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from aduan.errors import DomainError
from aduan.partners.idempotency import (
    Replay,
    idempotency_claim,
    idempotency_key_check,
    request_fingerprint,
)
from aduan.partners.models import CLIENT_KEY_PREFIX
from aduan.web.fingerprint import answer_once, replayed, request_content

from .auth import bearer_value, client_caller
from .errors import domain_error

HEADER = "HTTP_IDEMPOTENCY_KEY"
PREFIX = "/api/v1/"


def _scope(request: HttpRequest) -> str:
    credential = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if credential:
        return "b:" + hashlib.sha256(credential.encode()).hexdigest()
    pin = request.META.get("HTTP_X_REPORT_PIN")
    if pin:
        return "p:" + hashlib.sha256(f"{request.path}\0{pin}".encode()).hexdigest()
    return "anon"


def _client_first(request: HttpRequest) -> None:
    """A partner's key is checked before any stored answer is given: a replay is a call like
    any other (audited under the client's name, counted against its rate limit), and a
    revoked or expired key gets 401, not the first answer."""
    raw = bearer_value(request)
    if raw is not None and raw.startswith(CLIENT_KEY_PREFIX):
        request._aduan_caller = client_caller(request, raw)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        raw_key = request.META.get(HEADER)
        if raw_key is None or request.method != "POST" or not request.path.startswith(PREFIX):
            return self.get_response(request)
        try:
            key = idempotency_key_check(raw_key)
            _client_first(request)
            body = request_content(request)
        except DomainError as exc:
            return domain_error(request, exc)
        except (RequestDataTooBig, MultiPartParserError):
            return self.get_response(request)  # the endpoint answers 413 as usual
        try:
            claim = idempotency_claim(scope=_scope(request), key=key,
                                      fingerprint=request_fingerprint("POST", request.path, body))
        except DomainError as exc:
            return domain_error(request, exc)
        if isinstance(claim, Replay):
            return replayed(claim)
        return answer_once(claim, lambda: self.get_response(request))


PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 16, "maxLength": 255},
    "description": "A random UUID per new request. A retry with the same key and body gets the "
                   "first response (header `Idempotent-Replayed: true`) and changes nothing; the "
                   "same key with another body is 422 `idempotency_key_reused`; 409 "
                   "`idempotency_in_progress` while the first request runs. Kept 24 hours.",
}


def document(schema: dict) -> dict:
    """Add the ``Idempotency-Key`` header to every POST operation of the OpenAPI document."""
    for operations in schema.get("paths", {}).values():
        post = operations.get("post")
        if post is not None:
            post.setdefault("parameters", []).append(dict(PARAMETER))
    return schema
