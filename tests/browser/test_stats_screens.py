"""The statistics dashboards in a real browser on a 360-px screen: charts drawn by the
vendored Chart.js under the CSP, and WCAG 2.2 AA (axe-core) on every statistics page."""

from datetime import date

import pytest
from conftest import PASSWORD, _member, submit

from aduan.agencies.models import Role
from aduan.reports import services
from aduan.stats.rollup import stats_refresh_all

from .conftest import check_a11y

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    national = _member("national", "kemenpanrb", Role.NATIONAL_ADMIN)
    admin = _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN)
    _member("leader_a", "pemkot-surabaya", Role.LEADER)
    for confidential in (False, True, False):
        report, _pin = submit(confidential=confidential)
        services.report_dispatch(caller=national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    services.report_respond(caller=admin.caller, report=report, message="Sudah ditambal.")
    stats_refresh_all()


def _fits(page, path):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide at a 360-px screen"


def _login(page, username):
    page.goto("/kantor/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")


def test_public_statistics_pages_draw_charts_and_pass_axe(pages, world):
    page = pages.new("public")
    for path in ("/statistik/", "/statistik/instansi/pemkot-surabaya/",
                 "/statistik/wilayah/35/", "/statistik/definisi/", "/data/"):
        page.goto(path)
        check_a11y(page, path)
        _fits(page, path)
    page.goto("/statistik/")
    assert page.locator(".chart-canvas:not([hidden]) canvas").count() >= 4  # Chart.js ran
    assert page.locator(".tilemap a").count() == 38


def test_staff_statistics_and_leader_screens_pass_axe(pages, world):
    admin = pages.new("admin")
    _login(admin, "admin_a")
    month = f"{date.today():%Y-%m}"
    for path in ("/kantor/statistik/", "/kantor/statistik/peringatan-dini/",
                 f"/kantor/statistik/laporan-pimpinan/pemkot-surabaya/{month}/"):
        admin.goto(path)
        check_a11y(admin, path)
        _fits(admin, path)
    leader = pages.new("leader")
    _login(leader, "leader_a")
    assert leader.url.endswith("/kantor/statistik/peringatan-dini/")
