"""What every door shares: the on/off switch, reading a body, calling a provider."""

import base64
import hashlib
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse

from aduan.channels.inbound import inbound_store
from aduan.channels.transports import PermanentFailure

TIMEOUT = 15


def door_settings(name: str, *required: str) -> dict:
    """The door's settings; 404 when one of ``required`` is empty (the door is off)."""
    config = settings.CHANNEL_DOORS[name]
    if not all(config.get(key) for key in required):
        raise Http404("door not configured")
    return config


def door_configured(name: str, *required: str) -> bool:
    config = settings.CHANNEL_DOORS[name]
    return all(config.get(key) for key in required)


def raw_body(request) -> bytes | None:
    """The request's bytes, or None when larger than the site accepts (answered 413)."""
    try:
        return request.body
    except RequestDataTooBig:
        return None


def too_big() -> JsonResponse:
    return JsonResponse({"error": {"code": "too_large", "message": "The body is too large."}},
                        status=413)


def refused(status: int = 401) -> JsonResponse:
    # The same answer for a missing and a wrong signature: nothing to learn from it.
    return JsonResponse({"error": {"code": "bad_signature",
                                   "message": "The request is not signed with this door's secret."}},
                        status=status)


def accepted() -> JsonResponse:
    """The one answer to a stored message and to its replay alike."""
    return JsonResponse({"status": "accepted"})


def store_unreadable(provider: str, body: bytes) -> None:
    """Keep a signed body that is not the provider's format, for staff (never dropped)."""
    inbound_store(provider=provider, provider_message_id="raw:" + hashlib.sha256(body).hexdigest(),
                  sender="", payload={"unreadable": base64.b64encode(body[:65536]).decode(),
                                      "bytes": len(body)})


def json_body(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def http_call(url: str, *, data: bytes | None = None, headers: dict | None = None,
              method: str | None = None) -> bytes:
    """Call a provider; 4xx other than 408/429 is a permanent refusal, anything else retries."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500 and exc.code not in (408, 429):
            raise PermanentFailure(f"provider refused the message: HTTP {exc.code}") from None
        raise


def http_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    answer = http_call(url, data=json.dumps(payload).encode(),
                       headers={"Content-Type": "application/json", **(headers or {})})
    try:
        return json.loads(answer or b"{}")
    except ValueError:
        return {}


def empty_twiml() -> HttpResponse:
    return HttpResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
                        content_type="text/xml")
