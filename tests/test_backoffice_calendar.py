"""National admins keep the working-day calendar in the back office."""

import pytest
from conftest import PASSWORD
from django.test import Client

from aduan.deadlines.models import Holiday

pytestmark = pytest.mark.django_db


def staff_client(member) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    assert client.login(username=member.user.username, password=PASSWORD)
    return client


def test_national_admin_lists_adds_and_removes_holidays(cast, django_capture_on_commit_callbacks):
    client = staff_client(cast.national)
    page = client.get("/kantor/kalender/?year=2026")
    assert page.status_code == 200
    assert "Hari Raya Idul Fitri" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        added = client.post("/kantor/kalender/?year=2026",
                            {"date": "2026-12-01", "name": "Hari Jadi Kota", "region": "35.78"})
    assert added.status_code == 302 and callbacks  # deadlines recomputed in the background
    assert Holiday.objects.filter(date="2026-12-01", region_code="35.78", removed=False).exists()
    listing = client.get("/kantor/kalender/?year=2026&region=35.78.01").content.decode()
    assert "Hari Jadi Kota" in listing
    removed = client.post("/kantor/kalender/hapus/", {"date": "2026-12-01", "region": "35.78",
                                                      "year": "2026"})
    assert removed.status_code == 302
    assert Holiday.objects.get(date="2026-12-01", region_code="35.78").removed
    answer = client.get("/kantor/kalender/?start=2026-03-17&days=1&region=").content.decode()
    assert "25" in answer and "Maret 2026" in answer


def test_bad_holiday_input_is_shown_beside_the_field(cast):
    client = staff_client(cast.national)
    response = client.post("/kantor/kalender/", {"date": "bukan-tanggal", "name": "",
                                                 "region": "99.99"})
    assert response.status_code == 422
    assert not Holiday.objects.exists()
    response = client.post("/kantor/kalender/", {"date": "2026-12-02", "name": "Libur",
                                                 "region": "99.99"})
    assert response.status_code == 422 and "99.99" in response.content.decode()
    assert not Holiday.objects.exists()


def test_only_national_admins_see_the_calendar(cast):
    assert staff_client(cast.admin_a).get("/kantor/kalender/").status_code == 404
    assert Client().get("/kantor/kalender/").status_code == 302
