"""examples/partner_client.py end to end against a live server: submit with an
Idempotency-Key and an external_id, receive signed webhooks, follow the feed.

Runs last (conftest sorts live-server tests after the rest): the live server's
database is flushed afterwards.
"""

import importlib.util
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from aduan.channels.outbox import outbox_deliver_due
from aduan.lib import outbound_http
from aduan.partners import clients, webhooks
from aduan.reports import services
from aduan.reports.callers import caller_for_user
from aduan.reports.models import Report

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "partner_client.py"
REPORT = {"kind": "complaint", "title": "Lampu jalan mati di Jl. Darmo",
          "body": "Sudah seminggu lampu jalan mati di depan sekolah.", "region_code": "35.78.02"}


def _example():
    spec = importlib.util.spec_from_file_location("partner_client", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def _private_ok(settings):
    settings.ADUAN = {**settings.ADUAN, "WEBHOOKS_ALLOW_PRIVATE": True}
    yield
    outbound_http.close_all()


def test_the_reference_client_submits_receives_and_follows(live_server, _private_ok, tmp_path):
    from aduan.accounts.services import staff_add
    from aduan.agencies.models import Role

    from aduan.agencies.models import Agency
    from aduan.agencies.refdata import load_reference_data

    if not Agency.objects.filter(pk="pemkot-surabaya").exists():
        load_reference_data()  # a live-server test before this one flushed it
    example = _example()
    made = clients.client_create(name="Aplikasi Kota", agency_code="pemkot-surabaya",
                                 scopes="reports:submit,reports:read")
    received = []
    receiver = example.WebhookReceiver(("127.0.0.1", 0), "", received.append)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        _endpoint, receiver.secret = webhooks.webhook_add(
            client=made.client, url=f"http://127.0.0.1:{receiver.server_port}/aduan",
            event_types="report.received,report.dispatched")
        client = example.PartnerClient(live_server.url, made.raw)
        key = str(uuid.uuid4())
        first = client.submit(REPORT, external_id="kota-1", idempotency_key=key)
        again = client.submit(REPORT, external_id="kota-1", idempotency_key=key)
        assert again == first and first["pin"]
        # The command line, as the README shows it: another report, its own key.
        out = subprocess.run(
            [sys.executable, str(EXAMPLE), "--url", live_server.url, "--key", made.raw,
             "submit", "--title", "Sampah menumpuk", "--body", "Di pasar, sudah tiga hari.",
             "--external-id", "kota-2"], capture_output=True, text=True, timeout=60, check=True)
        assert '"tracking_id"' in out.stdout and Report.objects.count() == 2

        national = staff_add(username="national_live", agency_code="kemenpanrb",
                             role=Role.NATIONAL_ADMIN, password="Test-Password-2026")[0]
        report = Report.objects.get(tracking_id=first["tracking_id"])
        services.report_dispatch(caller=caller_for_user(national), report=report,
                                 agency="pemkot-surabaya")
        outbox_deliver_due(now=timezone.now())
        outbox_deliver_due(now=timezone.now())  # a second round redelivers nothing
        types = sorted(event["type"] for event in received)
        assert types == ["report.dispatched", "report.received", "report.received"]
        assert {e["report"]["external_id"] for e in received} == {"kota-1", "kota-2"}

        feed, cursor = [], str(tmp_path / "feed.cursor")
        assert client.follow(cursor, feed.append) == 3
        assert {e["id"] for e in feed} == {e["id"] for e in received}
        admin = staff_add(username="admin_live", agency_code="pemkot-surabaya",
                          role=Role.AGENCY_ADMIN, password="Test-Password-2026")[0]
        services.report_accept(caller=caller_for_user(admin), report=report)
        more = []
        assert client.follow(cursor, more.append) == 1 and more[0]["type"] == "report.accept"
        # A forged webhook is refused.
        assert not example.verify_signature("wrong", b"{}", {"X-Aduan-Timestamp": "1"})
    finally:
        receiver.shutdown()
        receiver.server_close()
