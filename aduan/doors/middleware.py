"""The doors' short way through the middleware stack.

A provider's webhook is a machine posting a signed body: it has no session, no
account, no CSRF token, no language and no use for the pages' security headers
beyond those already set. Every middleware after this one exists for people and
pages, and each costs every delivery something (the session and message storage
checks, language negotiation, the CSP and frame headers, the two-factor gate).
So requests under ``/channels/`` are answered here: resolved and handed to the
door's view directly. What comes before this middleware (request id and metrics,
HTTPS redirect and HSTS, the request size cap) still applies to them.
"""

from django.urls import resolve

PREFIX = "/channels/"


class DoorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        # Errors (Http404 for a door that is off, a crash) are turned into responses by
        # the handler's wrapper around this middleware, as for any view.
        match = request.resolver_match = resolve(request.path_info)
        return match.func(request, *match.args, **match.kwargs)
