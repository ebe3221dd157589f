"""The privacy matrix: every role × public/anonymous/confidential × every API response.

Protected values are searched for in the raw response text, so a field that
leaks under any name is caught.
"""

import pytest
from conftest import PASSWORD, submit
from django.contrib.auth import get_user_model

from aduan.accounts.models import AuditEntry
from aduan.accounts.services import token_create
from aduan.reports import services

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE = "Siti Rahmawati", "siti.rahma@contoh.id", "081299887766"
BODY_PHONE = "0812-9988-7766"
PRIVACY = {
    "public": {},
    "anonymous": {"anonymous": True},
    "confidential": {"confidential": True},
    "both": {"anonymous": True, "confidential": True},
}
VIEWERS = ["nobody", "reporter_pin", "reporter_account", "other_citizen", "national", "admin_a",
           "leader_a", "admin_b", "unit_a", "supervisor", "auditor"]


def expected_view(viewer: str, confidential: bool) -> str | None:
    if viewer == "national":
        return "national"
    if viewer in ("admin_a", "leader_a"):
        return "staff"
    if viewer.startswith("reporter"):
        return "reporter"
    return None if confidential else "public"


@pytest.fixture
def world(cast, api):
    other = get_user_model().objects.create_user("other", "other@contoh.id", PASSWORD)
    tokens = {
        "nobody": {}, "other_citizen": {"token": token_create(user=other, from_cli=True)},
        "reporter_account": {"token": cast.citizen.token},
        **{name: {"token": getattr(cast, name).token}
           for name in ("national", "admin_a", "leader_a", "admin_b", "unit_a", "supervisor",
                        "auditor")},
    }
    return tokens


def make(cast, privacy: str):
    report, pin = submit(
        title="Pungli di loket", body=f"Petugas minta uang; saya bisa dihubungi di {BODY_PHONE}.",
        reporter_name=NAME, reporter_email=EMAIL, reporter_phone=PHONE, user=cast.citizen.user,
        **PRIVACY[privacy])
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    return report, pin


def check_identity(text: str, view: str | None, anonymous: bool, where: str):
    sees_contact = view == "reporter" or (view in ("staff", "national") and not anonymous)
    sees_name = sees_contact or (view == "public" and not anonymous)
    assert (NAME in text) == sees_name, where
    assert (EMAIL in text) == sees_contact, where
    assert (PHONE in text) == sees_contact, where
    if view == "public":
        assert BODY_PHONE not in text and "[TELEPON]" in text, where


@pytest.mark.parametrize("privacy", PRIVACY)
def test_every_role_sees_exactly_what_it_may(api, cast, world, privacy):
    report, pin = make(cast, privacy)
    tid = report.tracking_id
    anonymous, confidential = "anonymous" in PRIVACY[privacy], "confidential" in PRIVACY[privacy]
    for viewer in VIEWERS:
        auth = {"pin": pin} if viewer == "reporter_pin" else world[viewer]
        view = expected_view(viewer, confidential)
        detail = api.get(f"/reports/{tid}", **auth)
        events = api.get(f"/reports/{tid}/events", **auth)
        if view is None:
            assert detail.status_code == 404, viewer
            assert events.status_code == 404, viewer
            assert detail.json()["error"]["code"] == "not_found"
        else:
            assert detail.status_code == 200, (viewer, detail.content)
            assert events.status_code == 200, viewer
            check_identity(detail.content.decode(), view, anonymous, f"{viewer} detail")
            check_identity(events.content.decode() + detail.content.decode(), view, anonymous,
                           f"{viewer} events")
            assert detail.json()["reporter_hidden"] == (anonymous and view != "reporter")
        # Listings: the public one never shows a confidential report to anyone.
        public = api.get("/reports", **auth).content.decode()
        assert (tid in public) == (not confidential), viewer
        assert NAME not in public and EMAIL not in public and BODY_PHONE not in public
        found = api.get("/reports", q="pungli", **auth).content.decode()
        assert (tid in found) == (not confidential), viewer
        staff_list = api.get("/reports", scope="agency", **auth).content.decode()
        assert (tid in staff_list) == (view in ("staff", "national")), viewer
        mine = api.get("/reports", scope="mine", **auth).content.decode()
        assert (tid in mine) == (viewer == "reporter_account"), viewer


@pytest.mark.parametrize("privacy", PRIVACY)
def test_action_responses_hide_the_anonymous_reporter(api, cast, privacy):
    report, pin = make(cast, privacy)
    anonymous = "anonymous" in PRIVACY[privacy]
    tid = report.tracking_id
    steps = [(cast.admin_a.token, "accept", None, "staff"),
             (cast.national.token, "request-info", {"message": "Mohon bukti."}, "national"),
             (None, "info", {"message": "Ini buktinya."}, "reporter"),
             (cast.admin_a.token, "respond", {"message": f"Ditindak. Info: {BODY_PHONE}"},
              "staff")]
    for token, action, body, view in steps:
        auth = {"token": token} if token else {"pin": pin}
        response = api.post(f"/reports/{tid}/{action}", body, **auth)
        assert response.status_code == 200, (action, response.content)
        check_identity(response.content.decode(), view, anonymous, action)
    # the public sees the follow-up, redacted
    if "confidential" not in PRIVACY[privacy]:
        events = api.get(f"/reports/{tid}/events").json()["items"]
        respond = next(e for e in events if e["action"] == "respond")
        assert BODY_PHONE not in respond["message"] and "[TELEPON]" in respond["message"]
        assert all(e["actor"] is None for e in events)
        assert not any(e["action"] in ("request_info", "provide_info") for e in events)


REASON = {"reason": "Ancaman kekerasan dalam laporan, diminta kepolisian"}


def test_only_the_national_admin_sees_an_anonymous_reporter_and_it_is_audited(api, cast):
    report, _pin = make(cast, "both")
    tid = report.tracking_id
    path = f"/reports/{tid}/reporter"
    assert api.post(path, REASON, token=cast.admin_a.token).status_code == 403
    assert api.post(path, REASON, token=cast.admin_b.token).status_code == 404
    assert api.post(path, REASON).status_code == 401  # credentials before anything else
    assert not AuditEntry.objects.filter(target=tid).exists()
    short = api.post(path, {"reason": "perlu"}, token=cast.national.token)
    assert short.status_code == 422 and "20" in short.json()["error"]["message"]
    assert not AuditEntry.objects.filter(target=tid).exists()
    response = api.post(path, REASON, token=cast.national.token)
    assert response.status_code == 200
    assert response.json()["name"] == NAME and response.json()["email"] == EMAIL
    api.post(path, REASON, token=cast.national.token)
    audits = AuditEntry.objects.filter(target=tid, action="reporter_identity_viewed")
    assert audits.count() == 2 and audits.first().actor == cast.national.user
    assert audits.first().detail["reason"] == REASON["reason"]


def test_a_report_is_private_until_dispatched(api, cast):
    report, pin = submit()
    tid = report.tracking_id
    assert api.get(f"/reports/{tid}").status_code == 404
    assert api.get(f"/reports/{tid}", token=cast.admin_a.token).status_code == 404
    assert api.get(f"/reports/{tid}", pin=pin).status_code == 200
    assert api.get(f"/reports/{tid}", token=cast.national.token).status_code == 200
    assert tid not in api.get("/reports").content.decode()


def test_supervisor_reads_what_is_referred_to_it(api, cast):
    report, _pin = make(cast, "confidential")
    tid = report.tracking_id
    assert api.get(f"/reports/{tid}", token=cast.supervisor.token).status_code == 404
    type(report).objects.filter(pk=report.pk).update(escalation_level=3)
    response = api.get(f"/reports/{tid}", token=cast.supervisor.token)
    assert response.status_code == 200
    assert tid in api.get("/reports", scope="agency", token=cast.supervisor.token).content.decode()


# --- statistics, open data and feeds (issue 10) ---------------------------------------------
STATS_PUBLIC_URLS = [
    "/statistik/?from=2020-01&to=2030-12", "/statistik/definisi/",
    "/statistik/instansi/pemkot-surabaya/?from=2020-01&to=2030-12",
    "/statistik/wilayah/35/?from=2020-01&to=2030-12", "/statistik/wilayah/35.78/",
    "/feeds/instansi/pemkot-surabaya/", "/feeds/wilayah/35.78/", "/feeds/wilayah/35/",
    "/feeds/kategori/jalan_drainase/", "/data/",
    "/api/v1/stats?scope=agency&code=pemkot-surabaya&from=2020-01&to=2030-12&by=category",
    "/api/v1/stats?scope=regency&code=35.78&counts=full&by=month",
]
STATS_STAFF_URLS = [
    "/kantor/statistik/?from=2020-01&to=2030-12", "/kantor/statistik/peringatan-dini/",
    "/kantor/statistik/laporan-pimpinan/pemkot-surabaya/{month}/",
    "/kantor/statistik/laporan-pimpinan/pemkot-surabaya/{month}/?format=xlsx",
]


def _stats_texts(cast, tmp_path, settings) -> dict[str, str]:
    import gzip
    from datetime import date

    from django.core.management import call_command
    from django.test import Client

    from aduan.stats.rollup import stats_refresh_all

    stats_refresh_all()
    settings.ADUAN = {**settings.ADUAN, "OPENDATA_DIR": str(tmp_path)}
    call_command("opendata", "export")
    folder = next(tmp_path.iterdir())
    texts = {f"opendata:{p.name}": (gzip.open(p, "rt").read() if p.suffix == ".gz"
                                    else p.read_text()) for p in folder.iterdir()}
    month = f"{date.today():%Y-%m}"
    for viewer in ("nobody", "citizen", "national", "admin_a", "leader_a", "admin_b"):
        client = Client()
        if viewer != "nobody":
            client.force_login(getattr(cast, viewer).user)
        urls = STATS_PUBLIC_URLS + ([u.format(month=month) for u in STATS_STAFF_URLS]
                                    if viewer not in ("nobody", "citizen") else [])
        for url in urls:
            response = client.get(url, follow=True)
            body = response.content
            if url.endswith("xlsx") and response.status_code == 200:
                from io import BytesIO

                from openpyxl import load_workbook
                book = load_workbook(BytesIO(body))
                body = " ".join(str(c) for s in book for r in s.iter_rows(values_only=True)
                                for c in r).encode()
            texts[f"{viewer}:{url}"] = body.decode(errors="replace")
    return texts


@pytest.mark.parametrize("privacy", PRIVACY)
def test_no_statistics_page_export_feed_or_api_shows_protected_data(cast, privacy, tmp_path,
                                                                    settings):
    report, _pin = make(cast, privacy)
    services.report_respond(caller=cast.admin_a.caller, report=report,
                            message=f"Kami hubungi Anda di {BODY_PHONE}.")
    texts = _stats_texts(cast, tmp_path, settings)
    confidential = PRIVACY[privacy].get("confidential", False)
    for where, text in texts.items():
        for value in (NAME, EMAIL, PHONE, BODY_PHONE):
            assert value not in text, (where, value)
        if confidential:
            for value in ("Pungli di loket", "Petugas minta uang", report.tracking_id):
                assert value not in text, (where, value)
    if not confidential:  # the public report is there, redacted
        assert report.tracking_id in texts["opendata:reports.jsonl.gz"]
        assert "Pungli di loket" in texts["nobody:/feeds/instansi/pemkot-surabaya/"]
