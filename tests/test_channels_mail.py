"""The e-mail door's SMTP listener, spoken to with smtplib on a free port."""

import base64
import email.policy
import smtplib
import socket
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import pytest
from django.db import connection, connections

from aduan.channels.models import InboundMessage, OutboundMessage, Provider
from aduan.doors.email_in import mail_receive
from aduan.doors.mail_listener import MailDoor, mail_listener
from aduan.reports.management.commands.serve import processes_for
from aduan.reports.models import Report

from channelutil import work

WHAT_AND_WHERE = "Jalan berlubang besar di kec rungkut surabaya, bahaya untuk motor"
DOOR = "lapor@aduan.example.id"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _share(conn):
    # The listener's store thread writes through the test's connection, inside the test's
    # transaction, so the rows it makes are rolled back with the test's.
    conn.inc_thread_sharing()
    connections["default"] = conn


@pytest.fixture
def listen(settings):
    started = []

    def start(store=mail_receive, max_bytes=1024 * 1024):
        settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS, "email": {
            **settings.CHANNEL_DOORS["email"], "ADDRESS": DOOR, "MAX_BYTES": max_bytes}}
        executor = ThreadPoolExecutor(1, initializer=_share, initargs=(connections["default"],))
        handler = MailDoor(address=DOOR, store=store, executor=executor)
        port = free_port()
        listener = mail_listener("127.0.0.1", port, handler=handler)
        listener.start()
        started.append((listener, executor))
        return smtplib.SMTP("127.0.0.1", port, timeout=10)

    yield start
    for listener, executor in started:
        listener.stop()
        executor.shutdown()
    if connection.allow_thread_sharing:
        connection.dec_thread_sharing()


def mail(text=WHAT_AND_WHERE, *, message_id="<m1@contoh.id>", to=DOOR, attachment=b""):
    message = EmailMessage()
    message["From"], message["To"] = "Warga <warga@contoh.id>", to
    message["Subject"], message["Message-ID"] = "Jalan rusak", message_id
    message.set_content(text)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="octet-stream",
                               filename="data.bin")
    return message


def test_a_delivered_message_is_stored_raw_like_the_imap_path_then_filed(cast, listen):
    with listen() as smtp:
        assert smtp.send_message(mail()) == {}
    row = InboundMessage.objects.get()
    raw = base64.b64decode(row.payload["raw"])
    assert row.provider == Provider.EMAIL and row.provider_message_id == "<m1@contoh.id>"
    assert row.sender == "warga@contoh.id" and b"kec rungkut surabaya" in raw
    assert mail_receive(raw) is False  # the same row the IMAP poll would have made
    work()
    report = Report.objects.get()
    assert report.channel == "email" and report.region_id == "35.78.03"
    assert OutboundMessage.objects.get(purpose="report_receipt").recipient == "warga@contoh.id"


def test_a_redelivery_is_answered_250_and_creates_nothing(cast, listen):
    with listen() as smtp:
        smtp.send_message(mail())
        code, _text = smtp.noop()
        assert code == 250 and smtp.send_message(mail()) == {}
    assert InboundMessage.objects.count() == 1


def test_oversize_mail_is_refused_with_552_and_nothing_is_stored(cast, listen):
    big = mail(attachment=b"\x00" * 5000)
    with listen(max_bytes=4000) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp.send_message(big)  # smtplib declares SIZE= since the listener offers it
        assert refused.value.smtp_code == 552
        smtp.rset()
        smtp.ehlo()
        assert smtp.mail("warga@contoh.id")[0] == 250  # no SIZE declared: refused after DATA
        assert smtp.rcpt(DOOR)[0] == 250
        assert smtp.data(big.as_bytes(policy=email.policy.SMTP))[0] == 552
    assert not InboundMessage.objects.exists()


def test_other_recipients_are_refused_so_nothing_is_relayed(cast, listen):
    with listen() as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp.send_message(mail(to="someone@elsewhere.example"))
        assert refused.value.recipients["someone@elsewhere.example"][0] == 550
        plus = "lapor+7QMX2P4FKA@aduan.example.id"
        assert smtp.send_message(mail(to=plus, message_id="<m2@contoh.id>")) == {}
    assert InboundMessage.objects.count() == 1


def test_a_store_failure_answers_451_so_the_sender_retries(cast, listen):
    def broken(raw):
        raise ConnectionError("database away")

    with listen(store=broken) as smtp:
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.send_message(mail())
        assert refused.value.smtp_code == 451
    assert not InboundMessage.objects.exists()


def test_serve_starts_the_listener_only_when_configured(settings):
    names = [cmd[1:3] for cmd in processes_for("127.0.0.1", 8000, no_worker=False)]
    assert ["mail", "serve"] not in names and ["worker", "--interval"] in names
    settings.CHANNEL_DOORS = {**settings.CHANNEL_DOORS, "email": {
        **settings.CHANNEL_DOORS["email"], "LISTEN": "0.0.0.0:2525"}}
    commands = processes_for("127.0.0.1", 8000, no_worker=True)
    assert commands[-1][1:] == ["mail", "serve", "--listen", "0.0.0.0:2525"]
