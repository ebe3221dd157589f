"""Keep every response under /api/ in the API's error shape."""

from .errors import json_error_for_api


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            return json_error_for_api(response, request)
        return response
