"""Gunicorn workers that answer an over-long request line or over-large headers in Aduan's
JSON error shape, not with gunicorn's own HTML page.

Such a request never reaches Django (gunicorn refuses a request line beyond 8,190 bytes
before parsing it), so a client of ``GET /api/v1/reports/similar?text=...`` with a very
long text once got an HTML 414 where every other error is JSON. ``aduan serve`` runs
these classes; any other error goes to gunicorn's own handling.
"""

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker
from gunicorn.workers.sync import SyncWorker as _SyncWorker


def limit_answer(exc: Exception) -> bytes | None:
    """The whole HTTP answer for a request gunicorn refused for its size, else None."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext as _

    if isinstance(exc, LimitRequestLine):
        status, reason, code = 414, "URI Too Long", "uri_too_long"
    elif isinstance(exc, LimitRequestHeaders):
        status, reason, code = 431, "Request Header Fields Too Large", "headers_too_large"
    else:
        return None
    # No request was read, so no Accept-Language either: the site's own language.
    with translation.override(settings.LANGUAGE_CODE):
        message = (_("The address is too long; send long text in the request body "
                     "(POST /api/v1/reports/similar).") if status == 414
                   else _("The request headers are too large."))
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class _JsonLimitErrors:
    def handle_error(self, req, client, addr, exc):
        answer = limit_answer(exc)
        if answer is None:
            return super().handle_error(req, client, addr, exc)
        self.log.info("Refused a request for its size: %s", type(exc).__name__)
        try:
            util.write_nonblock(client, answer)
        except OSError:
            self.log.debug("Failed to send the size error.")
        return None


class ThreadWorker(_JsonLimitErrors, _ThreadWorker):
    """gunicorn's threaded worker (``--threads`` above 1)."""


class SyncWorker(_JsonLimitErrors, _SyncWorker):
    """gunicorn's plain worker (``ADUAN_WEB_THREADS=1``)."""
