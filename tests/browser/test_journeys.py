"""A citizen's report from the form to the rating, through three agencies, in a real browser."""

import re

import pytest
from conftest import PASSWORD, _member
from webutil import photo_with_gps

from aduan.agencies.models import Role
from aduan.reports.models import Attachment, Report

from .conftest import check_a11y

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff_login(page, username):
    page.goto("/kantor/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_url("**/kantor/**")  # leaders land on the early warning


def act(page, action, fields=None):
    """Open an action's panel on the back-office report page, fill it and submit it."""
    panel = page.locator(f"#act-{action}")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    for name, value in (fields or {}).items():
        panel.locator(f"[name={name}]").first.fill(value)
    # Wait for the answer to the POST, not just for the current page to be loaded.
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()


@pytest.fixture
def staff(transactional_db):
    return {
        "national": _member("national", "kemenpanrb", Role.NATIONAL_ADMIN),
        "admin_a": _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN),
        "admin_b": _member("admin_b", "pemprov-jawa-timur", Role.AGENCY_ADMIN),
    }


def test_anonymous_report_with_a_photo_from_form_to_rating(pages, staff, tmp_path):
    photo = tmp_path / "jalan.jpg"
    photo.write_bytes(photo_with_gps().read())

    citizen = pages.new("citizen")
    citizen.goto("/lapor/")
    check_a11y(citizen, "report form")
    citizen.fill("#id_title", "Jalan provinsi berlubang di Waru")
    citizen.fill("#id_body", "Lubang besar di lajur kiri, motor sering jatuh.")
    citizen.select_option("#id_category", "jalan_drainase")
    citizen.select_option("#id_province", "35")
    citizen.select_option("#id_regency", "35.78")  # filled in place by JavaScript
    citizen.select_option("#id_district", "35.78.02")
    citizen.locator("details.map-box summary").click()
    citizen.locator(".map").click(position={"x": 100, "y": 100})
    assert citizen.input_value("#id_latitude")
    citizen.check("#id_anonymous")
    citizen.fill("#id_reporter_name", "Warga Waru")
    citizen.set_input_files("#id_attachments", str(photo))
    with citizen.expect_navigation():
        citizen.click("button[name=_send]")
    citizen.wait_for_url("**/lapor/terkirim/")
    check_a11y(citizen, "receipt")
    tracking_id = citizen.inner_text("#receipt-id").replace("-", "")
    pin = citizen.inner_text("#receipt-pin")
    assert re.fullmatch(r"\d{8}", pin)
    report = Report.objects.get(tracking_id=tracking_id)
    assert report.anonymous and report.region_id == "35.78.02" and report.latitude
    assert b"Exif" not in Attachment.objects.get(report=report).file.read()

    national = pages.new("national")
    staff_login(national, "national")
    check_a11y(national, "dashboard")
    national.goto("/kantor/antrian/verify/")
    with national.expect_navigation():
        national.click(f"a[href='/kantor/laporan/{tracking_id}/']")
    check_a11y(national, "back-office report")
    assert "Warga Waru" not in national.content()
    act(national, "dispatch", {"agency": "pemkot-surabaya.dpupr"})
    assert Report.objects.get(pk=report.pk).holder_id == "pemkot-surabaya.dpupr"

    city = pages.new("admin_a")
    staff_login(city, "admin_a")
    city.goto(f"/kantor/laporan/{tracking_id}/")
    assert "Warga Waru" not in city.content()
    act(city, "forward", {"agency": "pemprov-jawa-timur.dpupr",
                          "reason": "Jl. Raya Waru adalah jalan provinsi."})
    assert Report.objects.get(pk=report.pk).holder_id == "pemprov-jawa-timur.dpupr"

    province = pages.new("admin_b")
    staff_login(province, "admin_b")
    province.goto("/kantor/antrian/held/")
    check_a11y(province, "held queue")
    with province.expect_navigation():
        province.click(f"a[href='/kantor/laporan/{tracking_id}/']")
    act(province, "accept")
    act(province, "respond", {"message": "Lubang sudah ditambal pada 3 Desember."})

    citizen.goto(f"/laporan/{tracking_id}/")
    check_a11y(citizen, "reporter's report page")
    assert "Lubang sudah ditambal" in citizen.content()
    citizen.fill("#act-reply textarea[name=message]", "Tambalan sudah rusak lagi.")
    with citizen.expect_navigation():
        citizen.click("#act-reply button[type=submit]")
    assert Report.objects.get(pk=report.pk).status == "in_progress"

    province.reload()
    act(province, "respond", {"message": "Ruas diaspal ulang sepanjang 200 m."})

    # A second device: the reporter follows the report with tracking ID and PIN.
    phone = pages.new("citizen_again", locale="en-US")
    phone.goto("/lacak/")
    check_a11y(phone, "tracking form")
    phone.fill("#id_tracking_id", tracking_id.lower())
    phone.fill("#id_pin", pin)
    with phone.expect_navigation():
        phone.click("button.primary")
    phone.wait_for_url(f"**/laporan/{tracking_id}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.check("#act-close input[name=rating][value='5']")
    phone.fill("#act-close textarea[name=comment]", "Terima kasih, sudah mulus.")
    with phone.expect_navigation():
        phone.click("#act-close button[type=submit]")
    done = Report.objects.get(pk=report.pk)
    assert done.status == "closed" and done.rating == 5 and done.forward_count == 1
    check_a11y(phone, "completed report")

    public = pages.new("public")
    public.goto(f"/laporan/{tracking_id}/")
    assert "Warga Waru" not in public.content() and "/lampiran/" not in public.content()
    assert "Ruas diaspal ulang" in public.content()
