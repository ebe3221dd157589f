"""The portal as an installable app: manifest, icons, service worker, offline and device pages,
push for reporter accounts, compression, and the back office's phone-sized pieces."""

import json
import re

import pytest
from conftest import PASSWORD
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from aduan.portal.views.app import SHELL_PAGES, SHELL_STATIC
from aduan.push.models import PushSubscription

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_in_indonesian_with_every_icon():
    response = Client().get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["short_name"] == "Aduan" and manifest["lang"] == "id"
    assert "Pengaduan" in manifest["name"]
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    assert manifest["theme_color"] == "#0b4f8a" and manifest["background_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "any"}
    assert {"48x48", "72x72", "96x96", "144x144", "192x192", "512x512"} <= sizes
    assert {icon["sizes"] for icon in manifest["icons"] if icon["purpose"] == "maskable"} == {
        "192x192", "512x512"}
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        width = int(icon["sizes"].split("x")[0])
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (width, width)


def test_the_service_worker_is_served_at_the_root_and_never_cached():
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert re.search(r'var VERSION = "[0-9a-f]{12}"', body)
    for page in SHELL_PAGES:
        assert f'"{page}"' in body
    for name in SHELL_STATIC:
        assert finders.find(name), name
    assert "importScripts(\"/static/aduan/queue.js\")" in body


@pytest.mark.parametrize("path", SHELL_PAGES)
def test_every_shell_page_answers_with_the_manifest_and_no_inline_script(path):
    response = Client().get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'rel="manifest"' in html and 'name="theme-color"' in html
    assert "/static/aduan/app.js" in html
    # Every script has a src (the CSP allows no inline script).
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_and_static_files_are_compressed():
    for path in ("/", "/lapor/", "/static/aduan/site.css", "/static/aduan/app.js"):
        response = Client().get(path, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip", path


def test_the_receipt_is_handed_to_the_device_not_kept_on_the_server():
    client = Client()
    page = client.get("/lapor/")
    assert 'data-shrink="attachments_note"' in page.content.decode()
    sent = client.post("/lapor/", {"kind": "complaint", "title": "Lampu jalan mati",
                                   "body": "Sudah seminggu gelap.", "_send": "1",
                                   "_send_anyway": "1"})
    assert sent.status_code == 302
    receipt = client.get(sent["Location"]).content.decode()
    found = re.search(r'data-receipt data-tracking-id="(\w+)" data-pin="(\w+)"', receipt)
    assert found
    device = client.get("/laporan-saya/").content.decode()
    # The device page is the same for everyone: the list comes from the phone.
    assert found.group(1) not in device and found.group(2) not in device


def test_a_reporter_account_registers_this_device_for_push(cast):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="citizen", password=PASSWORD)
    page = client.get("/akun/laporan/").content.decode()
    assert 'id="account-notify"' in page
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    device = {"endpoint": "https://push.example.net/abc",
              "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22}}
    refused = client.post("/akun/notifikasi/", json.dumps(device), content_type="application/json")
    assert refused.status_code == 403  # no CSRF token
    bad = client.post("/akun/notifikasi/", "{}", content_type="application/json",
                      HTTP_X_CSRFTOKEN=csrf)
    assert bad.status_code == 422
    wrong_key = {**device, "keys": {"p256dh": "A" * 87, "auth": "A" * 22}}
    assert client.post("/akun/notifikasi/", json.dumps(wrong_key), content_type="application/json",
                       HTTP_X_CSRFTOKEN=csrf).status_code == 422
    from pushservice import PushService
    with PushService() as push:
        real = push.subscription()
    real["endpoint"] = "https://push.example.net/abc"
    ok = client.post("/akun/notifikasi/", json.dumps(real), content_type="application/json",
                     HTTP_X_CSRFTOKEN=csrf)
    assert ok.status_code == 200, ok.content
    assert PushSubscription.objects.get().user == cast.citizen.user
    gone = client.post("/akun/notifikasi/?hapus=1", json.dumps(real),
                       content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert gone.status_code == 200 and not PushSubscription.objects.exists()


def test_anonymous_visitors_cannot_register_account_push(db):
    answer = Client().post("/akun/notifikasi/", "{}", content_type="application/json")
    assert answer.status_code in (401, 403)


def test_every_page_names_the_apple_touch_icon_at_the_size_ios_asks():
    html = Client().get("/").content.decode()
    href = re.search(r'<link rel="apple-touch-icon" href="([^"]+)"', html).group(1)
    with Image.open(finders.find(href.removeprefix("/static/"))) as image:
        # iOS scales the 180-px icon for the iPad's 152 and 167 px; no transparency allowed.
        assert image.format == "PNG" and image.size == (180, 180) and image.mode == "RGB"
    assert re.search(r'<link rel="icon" type="image/png" sizes="32x32"', html)


QUEUED = {"kind": "complaint", "title": "Lampu jalan mati", "body": "Sudah dua minggu gelap.",
          "category": "perhubungan", "province": "35", "regency": "35.78",
          "district": "35.78.04", "_account": "1", "_send": "1"}


def _csrf(client, account=True) -> str:
    page = client.get("/lapor/").content.decode()
    # The form tells the phone whether a report kept there belongs to an account.
    assert ('name="_account" value="1"' in page) == account
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_report_kept_on_a_logged_in_reporters_phone_joins_the_account_once(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aduan.reports.models import Attachment, Report
    from webutil import photo_with_gps

    client = Client(enforce_csrf_checks=True)
    assert client.login(username="citizen", password=PASSWORD)
    token = _csrf(client)
    key = "9b1f0c7e-3a52-4c1d-9e1a-5d2b7c4e8f60"
    photo = photo_with_gps().read()

    def send(**extra):
        return client.post("/lapor/antrian/", {
            **QUEUED, "attachments": [SimpleUploadedFile("foto.jpg", photo, "image/jpeg")]},
            HTTP_IDEMPOTENCY_KEY=key, **extra)

    assert send().status_code == 403  # no CSRF token
    first = send(HTTP_X_CSRFTOKEN=token)
    assert first.status_code == 201, first.content
    report = Report.objects.get()
    assert report.reporter == cast.citizen.user and first.json()["pin"]
    assert Attachment.objects.filter(report=report).count() == 1
    # Background Sync and the page at once, or a retry: the first answer, stored once.
    again = send(HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_id"] == report.tracking_id and Report.objects.count() == 1
    assert report.tracking_id in client.get("/akun/laporan/?tab=belum").content.decode()


def test_a_kept_report_the_portal_refuses_says_why_and_anonymous_is_sent_to_the_api(cast):
    client = Client(enforce_csrf_checks=True)
    anonymous = Client(enforce_csrf_checks=True)
    token = _csrf(anonymous, account=False)
    refused = anonymous.post("/lapor/antrian/", QUEUED, HTTP_X_CSRFTOKEN=token,
                             HTTP_IDEMPOTENCY_KEY="0" * 32)
    assert refused.status_code == 401  # the phone sends it through the API instead
    assert client.login(username="citizen", password=PASSWORD)
    token = _csrf(client)
    no_key = client.post("/lapor/antrian/", QUEUED, HTTP_X_CSRFTOKEN=token)
    assert no_key.status_code == 422
    assert no_key.json()["error"]["code"] == "invalid_idempotency_key"
    untitled = client.post("/lapor/antrian/", {**QUEUED, "title": ""}, HTTP_X_CSRFTOKEN=token,
                           HTTP_IDEMPOTENCY_KEY="1" * 32)
    assert untitled.status_code == 422 and untitled.json()["error"]["message"]
