from django.urls import path, re_path

from . import views

FMT = r"\.(?P<fmt>[a-z]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^services" + FMT, views.services, name="open311-services"),
    re_path(r"^services/(?P<code>[A-Za-z0-9_-]{1,50})" + FMT, views.service_definition,
            name="open311-service"),
    re_path(r"^requests" + FMT, views.service_requests, name="open311-requests"),
    re_path(r"^requests/(?P<service_request_id>[A-Za-z0-9-]{1,20})" + FMT,
            views.service_request, name="open311-request"),
    re_path(r"^tokens/(?P<token>[A-Za-z0-9_:.-]{1,200})" + FMT, views.token,
            name="open311-token"),
    re_path(r"^servicerequestupdates" + FMT, views.request_updates, name="open311-updates"),
    path("<path:rest>", views.not_found),
]
