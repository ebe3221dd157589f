"""``/health/live``, ``/health/ready`` and ``/metrics``.

Live says the process answers (no dependency is touched). Ready runs the
checks in ``checks`` and answers 503 when one fails, with each check's outcome.
Metrics needs ``Authorization: Bearer <ADUAN_METRICS_TOKEN>``; without a token
configured the endpoint does not exist (404), so it is never public by accident.
``server_error`` is the site's ``handler500``.
"""

import hmac
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .checks import readiness
from .metrics import exposition
from .middleware import outage

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    checks = readiness()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "failing", "checks": checks},
                        status=200 if ok else 503)


@never_cache
@require_GET
def metrics(request):
    token = settings.ADUAN["METRICS_TOKEN"]
    if not token:
        raise Http404()
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def server_error(request):
    """``handler500``: a lost database is a 503 with a clear message, anything else a 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        logger.warning("database unavailable: %s", type(exception).__name__)
        return outage(request)
    return defaults.server_error(request)
