"""Training mode: a banner, practice work in every queue, and nothing sent to anybody."""

import pytest
from conftest import submit
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from aduan.channels.models import OutboundMessage, OutboundStatus, recipient_digest
from aduan.channels.outbox import outbox_deliver_due
from aduan.demo.scenarios import DEMO_PASSWORD
from aduan.reports.callers import caller_for_user
from aduan.reports.selectors import queue_counts, queues_for

pytestmark = pytest.mark.django_db


def test_no_banner_outside_training():
    assert "MODE PELATIHAN" not in Client().get("/").content.decode()


def test_the_setting_alone_turns_training_on(settings, mailoutbox):
    settings.ADUAN = {**settings.ADUAN, "TRAINING_MODE": True}
    assert "MODE PELATIHAN" in Client().get("/lapor/").content.decode()


def test_demo_training_fills_every_queue_and_sends_nothing(mailoutbox):
    call_command("demo", "--training", stdout=open("/dev/null", "w"))
    for url in ("/", "/kantor/", "/laporan/"):
        assert "MODE PELATIHAN" in Client().get(url).content.decode()
    users = get_user_model().objects
    seen = set()
    for username in ("admin.nasional", "admin.surabaya", "unit.dinkes.surabaya",
                     "penghubung.surabaya"):
        caller = caller_for_user(users.get(username=username))
        counts = queue_counts(caller, queues_for(caller))
        seen |= {queue for queue, count in counts.items() if count}
    assert {"verify", "signoff", "held", "overdue", "waiting", "responded"} <= seen
    client = Client()
    assert client.post("/kantor/", {"username": "penghubung.surabaya",
                                    "password": DEMO_PASSWORD}).status_code == 302
    submit(reporter_email="warga.asli@contoh.id")
    assert OutboundMessage.objects.filter(
        recipient_digest=recipient_digest("warga.asli@contoh.id")).exists()
    counts = outbox_deliver_due()
    assert counts["sent"] == 0 and counts["skipped"] >= 1 and not mailoutbox
    assert not OutboundMessage.objects.filter(status=OutboundStatus.SENT).exists()
