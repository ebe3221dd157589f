"""Webhooks: queued with the event, signed, retried, paused, redelivered; payloads cut to scope."""

from datetime import timedelta
from io import StringIO

import pytest
from conftest import submit
from django.core.management import call_command
from django.utils import timezone
from webhookutil import Receiver

from aduan.channels.models import OutboundChannel, OutboundMessage, OutboundStatus
from aduan.channels.outbox import outbox_deliver_due
from aduan.errors import InvalidInput
from aduan.lib import outbound_http
from aduan.partners import clients, webhooks
from aduan.partners.models import ClientReport, WebhookEndpoint
from aduan.reports import services
from aduan.reports.services.batch import SystemDispatch, reports_dispatch_as_system

pytestmark = pytest.mark.django_db

ALL = "report.received,report.dispatched,report.responded,report.closed,report.escalated"
NEW = {"kind": "complaint", "title": "Lampu jalan mati di Jl. Darmo",
       "body": "Sudah seminggu lampu mati; saya Budi, 0812-1111-2222.",
       "region_code": "35.78.02",
       "reporter": {"name": "Budi Santoso", "email": "budi@contoh.id"}}


@pytest.fixture(autouse=True)
def _private_ok(settings):
    settings.ADUAN = {**settings.ADUAN, "WEBHOOKS_ALLOW_PRIVATE": True}
    yield
    outbound_http.close_all()


def _client(name="Aplikasi Kota", agency="pemkot-surabaya", scopes="reports:submit,reports:read"):
    return clients.client_create(name=name, agency_code=agency, scopes=scopes)


def _deliver():
    return outbox_deliver_due(now=timezone.now() + timedelta(seconds=1))


def _hooks():
    return OutboundMessage.objects.filter(channel=OutboundChannel.WEBHOOK)


def test_the_command_adds_lists_and_removes_webhooks(cast):
    _client()
    out = StringIO()
    call_command("clients", "webhook", "add", "Aplikasi Kota", "http://127.0.0.1:9/in",
                 "--events", "report.received,report.closed", stdout=out)
    secret = out.getvalue().strip().splitlines()[-1]
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert endpoint.event_types == ["report.closed", "report.received"]
    listed = StringIO()
    call_command("clients", "webhook", "list", "Aplikasi Kota", stdout=listed)
    assert "http://127.0.0.1:9/in" in listed.getvalue() and secret not in listed.getvalue()
    call_command("clients", "webhook", "remove", "Aplikasi Kota", str(endpoint.pk),
                 stdout=StringIO())
    assert not WebhookEndpoint.objects.exists()


def test_unknown_event_types_and_private_urls_are_refused(cast, settings):
    made = _client()
    with pytest.raises(InvalidInput) as bad_type:
        webhooks.webhook_add(client=made.client, url="http://127.0.0.1:9/", event_types="x")
    assert bad_type.value.code == "invalid_event_types"
    settings.ADUAN = {**settings.ADUAN, "WEBHOOKS_ALLOW_PRIVATE": False}
    for url in ("https://127.0.0.1/in", "https://10.1.2.3/in", "https://[::1]/in",
                "https://169.254.169.254/latest", "http://93.184.215.14/in",
                "https://user:pw@93.184.215.14/", "ftp://93.184.215.14/"):
        with pytest.raises(InvalidInput) as refused:
            webhooks.webhook_add(client=made.client, url=url, event_types="report.closed")
        assert refused.value.code == "invalid_url", url
    assert not WebhookEndpoint.objects.exists()


def test_a_submitted_report_is_delivered_signed_once_without_the_reporter(api, cast):
    made = _client(scopes="reports:submit")
    with Receiver() as receiver:
        endpoint, receiver.secret = webhooks.webhook_add(client=made.client, url=receiver.url,
                                                         event_types=ALL)
        response = api.post("/reports", {**NEW, "external_id": "kota-9"}, token=made.raw)
        assert response.status_code == 201
        delivery = _hooks().get()  # queued with the event, in its transaction
        assert delivery.recipient == f"webhook:{endpoint.pk}"
        _deliver()
        _deliver()
    (headers, body), = receiver.received
    assert not receiver.refused
    assert body["type"] == "report.received" and headers["X-Aduan-Event-Id"] == body["id"]
    assert body["report"]["tracking_id"] == response.json()["tracking_id"]
    assert body["report"]["external_id"] == "kota-9" and "title" not in body["report"]
    text = str(body)
    for secret in ("Budi", "budi@contoh.id", "0812", "Darmo"):
        assert secret not in text
    delivery.refresh_from_db()
    assert delivery.status == OutboundStatus.SENT


def test_dispatch_reaches_the_agency_subtree_and_not_others(cast):
    reader = _client(scopes="reports:read")
    outsider = _client(name="Aplikasi Provinsi Lain", agency="pemprov-jawa-barat")
    with Receiver() as receiver:
        _endpoint, receiver.secret = webhooks.webhook_add(client=reader.client,
                                                          url=receiver.url, event_types=ALL)
        webhooks.webhook_add(client=outsider.client, url=receiver.url, event_types=ALL)
        report, _pin = submit(confidential=True)
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya")
        assert _hooks().count() == 1
        _deliver()
    body, = receiver.bodies
    assert body["type"] == "report.dispatched"
    assert body["report"]["holder"]["code"] == "pemkot-surabaya"
    # A reader of the holding agency sees the title; never the reporter.
    assert body["report"]["title"] == report.title and "Siti" not in str(body)


def test_a_submitter_hears_of_its_confidential_report_only_while_its_agency_holds_it(cast):
    made = _client(scopes="reports:submit", agency="pemprov-jawa-timur")
    webhooks.webhook_add(client=made.client, url="http://127.0.0.1:9/", event_types=ALL)
    report, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Rahasia", body="Pungutan liar di kantor.", confidential=True),
        user=None)
    ClientReport.objects.create(client=made.client, report=report, external_id="r-1")
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    assert not _hooks().exists()


def test_batched_dispatch_and_sweep_escalations_are_covered(cast):
    reader = _client(scopes="reports:read")
    webhooks.webhook_add(client=reader.client, url="http://127.0.0.1:9/",
                         event_types="report.dispatched,report.escalated")
    reports = [submit()[0] for _ in range(3)]
    refused = reports_dispatch_as_system([SystemDispatch(r.pk, "pemkot-surabaya", None)
                                          for r in reports])
    assert refused == {} and _hooks().count() == 3
    from aduan.deadlines.sweep import sweep

    result = sweep(timezone.now() + timedelta(days=90))
    escalated = _hooks().filter(subject="report.escalated")
    assert sum(result["escalated"].values()) == 3 and escalated.count() == 3


def test_failures_back_off_then_pause_the_endpoint_and_staff_redeliver(cast):
    made = _client()
    with Receiver() as receiver:
        endpoint, receiver.secret = webhooks.webhook_add(client=made.client, url=receiver.url,
                                                         event_types=ALL)
        receiver.status = 500
        report, _pin = submit()
        ClientReport.objects.create(client=made.client, report=report)
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya")
        delivery = _hooks().get()
        assert _deliver()["retry"] == 1
        delivery.refresh_from_db()
        assert delivery.status == OutboundStatus.PENDING and delivery.attempts == 1
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures=19)
        OutboundMessage.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        _deliver()
        endpoint.refresh_from_db()
        assert endpoint.paused_at is not None and "HTTP 500" in endpoint.pause_reason
        OutboundMessage.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        _deliver()
        delivery.refresh_from_db()
        assert delivery.status == OutboundStatus.FAILED and "paused" in delivery.last_error
        assert len(receiver.received) == 2
        receiver.status = 200
        webhooks.webhook_resume(endpoint=endpoint)
        assert webhooks.webhook_redeliver(endpoint=endpoint, message_id=delivery.pk)
        _deliver()
    assert len(receiver.received) == 3
    assert len({body["id"] for body in receiver.bodies}) == 1  # the same event id each time
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.paused_at is None


def test_deliveries_give_up_after_a_day(cast):
    made = _client()
    endpoint, _secret = webhooks.webhook_add(client=made.client, url="http://127.0.0.1:9/",
                                             event_types=ALL)
    report, _pin = submit()
    ClientReport.objects.create(client=made.client, report=report)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    delivery = _hooks().get()
    OutboundMessage.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=23, minutes=59, seconds=50))
    _deliver()  # nothing listens on port 9: refused, and the next try would be past 24 h
    delivery.refresh_from_db()
    assert delivery.status == OutboundStatus.FAILED
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).failures == 1
