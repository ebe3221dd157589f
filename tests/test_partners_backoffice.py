"""The back-office page of API clients: national admins only; keys and secrets shown once."""

import pytest
from conftest import submit
from django.test import Client

from aduan.channels.models import OutboundMessage, OutboundStatus
from aduan.partners import clients, webhooks
from aduan.partners.models import ApiClient, ClientReport, WebhookEndpoint
from aduan.reports import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_ok(settings):
    settings.ADUAN = {**settings.ADUAN, "WEBHOOKS_ALLOW_PRIVATE": True}


def staff(member):
    client = Client()
    client.force_login(member.user)
    return client


def test_only_national_admins_see_the_page(cast):
    made = clients.client_create(name="Aplikasi Kota", agency_code="pemkot-surabaya",
                                 scopes="reports:read")
    for member in (cast.admin_a, cast.leader_a, cast.supervisor):
        browser = staff(member)
        assert browser.get("/kantor/klien-api/").status_code == 404
        assert browser.get(f"/kantor/klien-api/{made.client.pk}/").status_code == 404
        assert browser.post(f"/kantor/klien-api/{made.client.pk}/cabut/").status_code == 404
    assert ApiClient.objects.get().revoked_at is None


def test_create_rotate_and_revoke_show_the_key_once(cast):
    browser = staff(cast.national)
    page = browser.get("/kantor/klien-api/")
    assert page.status_code == 200 and "Klien API" in page.content.decode()
    bad = browser.post("/kantor/klien-api/", {"name": "X", "agency": "tidak-ada",
                                              "scopes": ["reports:read"],
                                              "rate_limit_per_minute": 600})
    assert bad.status_code == 422 and not ApiClient.objects.exists()
    made = browser.post("/kantor/klien-api/", {"name": "Aplikasi Kota",
                                               "agency": "pemkot-surabaya",
                                               "scopes": ["reports:submit", "reports:read"],
                                               "rate_limit_per_minute": 600})
    client = ApiClient.objects.get()
    text = made.content.decode()
    key = text.split('<code class="secret">')[1].split("<")[0]
    assert key.startswith("adc_") and clients.client_authenticate(key) == client
    assert key not in browser.get(f"/kantor/klien-api/{client.pk}/").content.decode()
    rotated = browser.post(f"/kantor/klien-api/{client.pk}/kunci-baru/")
    assert rotated.status_code == 200 and client.keys.count() == 2
    browser.post(f"/kantor/klien-api/{client.pk}/cabut/")
    assert clients.client_authenticate(key) is None


def test_webhooks_are_added_listed_with_deliveries_and_redelivered(cast):
    made = clients.client_create(name="Aplikasi Kota", agency_code="pemkot-surabaya",
                                 scopes="reports:submit")
    browser = staff(cast.national)
    url = f"/kantor/klien-api/{made.client.pk}/"
    refused = browser.post(url, {"url": "ftp://contoh.id/", "events": ["report.closed"]})
    assert refused.status_code == 422 and not WebhookEndpoint.objects.exists()
    added = browser.post(url, {"url": "http://127.0.0.1:9/in",
                               "events": ["report.received", "report.dispatched"]})
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in added.content.decode()
    assert endpoint.secret not in browser.get(url).content.decode()
    report, _pin = submit()
    ClientReport.objects.create(client=made.client, report=report)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    delivery = webhooks.deliveries(endpoint.pk).get()
    OutboundMessage.objects.filter(pk=delivery.pk).update(status=OutboundStatus.FAILED)
    assert delivery.payload["event_id"] in browser.get(url).content.decode()
    browser.post(f"{url}webhook/{endpoint.pk}/kirim-ulang/", {"delivery": delivery.pk})
    delivery.refresh_from_db()
    assert delivery.status == OutboundStatus.PENDING
    browser.post(f"{url}webhook/{endpoint.pk}/hapus/")
    assert not WebhookEndpoint.objects.exists()
