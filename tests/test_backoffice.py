"""The back office over HTTP: login, queues per role, every action form, members, admin."""

import pytest
from conftest import PASSWORD, _member, submit
from django.test import Client
from django.utils import timezone
from webutil import csp_nonce_ok, text

from aduan.accounts.models import AuditEntry
from aduan.agencies.models import Membership, Role
from aduan.reports import services
from aduan.reports.models import Report

pytestmark = pytest.mark.django_db


def as_(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def test_the_login_page_is_at_kantor_and_lets_only_staff_in(cast):
    page = Client().get("/kantor/")
    assert page.status_code == 200 and 'name="username"' in text(page) and csp_nonce_ok(page)
    citizen = Client().post("/kantor/", {"username": "citizen", "password": PASSWORD})
    assert citizen.status_code == 422
    client = Client()
    assert client.post("/kantor/", {"username": "admin_a", "password": PASSWORD}).status_code == 302
    assert 'href="/kantor/antrian/verify/"' in text(client.get("/kantor/"))
    assert Client().get("/kantor/antrian/held/").status_code == 302


def test_each_role_sees_its_queues(cast):
    report, _pin = submit()
    assert report.tracking_id in text(as_(cast.national).get("/kantor/antrian/verify/"))
    assert report.tracking_id not in text(as_(cast.admin_a).get("/kantor/antrian/verify/"))
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dinkes")
    for member in (cast.admin_a, cast.unit_a, cast.leader_a):
        assert report.tracking_id in text(as_(member).get("/kantor/antrian/held/")), member
    assert report.tracking_id not in text(as_(cast.admin_b).get("/kantor/antrian/held/"))
    # Agency B sees only what the public sees of A's report, and no action.
    outsider = text(as_(cast.admin_b).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert 'id="act-' not in outsider and "siti@contoh.id" not in outsider
    assert "[TELEPON]" in outsider
    services.report_restrict(caller=cast.national.caller, report=report, confidential=True)
    assert as_(cast.admin_b).get(f"/kantor/laporan/{report.tracking_id}/").status_code == 404


def test_queues_are_sorted_by_deadline_and_show_overdue(cast):
    now = timezone.now()
    late, soon, later = (submit()[0] for _ in range(3))
    for report, days in ((late, -2), (soon, 1), (later, 4)):
        Report.objects.filter(pk=report.pk).update(
            verification_due=now + timezone.timedelta(days=days))
    page = text(as_(cast.national).get("/kantor/antrian/verify/"))
    order = [page.index(r.tracking_id[:5]) for r in (late, soon, later)]
    assert order == sorted(order)
    overdue = text(as_(cast.national).get("/kantor/antrian/overdue/"))
    assert late.tracking_id[:5] in overdue and soon.tracking_id[:5] not in overdue
    assert "terlambat" in overdue


def test_queues_count_time_left_in_working_days(cast):
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    page = text(as_(cast.admin_a).get("/kantor/antrian/held/"))
    assert report.tracking_id[:5] in page and "hari kerja lagi" in page
    english = as_(cast.admin_a).get("/kantor/antrian/held/", HTTP_ACCEPT_LANGUAGE="en")
    assert "working days left" in text(english)


def _act(client, report, action, data):
    return client.post(f"/kantor/laporan/{report.tracking_id}/{action}/", data)


def test_dispatch_by_agency_name_forward_and_internal_dispatch(cast):
    report, _pin = submit()
    national, admin_a = as_(cast.national), as_(cast.admin_a)
    ambiguous = _act(national, report, "dispatch", {"agency": "dinas kesehatan"})
    assert ambiguous.status_code == 422 and 'type="radio" name="agency"' in text(ambiguous)
    done = _act(national, report, "dispatch", {"agency": "dinas kesehatan kota surabaya"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.holder_id == "pemkot-surabaya.dinkes" and report.status == "dispatched"
    page = text(admin_a.get(f"/kantor/laporan/{report.tracking_id}/"))
    assert 'id="act-forward"' in page and 'id="act-dispatch_internal"' in page
    no_reason = _act(admin_a, report, "forward", {"agency": "pemprov-jawa-timur.dpupr"})
    assert no_reason.status_code == 422
    unknown = _act(admin_a, report, "forward", {"agency": "zzz-no-such", "reason": "Bukan"})
    assert unknown.status_code == 422 and "zzz-no-such" in text(unknown)
    _act(admin_a, report, "forward", {"agency": "pemprov-jawa-timur.dpupr",
                                      "reason": "Jalan provinsi"})
    report.refresh_from_db()
    assert report.holder_id == "pemprov-jawa-timur.dpupr" and report.forward_count == 1
    units = text(as_(cast.admin_b).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert 'id="act-accept"' in units


def test_request_info_respond_archive_and_restrict(cast):
    report, _pin = submit()
    admin_a = as_(cast.admin_a)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    _act(admin_a, report, "request_info", {"message": "Kirim foto"})
    report.refresh_from_db()
    assert report.status == "needs_info"
    assert _act(admin_a, report, "archive", {"reason": ""}).status_code == 422
    _act(admin_a, report, "archive", {"reason": "incomplete", "note": "Tidak dijawab"})
    report.refresh_from_db()
    assert report.status == "archived" and report.archive_reason == "incomplete"
    _act(as_(cast.national), report, "reopen", {"reason": "Pelapor menjawab lewat telepon"})
    _act(admin_a, report, "restrict", {"confidential": "on"})
    report.refresh_from_db()
    assert report.status == "in_progress" and report.confidential
    _act(admin_a, report, "respond", {"message": "Sudah diperbaiki."})
    report.refresh_from_db()
    assert report.status == "responded"


def test_the_page_offers_exactly_the_callers_actions(cast):
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    leader = text(as_(cast.leader_a).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert 'id="act-' not in leader
    unit = text(as_(cast.unit_a).get(f"/kantor/laporan/{report.tracking_id}/"))
    assert 'id="act-forward"' not in unit  # unit admins do not forward
    assert _act(as_(cast.leader_a), report, "accept", {}).status_code == 422


def test_only_the_national_admin_reveals_an_anonymous_reporter_and_it_is_audited(cast):
    report, _pin = submit(anonymous=True, reporter_name="Siti Tersembunyi")
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    url = f"/kantor/laporan/{report.tracking_id}/"
    assert "Siti Tersembunyi" not in text(as_(cast.admin_a).get(url))
    assert "Siti Tersembunyi" not in text(as_(cast.national).get(url))
    reason = {"reason": "Pelapor diduga membuat laporan palsu berulang kali"}
    assert as_(cast.admin_a).post(url + "pelapor/", reason).status_code == 302
    assert not AuditEntry.objects.filter(target=report.tracking_id).exists()
    refused = as_(cast.national).post(url + "pelapor/", {"reason": "cek"})
    assert refused.status_code == 422 and "Siti Tersembunyi" not in text(refused)
    assert "20" in text(refused) and not AuditEntry.objects.filter(target=report.tracking_id)
    revealed = as_(cast.national).post(url + "pelapor/", reason)
    assert "Siti Tersembunyi" in text(revealed) and revealed["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(target=report.tracking_id,
                                     action="reporter_identity_viewed").count() == 1


def test_agency_admins_manage_members_of_their_subtree(cast):
    admin_a = as_(cast.admin_a)
    page = text(admin_a.get("/kantor/anggota/"))
    assert "unit_a" in page and "admin_b" not in page
    added = admin_a.post("/kantor/anggota/", {
        "username": "petugas.baru", "password": "Sangat-Rahasia-2026", "email": "",
        "agency": "pemkot-surabaya.dinkes", "role": Role.UNIT_ADMIN})
    assert added.status_code == 302
    assert Membership.objects.filter(user__username="petugas.baru",
                                     agency="pemkot-surabaya.dinkes").exists()
    outside = admin_a.post("/kantor/anggota/", {
        "username": "petugas.baru", "agency": "pemprov-jawa-timur", "role": Role.UNIT_ADMIN})
    national_role = admin_a.post("/kantor/anggota/", {
        "username": "petugas.baru", "agency": "pemkot-surabaya", "role": Role.NATIONAL_ADMIN})
    assert outside.status_code == 422 and national_role.status_code == 422
    mine = Membership.objects.get(user=cast.admin_a.user)
    assert admin_a.post(f"/kantor/anggota/{mine.pk}/hapus/").status_code == 302
    assert Membership.objects.filter(pk=mine.pk).exists()
    theirs = Membership.objects.get(user=cast.admin_b.user)
    assert admin_a.post(f"/kantor/anggota/{theirs.pk}/hapus/").status_code == 404
    unit = Membership.objects.get(user=cast.unit_a.user)
    admin_a.post(f"/kantor/anggota/{unit.pk}/hapus/")
    assert not Membership.objects.filter(pk=unit.pk).exists()
    assert as_(cast.unit_a).get("/kantor/anggota/").status_code in (302, 404)


def test_the_django_admin_is_for_national_admins_only(cast):
    assert Client().get("/admin/").status_code == 302
    assert as_(cast.admin_a).get("/admin/").status_code == 302
    national = as_(cast.national)
    assert national.get("/admin/").status_code == 200
    assert national.get("/admin/agencies/category/").status_code == 200
    assert national.get("/admin/agencies/region/?q=rungkut").status_code == 200
    assert national.get("/admin/agencies/region/add/").status_code == 403


def test_a_liaison_signs_off_in_the_back_office(cast):
    from aduan.agencies.models import Agency

    Agency.objects.filter(pk="pemkot-surabaya").update(requires_signoff=True)
    liaison = _member("liaison_a", "pemkot-surabaya", Role.LIAISON)
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dinkes")
    unit = as_(cast.unit_a)
    assert 'id="act-respond"' not in text(unit.get(f"/kantor/laporan/{report.tracking_id}/"))
    _act(unit, report, "draft_response", {"message": "Obat sudah tersedia."})
    client = as_(liaison)
    assert report.tracking_id in text(client.get("/kantor/antrian/signoff/"))
    page = text(client.get(f"/kantor/laporan/{report.tracking_id}/"))
    assert "Obat sudah tersedia." in page and 'id="act-sign_off"' in page
    _act(client, report, "sign_off", {"note": ""})
    report.refresh_from_db()
    assert report.status == "responded"


def test_accepting_can_set_how_much_work_a_report_needs(cast):
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    report.refresh_from_db()
    simple_due = report.resolution_due
    assert _act(as_(cast.admin_a), report, "accept", {"severity": "field_check"}).status_code \
        == 302
    report.refresh_from_db()
    assert report.status == "in_progress" and report.severity == "field_check"
    assert report.resolution_due > simple_due


def test_staff_read_their_notices_in_the_back_office(cast, settings):
    settings.ADUAN = {**settings.ADUAN, "FORWARD_ALERT_LIMIT": 0}
    report, _pin = submit()
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    services.report_forward(caller=cast.admin_a.caller, report=report,
                            agency="pemprov-jawa-timur.dpupr", reason="Jalan provinsi")
    national = as_(cast.national)
    dashboard = text(national.get("/kantor/"))
    assert 'class="count-badge">1<' in dashboard
    inbox = text(national.get("/kantor/pemberitahuan/"))
    assert f'href="/kantor/laporan/{report.tracking_id}/"' in inbox
    assert national.post("/kantor/pemberitahuan/").status_code == 302
    assert 'class="count-badge"' not in text(national.get("/kantor/"))
    assert "count-badge" not in text(as_(cast.admin_b).get("/kantor/"))
