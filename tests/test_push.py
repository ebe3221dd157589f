"""Web push: registering a device, and the follow-up, request for information and closure
reaching it through the outbox, checked by a local push-service stand-in."""

import pytest
import time_machine
from conftest import submit
from pushservice import PushService

from aduan.channels.models import OutboundMessage, OutboundStatus
from aduan.channels.outbox import outbox_deliver_due
from aduan.deadlines.sweep import sweep
from aduan.lib.tracking import display
from aduan.push.models import PushSubscription
from aduan.reports import services
from aduan.reports.models import Report

A_UNIT = "pemkot-surabaya.dpupr"


@pytest.fixture
def push():
    with PushService() as service:
        yield service


def fresh(report) -> Report:
    return Report.objects.get(pk=report.pk)


def subscribe(api, device, **kwargs):
    tracking_id = kwargs.pop("tracking_id", None)
    body = {**device, **({"tracking_id": tracking_id} if tracking_id else {})}
    return api.post("/push/subscriptions", body, **kwargs)


def test_the_public_key_is_a_p256_point(api):
    from pushservice import unb64
    key = unb64(api.get("/push/key").json()["public_key"])
    assert len(key) == 65 and key[0] == 4


def test_a_reporter_without_account_subscribes_with_the_pin(db, api, push):
    report, pin = submit()
    device = push.subscription()
    # No credential at all: 401 before the body is read, for any ID (ADR 0008); a wrong
    # PIN for a report that is not yet public: unknown.
    assert subscribe(api, device, tracking_id=report.tracking_id).status_code == 401
    assert subscribe(api, device, tracking_id=report.tracking_id, pin="000000").status_code == 404
    created = subscribe(api, device, tracking_id=report.tracking_id, pin=pin)
    assert created.status_code == 201 and created.json()["scope"] == "report"
    again = subscribe(api, device, tracking_id=report.tracking_id, pin=pin)
    assert again.status_code == 201
    assert PushSubscription.objects.filter(report=report).count() == 1


def test_staff_strangers_and_bad_keys_are_refused(cast, api, push):
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    device = push.subscription()
    # Public and dispatched: the citizen sees it, but did not send it.
    refused = subscribe(api, device, tracking_id=report.tracking_id, token=cast.citizen.token)
    assert refused.status_code == 403
    assert subscribe(api, device, token=cast.admin_a.token).status_code == 403
    assert subscribe(api, device).status_code == 401
    bad = {**device, "keys": {"p256dh": "AAAA", "auth": device["keys"]["auth"]}}
    answer = subscribe(api, bad, token=cast.citizen.token)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_input"
    plain = {**device, "endpoint": "ftp://push.example/x"}
    assert subscribe(api, plain, token=cast.citizen.token).status_code == 422
    assert not PushSubscription.objects.exists()


def test_follow_up_and_request_reach_every_device_through_the_outbox(cast, api, push):
    report, pin = submit(user=cast.citizen.user)
    phone, laptop, by_pin = push.subscription(), push.subscription(), push.subscription()
    for device in (phone, laptop):
        assert subscribe(api, device, token=cast.citizen.token).status_code == 201
    assert subscribe(api, by_pin, tracking_id=report.tracking_id, pin=pin).status_code == 201
    services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    services.report_request_info(caller=cast.admin_a.caller, report=fresh(report),
                                 message="Mohon foto lokasi.")
    queued = OutboundMessage.objects.filter(channel="webpush")
    assert queued.count() == 3 and {m.purpose for m in queued} == {"report_request_info"}
    outbox_deliver_due()
    assert not push.errors
    assert len(push.received) == 3
    messages = [r["message"] for r in push.received]
    assert {m["url"] for m in messages} == {"/akun/laporan/"}
    assert all("Mohon foto lokasi." in m["body"] for m in messages)
    assert {m["title"] for m in messages} == {
        f"Laporan {display(report.tracking_id)} memerlukan kelengkapan"}
    services.report_provide_info(caller=cast.citizen.caller, report=fresh(report),
                                 message="Foto terlampir.")
    services.report_accept(caller=cast.admin_a.caller, report=fresh(report))
    services.report_respond(caller=cast.admin_a.caller, report=fresh(report),
                            message="Sudah ditambal.")
    outbox_deliver_due()
    assert len(push.received) == 6
    assert sum("Sudah ditambal." in r["message"]["body"] for r in push.received) == 3
    assert all(m.status == OutboundStatus.SENT and m.provider_ref.startswith(push.origin)
               for m in OutboundMessage.objects.filter(channel="webpush"))


def test_the_automatic_closure_is_pushed(cast, api, push):
    from datetime import datetime

    from aduan.deadlines.calendar import WIB
    with time_machine.travel(datetime(2026, 8, 3, 9, tzinfo=WIB), tick=False):
        report, pin = submit()
        subscribe(api, push.subscription(), tracking_id=report.tracking_id, pin=pin)
        services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
        services.report_respond(caller=cast.admin_a.caller, report=fresh(report),
                                message="Sudah diperbaiki.")
    assert sweep(datetime(2026, 8, 19, 0, 5, tzinfo=WIB))["auto_closed"] == 1
    closing = OutboundMessage.objects.get(channel="webpush", purpose="report_close_auto")
    assert closing.payload["url"] == "/laporan-saya/"
    outbox_deliver_due()
    assert not push.errors
    titles = [r["message"]["title"] for r in push.received]
    assert f"Laporan {display(report.tracking_id)} selesai" in titles


def test_a_gone_subscription_is_removed_and_dead_lettered(cast, api, push):
    report, pin = submit()
    device = push.subscription()
    subscribe(api, device, tracking_id=report.tracking_id, pin=pin)
    push.answer[device["endpoint"].removeprefix(push.origin)] = 410
    services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    services.report_request_info(caller=cast.admin_a.caller, report=fresh(report),
                                 message="Alamat lengkap?")
    outbox_deliver_due()
    message = OutboundMessage.objects.get(channel="webpush")
    assert message.status == OutboundStatus.FAILED and "410" in message.last_error
    assert not PushSubscription.objects.exists()


def test_a_busy_push_service_is_retried(cast, api, push):
    report, pin = submit()
    device = push.subscription()
    subscribe(api, device, tracking_id=report.tracking_id, pin=pin)
    push.answer[device["endpoint"].removeprefix(push.origin)] = 503
    services.report_dispatch(caller=cast.national.caller, report=report, agency=A_UNIT)
    services.report_request_info(caller=cast.admin_a.caller, report=fresh(report),
                                 message="Alamat lengkap?")
    assert outbox_deliver_due()["retry"] == 1
    assert OutboundMessage.objects.get(channel="webpush").status == OutboundStatus.PENDING


def test_unsubscribe(db, api, push):
    report, pin = submit()
    device = push.subscription()
    subscribe(api, device, tracking_id=report.tracking_id, pin=pin)
    gone = api.post("/push/unsubscribe", {"endpoint": device["endpoint"],
                                          "tracking_id": report.tracking_id}, pin=pin)
    assert gone.status_code == 200 and gone.json() == {"removed": 1}
