"""The portal as an installable app: manifest, service worker, offline page, device receipts,
and push notifications for a reporter's account."""

import hashlib
import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.errors import DomainError, InvalidInput
from aduan.push.services import push_subscribe, push_unsubscribe
from aduan.push.vapid import vapid_public_key
from aduan.reports.access import push_owner_for_caller
from aduan.reports.callers import caller_for_user

THEME = "#0b4f8a"
ICON_SIZES = (48, 72, 96, 120, 128, 144, 152, 167, 180, 192, 256, 384, 512)
# The pages a reporter needs without a connection, and what they load.
SHELL_PAGES = ("/", "/lapor/", "/lacak/", "/laporan-saya/", "/offline/")
# The map library is not among them: a pin needs tiles from the network anyway, so it is
# cached when the form first uses it (and the form works without it).
SHELL_STATIC = ("aduan/site.css", "aduan/site.js", "aduan/app.js", "aduan/queue.js",
                "aduan/report_form.js", "aduan/icons/icon-192.png", "aduan/icons/icon-32.png")


def _manifest() -> dict:
    icons = [{"src": static(f"aduan/icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in ICON_SIZES]
    icons += [{"src": static(f"aduan/icons/maskable-{size}.png"), "sizes": f"{size}x{size}",
               "type": "image/png", "purpose": "maskable"} for size in (192, 512)]
    return {
        "id": "/", "name": "Aduan — Pengaduan Pelayanan Publik", "short_name": "Aduan",
        "description": "Sampaikan pengaduan, aspirasi, dan permintaan informasi pelayanan "
                       "publik kepada instansi yang berwenang.",
        "lang": "id", "dir": "ltr", "start_url": "/?sumber=aplikasi", "scope": "/",
        "display": "standalone", "orientation": "portrait", "background_color": "#ffffff",
        "theme_color": THEME, "categories": ["government", "utilities"], "icons": icons,
        "shortcuts": [
            {"name": "Kirim laporan", "url": "/lapor/", "icons": [icons[9]]},
            {"name": "Laporan saya", "url": "/laporan-saya/", "icons": [icons[9]]},
        ],
    }


@require_GET
def manifest(request):
    response = JsonResponse(_manifest(), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@lru_cache(maxsize=1)
def _version() -> str:
    """Changes whenever a cached file does, so every phone takes the new shell."""
    digest = hashlib.sha256(render_to_string("portal/sw.js", {"version": "", "pages": "[]",
                                                              "assets": "[]"}).encode())
    for name in SHELL_STATIC:
        path = finders.find(name)
        if path:
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """At the site's root, so it may control every page (a worker's scope is its own path)."""
    body = render_to_string("portal/sw.js", {
        "version": _version(), "pages": json.dumps(SHELL_PAGES),
        "assets": json.dumps([static(name) for name in SHELL_STATIC])})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on every navigation; never let a cache hide one.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    return render(request, "portal/offline.html")


@require_GET
def device_reports(request):
    return render(request, "portal/device_reports.html", {"push_key": vapid_public_key()})


def _subscription(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
        return {"endpoint": str(data["endpoint"]), "p256dh": str(data["keys"]["p256dh"]),
                "auth": str(data["keys"]["auth"])}
    except (ValueError, KeyError, TypeError):
        return {}


@require_POST
def account_push(request):
    """Register or remove this device for every report of the logged-in reporter (CSRF-checked)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": {"code": "unauthenticated",
                                       "message": _("Log in to receive notifications.")}},
                            status=401)
    subscription = _subscription(request)
    try:
        owner = push_owner_for_caller(caller_for_user(request.user), None)
        if not subscription:
            raise InvalidInput(_("Send the browser's push subscription as JSON."))
        if request.GET.get("hapus"):
            push_unsubscribe(endpoint=subscription["endpoint"], **owner)
        else:
            push_subscribe(**subscription, **owner)
    except DomainError as exc:
        return JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}},
                            status=exc.status)
    return JsonResponse({"ok": True, "scope": "account"})
