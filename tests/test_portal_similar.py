"""The portal shows similar open reports before sending, and citizens can support one."""

import pytest
from conftest import PASSWORD, submit
from django.test import Client

from aduan.reports import services
from aduan.reports.models import Report
from aduan.routing.models import ReportSupport

pytestmark = pytest.mark.django_db

FORM = {"kind": "complaint", "title": "Lampu jalan mati di Jl. Raya Darmo",
        "body": "Lampu penerangan jalan umum di Jl. Raya Darmo mati sejak seminggu, gelap "
                "sekali dan rawan kejahatan malam hari.",
        "category": "perhubungan", "province": "35", "regency": "35.78", "_send": "1"}


@pytest.fixture
def published(cast):
    report, _pin = submit(title="Lampu jalan mati di Jl. Raya Darmo",
                          body="Lampu penerangan jalan di Jl. Raya Darmo mati sejak seminggu, "
                               "gelap dan rawan kejahatan malam hari.",
                          category="perhubungan", region_code="35.78.04")
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dishub")
    return report


def test_a_similar_open_report_is_shown_before_sending_and_can_be_passed_by(published):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    before = Report.objects.count()
    first = client.post("/lapor/", FORM)
    assert first.status_code == 200 and Report.objects.count() == before
    page = first.content.decode()
    assert published.tracking_id in page and 'name="_send_anyway"' in page
    assert "Lampu jalan mati di Jl. Raya Darmo" in page  # what was typed is kept
    sent = client.post("/lapor/", {**FORM, "_send_anyway": "1"})
    assert sent.status_code == 302 and Report.objects.count() == before + 1


def test_an_unrelated_report_is_sent_at_once(published):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = client.post("/lapor/", {**FORM, "title": "Syarat membuat akta kelahiran",
                                       "body": "Apa saja syarat membuat akta kelahiran anak "
                                               "di Dispendukcapil?", "category": "kependudukan"})
    assert response.status_code == 302


def test_confidential_reports_are_never_suggested(cast):
    report, _pin = submit(title="Lampu jalan mati di Jl. Raya Darmo",
                          body="Lampu penerangan jalan di Jl. Raya Darmo mati sejak seminggu.",
                          category="perhubungan", region_code="35.78.04", confidential=True)
    services.report_dispatch(caller=cast.national.caller, report=report,
                             agency="pemkot-surabaya.dishub")
    response = Client().post("/lapor/", FORM)
    assert response.status_code == 302  # nothing visible to hold it up
    assert report.tracking_id not in response.content.decode()


def test_citizens_support_a_report_once_and_anonymous_visitors_are_asked_to_log_in(
        published, cast):
    url = f"/laporan/{published.tracking_id}/dukung/"
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    assert client.login(username="citizen", password=PASSWORD)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert ReportSupport.objects.filter(report=published).count() == 1
    page = client.get(f"/laporan/{published.tracking_id}/").content.decode()
    assert "1 orang mengalami masalah yang sama" in page
