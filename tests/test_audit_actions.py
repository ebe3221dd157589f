"""What the audit log records: logins, token use, PIN unlocks, staff reads, and the edits
of roles, calendars, SLA policies and routing rules. No personal data in any entry."""

from datetime import date, timedelta

import pytest
import time_machine
from conftest import PASSWORD, submit
from django.test import Client
from django.utils import timezone

from aduan.accounts.models import AuditEntry
from aduan.agencies.rules import rule_delete, rule_set
from aduan.deadlines.holidays import holiday_add, holiday_remove
from aduan.reports import services

A = AuditEntry.Action


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_staff_login_and_failed_login_are_audited_without_names(cast):
    client = Client()
    client.post("/kantor/", {"username": "admin_a", "password": "wrong-password"})
    client.post("/kantor/", {"username": "nobody-here", "password": "x"})
    client.post("/kantor/", {"username": "admin_a", "password": PASSWORD})
    failed = entries(A.LOGIN_FAILED)
    assert [e.target for e in failed] == [f"user:{cast.admin_a.user.pk}", "unknown"]
    assert [(e.actor, e.target) for e in entries(A.LOGIN)] == [
        (cast.admin_a.user, f"user:{cast.admin_a.user.pk}")]
    for entry in failed + entries(A.LOGIN):
        assert "127.0.0.1" not in str(entry.detail)


def test_reporter_login_names_the_account_by_id_not_email(cast):
    Client().post("/akun/masuk/", {"login": "citizen@contoh.id", "password": "wrong"})
    Client().post("/akun/masuk/", {"login": "citizen@contoh.id", "password": PASSWORD})
    rows = AuditEntry.objects.filter(action__in=[A.LOGIN, A.LOGIN_FAILED])
    assert {e.target for e in rows} == {f"user:{cast.citizen.user.pk}"}
    assert not AuditEntry.objects.filter(target__contains="contoh.id").exists()


def test_token_use_is_audited_once_an_hour(api, cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/reports", token=cast.admin_a.token)
        api.get("/reports", token=cast.admin_a.token)
    with time_machine.travel(start + timedelta(minutes=30), tick=False):
        api.get("/reports", token=cast.admin_a.token)
    assert len(entries(A.TOKEN_USED)) == 1
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        api.get("/reports", token=cast.admin_a.token)
    used = entries(A.TOKEN_USED)
    assert len(used) == 2 and used[0].actor == cast.admin_a.user
    assert used[0].target.startswith("token:")


def test_pin_unlock_is_audited_once_an_hour(api, cast):
    report, pin = submit()
    api.get(f"/reports/{report.tracking_id}", pin=pin)
    api.get(f"/reports/{report.tracking_id}", pin=pin)
    api.get(f"/reports/{report.tracking_id}", pin="00000000")
    assert [e.target for e in entries(A.PIN_UNLOCKED)] == [f"report:{report.tracking_id}"]


def test_every_staff_read_of_a_confidential_report_is_audited(api, cast):
    report, pin = submit(confidential=True, agency="pemkot-surabaya")
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya")
    public, _pin = submit(agency="pemkot-surabaya")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert api.get(f"/reports/{report.tracking_id}", token=cast.admin_a.token).status_code == 200
        api.get(f"/reports/{public.tracking_id}", token=cast.admin_a.token)
        api.get(f"/reports/{report.tracking_id}", pin=pin)  # the reporter: not audited
        assert api.get(f"/reports/{report.tracking_id}",
                       token=cast.admin_b.token).status_code == 404
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        api.get(f"/reports/{report.tracking_id}", token=cast.admin_a.token)
        api.get(f"/reports/{report.tracking_id}", token=cast.national.token)
    reads = entries(A.CONFIDENTIAL_READ)
    assert [(e.actor, e.target) for e in reads] == [
        (cast.admin_a.user, f"report:{report.tracking_id}"),
        (cast.admin_a.user, f"report:{report.tracking_id}"),
        (cast.national.user, f"report:{report.tracking_id}")]


def test_back_office_read_of_a_confidential_report_is_audited(cast):
    report, _pin = submit(confidential=True)
    client = Client()
    client.force_login(cast.national.user)
    assert client.get(f"/kantor/laporan/{report.tracking_id}/").status_code == 200
    assert entries(A.CONFIDENTIAL_READ)[0].actor == cast.national.user


def test_identity_reveal_is_audited(cast):
    report, _pin = submit(anonymous=True)
    services.reporter_identity_reveal(caller=cast.national.caller, report=report,
                                      reason="Permintaan resmi dari pengadilan negeri")
    assert entries(A.REPORTER_IDENTITY_VIEWED)[0].target == report.tracking_id


def test_calendar_and_routing_rule_edits_are_audited(cast):
    holiday_add(day=date(2027, 3, 3), name="Libur uji", actor=cast.national.user)
    holiday_remove(day=date(2027, 3, 3), actor=cast.national.user)
    changes = entries(A.CALENDAR_CHANGED)
    assert [e.detail["change"] for e in changes] == ["add", "remove"]
    assert changes[0].actor == cast.national.user and changes[0].target == "holiday:2027-03-03"
    rule_set(category="jalan_drainase", region="35.78", level="kabupaten_kota",
             agency="pemkot-surabaya", user=cast.national.user)
    assert rule_delete(category="jalan_drainase", region="35.78", level="kabupaten_kota",
                       actor=cast.national.user)
    rules = entries(A.ROUTING_RULE_CHANGED)
    assert [e.detail["change"] for e in rules] == ["set", "delete"]
    assert rules[0].target == "rule:jalan_drainase:35.78:kabupaten_kota"


@pytest.mark.parametrize("url, data, action", [
    ("/admin/deadlines/slapolicy/add/",
     {"timer": "followup", "kind": "", "severity": "", "days": "4", "unit": "workdays"},
     A.SLA_CHANGED),
])
def test_admin_edits_of_sla_policies_are_audited_by_name(cast, url, data, action):
    client = Client()
    client.force_login(cast.national.user)
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    assert entries(action)[0].actor == cast.national.user


def test_role_grants_are_audited(cast):
    from aduan.accounts.services import membership_add

    membership_add(caller=cast.admin_a.caller, username="baru", agency_code="pemkot-surabaya",
                   role="unit_admin", password=PASSWORD)
    entry = AuditEntry.objects.filter(action=A.STAFF_ADDED, target="baru").get()
    assert entry.actor == cast.admin_a.user and entry.detail["role"] == "unit_admin"
