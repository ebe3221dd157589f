"""Every role's screens in a real browser: what each may see of confidential and anonymous
reports, and WCAG 2.2 AA (axe-core) plus a 360-px phone width on every page."""

import pytest
from conftest import PASSWORD, _member, submit
from django.contrib.auth import get_user_model

from aduan.agencies.models import Role
from aduan.reports import services

from .conftest import check_a11y
from .test_journeys import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAME, EMAIL = "Rahmawati Sulistyo", "rahma.rahasia@contoh.id"


@pytest.fixture
def world(transactional_db):
    cast = {
        "national": _member("national", "kemenpanrb", Role.NATIONAL_ADMIN),
        "admin_a": _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN),
        "leader_a": _member("leader_a", "pemkot-surabaya", Role.LEADER),
        "admin_b": _member("admin_b", "pemprov-jawa-timur", Role.AGENCY_ADMIN),
        "supervisor": _member("supervisor", "ombudsman", Role.SUPERVISOR),
    }
    citizen = get_user_model().objects.create_user("warga", "warga@contoh.id", PASSWORD)
    reports = {}
    for label, privacy in (("anonymous", {"anonymous": True}),
                           ("confidential", {"confidential": True}),
                           ("both", {"anonymous": True, "confidential": True})):
        report, pin = submit(title=f"Laporan {label}", reporter_name=NAME,
                             reporter_email=EMAIL, user=citizen, **privacy)
        services.report_dispatch(caller=cast["national"].caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
        reports[label] = (report.tracking_id, pin)
    return cast, reports


# What each viewer's screen shows: None = "not found", else whether the name shows.
EXPECTED = {
    "public": {"anonymous": False, "confidential": None, "both": None},
    "reporter": {"anonymous": True, "confidential": True, "both": True},
    "admin_a": {"anonymous": False, "confidential": True, "both": False},
    "leader_a": {"anonymous": False, "confidential": True, "both": False},
    "admin_b": {"anonymous": False, "confidential": None, "both": None},
    "supervisor": {"anonymous": False, "confidential": None, "both": None},
    "national": {"anonymous": False, "confidential": True, "both": False},
}


def _open(page, path):
    response = page.goto(path)
    return response.status


def test_each_role_sees_exactly_its_share_of_private_reports(pages, world):
    _cast, reports = world
    for viewer, expected in EXPECTED.items():
        page = pages.new(viewer)
        if viewer == "reporter":
            page.goto("/akun/masuk/")
            page.fill("#id_login", "warga@contoh.id")
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("button.primary")
        elif viewer != "public":
            staff_login(page, viewer)
        for label, shows_name in expected.items():
            tracking_id, _pin = reports[label]
            base = "/kantor/laporan/" if viewer not in ("public", "reporter") else "/laporan/"
            status = _open(page, f"{base}{tracking_id}/")
            html = page.content()
            if shows_name is None:
                assert status == 404, (viewer, label)
                assert "Laporan" not in page.title() or tracking_id not in html
            else:
                assert status == 200, (viewer, label)
                assert (NAME in html) == shows_name, (viewer, label)
                assert (EMAIL in html) == shows_name, (viewer, label)
            # The public listing never shows a confidential report, to anyone.
        listing = (page.goto("/laporan/"), page.content())[1]
        assert reports["confidential"][0] not in listing and reports["both"][0] not in listing
        assert reports["anonymous"][0] in listing and NAME not in listing
        page.context.close()
    pages.opened.clear()


PUBLIC_PAGES = ["/", "/lapor/", "/lacak/", "/laporan/", "/akun/masuk/", "/akun/daftar/",
                "/kantor/"]
STAFF_PAGES = ["/kantor/", "/kantor/pemberitahuan/", "/kantor/antrian/verify/",
               "/kantor/antrian/held/", "/kantor/antrian/overdue/", "/kantor/laporan/",
               "/kantor/anggota/"]


def _fits_a_phone(page, path):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width}px wide at a 360-px screen"


def test_every_page_is_accessible_and_fits_a_phone(pages, world):
    cast, reports = world
    tracking_id = reports["anonymous"][0]
    for locale in ("id-ID", "en-US"):
        page = pages.new(f"public-{locale}", locale=locale)
        for path in [*PUBLIC_PAGES, f"/laporan/{tracking_id}/"]:
            page.goto(path)
            check_a11y(page, f"{path} ({locale})")
            _fits_a_phone(page, path)
        # The report form after a failed submission: errors are announced and labelled.
        page.goto("/lapor/")
        with page.expect_navigation():
            page.click("button[name=_send]")
        assert page.locator(".error-summary").is_visible()
        check_a11y(page, f"report form with errors ({locale})")
    staff = pages.new("admin_a")
    staff_login(staff, "admin_a")
    for path in [*STAFF_PAGES, f"/kantor/laporan/{tracking_id}/"]:
        staff.goto(path)
        check_a11y(staff, path)
        _fits_a_phone(staff, path)
    citizen = pages.new("reporter")
    citizen.goto("/akun/masuk/")
    citizen.fill("#id_login", "warga@contoh.id")
    citizen.fill("#id_password", PASSWORD)
    with citizen.expect_navigation():
        citizen.click("button.primary")
    citizen.wait_for_url("**/akun/laporan/")
    check_a11y(citizen, "my reports")
    _fits_a_phone(citizen, "/akun/laporan/")


def test_the_report_form_works_without_javascript(browser, live_server, transactional_db):
    from aduan.agencies.models import Region
    from aduan.agencies.refdata import load_reference_data
    from aduan.reports.models import Report

    if not Region.objects.exists():
        load_reference_data(force=True)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 360, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.goto("/lapor/")
    page.fill("#id_title", "Sampah menumpuk")
    page.fill("#id_body", "Sudah seminggu tidak diangkut.")
    page.fill("#id_region_q", "kebraon")
    with page.expect_navigation():
        page.click("button[name=_find_region]")
    page.check("input[name=region_pick]")
    with page.expect_navigation():
        page.click("button[name=_refine]")
    assert page.input_value("#id_title") == "Sampah menumpuk"
    assert page.locator("#id_village").input_value().startswith("35.78.")
    with page.expect_navigation():
        page.click("button[name=_send]")
    page.wait_for_url("**/lapor/terkirim/")
    report = Report.objects.get()
    assert report.region.name.lower() == "kebraon"
    context.close()
