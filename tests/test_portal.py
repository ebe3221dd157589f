"""The public portal over HTTP: languages, the report form without JavaScript, receipts,
tracking by PIN, the reporter's actions, accounts and the public listing."""

import re

import pytest
from conftest import PASSWORD, submit
from django.test import Client
from webutil import csp_nonce_ok, photo_with_gps, text

from aduan.reports import services
from aduan.reports.models import Attachment, Report, ReportEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


FORM = {"kind": "complaint", "title": "Lampu jalan mati", "body": "Sudah dua minggu gelap.",
        "category": "perhubungan", "province": "35", "regency": "35.78", "district": "35.78.04",
        "address": "Jl. Raya Darmo 45", "reporter_name": "Budi", "_send": "1"}


@pytest.mark.parametrize("url", ["/", "/lapor/", "/lacak/", "/laporan/", "/akun/masuk/",
                                 "/akun/daftar/", "/kantor/"])
def test_pages_speak_indonesian_first_and_english_on_request(url):
    page = Client().get(url)
    assert page.status_code == 200
    assert '<html lang="id">' in text(page)
    assert "Content-Security-Policy" in page and csp_nonce_ok(page)
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in text(english)


def test_the_language_button_switches_and_remembers():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/lapor/"})
    assert response.status_code == 302
    assert '<html lang="en">' in text(client.get("/lapor/"))


def test_the_region_picker_works_without_javascript():
    client = Client()
    page = text(client.post("/lapor/", {"title": "Ketik dulu", "province": "35",
                                        "_refine": "1"}))
    assert 'name="regency"' in page and "Kota Surabaya" in page
    assert 'value="Ketik dulu"' in page and "error-summary" not in page
    found = text(client.post("/lapor/", {"region_q": "rungkut", "_find_region": "1"}))
    assert 'name="region_pick" value="35.78.' in found
    code = re.search(r'name="region_pick" value="([\d.]+)"', found).group(1)
    picked = text(client.post("/lapor/", {"region_pick": code, "_refine": "1"}))
    assert f'value="{code}" selected' in picked


def test_region_lookup_returns_small_json_pages():
    provinces = Client().get("/wilayah/").json()["items"]
    assert len(provinces) == 38
    districts = Client().get("/wilayah/?parent=35.78").json()["items"]
    assert {"code": "35.78.01", "name": districts[0]["name"]} in districts or districts
    hits = Client().get("/wilayah/?q=sungai pinang").json()["items"]
    assert 0 < len(hits) <= 15 and all("within" in h for h in hits)


def test_errors_appear_beside_the_field_and_keep_what_was_typed():
    response = Client().post("/lapor/", {**FORM, "title": "", "latitude": "1", "_send": "1"})
    assert response.status_code == 422
    page = text(response)
    assert 'class="field has-error"' in page and "Sudah dua minggu gelap." in page
    assert 'value="Jl. Raya Darmo 45"' in page
    assert Report.objects.count() == 0
    domain = Client().post("/lapor/", {**FORM, "latitude": "30", "longitude": "100"})
    assert domain.status_code == 422 and "Indonesia" in text(domain)
    assert Report.objects.count() == 0


def test_a_citizen_sends_a_report_and_gets_a_receipt():
    client = Client()
    response = client.post("/lapor/", {**FORM, "anonymous": "on",
                                       "attachments": [photo_with_gps()]})
    assert response.status_code == 302 and response["Location"] == "/lapor/terkirim/"
    report = Report.objects.get()
    assert report.region_id == "35.78.04" and report.anonymous and report.channel == "web"
    assert Attachment.objects.get(report=report).content_type == "image/jpeg"
    receipt = text(client.get("/lapor/terkirim/"))
    assert report.tracking_id[:5] in receipt
    pin = re.search(r'id="receipt-pin">(\d+)<', receipt).group(1)
    saved = client.get("/lapor/terkirim/bukti.txt")
    assert pin in text(saved) and "attachment" in saved["Content-Disposition"]
    # The session that sent it may follow it straight away.
    mine = text(client.get(f"/laporan/{report.tracking_id}/"))
    assert "Budi" in mine and "Sudah dua minggu gelap." in mine
    # Another visitor needs the PIN.
    assert Client().get(f"/laporan/{report.tracking_id}/").status_code == 404
    other = Client()
    wrong = other.post("/lacak/", {"tracking_id": report.tracking_id, "pin": "00000000"})
    assert wrong.status_code == 422
    assert text(wrong).count("not right") + text(wrong).count("tidak benar") >= 1
    right = other.post("/lacak/", {"tracking_id": report.tracking_id.lower(), "pin": pin})
    assert right.status_code == 302
    assert "Budi" in text(other.get(right["Location"]))


def test_the_reporter_answers_replies_accepts_and_rates(cast):
    client = Client()
    client.force_login(cast.citizen.user)
    report, _pin = submit(user=cast.citizen.user)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    services.report_request_info(caller=cast.admin_a.caller, report=report, message="Foto?")
    url = f"/laporan/{report.tracking_id}/"
    assert 'action="/laporan/%s/provide_info/"' % report.tracking_id in text(client.get(url))
    bad = client.post(url + "provide_info/", {"message": ""})
    assert bad.status_code == 422 and "has-error" in text(bad)
    client.post(url + "provide_info/", {"message": "Ini fotonya.",
                                        "attachments": [photo_with_gps()]})
    services.report_accept(caller=cast.admin_a.caller, report=report)
    services.report_respond(caller=cast.admin_a.caller, report=report, message="Sudah ditambal.")
    client.post(url + "reply/", {"message": "Masih berlubang."})
    report.refresh_from_db()
    assert report.status == "in_progress" and report.reopen_count == 1
    services.report_respond(caller=cast.admin_a.caller, report=report, message="Ditambal ulang.")
    # Somebody else cannot act for the reporter on this public report.
    assert Client().post(url + "close/", {"rating": "1"}).status_code == 422
    client.post(url + "close/", {"rating": "4", "comment": "Terima kasih"})
    report.refresh_from_db()
    assert report.status == "closed" and report.rating == 4
    actions = list(ReportEvent.objects.filter(report=report).values_list("action", flat=True))
    assert actions[-1] == "close" and "provide_info" in actions and "reply" in actions


def test_the_public_listing_hides_confidential_reports_and_anonymous_names(cast):
    shown, _ = submit(title="Jalan rusak terbuka", reporter_name="Nama Terbuka")
    secret, _ = submit(title="Pungli rahasia", confidential=True)
    hidden_name, _ = submit(title="Pelapor tanpa nama", anonymous=True, reporter_name="Rahasia Sekali")
    for report in (shown, secret, hidden_name):
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    page = text(Client().get("/laporan/"))
    assert shown.tracking_id in page and hidden_name.tracking_id in page
    assert secret.tracking_id not in page and "Pungli rahasia" not in page
    assert Client().get(f"/laporan/{secret.tracking_id}/").status_code == 404
    anonymous_page = text(Client().get(f"/laporan/{hidden_name.tracking_id}/"))
    assert "Rahasia Sekali" not in anonymous_page and "0812-3456-7890" not in anonymous_page
    filtered = text(Client().get("/laporan/", {"category": "jalan_drainase", "region": "35.78",
                                               "status": "dispatched", "q": "jalan"}))
    assert shown.tracking_id in filtered
    bad = Client().get("/laporan/", {"agency": "no-such-agency"})
    assert bad.status_code == 200 and "no-such-agency" in text(bad)
    assert text(Client().get("/")).count("card-title") == 2


def test_register_log_in_and_see_my_reports_by_tab(cast):
    client = Client()
    response = client.post("/akun/daftar/", {"name": "Ani", "email": "Ani@Contoh.id",
                                             "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    duplicate = Client().post("/akun/daftar/", {"email": "ani@contoh.id", "password": PASSWORD,
                                                "password2": PASSWORD})
    assert duplicate.status_code == 422
    client.post("/akun/keluar/")
    assert client.post("/akun/masuk/", {"login": "ani@contoh.id",
                                        "password": "wrong"}).status_code == 422
    assert client.post("/akun/masuk/", {"login": "ANI@contoh.id",
                                        "password": PASSWORD}).status_code == 302
    client.post("/lapor/", FORM)
    report = Report.objects.get()
    assert report.reporter.email == "ani@contoh.id"
    assert report.tracking_id in text(client.get("/akun/laporan/?tab=belum"))
    assert report.tracking_id not in text(client.get("/akun/laporan/?tab=proses"))
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dpupr")
    assert report.tracking_id in text(client.get("/akun/laporan/?tab=proses"))
    assert Client().get("/akun/laporan/").status_code == 302


def test_home_counters_come_from_statistics_at_national_scale(cast, monkeypatch):
    from django.db import connection

    from aduan.reports import selectors

    for _ in range(3):
        submit()
    exact = selectors.report_counters()
    assert exact["received"] == 3 and exact["agencies"] > 10_000
    if connection.vendor != "postgresql":
        return
    monkeypatch.setattr(selectors, "ESTIMATE_FROM", 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_report")
    estimated = selectors.report_counters()
    assert estimated["received"] >= 1 and estimated["closed"] == 0
