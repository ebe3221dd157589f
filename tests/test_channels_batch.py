"""The worker's chunks: reports filed together end as if filed one message at a time."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from aduan.accounts import chain
from aduan.channels import inbound
from aduan.channels.models import InboundMessage, InboundOutcome, OutboundMessage, ReportContact
from aduan.reports.models import Report, ReportEvent
from aduan.reports.services import NewReport, report_prepare, reports_submit
from aduan.routing import intake

from test_channels_sms import gateway, sms_in  # noqa: F401 (the fixture)

TEXTS = [
    "Jalan berlubang besar di kec rungkut surabaya, bahaya untuk motor",
    "Sampah menumpuk di kota malang sejak minggu lalu",
    "BANTUAN",
    "lampu mati air keruh banjir",  # no place: the door asks where
    "CEK 7QMX2-P4FKA",
    "Saluran tersumbat di kec genteng surabaya",
]
# The same sender twice in one chunk: the second message joins the first one's report.
AGAIN = "Lubangnya makin lebar, sudah dua motor jatuh"


def _send(prefix: str) -> None:
    for n, text in enumerate(TEXTS):
        sms_in(text, sender=f"0812{prefix}{n:05d}")
    sms_in(AGAIN, sender=f"0812{prefix}00000")


def _outcome(prefix: str) -> list[tuple]:
    """What the prefix's messages left: per message, its outcome, its report's rows and the
    replies, with tracking IDs, PINs and numbers written as placeholders."""
    def plain(text: str) -> str:
        return re.sub(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b|\b\d{6,}\b", "#", text)

    seen = []
    outbox = list(OutboundMessage.objects.values_list("body", "payload"))
    for message in InboundMessage.objects.order_by("pk"):
        if not message.sender.startswith(f"0812{prefix}"):
            continue
        report = message.report
        events = (list(ReportEvent.objects.filter(report=report).order_by("pk")
                       .values_list("action", "from_status", "to_status", "message"))
                  if report else [])
        replies = sorted(plain(body) for body, payload in outbox
                         if payload.get("contact") == message.contact_id)
        seen.append((message.outcome, message.attempts, message.error,
                     report and (report.title, report.body, report.status, report.channel,
                                 report.region_id, bool(report.pin_hash)),
                     report and ReportContact.objects.filter(report=report,
                                                             contact=message.contact).exists(),
                     events, replies))
    return seen


def test_a_chunk_files_what_one_message_at_a_time_files(cast, gateway, monkeypatch):
    _send("1")
    monkeypatch.setattr(inbound, "ANSWER_CHUNK", 1)  # one message to a transaction
    assert inbound.inbound_process_due() == len(TEXTS) + 1
    monkeypatch.undo()
    _send("2")
    together = []
    real = inbound._answer_together
    monkeypatch.setattr(inbound, "_answer_together",
                        lambda read, batch: together.append(len(read)) or real(read, batch))
    assert inbound.inbound_process_due() == len(TEXTS) + 1
    assert together == [len(TEXTS) + 1]  # answered as one chunk, without falling back
    one_by_one, chunked = _outcome("1"), _outcome("2")
    assert chunked == one_by_one
    assert sum(1 for row in chunked if row[0] == InboundOutcome.REPORT) == 3
    assert sum(1 for row in chunked if row[0] == InboundOutcome.CONVERSATION) == 1
    receipts = OutboundMessage.objects.filter(purpose="report_receipt")
    assert receipts.count() == 6 and all(receipt.event_id for receipt in receipts)
    assert {r.event.action for r in receipts} == {"submit"}
    chain.seal("events")
    assert chain.verify("events").ok


def test_a_filing_that_fails_in_a_chunk_is_retried_alone(cast, gateway, monkeypatch):
    bad = "Sampah menumpuk di kota malang sejak minggu lalu"
    sms_in("Jalan berlubang besar di kec rungkut surabaya", sender="081230000001")
    sms_in(bad, sender="081230000002")
    sms_in("BANTUAN", sender="081230000003")
    real = intake.reports_submit

    def failing(items, **kwargs):  # the database refuses the report of one message
        if any(item.report.body == bad for item in items):
            raise RuntimeError("refused")
        return real(items, **kwargs)

    monkeypatch.setattr(intake, "reports_submit", failing)
    assert inbound.inbound_process_due() == 3
    failed = InboundMessage.objects.get(outcome=InboundOutcome.PENDING)
    assert failed.attempts == 1 and failed.error == "RuntimeError"
    assert Report.objects.count() == 1
    assert set(InboundMessage.objects.exclude(pk=failed.pk).values_list("outcome", flat=True)) \
        == {InboundOutcome.REPORT, InboundOutcome.COMMAND}
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 1
    assert OutboundMessage.objects.filter(purpose="channel_help").count() == 1
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert inbound.inbound_process_due() == 1
    assert Report.objects.count() == 2
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 2
    chain.seal("events")
    assert chain.verify("events").ok


@pytest.mark.django_db
def test_a_batch_of_reports_is_one_insert_each_and_a_single_report_is_a_batch_of_one(
        django_assert_max_num_queries):
    def item(n):
        return report_prepare(data=NewReport(kind="complaint", title=f"Laporan {n}",
                                             body="Lubang di jalan, hubungi 0812-3456-7890.",
                                             region_code="35.78.02", channel="sms"))

    items = [item(n) for n in range(20)]
    with django_assert_max_num_queries(12):  # reports, events, feed, routing kick, ...
        filed = intake.reports_intake(items)
    assert len({f.report.tracking_id for f in filed}) == 20
    assert [f.event.report_id for f in filed] == [f.report.pk for f in filed]
    assert all(f.event.action == "submit" and f.report.pk for f in filed)
    one = reports_submit([item(99)])[0]
    assert {f.report.public_body for f in filed} == {one.report.public_body}  # redacted alike
    assert ReportEvent.objects.filter(report=one.report).count() == 1
    chain.seal("events")
    assert chain.verify("events").ok


def test_a_door_acknowledges_with_one_statement_and_survives_a_dead_connection(
        reference_data_after_flush, transactional_db, monkeypatch):
    from django.db import connection

    from aduan.channels.inbound import inbound_store

    inbound_store(provider="sms", provider_message_id="warm", sender="0812", payload={})
    checks = []
    real = connection.is_usable
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or real())
    connection.close_if_unusable_or_obsolete()  # as at the start of every request
    row, new = inbound_store(provider="sms", provider_message_id="a", sender="0812",
                             payload={"text": "x"})
    assert new and row.pk and checks == []  # no health check before the insert
    if connection.vendor == "postgresql":  # the server ends the kept connection
        import psycopg

        pid = connection.connection.info.backend_pid
        settings = connection.settings_dict
        with psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                             user=settings["USER"], password=settings["PASSWORD"],
                             dbname=settings["NAME"], autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection.close_if_unusable_or_obsolete()
    row, new = inbound_store(provider="sms", provider_message_id="b", sender="0812",
                             payload={"text": "y"})
    assert new and InboundMessage.objects.filter(provider_message_id="b").count() == 1
    assert inbound_store(provider="sms", provider_message_id="b", sender="0812",
                         payload={})[1] is False  # a replay is still a replay
