"""Keep every response under /api/ in the API's error shape."""

from aduan.partners.clients import client_call_audit

from .errors import json_error_for_api


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/"):
            return response
        response = json_error_for_api(response, request)
        client = getattr(request, "_aduan_client", None)
        if client is not None:
            client_call_audit(client=client, method=request.method, path=request.path,
                              status=response.status_code)
        return response
