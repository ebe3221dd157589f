"""Staff and channels: the conversation on the report page, the channels page, the simulator."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from webutil import csp_nonce_ok, text

from aduan.channels.models import OutboundMessage, OutboundStatus
from aduan.lib import tracking
from aduan.reports import access
from aduan.reports.models import Report

from channelutil import FakeProvider, signed_post, work

SECRET = "gateway-secret-for-tests"
PHONE = "081234500009"


@pytest.fixture
def gateway(settings):
    fake = FakeProvider()
    settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS,
                              "sms": {"SECRET": SECRET, "URL": fake.url + "/send"}}
    yield fake
    fake.close()


def staff(member):
    client = Client()
    client.force_login(member.user)
    return client


def sms(text_, msg_id):
    return signed_post(Client(), "/channels/sms", {"id": msg_id, "from": PHONE, "text": text_},
                       SECRET)


def test_the_report_page_shows_the_door_and_conversation_without_pin_or_number(cast, gateway):
    sms("Jalan berlubang besar di kec rungkut surabaya", "b1")
    work()
    sms("lubang kedua di depan sekolah", "b2")
    work()
    report = Report.objects.get()
    page = text(staff(cast.national).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert "lubang kedua di depan sekolah" in page and "Gerbang SMS" in page
    assert "PIN:" not in page and "81234500009" not in page and "+62•" in page
    assert csp_nonce_ok(staff(cast.national).get(f"/kantor/laporan/{report.tracking_id}/"))
    public = text(Client().get(f"/laporan/{report.tracking_id}/"))
    assert "81234500009" not in public


def test_the_channels_page_is_for_national_admins_and_retries_dead_letters(cast, gateway):
    gateway.status = 400
    sms("Jalan berlubang besar di kec rungkut surabaya", "c1")
    work()
    dead = OutboundMessage.objects.get(status=OutboundStatus.FAILED)
    assert staff(cast.admin_a).get("/kantor/kanal/").status_code == 404
    page = staff(cast.national).get("/kantor/kanal/")
    assert page.status_code == 200 and "HTTP 400" in text(page)
    assert staff(cast.admin_a).post(f"/kantor/kanal/{dead.pk}/ulang/").status_code == 404
    gateway.status = 200
    staff(cast.national).post(f"/kantor/kanal/{dead.pk}/ulang/")
    work()
    dead.refresh_from_db()
    assert dead.status == OutboundStatus.SENT


def test_channels_access_rules_live_in_access_and_drive_page_and_menu(cast, settings):
    for member, page, simulator in [(cast.national, True, True), (cast.admin_a, False, True),
                                    (cast.unit_a, False, False), (cast.leader_a, False, False),
                                    (cast.auditor, False, False)]:
        assert access.channels_admin_allowed(member.caller) is page
        assert access.channel_simulator_allowed(member.caller) is simulator
    settings.ADUAN = {**settings.ADUAN, "TRAINING_MODE": True}
    menu = text(staff(cast.unit_a).get("/kantor/"))
    assert "/kantor/kanal/" not in menu
    assert staff(cast.unit_a).get("/kantor/kanal/simulator/").status_code == 404


def test_an_anonymous_reporters_channel_address_is_not_shown_even_to_national_admins(cast,
                                                                                     gateway):
    sms("Jalan berlubang besar di kec rungkut surabaya", "anon1")
    work()
    report = Report.objects.get()
    assert access.contact_address_visible(report, access.View.NATIONAL)
    Report.objects.filter(pk=report.pk).update(anonymous=True)
    report.refresh_from_db()
    assert not access.contact_address_visible(report, access.View.NATIONAL)
    assert not access.contact_address_visible(report, access.View.STAFF)
    page = text(staff(cast.national).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert "+62•" not in page and "Gerbang SMS" in page


def test_channels_status_command(cast, gateway):
    sms("Jalan berlubang besar di kec rungkut surabaya", "d1")
    out = io.StringIO()
    call_command("channels", "status", stdout=out)
    assert "sms" in out.getvalue() and "yes" in out.getvalue()
    assert "81234500009" not in out.getvalue()


def test_the_simulator_works_only_in_training_and_sends_nothing(cast, settings, gateway):
    client = staff(cast.admin_a)
    refused = client.post("/kantor/kanal/simulator/", {"channel": "sms", "text": "halo"})
    assert refused.status_code == 422
    settings.ADUAN = {**settings.ADUAN, "TRAINING_MODE": True}
    page = client.post("/kantor/kanal/simulator/", {
        "channel": "whatsapp", "text": "Jalan berlubang besar di kec rungkut surabaya"})
    assert page.status_code == 200
    report = Report.objects.get()
    assert report.channel == "whatsapp"
    assert tracking.display(report.tracking_id) in text(page)
    check = client.post("/kantor/kanal/simulator/", {
        "channel": "whatsapp", "text": f"cek {report.tracking_id}"})
    assert "Belum diverifikasi" in text(check) or "submitted" in text(check)
    tweet = client.post("/kantor/kanal/simulator/", {
        "channel": "twitter", "public": "on",
        "text": "Lampu jalan mati di kec rungkut surabaya"})
    assert "public reply" in text(tweet) or "balasan publik" in text(tweet)
    work()
    assert not gateway.requests
    assert not OutboundMessage.objects.filter(status=OutboundStatus.SENT).exists()
