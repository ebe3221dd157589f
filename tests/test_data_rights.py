"""UU PDP rights: a reporter downloads everything held about them and erases their identity;
retention periods blank what is past them. Every such action is audited."""

import json
from datetime import timedelta

import pytest
from conftest import submit
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aduan.accounts import chain
from aduan.accounts.models import AuditEntry
from aduan.channels.models import (Contact, InboundMessage, OutboundMessage, OutboundStatus,
                                   ReportContact)
from aduan.portal.auth import SESSION_PINS
from aduan.privacy.models import RetentionKind, RetentionPeriod
from aduan.privacy.retention import retention_apply
from aduan.push.models import PushSubscription
from aduan.reports import services
from aduan.reports.callers import Caller
from aduan.reports.models import Report, ReportEvent, Status

A = AuditEntry.Action
NAME, EMAIL, PHONE = "Siti Rahma", "siti@contoh.id", "081234567890"


def _pin_client(report) -> Client:
    client = Client()
    session = client.session
    session[SESSION_PINS] = {report.tracking_id: report.pk}
    session.save()
    return client


def _with_channels(report):
    contact = Contact.objects.create(channel="sms", address="+6281299990000",
                                     address_digest="d1")
    ReportContact.objects.create(report=report, contact=contact, provider="sms")
    InboundMessage.objects.create(provider="sms", provider_message_id="m1",
                                  sender="+6281299990000", payload={"text": "lapor"},
                                  received_at=timezone.now(), contact=contact, report=report,
                                  text="Lapor, saya Siti Rahma")
    event = ReportEvent.objects.filter(report=report).first()
    OutboundMessage.objects.create(channel="sms", recipient=PHONE, subject="",
                                   body="Halo Siti Rahma", event=event, purpose="test_notice",
                                   next_attempt_at=timezone.now())
    PushSubscription.objects.create(endpoint="https://push.example/x", p256dh="k", auth="a",
                                    report=report)
    return contact


def test_download_with_pin_holds_everything_about_the_reporter(cast):
    report, _pin = submit()
    _with_channels(report)
    response = _pin_client(report).get(f"/laporan/{report.tracking_id}/data-saya/unduh/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"] is None
    [mine] = data["reports"]
    assert mine["tracking_id"] == report.tracking_id
    assert mine["reporter"] == {"name": NAME, "email": EMAIL, "phone": PHONE,
                                "anonymous": False, "confidential": False}
    assert [e["action"] for e in mine["events"]] == ["submit"]
    assert data["contacts"][0]["address"] == "+6281299990000"
    assert data["inbound_messages"][0]["text"] == "Lapor, saya Siti Rahma"
    assert PHONE in {m["recipient"] for m in data["messages_to_you"]}
    assert data["push_subscriptions"][0]["endpoint"] == "https://push.example/x"
    entry = AuditEntry.objects.get(action=A.DATA_EXPORTED)
    assert entry.target == f"report:{report.pk}" and EMAIL not in json.dumps(entry.detail)


def test_another_report_or_no_pin_is_not_found(cast):
    report, _pin = submit()
    other, _pin2 = submit()
    client = _pin_client(report)
    assert client.get(f"/laporan/{other.tracking_id}/data-saya/unduh/").status_code == 404
    assert Client().get(f"/laporan/{report.tracking_id}/data-saya/").status_code == 404
    assert Client().post(f"/laporan/{report.tracking_id}/data-saya/",
                         {"understood": "on", "word": "HAPUS"}).status_code == 404
    assert Report.objects.get(pk=report.pk).reporter_name == NAME


def test_account_download_lists_every_report_of_the_account(cast):
    first, _ = submit(user=cast.citizen.user)
    second, _ = submit(user=cast.citizen.user)
    submit()  # someone else's
    client = Client()
    client.force_login(cast.citizen.user)
    assert 'name="word"' in client.get("/akun/data-saya/").content.decode()
    data = json.loads(client.get("/akun/data-saya/unduh/").content)
    assert data["account"]["email"] == "citizen@contoh.id"
    assert {r["tracking_id"] for r in data["reports"]} == {first.tracking_id, second.tracking_id}
    assert Client().get("/akun/data-saya/").status_code == 302  # log in first


def test_staff_accounts_are_refused(cast):
    client = Client()
    client.force_login(cast.admin_a.user)
    assert client.get("/akun/data-saya/unduh/").status_code == 403


def test_erasure_needs_the_confirmation(cast):
    report, _pin = submit()
    client = _pin_client(report)
    page = client.get(f"/laporan/{report.tracking_id}/data-saya/")
    assert page.status_code == 200 and "HAPUS" in page.content.decode()
    assert client.post(f"/laporan/{report.tracking_id}/data-saya/",
                       {"understood": "on", "word": "ya"}).status_code == 422
    assert Report.objects.get(pk=report.pk).reporter_email == EMAIL
    assert not AuditEntry.objects.filter(action=A.IDENTITY_ERASED).exists()


def test_erasure_with_pin_anonymises_the_report_and_keeps_the_chain(cast):
    report, _pin = submit(agency="pemkot-surabaya")
    report = services.report_dispatch(caller=cast.national.caller, report=report,
                                      agency="pemkot-surabaya")
    report = services.report_request_info(caller=cast.admin_a.caller, report=report,
                                          message="Mohon data tambahan.")
    services.report_provide_info(caller=Caller(pin_report_id=report.pk), report=report,
                                 message=f"Saya {NAME}, hubungi {PHONE} atau {EMAIL}.")
    contact = _with_channels(report)
    response = _pin_client(report).post(f"/laporan/{report.tracking_id}/data-saya/",
                                        {"understood": "on", "word": "hapus"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
    assert report.anonymous and report.status == Status.DISPATCHED
    for event in ReportEvent.objects.filter(report=report):
        for text in (event.message, event.public_message, json.dumps(event.data)):
            assert "Siti" not in text and "0812" not in text and "contoh.id" not in text
    assert ReportEvent.objects.filter(report=report, erased_at__isnull=False).count() == 1
    contact.refresh_from_db()
    assert contact.address == "" and contact.opted_out_at is not None
    assert InboundMessage.objects.get(provider_message_id="m1").text == ""
    message = OutboundMessage.objects.get(purpose="test_notice")
    assert message.body == "" and message.recipient.startswith("erased:")
    assert message.status == OutboundStatus.FAILED
    assert not PushSubscription.objects.exists()
    entry = AuditEntry.objects.get(action=A.IDENTITY_ERASED)
    assert entry.detail["reports"] == [report.pk] and "Siti" not in json.dumps(entry.detail)
    # The chain holds: the erased event keeps its digest and the erasure is accounted for.
    chain.seal("events")
    chain.seal("audit")
    assert chain.verify("events").ok and chain.verify("audit").ok
    from aduan.reports.chain import erasures_unaccounted

    assert erasures_unaccounted() == []


def test_erasure_of_an_account_closes_it(cast):
    report, _ = submit(user=cast.citizen.user)
    client = Client()
    client.force_login(cast.citizen.user)
    assert client.post("/akun/data-saya/", {"understood": "on", "word": "HAPUS"}).status_code == 302
    user = type(cast.citizen.user).objects.get(pk=cast.citizen.user.pk)
    assert not user.is_active and user.email == "" and user.username == f"erased-{user.pk}"
    assert not user.has_usable_password()
    assert user.api_tokens.filter(revoked_at__isnull=True).count() == 0
    report.refresh_from_db()
    assert report.reporter_id is None and report.reporter_email == ""
    assert client.get("/akun/data-saya/").status_code == 302  # logged out
    assert AuditEntry.objects.get(action=A.IDENTITY_ERASED).target == f"user:{user.pk}"


def _closed_long_ago(cast, days):
    report, _ = submit()
    when = timezone.now() - timedelta(days=days)
    Report.objects.filter(pk=report.pk).update(status=Status.CLOSED, closed_at=when)
    return report


def test_retention_blanks_what_is_past_its_period_and_audits_it(cast):
    old = _closed_long_ago(cast, 6 * 365)
    recent = _closed_long_ago(cast, 30)
    open_report, _ = submit()
    contact = _with_channels(old)
    InboundMessage.objects.filter(provider_message_id="m1").update(
        received_at=timezone.now() - timedelta(days=100), outcome="report")
    OutboundMessage.objects.filter(purpose="test_notice").update(
        created_at=timezone.now() - timedelta(days=40), status=OutboundStatus.SENT)
    assert retention_apply(dry_run=True) == {"closed_report_identity": 1, "inbound_raw": 1,
                                             "outbox_body": 1}
    assert not AuditEntry.objects.filter(action=A.RETENTION_APPLIED).exists()
    call_command("retention", "apply")
    old.refresh_from_db()
    assert (old.reporter_name, old.reporter_email, old.reporter_phone) == ("", "", "")
    assert Report.objects.get(pk=recent.pk).reporter_name == NAME
    assert Report.objects.get(pk=open_report.pk).reporter_name == NAME
    contact.refresh_from_db()
    assert contact.address == ""
    assert InboundMessage.objects.get(provider_message_id="m1").payload == {}
    assert OutboundMessage.objects.get(purpose="test_notice").body == ""
    kinds = {e.detail["kind"]: e.detail["rows"]
             for e in AuditEntry.objects.filter(action=A.RETENTION_APPLIED)}
    assert kinds == {"closed_report_identity": 1, "inbound_raw": 1, "outbox_body": 1}
    assert retention_apply() == {"closed_report_identity": 0, "inbound_raw": 0, "outbox_body": 0}


def test_retention_periods_are_data_edited_by_national_admins(cast):
    RetentionPeriod.objects.filter(kind=RetentionKind.CLOSED_REPORT_IDENTITY).update(days=10)
    old = _closed_long_ago(cast, 20)
    retention_apply()
    assert Report.objects.get(pk=old.pk).reporter_name == ""
    client = Client()
    client.force_login(cast.national.user)
    period = RetentionPeriod.objects.get(kind=RetentionKind.OUTBOX_BODY)
    response = client.post(f"/admin/privacy/retentionperiod/{period.pk}/change/",
                           {"kind": period.kind, "days": "60", "note": ""})
    assert response.status_code == 302
    assert RetentionPeriod.objects.get(pk=period.pk).days == 60
    assert AuditEntry.objects.filter(action=A.RETENTION_CHANGED).exists()
    agency_admin = Client()
    agency_admin.force_login(cast.admin_a.user)
    assert agency_admin.get("/admin/privacy/retentionperiod/").status_code in (302, 403)


@pytest.mark.parametrize("days", [0])
def test_retention_days_must_be_positive(cast, days):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionPeriod.objects.filter(kind=RetentionKind.INBOUND_RAW).update(days=days)


def test_api_download_and_erasure_with_pin(api, cast):
    report, pin = submit()
    other, _ = submit()
    response = api.get("/personal-data", pin=pin, tracking_id=report.tracking_id)
    assert response.status_code == 200, response.content
    assert response.json()["reports"][0]["reporter"]["email"] == EMAIL
    assert api.get("/personal-data", pin=pin, tracking_id=other.tracking_id).status_code in (
        401, 404)
    assert api.get("/personal-data").status_code == 401
    assert api.post("/personal-data/erase", {"confirm": False, "tracking_id": report.tracking_id},
                    pin=pin).status_code == 422
    assert api.post("/personal-data/erase", {"confirm": True,
                                             "tracking_id": report.tracking_id}).status_code == 401
    done = api.post("/personal-data/erase", {"confirm": True, "tracking_id": report.tracking_id},
                    pin=pin)
    assert done.status_code == 200 and done.json()["done"]["reports"] == 1
    assert Report.objects.get(pk=report.pk).reporter_email == ""
    assert Report.objects.get(pk=other.pk).reporter_email == EMAIL


def test_api_with_an_account_token(api, cast):
    submit(user=cast.citizen.user)
    data = api.get("/personal-data", token=cast.citizen.token).json()
    assert data["account"]["username"] == "citizen" and len(data["reports"]) == 1
    assert api.get("/personal-data", token=cast.admin_a.token).status_code == 403
    assert api.post("/personal-data/erase", {"confirm": True},
                    token=cast.citizen.token).status_code == 200
    assert api.get("/personal-data", token=cast.citizen.token).status_code == 401  # revoked


@pytest.mark.parametrize("viewer", ["nobody", "national", "admin_a", "admin_b", "supervisor",
                                    "auditor", "other_citizen"])
@pytest.mark.parametrize("privacy", [{}, {"anonymous": True}, {"confidential": True}])
def test_nobody_but_the_reporter_gets_the_personal_data(api, cast, viewer, privacy):
    from aduan.accounts.services import token_create
    from django.contrib.auth import get_user_model

    report, _pin = submit(agency="pemkot-surabaya", **privacy)
    if viewer == "other_citizen":
        token = token_create(user=get_user_model().objects.create_user("o", "o@contoh.id", "x"),
                             from_cli=True)
    else:
        token = getattr(cast, viewer).token if viewer != "nobody" else None
    got = api.get("/personal-data", token=token, tracking_id=report.tracking_id)
    erase = api.post("/personal-data/erase", {"confirm": True, "tracking_id": report.tracking_id},
                     token=token)
    for response in (got, erase):
        assert response.status_code in (401, 403, 404), (viewer, response.content)
        assert EMAIL not in response.content.decode() and "Siti" not in response.content.decode()
    assert Report.objects.get(pk=report.pk).reporter_email == EMAIL
