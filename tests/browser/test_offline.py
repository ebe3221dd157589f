"""Reports written without a connection: kept on the phone (IndexedDB), then sent once by
the service worker's Background Sync or, without it, by the next page opened; photos made
small on the phone; a logged-in reporter's report joins the account on every device.

Offline is emulated through the DevTools protocol (Playwright's ``set_offline`` sends
Network.emulateNetworkConditions to the page and to the service worker); the sync event is
dispatched over DevTools as Chromium fires it when the connection returns.
"""

import base64
import json
import re

import pytest
from conftest import PASSWORD
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from PIL import Image, ImageChops, ImageFilter

from aduan.reports.models import Attachment, Report

from .conftest import check_a11y
from .test_mobile import KB, wait_for_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def big_photo(path, seed):
    """A 12-megapixel camera-like photo: smooth light with fine grain (not pure noise)."""
    grain = Image.effect_noise((4000, 3000), 30).filter(ImageFilter.GaussianBlur(1.5))
    light = Image.linear_gradient("L").resize((4000, 3000))
    red = ImageChops.add(light, grain, scale=2.0, offset=seed * 20)
    image = Image.merge("RGB", [red, ImageChops.multiply(light, grain), grain.point(
        lambda v: (v + 40 * seed) % 256)])
    image.save(path, "JPEG", quality=92)
    return path


def test_a_report_written_offline_waits_then_is_sent_once(pages, tmp_path, figure):
    photos = [str(big_photo(tmp_path / f"foto{i}.jpg", i)) for i in range(3)]
    page = pages.new("offline")
    page.goto("/lapor/")
    wait_for_worker(page)
    page.context.set_offline(True)
    page.fill("#id_title", "Pohon tumbang menutup jalan")
    page.fill("#id_body", "Pohon besar tumbang di depan sekolah, jalan tertutup.")
    page.fill("#id_address", "Jl. Kenanga 12, Rungkut")
    page.set_input_files("#id_attachments", photos)
    page.wait_for_function("() => !!document.querySelector('#id_attachments').dataset.ready")
    sizes = page.evaluate("""() => Array.from(document.querySelector('#id_attachments').files)
        .map(f => f.size)""")
    dims = page.evaluate("""() => Promise.all(Array.from(
        document.querySelector('#id_attachments').files).map(f => createImageBitmap(f)
        .then(b => Math.max(b.width, b.height))))""")
    original = sum((tmp_path / f"foto{i}.jpg").stat().st_size for i in range(3))
    figure(f"three photos: {original / KB:.0f} KB chosen, {sum(sizes) / KB:.0f} KB to send, "
           f"longest sides {dims}")
    assert sum(sizes) < 1024 * KB and max(dims) == 1600
    with page.expect_navigation():
        page.click("button[name=_send]")
    page.wait_for_url("**/laporan-saya/?antrian=1")
    page.wait_for_selector("#device-waiting li")
    assert "Menunggu dikirim" in page.inner_text("#device-waiting")
    check_a11y(page, "device reports, waiting")
    assert not Report.objects.exists()
    kept = _kept_on_the_phone(page)
    # Background Sync: the service worker sends it with no page of the site open (the sync
    # event as Chromium fires it when the connection returns, dispatched over DevTools).
    registration = _worker_registration(page)
    page.goto("about:blank")
    page.context.set_offline(False)
    registration["cdp"].send("ServiceWorker.dispatchSyncEvent", {
        "origin": pages.base_url, "registrationId": registration["id"],
        "tag": "aduan-outbox", "lastChance": False})
    _until(page, lambda: Report.objects.exists())
    report = Report.objects.get()
    assert report.title == "Pohon tumbang menutup jalan"
    assert Attachment.objects.filter(report=report).count() == 3
    page.goto("/laporan-saya/")
    page.wait_for_selector("#device-sent li")
    assert page.locator("#device-waiting li").count() == 0
    # The receipt: tracking ID and PIN, from the phone.
    row = page.inner_text("#device-sent li")
    assert report.tracking_id in row and "undefined" not in row
    assert re.search(r"PIN \d{6,}", row)
    check_a11y(page, "device reports with a receipt and the push opt-in")
    # The same waiting report sent again (another tab, a late sync): stored once.
    again = Client().post("/api/v1/reports/upload", {
        # The report part as the page wrote it (JSON.stringify: no spaces).
        "report": json.dumps(kept["report"], separators=(",", ":"), ensure_ascii=False),
        "attachments": [SimpleUploadedFile(p["name"], base64.b64decode(p["data"]), p["type"])
                        for p in kept["photos"]]}, HTTP_IDEMPOTENCY_KEY=kept["key"])
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_id"] == report.tracking_id and Report.objects.count() == 1
    # One tap opens the report with the PIN kept on the phone.
    with page.expect_navigation():
        page.click("#device-sent li button.primary")
    assert "Pohon tumbang menutup jalan" in page.content()
    # Tracking without a connection: the report as last seen, and the tracking form.
    seen = page.url
    page.context.set_offline(True)
    page.goto(seen)
    assert "Pohon tumbang menutup jalan" in page.content()
    page.goto("/lacak/")
    assert page.locator("input[name=pin]").is_visible()
    page.context.set_offline(False)


def test_without_background_sync_the_page_sends_on_open(pages):
    page = pages.new("no-sync")
    # A browser without Background Sync (Safari, Firefox): the page sends when it opens.
    page.add_init_script("delete window.SyncManager;")
    page.goto("/laporan-saya/")
    wait_for_worker(page)
    page.context.set_offline(True)
    page.evaluate("""() => AduanQueue.keep({key: crypto.randomUUID(), photos: [], error: '',
        created: new Date().toISOString(), report: {kind: 'complaint',
        title: 'Sampah belum diangkut', body: 'Sudah seminggu menumpuk di pasar.'}})""")
    page.reload()
    page.wait_for_selector("#device-waiting li")
    # The app is closed (no script of it left running), then opened with the connection back.
    context = page.context
    page.close()
    context.set_offline(False)
    assert not Report.objects.exists()
    page = context.new_page()
    pages.opened[:] = [(name, p) for name, p in pages.opened if not p.is_closed()]
    pages.opened.append(("no-sync-again", page))
    page.goto("/laporan-saya/")
    page.wait_for_selector("#device-sent li", timeout=20_000)
    assert Report.objects.get().title == "Sampah belum diangkut"
    assert page.locator("#device-waiting li").count() == 0


def _kept_on_the_phone(page) -> dict:
    """The waiting report as IndexedDB holds it (photos as base64), to send it again."""
    return page.evaluate("""() => AduanQueue.waiting().then(items => Promise.all(
        items[0].photos.map(p => new Promise(done => {
          const reader = new FileReader();
          reader.onload = () => done({name: p.name, type: p.type,
                                      data: reader.result.split(',')[1]});
          reader.readAsDataURL(p.blob); }))).then(photos => ({key: items[0].key,
          report: items[0].report, photos: photos})))""")


def _worker_registration(page) -> dict:
    cdp = page.context.new_cdp_session(page)
    found = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: found.extend(
        r for r in event["registrations"] if not r["isDeleted"]))
    cdp.send("ServiceWorker.enable")
    _until(page, lambda: found)
    return {"cdp": cdp, "id": found[0]["registrationId"]}


def _until(page, check, seconds=20):
    for _ in range(seconds * 10):
        try:
            if check():
                return
        except OperationalError:  # SQLite's shared test database, busy with the server
            pass
        page.wait_for_timeout(100)
    raise AssertionError("not in time")


def _log_in(page):
    page.goto("/akun/masuk/")
    page.fill("#id_login", "warga@contoh.id")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button.primary")
    page.wait_for_url("**/akun/laporan/")


def test_a_logged_in_reporters_offline_report_is_in_the_account_on_every_device(pages):
    citizen = get_user_model().objects.create_user("warga", "warga@contoh.id", PASSWORD)
    phone = pages.new("phone")
    _log_in(phone)
    # Installed while the account's page is open; the form then opens under the worker.
    phone.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)",
                            timeout=20_000)
    phone.goto("/lapor/")
    wait_for_worker(phone)
    phone.context.set_offline(True)
    phone.fill("#id_title", "Saluran air tersumbat")
    phone.fill("#id_body", "Air meluap ke jalan setiap hujan.")
    with phone.expect_navigation():
        phone.click("button[name=_send]")
    phone.wait_for_selector("#device-waiting li")
    registration = _worker_registration(phone)
    phone.goto("about:blank")
    phone.context.set_offline(False)
    registration["cdp"].send("ServiceWorker.dispatchSyncEvent", {
        "origin": pages.base_url, "registrationId": registration["id"],
        "tag": "aduan-outbox", "lastChance": False})
    _until(phone, lambda: Report.objects.exists())
    report = Report.objects.get()
    assert report.reporter == citizen and report.channel == "web"
    # Another device: the same account lists it, with no receipt kept there.
    laptop = pages.new("laptop", width=1280)
    _log_in(laptop)
    assert report.tracking_id in laptop.content()
    phone.goto("/akun/laporan/")
    assert report.tracking_id in phone.content()
    phone.goto("/laporan-saya/")
    phone.wait_for_selector("#device-sent li")
    assert report.tracking_id in phone.inner_text("#device-sent")
    # "My reports" of the account without a connection: as last seen on this phone.
    phone.context.set_offline(True)
    phone.goto("/akun/laporan/")
    assert report.tracking_id in phone.content() and "Tidak ada koneksi" not in phone.content()
    phone.context.set_offline(False)
