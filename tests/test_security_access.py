"""Defects 5, 6, 9, 10, 11 and 13 (duplicate_of, link): who may see and do what."""

import pytest
from conftest import _member, submit
from django.contrib.auth import get_user_model
from django.test import Client

from aduan.accounts.models import AuditEntry
from aduan.accounts.services import membership_add
from aduan.agencies.models import Agency, Membership, Role
from aduan.errors import Forbidden, InvalidInput
from aduan.reports import services
from aduan.reports.access import View, view_level
from aduan.reports.models import Report
from aduan.reports.presenters import events_for, report_data
from aduan.reports.selectors import report_queue

pytestmark = pytest.mark.django_db


def _dispatched(cast, agency="pemkot-surabaya.dpupr", **fields):
    report, pin = submit(**fields)
    services.report_dispatch(caller=cast.national.caller, report=report, agency=agency)
    report.refresh_from_db()
    return report, pin


def _as(member):
    client = Client()
    client.force_login(member.user)
    return client


# --- 9: the supervisor from referral only -------------------------------------------------

def test_the_supervisor_does_not_read_a_confidential_report_when_a_deadline_passes(cast):
    report, _pin = _dispatched(cast, confidential=True)
    Report.objects.filter(pk=report.pk).update(
        followup_due="2020-01-01T00:00:00Z", resolution_due="2020-01-01T00:00:00Z",
        escalation_level=2)
    report.refresh_from_db()
    assert view_level(cast.supervisor.caller, report) is None
    rows, _cursor = report_queue(cast.supervisor.caller, "overdue")
    assert report not in rows
    Report.objects.filter(pk=report.pk).update(escalation_level=3)
    report.refresh_from_db()
    assert view_level(cast.supervisor.caller, report) == View.STAFF
    rows, _cursor = report_queue(cast.supervisor.caller, "overdue")
    assert report in rows


# --- 10: forwarded away ---------------------------------------------------------------------

def test_a_former_holder_sees_up_to_the_forward_plus_status_and_holder(cast):
    report, _pin = _dispatched(cast, agency="pemkot-surabaya.dpupr")
    services.report_accept(caller=cast.admin_a.caller, report=report)
    services.report_forward(caller=cast.admin_a.caller, report=report,
                            agency="pemprov-jawa-timur", reason="Jalan provinsi")
    report.refresh_from_db()
    services.report_request_info(caller=cast.admin_b.caller, report=report,
                                 message="Mohon foto lokasi dari petugas Rina")
    report.refresh_from_db()
    level = view_level(cast.admin_a.caller, report)
    assert level == View.FORMER
    actions = [e["action"] for e in events_for(report, level, cast.admin_a.caller)]
    assert actions == ["submit", "dispatch", "accept", "forward"]
    data = report_data(report, level, cast.admin_a.caller)
    assert data["status"] == "needs_info" and data["holder"]["code"] == "pemprov-jawa-timur"
    assert data["allowed_actions"] == []
    # the new holder sees everything, and a forward back restores full access
    assert view_level(cast.admin_b.caller, report) == View.STAFF
    page = _as(cast.admin_a).get(f"/kantor/laporan/{report.tracking_id}/").content.decode()
    assert "petugas Rina" not in page


def test_a_report_forwarded_back_is_fully_readable_again(cast):
    report, _pin = _dispatched(cast, agency="pemkot-surabaya")
    services.report_forward(caller=cast.admin_a.caller, report=report,
                            agency="pemprov-jawa-timur", reason="Bukan kewenangan kota")
    report.refresh_from_db()
    assert view_level(cast.admin_a.caller, report) == View.FORMER
    services.report_forward(caller=cast.admin_b.caller, report=report,
                            agency="pemkot-surabaya", reason="Ternyata jalan kota")
    report.refresh_from_db()
    assert view_level(cast.admin_a.caller, report) == View.STAFF
    assert view_level(cast.admin_b.caller, report) == View.FORMER


# --- 5: similar from what the caller may see ---------------------------------------------

def test_similar_is_built_from_the_text_the_caller_may_read(api, cast):
    secret = "085712349876"
    target, _pin = _dispatched(cast, agency="pemkot-surabaya.dpupr",
                               title="Saluran tersumbat", body=f"Hubungi {secret} segera")
    # agency B's own report holding the same number: only the hidden text would match it
    own, _pin = _dispatched(cast, agency="pemprov-jawa-timur", title="Nomor",
                            body=f"warga {secret} {secret}")
    response = api.get(f"/reports/{target.tracking_id}/similar", token=cast.admin_b.token)
    assert response.status_code == 200
    # same place and category give 0.15 at most; the number itself must add nothing
    scores = [i["score"] for i in response.json()["items"] if i["tracking_id"] == own.tracking_id]
    assert all(score <= 0.15 for score in scores)


# --- 6: the Django admin -----------------------------------------------------------------

def test_the_admin_hides_reporters_and_audits_every_change(cast):
    national = _as(cast.national)
    assert national.get("/admin/channels/outboundmessage/").status_code == 404
    users = national.get("/admin/accounts/user/").content.decode()
    assert "citizen" not in users and "admin_a" in users
    # filters only as declared: a lookup by a personal field from the URL is refused
    filtered = national.get("/admin/accounts/user/?email=citizen@contoh.id")
    assert filtered.status_code in (302, 400) or "citizen" not in filtered.content.decode()
    agency = Agency.objects.get(pk="pemkot-surabaya")
    response = national.post(f"/admin/agencies/agency/{agency.pk}/change/", {
        "name": agency.name, "kind": agency.kind, "level": agency.level,
        "active": "on", "requires_signoff": "on", "region": agency.region_id or "",
        "categories": [], "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(action="admin_change").latest("id")
    assert entry.actor == cast.national.user and entry.target == "agencies.agency:pemkot-surabaya"


# --- 11: role grants, duplicate e-mail, signer != author ---------------------------------

def test_an_agency_admin_cannot_make_an_existing_citizen_staff(cast):
    with pytest.raises(Forbidden):
        membership_add(caller=cast.admin_a.caller, username="citizen",
                       agency_code="pemkot-surabaya", role=Role.AGENCY_ADMIN)
    assert not Membership.objects.filter(user=cast.citizen.user).exists()
    # staff already in the admin's subtree may get another role there
    membership_add(caller=cast.admin_a.caller, username="unit_a",
                   agency_code="pemkot-surabaya", role=Role.LEADER)
    # a national admin may attach a role to any account
    membership_add(caller=cast.national.caller, username="citizen",
                   agency_code="pemkot-surabaya", role=Role.LEADER)


def test_a_new_user_with_an_e_mail_in_use_is_a_clear_error_not_a_500(cast):
    with pytest.raises(InvalidInput) as exc:
        membership_add(caller=cast.admin_a.caller, username="petugas.lain",
                       agency_code="pemkot-surabaya", role=Role.UNIT_ADMIN,
                       password="Sangat-Rahasia-2026", email="CITIZEN@contoh.id")
    assert exc.value.field == "email"
    response = _as(cast.admin_a).post("/kantor/anggota/", {
        "username": "petugas.lain", "password": "Sangat-Rahasia-2026",
        "email": "citizen@contoh.id", "agency": "pemkot-surabaya", "role": Role.UNIT_ADMIN})
    assert response.status_code == 422
    assert not get_user_model().objects.filter(username="petugas.lain").exists()


def test_a_liaison_cannot_sign_off_their_own_draft(cast):
    Agency.objects.filter(pk="pemkot-surabaya").update(requires_signoff=True)
    _member("liaison_a", "pemkot-surabaya", Role.UNIT_ADMIN)  # drafts as a unit admin...
    liaison = _member("liaison_a", "pemkot-surabaya", Role.LIAISON)  # ...and is a liaison
    report, _pin = _dispatched(cast, agency="pemkot-surabaya")
    services.report_draft_response(caller=liaison.caller, report=report, message="Draf saya")
    with pytest.raises(Forbidden) as exc:
        services.report_sign_off(caller=liaison.caller, report=report)
    assert exc.value.code == "own_draft"
    other = _member("liaison_b", "pemkot-surabaya", Role.LIAISON)
    services.report_sign_off(caller=other.caller, report=report)


# --- 13: duplicate_of and link --------------------------------------------------------------

def test_archiving_as_a_duplicate_of_a_confidential_report_does_not_show_its_id(api, cast):
    original, _pin = _dispatched(cast, agency="pemkot-surabaya", confidential=True)
    copy, copy_pin = _dispatched(cast, agency="pemkot-surabaya")
    services.report_archive(caller=cast.admin_a.caller, report=copy, reason="duplicate",
                            duplicate_of=original.tracking_id)
    for path in (f"/reports/{copy.tracking_id}", f"/reports/{copy.tracking_id}/events"):
        body = api.get(path, pin=copy_pin).content.decode()
        assert original.tracking_id not in body
    page = Client().get(f"/laporan/{copy.tracking_id}/").content.decode()
    assert original.tracking_id not in page


def test_staff_cannot_link_another_agencys_report(api, cast):
    mine, _pin = _dispatched(cast, agency="pemkot-surabaya")
    theirs, _pin = _dispatched(cast, agency="pemprov-jawa-timur")
    assert view_level(cast.admin_a.caller, theirs) == View.PUBLIC  # visible, not theirs
    with pytest.raises(InvalidInput):
        services.report_link(caller=cast.admin_a.caller, report=mine, other=theirs.tracking_id)
    assert not theirs.links_in.exists() and not theirs.links_out.exists()
