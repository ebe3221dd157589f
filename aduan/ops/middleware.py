"""Request ids, request metrics, and a clean 503 while the database is away.

``RequestMiddleware`` sits first: it gives each request an id (a caller's
``X-Request-ID`` of up to 64 letters, digits and dashes is kept, anything else is
replaced), returns it in the response, labels the request metrics with the URL
pattern (never the path, which may carry a tracking ID). ``outage`` is the
503 answer ``views.server_error`` gives when the database cannot be reached:
a short translated message instead of an error page, so a load balancer or a
client retries and people see a clear notice.
"""

import re
import time
import uuid

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from aduan.lib.requestlog import request_id

from .metrics import LATENCY, REQUESTS

_VALID_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
RETRY_AFTER_SECONDS = 5


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else "unmatched"


def outage(request) -> HttpResponse:
    message = _("The service is briefly unavailable. Please try again in a few seconds; "
                "nothing you sent before this message was lost.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {"code": "unavailable", "message": message}},
                                status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        route = _route(request)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        LATENCY.labels(request.method, route).observe(time.perf_counter() - start)
        return response
