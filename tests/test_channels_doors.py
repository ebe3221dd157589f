"""Every door: its provider's signature, payload shape and outbound call, and the commands.

Payloads are written from each provider's public documentation; every outbound
call goes to a local fake provider server.
"""

import base64
import hashlib
import hmac
import json
from email.message import EmailMessage
from urllib.parse import urlencode

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from aduan.channels.models import (
    InboundMessage,
    InboundOutcome,
    OutboundMessage,
    OutboundStatus,
    ReportContact,
    recipient_digest,
)
from aduan.channels import held
from aduan.doors import twilio
from aduan.doors.email_in import mail_receive
from aduan.lib import tracking
from aduan.reports import services
from aduan.reports.models import Attachment, Report, ReportEvent

from channelutil import FakeProvider, work
from webutil import photo_with_gps

WHAT_AND_WHERE = "Jalan berlubang besar di kec rungkut surabaya, bahaya untuk motor"
SITE = "https://aduan.example.id"


@pytest.fixture
def fake():
    server = FakeProvider()
    yield server
    server.close()


class Door:
    """Sends citizen messages to one door the way its provider does."""

    counter = 0

    def __init__(self, name, settings, fake):
        self.name, self.settings, self.fake, self.client = name, settings, fake, Client()
        settings.SITE_URL = SITE
        getattr(self, f"setup_{name}")()

    def next_id(self):
        Door.counter += 1
        return Door.counter

    # --- Twilio ---
    def setup_twilio(self):
        self.configure("twilio", {"ACCOUNT_SID": "AC123", "AUTH_TOKEN": "tok", "FROM": "+1500",
                                  "API_BASE": self.fake.url})

    def send_twilio(self, text, sender="+6281234500002", extra=None):
        params = {"MessageSid": f"SM{self.next_id()}", "AccountSid": "AC123",
                  "From": sender, "To": "+1500", "Body": text, "NumMedia": "0", **(extra or {})}
        signature = twilio.signature("tok", SITE + "/channels/twilio/sms",
                                     {k: [v] for k, v in params.items()})
        return self.client.post("/channels/twilio/sms", urlencode(params),
                                content_type="application/x-www-form-urlencoded",
                                HTTP_X_TWILIO_SIGNATURE=signature)

    # --- WhatsApp ---
    def setup_whatsapp(self):
        self.configure("whatsapp", {"VERIFY_TOKEN": "verify", "APP_SECRET": "appsecret",
                                    "TOKEN": "bearer", "PHONE_NUMBER_ID": "1055",
                                    "API_BASE": self.fake.url, "TEMPLATE": "aduan_update",
                                    "TEMPLATE_LANGUAGE": "id"})

    def whatsapp_body(self, message, sender="6281234500003"):
        message = {"from": sender, "id": f"wamid.{self.next_id()}", "timestamp": "1764000000",
                   **message}
        return json.dumps({"object": "whatsapp_business_account", "entry": [{
            "id": "WABA", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "1708", "phone_number_id": "1055"},
                "contacts": [{"profile": {"name": "Warga"}, "wa_id": sender}],
                "messages": [message]}}]}]}).encode()

    def post_whatsapp(self, body, secret="appsecret"):
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return self.client.post("/channels/whatsapp", body, content_type="application/json",
                                HTTP_X_HUB_SIGNATURE_256=signature)

    def send_whatsapp(self, text):
        return self.post_whatsapp(self.whatsapp_body({"type": "text", "text": {"body": text}}))

    # --- Telegram ---
    def setup_telegram(self):
        self.configure("telegram", {"BOT_TOKEN": "123:abc", "SECRET_TOKEN": "tg-secret",
                                    "API_BASE": self.fake.url})

    def telegram_update(self, message):
        return json.dumps({"update_id": self.next_id(), "message": {
            "message_id": 7, "date": 1764000000, "from": {"id": 4242, "is_bot": False,
                                                         "first_name": "Warga"},
            "chat": {"id": 4242, "type": "private"}, **message}}).encode()

    def post_telegram(self, body, token="tg-secret"):
        return self.client.post("/channels/telegram", body, content_type="application/json",
                                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=token)

    def send_telegram(self, text):
        return self.post_telegram(self.telegram_update({"text": text}))

    # --- X ---
    def setup_x(self):
        self.configure("x", {"CONSUMER_SECRET": "consumer", "ACCESS_TOKEN": "xtoken",
                             "HANDLE": "lapor1708", "HASHTAG": "lapor",
                             "API_BASE": self.fake.url})

    def post_x(self, data, secret="consumer"):
        body = json.dumps(data).encode()
        signature = "sha256=" + base64.b64encode(
            hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
        return self.client.post("/channels/x", body, content_type="application/json",
                                HTTP_X_TWITTER_WEBHOOKS_SIGNATURE=signature)

    def tweet(self, text, user_id="777", screen_name="warga", **extra):
        tags = [{"text": t[1:]} for t in text.split() if t.startswith("#")]
        mentions = [{"screen_name": t[1:], "id_str": "1708"} for t in text.split()
                    if t.startswith("@")]
        return {"for_user_id": "1708", "tweet_create_events": [{
            "id_str": f"9{self.next_id()}", "text": text,
            "user": {"id_str": user_id, "screen_name": screen_name},
            "entities": {"hashtags": tags, "user_mentions": mentions}, **extra}]}

    def send_x(self, text):  # the private conversation: a direct message
        return self.post_x({"for_user_id": "1708", "direct_message_events": [{
            "type": "message_create", "id": f"dm{self.next_id()}",
            "created_timestamp": "1764000000000", "message_create": {
                "target": {"recipient_id": "1708"}, "sender_id": "777",
                "message_data": {"text": text, "entities": {}}}}]})

    # --- e-mail ---
    def setup_email(self):
        pass

    def send_email(self, text, subject="Laporan", sender="warga@contoh.id"):
        message = EmailMessage()
        message["From"], message["To"] = f"Warga <{sender}>", "lapor@aduan.example.id"
        message["Subject"], message["Message-ID"] = subject, f"<m{self.next_id()}@contoh.id>"
        message.set_content(text)
        mail_receive(message.as_bytes())

    def configure(self, name, values):
        self.settings.CHANNEL_DOORS = {**self.settings.CHANNEL_DOORS, name: values}

    def send(self, text):
        return getattr(self, f"send_{self.name}")(text)


TEXT_DOORS = ["twilio", "whatsapp", "telegram", "x", "email"]


@pytest.fixture(params=TEXT_DOORS)
def door(request, settings, fake):
    return Door(request.param, settings, fake)


def the_report():
    report = Report.objects.get()
    return report, ReportContact.objects.get(report=report).contact


def last_text():
    return OutboundMessage.objects.order_by("-pk").values_list("body", flat=True).first()


def test_every_text_door_files_a_report_and_answers_commands(cast, door):
    door.send(WHAT_AND_WHERE)
    work()
    report, contact = the_report()
    shown = tracking.display(report.tracking_id)
    assert report.region_id == "35.78.03"
    assert OutboundMessage.objects.get(purpose="report_receipt").status == OutboundStatus.SENT
    door.send(f"CEK {shown}")
    work()
    assert shown in last_text()
    door.send(f"INFO {shown} ada dua lubang")
    work()
    assert ReportEvent.objects.filter(report=report, action="add_info").exists()
    services.report_dispatch(caller=cast.national.caller, report=report, agency="pemkot-surabaya")
    services.report_accept(caller=cast.admin_a.caller, report=report)
    services.report_respond(caller=cast.admin_a.caller, report=report, message="Sudah ditambal")
    work()
    assert OutboundMessage.objects.get(purpose="report_respond").channel == contact.channel
    door.send(f"BALAS {shown} belum ditambal")
    work()
    report.refresh_from_db()
    assert report.status == "in_progress"
    door.send("STOP")
    work()
    contact.refresh_from_db()
    assert contact.opted_out_at is not None
    failed = OutboundMessage.objects.exclude(status=OutboundStatus.SENT).exclude(
        channel="email")
    assert not failed.exists(), list(failed.values("purpose", "last_error"))


@pytest.mark.parametrize("body", [b"", b"\x00\xff binary", b"{not json", b'{"x": 1}'])
def test_bad_bodies_on_signed_doors_are_kept_or_ignored_never_crash(cast, settings, fake, body):
    wa = Door("whatsapp", settings, fake)
    assert wa.post_whatsapp(body).status_code == 200
    tg = Door("telegram", settings, fake)
    assert tg.post_telegram(body).status_code == 200
    x = Door("x", settings, fake)
    signature = "sha256=" + base64.b64encode(hmac.new(b"consumer", body,
                                                      hashlib.sha256).digest()).decode()
    assert Client().post("/channels/x", body, content_type="application/json",
                         HTTP_X_TWITTER_WEBHOOKS_SIGNATURE=signature).status_code == 200
    work()
    assert not Report.objects.exists()
    assert set(InboundMessage.objects.values_list("outcome", flat=True)) <= {InboundOutcome.FAILED}


def test_wrong_signatures_are_refused_and_nothing_stored(cast, settings, fake):
    wa = Door("whatsapp", settings, fake)
    assert wa.post_whatsapp(wa.whatsapp_body({"type": "text", "text": {"body": "x"}}),
                            secret="wrong").status_code == 401
    tg = Door("telegram", settings, fake)
    assert tg.post_telegram(tg.telegram_update({"text": "x"}), token="wrong").status_code == 401
    assert tg.post_telegram(tg.telegram_update({"text": "x"}), token="").status_code == 401
    x = Door("x", settings, fake)
    assert x.post_x(x.tweet("@lapor1708 #lapor x"), secret="wrong").status_code == 403
    tw = Door("twilio", settings, fake)
    params = {"MessageSid": "SM1", "From": "+62812", "Body": "x"}
    assert Client().post("/channels/twilio/sms", urlencode(params),
                         content_type="application/x-www-form-urlencoded",
                         HTTP_X_TWILIO_SIGNATURE="bogus").status_code == 403
    assert tw.name == "twilio" and not InboundMessage.objects.exists()


def test_doors_take_the_short_way_past_the_middleware_for_people(cast, settings):
    """No session, language or CSP for a provider's webhook; request id, size cap and 404s stay."""
    settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS,
                              "sms": {**settings.CHANNEL_DOORS["sms"], "SECRET": "s"}}
    client = Client()
    client.cookies["sessionid"] = "not-a-session"  # never read on a door
    response = client.post("/channels/sms", b"{}", content_type="application/json")
    assert response.status_code == 401 and response["X-Request-ID"]
    assert "Content-Security-Policy" not in response and "Set-Cookie" not in str(response.cookies)
    assert "Cookie" not in response.get("Vary", "") and "Content-Language" not in response
    nowhere = client.post("/channels/nowhere", b"{}", content_type="application/json")
    assert nowhere.status_code == 404
    assert client.get("/channels/sms").status_code == 405
    huge = client.post("/channels/sms", b"{}", content_type="application/json",
                       CONTENT_LENGTH=str(10**10))
    assert huge.status_code == 413 and not InboundMessage.objects.exists()


def test_doors_are_off_until_configured(cast, settings):
    settings.CHANNEL_DOORS = {name: {k: "" for k in values} for name, values
                              in settings.CHANNEL_DOORS.items()}
    for path in ("/channels/sms", "/channels/twilio/sms", "/channels/whatsapp",
                 "/channels/telegram", "/channels/x"):
        assert Client().post(path, b"{}", content_type="application/json").status_code == 404


def test_twilio_answers_empty_twiml_and_replies_through_the_rest_api(cast, settings, fake):
    door = Door("twilio", settings, fake)
    response = door.send(WHAT_AND_WHERE)
    assert response["Content-Type"].startswith("text/xml") and b"<Response></Response>" in \
        response.content
    work()
    call = fake.requests[-1]
    assert call["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert call["headers"]["Authorization"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    assert b"To=%2B6281234500002" in call["body"] and b"From=%2B1500" in call["body"]


def test_twilio_signature_covers_the_query_and_sorted_parameters():
    params = {"b": ["2"], "a": ["1"], "c": ["3"]}
    expected = base64.b64encode(hmac.new(b"tok", b"https://h/p?x=1a1b2c3",
                                         hashlib.sha1).digest()).decode()
    assert twilio.signature("tok", "https://h/p?x=1", params) == expected


def test_whatsapp_verification_and_statuses(cast, settings, fake):
    door = Door("whatsapp", settings, fake)
    ok = Client().get("/channels/whatsapp", {"hub.mode": "subscribe",
                                             "hub.verify_token": "verify",
                                             "hub.challenge": "1158201444"})
    assert ok.status_code == 200 and ok.content == b"1158201444"
    assert Client().get("/channels/whatsapp", {"hub.mode": "subscribe",
                                               "hub.verify_token": "nope",
                                               "hub.challenge": "1"}).status_code == 403
    statuses = json.dumps({"object": "whatsapp_business_account", "entry": [{"changes": [{
        "field": "messages", "value": {"statuses": [{"id": "wamid.s", "status": "read"}]}}]}]})
    assert door.post_whatsapp(statuses.encode()).status_code == 200
    assert not InboundMessage.objects.exists()


def test_whatsapp_location_and_image_through_the_media_api(cast, settings, fake):
    door = Door("whatsapp", settings, fake)
    fake.answers = {"/media-1": ("application/json",
                                 json.dumps({"url": fake.url + "/download/1"}).encode()),
                    "/download/1": ("image/jpeg", photo_with_gps().read())}
    door.post_whatsapp(door.whatsapp_body({"type": "image", "image": {
        "id": "media-1", "mime_type": "image/jpeg", "caption": "Sampah menumpuk di pasar"}}))
    work()
    assert not Report.objects.exists()  # no place yet: the door asks where
    door.post_whatsapp(door.whatsapp_body({"type": "location", "location": {
        "latitude": -7.2575, "longitude": 112.7521, "name": "Pasar Genteng"}}))
    work()
    report = Report.objects.get()
    assert report.latitude is not None and "Sampah menumpuk" in report.body
    downloads = [r for r in fake.requests if r["path"].startswith(("/media-1", "/download"))]
    assert all(r["headers"]["Authorization"] == "Bearer bearer" for r in downloads)
    # The photo came with the first message, before "where?": it is the report's, cleaned.
    attachment = Attachment.objects.get(report=report)
    assert attachment.is_image and b"Exif" not in attachment.file.read()


def test_photos_from_every_question_round_join_the_report_and_are_not_kept_twice(
        cast, settings, fake, django_capture_on_commit_callbacks):
    door = Door("whatsapp", settings, fake)
    before = set(default_storage.listdir(held.FOLDER)[1]) if default_storage.exists(
        held.FOLDER) else set()
    fake.answers = {f"/media-{n}": ("application/json", json.dumps(
        {"url": f"{fake.url}/download/{n}"}).encode()) for n in (3, 4)}
    fake.answers.update({f"/download/{n}": ("image/jpeg", photo_with_gps().read())
                         for n in (3, 4)})
    door.post_whatsapp(door.whatsapp_body({"type": "image", "image": {
        "id": "media-3", "caption": "Sampah menumpuk"}}))
    door.post_whatsapp(door.whatsapp_body({"type": "image", "image": {"id": "media-4"}}))
    door.send("dekat rumah saya")  # no place after two questions: filed for the verifier
    with django_capture_on_commit_callbacks(execute=True):
        work()
    report = Report.objects.get()
    assert Attachment.objects.filter(report=report).count() == 2
    assert InboundMessage.objects.filter(report=report).count() == 3
    assert set(default_storage.listdir(held.FOLDER)[1]) == before  # held copies deleted


def test_whatsapp_image_with_place_is_attached_cleaned(cast, settings, fake):
    door = Door("whatsapp", settings, fake)
    fake.answers = {"/media-2": ("application/json",
                                 json.dumps({"url": fake.url + "/download/2"}).encode()),
                    "/download/2": ("image/jpeg", photo_with_gps().read())}
    door.post_whatsapp(door.whatsapp_body({"type": "image", "image": {
        "id": "media-2", "caption": WHAT_AND_WHERE}}))
    work()
    attachment = Attachment.objects.get(report=Report.objects.get())
    assert b"Exif" not in attachment.file.read()


def test_whatsapp_outside_the_24_hour_window_sends_only_the_template(cast, settings, fake):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.channels.models import Contact

    door = Door("whatsapp", settings, fake)
    door.send(WHAT_AND_WHERE)
    work()
    report, _contact = the_report()
    Contact.objects.update(last_inbound_at=timezone.now() - timedelta(hours=25))
    services.report_dispatch(caller=cast.national.caller, report=report, agency="pemkot-surabaya")
    work()
    sent = fake.json_bodies()
    assert sent[0]["type"] == "text" and sent[0]["to"] == "6281234500003"
    assert sent[-1]["type"] == "template" and sent[-1]["template"]["name"] == "aduan_update"


def test_telegram_photo_and_location(cast, settings, fake):
    door = Door("telegram", settings, fake)
    fake.answers = {"/bot123:abc/getFile": ("application/json", json.dumps(
        {"ok": True, "result": {"file_id": "F", "file_path": "photos/f.jpg"}}).encode()),
        "/file/bot123:abc/photos/f.jpg": ("image/jpeg", photo_with_gps().read())}
    door.post_telegram(door.telegram_update({"caption": WHAT_AND_WHERE, "photo": [
        {"file_id": "S", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 10},
        {"file_id": "F", "file_unique_id": "f", "width": 800, "height": 600,
         "file_size": 900}]}))
    work()
    assert Attachment.objects.filter(report=Report.objects.get()).count() == 1
    assert any(r["path"] == "/bot123:abc/getFile?file_id=F" for r in fake.requests)
    assert fake.json_bodies()[-1]["chat_id"] == "4242"


def test_x_crc_and_public_reply_carries_only_id_and_link(cast, settings, fake):
    door = Door("x", settings, fake)
    crc = Client().get("/channels/x", {"crc_token": "challenge"}).json()
    assert crc == {"response_token": "sha256=" + base64.b64encode(
        hmac.new(b"consumer", b"challenge", hashlib.sha256).digest()).decode()}
    door.post_x(door.tweet(f"@lapor1708 #lapor {WHAT_AND_WHERE} cc @budi_rungkut"))
    work()
    report = Report.objects.get()
    assert "@budi_rungkut" not in report.public_body and "[AKUN]" in report.public_body
    public = OutboundMessage.objects.get(purpose="report_receipt_public")
    assert tracking.display(report.tracking_id) in public.body
    assert "PIN" not in public.body and "berlubang" not in public.body
    reply = next(b for b in fake.json_bodies() if "reply" in b)
    assert reply["reply"]["in_reply_to_tweet_id"] == public.payload["in_reply_to"]
    dm = next(r for r in fake.requests if "/2/dm_conversations/with/777/" in r["path"])
    assert b"PIN" in dm["body"]


def test_x_ignores_own_tweets_retweets_and_tweets_without_the_hashtag(cast, settings, fake):
    door = Door("x", settings, fake)
    door.post_x(door.tweet("@lapor1708 #lapor mine", user_id="1708", screen_name="lapor1708"))
    door.post_x(door.tweet("@lapor1708 #lapor rt", retweeted_status={"id_str": "1"}))
    door.post_x(door.tweet("@lapor1708 tanpa tagar"))
    assert not InboundMessage.objects.exists()


def test_email_reply_with_the_tracking_id_joins_the_report_and_threads(cast, settings, fake):
    door = Door("email", settings, fake)
    door.send_email(WHAT_AND_WHERE, subject="Jalan rusak")
    work()
    report, contact = the_report()
    receipt = OutboundMessage.objects.get(purpose="report_receipt")
    assert receipt.channel == "email" and receipt.subject == "Re: Jalan rusak"
    door.send_email("foto menyusul", subject=f"Re: [{tracking.display(report.tracking_id)}]",
                    sender="warga@contoh.id")
    work()
    assert ReportEvent.objects.filter(report=report, action="add_info").exists()
    stranger = "orang@lain.id"
    door.send_email("saya juga", subject=f"Re: [{tracking.display(report.tracking_id)}]",
                    sender=stranger)
    work()
    # A stranger quoting the ID does not join it: their mail starts a report of their own.
    assert ReportEvent.objects.filter(report=report, action="add_info").count() == 1
    assert InboundMessage.objects.order_by("-pk").first().outcome == InboundOutcome.QUESTION
    mails = OutboundMessage.objects.filter(channel="email",
                                           recipient_digest=recipient_digest(contact.address))
    assert all(m.payload.get("thread", "").startswith("<m") for m in mails)
