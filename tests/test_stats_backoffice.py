"""Staff statistics: subtree dashboards with confidential counts, early warning, leader reports."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from conftest import submit
from django.test import Client
from openpyxl import load_workbook

from aduan.channels.models import OutboundMessage
from aduan.deadlines.calendar import WIB
from aduan.reports import services
from aduan.stats.early_warning import spikes, week_start
from aduan.stats.leader import leader_reports_send
from aduan.stats.models import LeaderReport
from aduan.stats.rollup import stats_refresh_all

pytestmark = pytest.mark.django_db
SECRET = "Rahasia: nama saksi Budi Santoso"


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def history(cast):
    for confidential in (False, True):
        report, _ = submit(confidential=confidential,
                           body=SECRET if confidential else "Jalan rusak")
        services.report_dispatch(caller=cast.national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    stats_refresh_all()


def test_staff_dashboard_counts_confidential_reports_of_the_subtree_only(history, cast):
    page = client_for(cast.admin_a).get("/kantor/statistik/?from=2020-01&to=2030-12")
    assert page.status_code == 200
    text = page.content.decode()
    assert SECRET not in text and "Budi" not in text
    public = Client().get("/statistik/instansi/pemkot-surabaya/?from=2020-01&to=2030-12")
    assert public.context["totals"]["received"] == 1
    assert page.context["totals"]["received"] == 2
    other = client_for(cast.admin_b).get("/kantor/statistik/?instansi=pemkot-surabaya")
    assert other.status_code == 404


def test_leaders_land_on_the_early_warning(cast):
    response = client_for(cast.leader_a).get("/kantor/")
    assert response.status_code == 302 and response["Location"].endswith("/peringatan-dini/")
    assert client_for(cast.leader_a).get("/kantor/statistik/peringatan-dini/").status_code == 200


def test_a_spike_in_a_regency_is_listed_with_its_frequent_words(cast):
    today = date(2026, 11, 26)
    monday = week_start(today)
    for weeks_back in range(1, 9):  # a quiet baseline: one report a week
        at = datetime.combine(monday - timedelta(weeks=weeks_back), datetime.min.time(), WIB)
        with time_machine.travel(at + timedelta(hours=10), tick=False):
            submit(title="Lampu jalan mati", body="Lampu mati di gang.")
    for _n in range(8):
        at = datetime.combine(monday, datetime.min.time(), WIB) + timedelta(hours=10)
        with time_machine.travel(at, tick=False):
            report, _ = submit(title="Banjir setinggi lutut", body="Banjir di Jl. Darmo.")
            services.report_dispatch(caller=cast.national.caller, report=report,
                                     agency="pemkot-surabaya.dpupr")
    stats_refresh_all()
    found = spikes(region_prefix="35", today=today)
    assert [(s.regency_code, s.count, s.baseline) for s in found] == [("35.78", 8, 1.0)]
    assert "banjir" in found[0].words
    assert spikes(region_prefix="31", today=today) == []


def test_leader_report_page_xlsx_and_monthly_link(history, cast):
    month = date.today().replace(day=1)
    url = f"/kantor/statistik/laporan-pimpinan/pemkot-surabaya/{month:%Y-%m}/"
    page = client_for(cast.leader_a).get(url)
    assert page.status_code == 200 and SECRET not in page.content.decode()
    xlsx = client_for(cast.leader_a).get(url + "?format=xlsx")
    book = load_workbook(BytesIO(xlsx.content))
    received = [row for row in book.active.iter_rows(values_only=True) if row[-1] == "received"]
    assert received[0][1] == 2
    assert client_for(cast.admin_b).get(url).status_code == 404
    cast.leader_a.user.email = "pimpinan@surabaya.go.id"
    cast.leader_a.user.save()
    assert leader_reports_send(month) == 1
    assert leader_reports_send(month) == 0  # once per agency and month
    message = OutboundMessage.objects.get(purpose="leader_report")
    assert url in message.body and message.recipient == "pimpinan@surabaya.go.id"
    assert LeaderReport.objects.count() == 1


def test_national_admins_add_predikat_versions_in_the_admin(cast):
    from aduan.stats.models import PredikatScheme
    from aduan.stats.predikat import scheme_active

    first = scheme_active()
    client = client_for(cast.national)
    bad = client.post("/admin/stats/predikatscheme/add/", {
        "weights": '{"nope": 1}', "baik_from": "80", "sedang_from": "60", "min_reports": "10"})
    assert bad.status_code == 200 and PredikatScheme.objects.count() == 1
    good = client.post("/admin/stats/predikatscheme/add/", {
        "weights": '{"pct_completed": 1}', "baik_from": "70", "sedang_from": "50",
        "min_reports": "5", "note": "2027"})
    assert good.status_code == 302
    assert scheme_active().version == first.version + 1
    refused = client_for(cast.admin_a).get("/admin/stats/predikatscheme/add/")
    assert refused.status_code in (302, 403)
