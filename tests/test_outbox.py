"""Notifications go through the outbox: retried with backoff, never lost, never doubled."""

from datetime import timedelta

import pytest
from conftest import submit
from django.core import mail
from django.utils import timezone

from aduan.channels.models import OutboundMessage, OutboundStatus
from aduan.channels.outbox import MAX_ATTEMPTS, backoff, outbox_deliver_due
from aduan.reports import services

pytestmark = pytest.mark.django_db


def test_a_submission_queues_one_receipt_without_the_pin(cast):
    report, pin = submit(reporter_email="siti@contoh.id")
    message = OutboundMessage.objects.get(event__report=report)
    assert message.recipient == "siti@contoh.id" and message.purpose == "report_submit"
    assert report.tracking_id[:5] in message.body and pin not in message.body
    assert message.status == OutboundStatus.PENDING


def test_no_contact_no_message(cast):
    report, _pin = submit(reporter_email="")
    assert not OutboundMessage.objects.filter(event__report=report).exists()


def test_delivery_sends_once(cast):
    submit(reporter_email="siti@contoh.id")
    assert outbox_deliver_due() == {"sent": 1, "retry": 0, "skipped": 0}
    assert outbox_deliver_due() == {"sent": 0, "retry": 0, "skipped": 0}
    assert len(mail.outbox) == 1
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_failing_mail_server_loses_nothing(cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "test_outbox.BrokenBackend"}}
    submit(reporter_email="siti@contoh.id")
    now = timezone.now()
    assert outbox_deliver_due(now=now)["retry"] == 1
    message = OutboundMessage.objects.get()
    assert message.status == OutboundStatus.PENDING and message.attempts == 1
    assert message.next_attempt_at >= now + backoff(1) - timedelta(seconds=1)
    # not due yet: nothing is tried again
    assert outbox_deliver_due(now=now)["retry"] == 0
    # the mail server comes back
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert outbox_deliver_due(now=now + timedelta(hours=1))["sent"] == 1
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT


def test_gives_up_after_max_attempts(cast, settings):
    settings.MAILERS = {"default": {"BACKEND": "test_outbox.BrokenBackend"}}
    submit(reporter_email="siti@contoh.id")
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(days=1)
        outbox_deliver_due(now=moment)
    assert OutboundMessage.objects.get().status == OutboundStatus.FAILED


def test_training_mode_sends_nothing(cast, settings):
    settings.ADUAN = {**settings.ADUAN, "TRAINING_MODE": True}
    submit(reporter_email="siti@contoh.id")
    assert outbox_deliver_due()["skipped"] == 1
    assert mail.outbox == []


def test_one_message_per_event(cast):
    report, _pin = submit(reporter_email="siti@contoh.id")
    services.report_dispatch(caller=cast.national.caller, report=report, agency="pemkot-surabaya")
    purposes = sorted(OutboundMessage.objects.values_list("purpose", flat=True))
    assert purposes == ["report_dispatch", "report_submit"]


def test_a_burst_of_reports_kicks_delivery_once_and_the_scheduler_catches_the_rest(
        cast, monkeypatch, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from aduan.channels import tasks as outbox
    from aduan.lib.throttle import Throttle

    monkeypatch.setattr(outbox, "_kicks", Throttle(outbox.KICK_EVERY))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            submit(reporter_email="siti@contoh.id")
    kicks = DBTaskResult.objects.filter(task_path="aduan.channels.tasks.deliver_outbox")
    assert kicks.count() == 1 and kicks.get().run_after is not None
    # The scheduler's safety net kicks while anything is due, and not otherwise.
    assert outbox.outbox_safety_net() is True
    outbox_deliver_due()
    assert outbox.outbox_safety_net() is False


def _queued(channel: str) -> OutboundMessage:
    return OutboundMessage.objects.create(channel=channel, recipient="+6281234567890",
                                          body="Laporan diterima", purpose="test",
                                          next_attempt_at=timezone.now())


def test_each_channel_is_sent_by_its_registered_transport_which_names_the_provider_id(cast):
    from aduan.channels import transports

    sent, previous = [], transports.transport_for("sms")
    transports.transport_register("sms", lambda m: sent.append(m.recipient) or "gw-42")
    try:
        message = _queued("sms")
        assert outbox_deliver_due()["sent"] == 1
    finally:
        # Put the door's sender back: later tests send SMS through it.
        transports._senders.pop("sms")
        if previous is not None:
            transports.transport_register("sms", previous)
    message.refresh_from_db()
    assert sent == ["+6281234567890"] and message.provider_ref == "gw-42"
    assert message.status == OutboundStatus.SENT


def test_a_permanent_refusal_is_a_dead_letter_at_once_and_no_transport_means_retry(cast):
    from aduan.channels import transports

    def refuse(message):
        raise transports.PermanentFailure("number not on WhatsApp")

    previous = transports.transport_for("whatsapp")
    # Telegram's door is not loaded here: its messages wait for a transport.
    telegram = transports._senders.pop("telegram", None)
    transports.transport_register("whatsapp", refuse)
    try:
        refused, orphan = _queued("whatsapp"), _queued("telegram")
        assert outbox_deliver_due()["retry"] == 2
    finally:
        transports.transport_register("whatsapp", previous)
        if telegram:
            transports.transport_register("telegram", telegram)
    refused.refresh_from_db()
    orphan.refresh_from_db()
    assert refused.status == OutboundStatus.FAILED and "WhatsApp" in refused.last_error
    assert orphan.status == OutboundStatus.PENDING and orphan.attempts == 1
