"""The generic SMS gateway door end to end: signed in, one report, replies out, commands."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from aduan.channels.models import (
    Contact,
    InboundMessage,
    InboundOutcome,
    OutboundMessage,
    OutboundStatus,
    ReportContact,
)
from aduan.channels.outbox import _claim, outbox_deliver_due
from aduan.lib import signing, sms, tracking
from aduan.reports import services
from aduan.reports.models import Report, ReportEvent
from aduan.reports.services import SYSTEM_CALLER

from channelutil import FakeProvider, signed_post, work

SECRET = "gateway-secret-for-tests"
PHONE = "081234500001"
WHAT_AND_WHERE = "Jalan berlubang besar di kec rungkut surabaya, bahaya untuk motor"


@pytest.fixture
def gateway(settings):
    fake = FakeProvider()
    settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS,
                              "sms": {"SECRET": SECRET, "URL": fake.url + "/send"}}
    yield fake
    fake.close()


def sms_in(text, *, msg_id=None, sender=PHONE, client=None):
    sms_in.counter += 1
    return signed_post(client or Client(), "/channels/sms",
                       {"id": msg_id or f"m{sms_in.counter}", "from": sender, "to": "1708",
                        "text": text}, SECRET)


sms_in.counter = 0


def outbox_texts():
    return list(OutboundMessage.objects.order_by("pk").values_list("body", flat=True))


def filed():
    report = Report.objects.get()
    return report, ReportContact.objects.get(report=report).contact


def test_a_signed_sms_is_acknowledged_stored_and_filed_with_a_receipt(cast, gateway):
    response = sms_in(WHAT_AND_WHERE)
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    message = InboundMessage.objects.get()
    assert message.outcome == InboundOutcome.PENDING and not Report.objects.exists()
    work()
    report, contact = filed()
    assert report.channel == "sms" and report.region_id == "35.78.03"
    assert contact.address == "+6281234500001" and PHONE not in report.body
    receipt = OutboundMessage.objects.get(purpose="report_receipt")
    assert receipt.status == OutboundStatus.SENT and receipt.recipient == "+6281234500001"
    assert tracking.display(report.tracking_id) in receipt.body and "PIN" in receipt.body
    assert receipt.event.report_id == report.pk and sms.segments(receipt.body) <= 3
    sent = gateway.requests[-1]
    assert json.loads(sent["body"])["to"] == "+6281234500001"
    assert json.loads(sent["body"])["reference"] == f"aduan-{receipt.pk}"
    assert signing.verify(SECRET, sent["body"], sent["headers"])
    assert InboundMessage.objects.get().report_id == report.pk


@pytest.mark.parametrize("headers", [
    {}, {"HTTP_X_ADUAN_TIMESTAMP": "1", "HTTP_X_ADUAN_SIGNATURE": "sha256=00"},
])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_stored(cast, gateway, headers):
    body = json.dumps({"id": "x", "from": PHONE, "to": "1708", "text": "hi"})
    response = Client().post("/channels/sms", body, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


def test_a_signature_by_another_secret_is_refused(cast, gateway):
    body = json.dumps({"id": "x", "from": PHONE, "text": "hi"}).encode()
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v
               for k, v in signing.sign("other", body).items()}
    assert Client().post("/channels/sms", body, content_type="application/json",
                         **headers).status_code == 401
    assert not InboundMessage.objects.exists()


def test_the_door_is_off_until_configured(cast, settings):
    settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS, "sms": {"SECRET": "", "URL": ""}}
    assert signed_post(Client(), "/channels/sms", {"id": 1}, "x").status_code == 404


def test_a_replayed_delivery_files_exactly_one_report(cast, gateway):
    first = sms_in(WHAT_AND_WHERE, msg_id="same")
    work()
    second = sms_in(WHAT_AND_WHERE, msg_id="same")
    work()
    assert first.json() == second.json()
    assert Report.objects.count() == 1 and InboundMessage.objects.count() == 1
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 1


def test_without_a_place_the_door_asks_where_at_most_twice_then_files(cast, gateway):
    sms_in("Lampu jalan mati sudah seminggu")
    work()
    assert not Report.objects.exists()
    assert "Where is it?" in outbox_texts()[-1] or "Di mana" in outbox_texts()[-1]
    sms_in("dekat pasar")
    work()
    assert not Report.objects.exists()
    sms_in("depan masjid")
    work()
    report, _contact = filed()
    assert "Lampu jalan mati" in report.body and "depan masjid" in report.body
    assert report.region_id is None
    assert set(InboundMessage.objects.values_list("report_id", flat=True)) == {report.pk}


def test_a_place_in_the_answer_files_at_once(cast, gateway):
    sms_in("Sampah menumpuk tidak diangkut")
    sms_in("di kec rungkut surabaya")
    work()
    report, _contact = filed()
    assert report.region_id == "35.78.03"


def test_a_known_contact_adds_to_its_open_report(cast, gateway):
    sms_in(WHAT_AND_WHERE)
    work()
    sms_in("Sekarang lubangnya makin besar")
    work()
    report, _contact = filed()
    assert ReportEvent.objects.filter(report=report, action="add_info",
                                      message="Sekarang lubangnya makin besar").exists()
    assert Report.objects.count() == 1


def test_staff_answers_go_out_through_the_door(cast, gateway):
    sms_in(WHAT_AND_WHERE)
    work()
    report, _contact = filed()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    services.report_request_info(caller=cast.admin_a.caller, report=report,
                                 message="Nomor rumah terdekat?")
    work()
    request = OutboundMessage.objects.get(purpose="report_request_info")
    assert request.channel == "sms" and "Nomor rumah terdekat?" in request.body
    assert request.status == OutboundStatus.SENT
    sms_in("Depan nomor 12")
    work()
    report.refresh_from_db()
    assert report.status == "dispatched"
    assert ReportEvent.objects.filter(report=report, action="provide_info").exists()


@pytest.mark.parametrize("typed", ["CEK {id}", "cek: {low}", "  Check {id}!", "cek {spaced}"])
def test_cek_tells_status_in_every_spelling(cast, gateway, typed):
    sms_in(WHAT_AND_WHERE)
    work()
    report, _contact = filed()
    canonical = report.tracking_id
    sms_in(typed.format(id=tracking.display(canonical), low=canonical.lower(),
                        spaced=f"{canonical[:5]} {canonical[5:]}"))
    work()
    assert tracking.display(canonical) in outbox_texts()[-1]
    assert "submitted" in outbox_texts()[-1] or "Belum diverifikasi" in outbox_texts()[-1]


def test_info_balas_stop_and_help(cast, gateway):
    sms_in(WHAT_AND_WHERE)
    work()
    report, contact = filed()
    shown = tracking.display(report.tracking_id)
    sms_in(f"INFO {shown} ada dua lubang")
    work()
    assert ReportEvent.objects.filter(report=report, action="add_info",
                                      message="ada dua lubang").exists()
    services.report_dispatch(caller=cast.national.caller, report=report, agency="pemkot-surabaya")
    services.report_accept(caller=cast.admin_a.caller, report=report)
    services.report_respond(caller=cast.admin_a.caller, report=report, message="Sudah ditambal")
    sms_in(f"balas {shown} belum ditambal")
    work()
    report.refresh_from_db()
    assert report.status == "in_progress" and report.reopen_count == 1
    sms_in("BANTUAN")
    work()
    assert "CEK" in outbox_texts()[-1]
    sms_in("stop")
    work()
    contact.refresh_from_db()
    assert contact.opted_out_at is not None
    before = OutboundMessage.objects.count()
    services.report_respond(caller=cast.admin_a.caller, report=report, message="Selesai")
    assert OutboundMessage.objects.filter(channel="sms").count() == before


def test_an_unknown_or_foreign_tracking_id_is_answered_plainly(cast, gateway):
    other, _pin = services.report_submit(data=services.NewReport(
        kind="complaint", title="Lain", body="Laporan orang lain"))
    sms_in(f"CEK {tracking.display(other.tracking_id)}")
    sms_in("CEK 00000-00000")
    sms_in("INFO")
    work()
    texts = outbox_texts()
    assert all("No report" in t or "tidak ditemukan" in t for t in texts[:2])
    assert "Lain" not in " ".join(texts) and "tracking ID" in texts[2] or "ID" in texts[2]
    assert not ReportEvent.objects.filter(report=other).exclude(action="submit").exists()


@pytest.mark.parametrize("body", [b"", b"\xff\xfe\x00binary\x00", b'{"id": "1", "from": 5}',
                                  '{"id":"u1","from":"0812","text":"\\udcff"}'.encode()])
def test_bad_input_is_kept_for_staff_never_lost(cast, gateway, body):
    assert signed_post(Client(), "/channels/sms", body, SECRET).status_code == 200
    work()
    message = InboundMessage.objects.get()
    assert message.outcome in (InboundOutcome.FAILED, InboundOutcome.QUESTION)
    assert not Report.objects.exists()


def test_ten_megabytes_are_refused_with_a_clear_answer(cast, gateway):
    body = json.dumps({"id": "big", "from": PHONE, "text": "x" * 10_000_000}).encode()
    response = signed_post(Client(), "/channels/sms", body, SECRET)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


def test_rate_limits_keep_the_messages_answer_once_and_read_them_later(cast, gateway, settings):
    settings.ADUAN = {**settings.ADUAN, "CHANNEL_CONTACT_PER_HOUR": 2}
    for i in range(5):
        sms_in(f"CEK 00000-0000{i}")
    work()
    assert InboundMessage.objects.filter(outcome=InboundOutcome.RATE_LIMITED).count() == 3
    assert OutboundMessage.objects.filter(purpose="channel_rate_limited").count() == 1
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        work()  # read again, still over the limit: kept, and no second warning
    assert InboundMessage.objects.filter(outcome=InboundOutcome.RATE_LIMITED).count() == 3
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        work()
    kept = InboundMessage.objects.filter(outcome=InboundOutcome.RATE_LIMITED)
    assert kept.count() == 1 and kept.get().text == "CEK 00000-00004"  # oldest first
    with time_machine.travel(start + timedelta(minutes=122), tick=False):
        work()
    assert InboundMessage.objects.filter(outcome=InboundOutcome.COMMAND).count() == 5
    assert OutboundMessage.objects.filter(purpose="channel_rate_limited").count() == 1
    assert OutboundMessage.objects.filter(purpose="channel_error").count() == 5


def test_without_rate_limits_nothing_waits(cast, gateway, settings):
    settings.ADUAN = {**settings.ADUAN, "RATE_LIMITS": False, "CHANNEL_CONTACT_PER_HOUR": 1}
    for _ in range(3):
        sms_in("BANTUAN")
    work()
    assert InboundMessage.objects.filter(outcome=InboundOutcome.COMMAND).count() == 3


def test_a_worker_killed_between_claim_and_send_delivers_once_after_restart(cast, gateway):
    sms_in(WHAT_AND_WHERE)
    from aduan.channels.inbound import inbound_process_due

    inbound_process_due()
    claimed = _claim(timezone.now(), 50)  # the worker dies here, holding its claim
    assert claimed and not gateway.requests
    assert outbox_deliver_due()["sent"] == 0  # claimed rows are not taken twice
    later = timezone.now() + timedelta(minutes=6)
    assert outbox_deliver_due(now=later)["sent"] == 1
    assert outbox_deliver_due(now=later + timedelta(minutes=6))["sent"] == 0
    assert len(gateway.requests) == 1


def test_a_provider_down_for_an_hour_gets_the_message_when_back(cast, gateway):
    gateway.status = 503
    sms_in(WHAT_AND_WHERE)
    work(rounds=1)
    receipt = OutboundMessage.objects.get(purpose="report_receipt")
    now = timezone.now()
    for minute in range(0, 61, 5):
        outbox_deliver_due(now=now + timedelta(minutes=minute))
    receipt.refresh_from_db()
    assert receipt.status == OutboundStatus.PENDING and receipt.attempts >= 3
    gateway.status = 200
    outbox_deliver_due(now=now + timedelta(hours=3))
    receipt.refresh_from_db()
    assert receipt.status == OutboundStatus.SENT
    assert sum(1 for r in gateway.requests) == receipt.attempts


def test_a_refusing_gateway_dead_letters_at_once(cast, gateway):
    gateway.status = 400
    sms_in(WHAT_AND_WHERE)
    work(rounds=1)
    receipt = OutboundMessage.objects.get(purpose="report_receipt")
    assert receipt.status == OutboundStatus.FAILED and receipt.attempts == 1


def test_phone_numbers_stay_out_of_logs(cast, gateway, caplog):
    gateway.status = 503
    with caplog.at_level("DEBUG"):
        sms_in(WHAT_AND_WHERE)
        work()
    assert "81234500001" not in caplog.text
    assert Contact.objects.get().address == "+6281234500001"


def _failing_for(text, exc):
    from aduan.channels import inbound

    real = inbound.converse

    def converse(turn):
        result = real(turn)  # its writes happen, then the answer fails
        if turn.incoming.text == text:
            raise exc
        return result

    return converse


def test_one_answer_that_fails_is_rolled_back_alone_and_read_again(cast, gateway, monkeypatch):
    from aduan.channels import inbound

    bad = "Sampah menumpuk di kota malang sejak minggu lalu"
    sms_in(WHAT_AND_WHERE, sender="081234500001")
    sms_in(bad, sender="081234500002")
    sms_in("BANTUAN", sender="081234500003")
    monkeypatch.setattr(inbound, "converse", _failing_for(bad, ValueError("bug")))
    assert inbound.inbound_process_due() == 3
    failed = InboundMessage.objects.get(outcome=InboundOutcome.PENDING)
    assert failed.attempts == 1 and failed.error == "ValueError" and failed.report_id is None
    assert Report.objects.count() == 1
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 1
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert inbound.inbound_process_due() == 1
    assert Report.objects.count() == 2
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 2
    assert not InboundMessage.objects.filter(outcome=InboundOutcome.PENDING).exists()


def test_an_answer_that_keeps_failing_ends_kept_as_failed_for_staff(cast, gateway,
                                                                    monkeypatch):
    from aduan.channels import inbound

    bad = "Sampah menumpuk di kota malang sejak minggu lalu"
    sms_in(bad, sender="081234500002")
    monkeypatch.setattr(inbound, "converse", _failing_for(bad, ValueError("bug")))
    later = timezone.now()
    for _attempt in range(inbound.MAX_ATTEMPTS):
        with time_machine.travel(later):
            assert inbound.inbound_process_due() == 1
        later += timedelta(hours=2)
    kept = InboundMessage.objects.get()
    assert kept.outcome == InboundOutcome.FAILED and kept.error == "ValueError"
    assert kept.attempts == inbound.MAX_ATTEMPTS and not Report.objects.exists()
    with time_machine.travel(later):
        assert inbound.inbound_process_due() == 0


def test_a_worker_killed_mid_batch_leaves_it_waiting_and_answers_each_once(cast, gateway,
                                                                          monkeypatch):
    from aduan.channels import inbound

    last = "Lampu jalan mati di kec genteng surabaya"
    sms_in(WHAT_AND_WHERE, sender="081234500001")
    sms_in(last, sender="081234500002")
    monkeypatch.setattr(inbound, "converse", _failing_for(last, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):  # the process dies before the commit
        inbound.inbound_process_due()
    assert not Report.objects.exists() and not OutboundMessage.objects.exists()
    assert InboundMessage.objects.filter(outcome=InboundOutcome.PENDING).count() == 2
    monkeypatch.undo()
    assert inbound.inbound_process_due() == 0  # still claimed by the dead worker
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert inbound.inbound_process_due() == 2
        assert inbound.inbound_process_due() == 0
    assert Report.objects.count() == 2
    assert OutboundMessage.objects.filter(purpose="report_receipt").count() == 2
