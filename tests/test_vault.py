"""Personal data sealed at rest: what the database holds, rotation, look-ups, reveals."""

from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from aduan.accounts.models import AuditEntry
from aduan.channels.contacts import contacts_get_or_create
from aduan.channels.messages import notices_for
from aduan.channels.models import InboundMessage, OutboundMessage, recipient_digest
from aduan.errors import InvalidInput
from aduan.lib import vault
from aduan.lib.reseal import reseal
from aduan.privacy.keys import keys_rotate, keys_status
from aduan.reports import services
from aduan.reports.models import Report

from conftest import submit

NAME, EMAIL, PHONE = "Siti Rahmawati", "siti.rahma@contoh.id", "081234567890"
KEY_A = "ka:" + "A" * 43
KEY_B = "kb:" + "B" * 43


def stored(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_ring_is_parsed_strictly():
    ring = vault.parse_ring(f"{KEY_B},\n{KEY_A}")
    assert ring.current == "kb" and set(ring.keys) == {"ka", "kb"}
    for bad, why in (("", "no data key"), ("k1", "<id>:<base64"), ("k1:AAAA", "32 bytes"),
                     ("k1:!!!", "base64"), (f"{KEY_A},{KEY_A}", "twice")):
        with pytest.raises(vault.VaultError, match=why):
            vault.parse_ring(bad)
    assert vault.parse_ring(vault.new_key_entry("k9")).current == "k9"


def test_a_sealed_value_opens_only_in_its_own_column():
    sealed = vault.seal(EMAIL, "reports.Report.reporter_email")
    assert sealed.startswith("aes1:") and EMAIL not in sealed
    assert vault.open_sealed(sealed, "reports.Report.reporter_email") == EMAIL
    assert vault.seal(EMAIL, "reports.Report.reporter_email") != sealed  # a fresh nonce
    with pytest.raises(vault.VaultError, match="another column"):
        vault.open_sealed(sealed, "channels.Contact.address")
    assert vault.open_sealed("plain@contoh.id", "x.Y.z") == "plain@contoh.id"  # legacy row


@pytest.mark.django_db
def test_reporter_identity_is_sealed_in_the_database_and_plain_in_python():
    report, _pin = submit(reporter_name=NAME, reporter_email=EMAIL, reporter_phone=PHONE)
    for column, value in (("reporter_name", NAME), ("reporter_email", EMAIL),
                          ("reporter_phone", PHONE)):
        raw = stored("reports_report", column, report.pk)
        assert raw.startswith("aes1:") and value not in raw
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.reporter_name, fresh.reporter_email, fresh.reporter_phone) == (NAME, EMAIL, PHONE)
    assert Report.objects.filter(pk=report.pk).values_list("reporter_email", flat=True)[0] == EMAIL
    # The receipt mail went out to the plain address; its row is sealed and found by digest.
    mail = OutboundMessage.objects.get(recipient_digest=recipient_digest(EMAIL))
    assert mail.recipient == EMAIL and EMAIL not in stored("channels_outboundmessage",
                                                            "recipient", mail.pk)
    # Empty stays empty: "has anything?" filters keep working.
    anonymous, _pin = submit(reporter_name="", reporter_email="")
    assert stored("reports_report", "reporter_name", anonymous.pk) == ""
    assert set(Report.objects.filter(reporter_name="").values_list("pk", flat=True)) == {
        anonymous.pk}


@pytest.mark.django_db
def test_a_look_up_by_a_sealed_value_is_refused_not_silently_empty():
    with pytest.raises(FieldError, match="sealed at rest"):
        list(Report.objects.filter(reporter_email=EMAIL))
    with pytest.raises(FieldError):
        list(Report.objects.filter(reporter_email__icontains="siti"))
    with pytest.raises(FieldError, match="sealed at rest"):
        list(OutboundMessage.objects.filter(recipient__in=[EMAIL]))


@pytest.mark.django_db
def test_channel_addresses_and_raw_payloads_are_sealed():
    contact = contacts_get_or_create({("sms", "0812-3456-7890")})[("sms", "0812-3456-7890")]
    assert contact.address == "+6281234567890"
    assert "81234567890" not in stored("channels_contact", "address", contact.pk)
    # Found again by its digest, whatever the spelling.
    assert contacts_get_or_create({("sms", "+62 812 3456 7890")})[
        ("sms", "+62 812 3456 7890")].pk == contact.pk
    message = InboundMessage.objects.create(
        provider="sms_gateway", provider_message_id="m-1", sender="+6281234567890",
        payload={"text": "Jalan rusak", "from": "+6281234567890"},
        received_at="2026-12-01T01:00:00Z")
    assert "6281234567890" not in stored("channels_inboundmessage", "sender", message.pk)
    assert "Jalan" not in stored("channels_inboundmessage", "payload", message.pk)
    fresh = InboundMessage.objects.get(pk=message.pk)
    assert fresh.sender == "+6281234567890" and fresh.payload["text"] == "Jalan rusak"
    empty = InboundMessage.objects.create(provider="sms_gateway", provider_message_id="m-2",
                                          sender="", received_at="2026-12-01T01:00:00Z")
    assert InboundMessage.objects.get(pk=empty.pk).payload == {}
    assert InboundMessage.objects.filter(payload={}).count() == 1


@pytest.mark.django_db
def test_rotation_seals_everything_again_under_the_new_key():
    with override_settings(DATA_KEYS=KEY_A):
        report, _pin = submit(reporter_name=NAME, reporter_email=EMAIL)
        assert vault.key_id_of(stored("reports_report", "reporter_name", report.pk)) == "ka"
    with override_settings(DATA_KEYS=f"{KEY_B},{KEY_A}"):
        assert Report.objects.get(pk=report.pk).reporter_name == NAME  # the old key still opens
        before = keys_status()["reports.Report.reporter_name"]
        assert before["ka"] >= 1 and before["kb"] == 0
        done = keys_rotate()
        assert done["reports.Report.reporter_name"] >= 1 and done["reports.Report.reporter_email"] >= 1
        assert keys_rotate() == dict.fromkeys(done, 0)  # nothing left to do: repeatable
        after = keys_status()["reports.Report.reporter_name"]
        assert after["ka"] == 0 and after["kb"] >= 1 and after["other"] == 0
        assert AuditEntry.objects.filter(action="keys_rotated").count() == 1
    with override_settings(DATA_KEYS=KEY_B):  # the old key dropped
        assert Report.objects.get(pk=report.pk).reporter_email == EMAIL
    with override_settings(DATA_KEYS=KEY_A):  # the new key lost: a clear error, no garbage
        with pytest.raises(vault.VaultError, match="'kb' is not in ADUAN_DATA_KEYS"):
            Report.objects.get(pk=report.pk)


@pytest.mark.django_db
def test_plaintext_rows_from_before_sealing_are_read_then_sealed():
    report, _pin = submit(reporter_name=NAME)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET reporter_phone = %s WHERE id = %s",
                       [PHONE, report.pk])
    assert Report.objects.get(pk=report.pk).reporter_phone == PHONE
    assert keys_status()["reports.Report.reporter_phone"]["other"] == 1
    assert reseal(Report, "reporter_phone") == 1
    assert stored("reports_report", "reporter_phone", report.pk).startswith("aes1:")
    assert Report.objects.get(pk=report.pk).reporter_phone == PHONE


@pytest.mark.django_db
def test_keys_command_status_and_rotate():
    submit(reporter_name=NAME)
    out = StringIO()
    call_command("keys", "status", stdout=out)
    assert "reports.Report.reporter_name:" in out.getvalue()
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    assert out.getvalue().strip().endswith("total: 0 resealed")
    with override_settings(DATA_KEYS_EMBEDDED=False):
        out = StringIO()
        call_command("keys", "add", "k77", stdout=out)
        assert vault.parse_ring(out.getvalue().splitlines()[-1]).current == "k77"


# --- the identity reveal ----------------------------------------------------------------

REASON = "Laporan memuat ancaman; kepolisian meminta identitas pelapor secara resmi."


@pytest.mark.django_db
def test_a_reveal_needs_a_reason_and_the_supervisor_is_told(cast):
    report, _pin = submit(anonymous=True, reporter_name=NAME, reporter_email=EMAIL)
    with pytest.raises(InvalidInput, match="20"):
        services.reporter_identity_reveal(caller=cast.national.caller, report=report, reason="x")
    assert not AuditEntry.objects.filter(action="reporter_identity_viewed").exists()
    identity = services.reporter_identity_reveal(caller=cast.national.caller, report=report,
                                                 reason=f"  {REASON}  ")
    assert identity["name"] == NAME
    entry = AuditEntry.objects.get(action="reporter_identity_viewed")
    assert entry.detail["reason"] == REASON
    told = notices_for(cast.supervisor.user)
    assert [n.purpose for n in told] == ["identity_revealed"]
    assert REASON in told[0].body and NAME not in told[0].body and EMAIL not in told[0].body


@pytest.mark.django_db
def test_the_reveal_list_is_for_the_supervisor_national_admins_and_auditors(cast):
    report, _pin = submit(anonymous=True, reporter_name=NAME)
    services.reporter_identity_reveal(caller=cast.national.caller, report=report, reason=REASON)
    for member, status in ((cast.supervisor, 200), (cast.national, 200), (cast.auditor, 200),
                           (cast.admin_a, 404), (cast.leader_a, 404)):
        client = Client()
        client.force_login(member.user)
        response = client.get("/kantor/pembukaan-identitas/")
        assert response.status_code == status, member.user
        if status == 200:
            page = response.content.decode()
            assert REASON in page and NAME not in page
