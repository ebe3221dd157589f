from django.urls import include, path

from aduan.api.api import api
from aduan.backoffice.admin import site as national_admin_site

national_admin_site.adopt_default_registry()

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", national_admin_site.urls),
    path("kantor/", include("aduan.backoffice.urls")),
    path("channels/", include("aduan.doors.urls")),
    path("open311/v2/", include("aduan.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("aduan.transparency.urls")),
    path("", include("aduan.ops.urls")),
    path("", include("aduan.portal.urls")),
]

handler500 = "aduan.ops.views.server_error"
