"""The site's URLs plus one trivial POST view (bench/ceiling_wsgi.py)."""

from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def trivial(request):
    request.body  # noqa: B018
    return JsonResponse({"status": "accepted"})


# The same view behind the doors' short way (aduan.doors.middleware) and behind the full stack.
urlpatterns = [path("bench/trivial", trivial), path("channels/bench-trivial", trivial),
               path("", include("aduan.urls"))]
