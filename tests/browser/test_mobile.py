"""The portal as an installed app on a weak connection, and the back office on a phone.

Offline and slow networks are emulated through the DevTools protocol (Playwright's
``set_offline`` sends Network.emulateNetworkConditions to the page and to the service
worker; the slow network is sent by hand over a CDP session). Timings and byte counts are
printed, never asserted on timing (run with ``-s`` to see them).
"""

import json
import threading

import pytest
from conftest import PASSWORD, _member
from PIL import Image, ImageChops, ImageFilter

from aduan.agencies.models import Agency, Role
from aduan.reports import services
from aduan.reports.models import Attachment, Report, ReportEvent

from .conftest import Pages, check_a11y
from .test_journeys import act, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KB = 1024
# WebPageTest's "3G Slow": 400 ms round trip, 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}


@pytest.fixture
def served(browser, transactional_db, request):
    """Browser pages on the site served as in production: every file through the middleware.

    pytest-django's live server answers /static/ itself, past the middleware, so nothing
    is compressed; budgets are measured on the real stack (WhiteNoise, gzip).
    """
    from django.db import connections
    from django.test.testcases import LiveServerThread

    from aduan.agencies.models import Region
    from aduan.agencies.refdata import load_reference_data

    if not Region.objects.exists():
        load_reference_data(force=True)
    shared = {conn.alias: conn for conn in connections.all()
              if conn.vendor == "sqlite" and conn.is_in_memory_db()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = None
    counter = ByteCounter()
    for port in range(8710, 8720):
        thread = LiveServerThread("localhost", counter.wrap, shared, port=port)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error is None:
            break
    if thread.error is not None:
        raise thread.error
    opened = Pages(browser, f"http://localhost:{thread.port}")
    opened.bytes_sent = counter
    yield opened
    opened.close(getattr(request.node, "failed_call", True), request.node.name)
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()
    assert not opened.csp_errors, opened.csp_errors


class ByteCounter:
    """Bytes the server sends (status line, headers and the body as sent, compressed)."""

    def __init__(self):
        self.total = 0
        self.lock = threading.Lock()

    def add(self, n: int) -> None:
        with self.lock:
            self.total += n

    def wrap(self, app):
        def counted(environ, start_response):
            def start(status, headers, exc_info=None):
                self.add(len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers))
                return start_response(status, headers, exc_info)
            for chunk in app(environ, start):
                self.add(len(chunk))
                yield chunk
        return counted


def wait_for_worker(page):
    """Until the service worker is installed and controls the page."""
    page.wait_for_function("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)",
                           timeout=20_000)


class Traffic:
    """Every request the context makes (pages and service worker), for third parties."""

    def __init__(self, context, origin):
        self.origin = origin
        self.urls = []
        context.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        return [url for url in self.urls if not url.startswith((self.origin, "data:", "blob:"))]


def first_visit(pages, path):
    page = pages.new(f"first{path.replace('/', '-')}")
    traffic = Traffic(page.context, pages.base_url)
    page.goto(path, wait_until="networkidle")
    wait_for_worker(page)
    page.wait_for_load_state("networkidle")
    return page, traffic


def test_install_criteria_manifest_and_metrics(pages):
    page = pages.new("install")
    page.goto("/", wait_until="networkidle")
    wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    manifest = cdp.send("Page.getAppManifest")
    print(f"\ninstallability errors: {errors}; manifest {manifest['url']} "
          f"errors: {manifest['errors']}")
    # Playwright's contexts are incognito profiles, where Chromium never offers to install;
    # every criterion of the site itself (manifest, icons, worker, scope) must pass.
    assert [e for e in errors if e["errorId"] != "in-incognito"] == []
    assert manifest["errors"] == []
    parsed = json.loads(manifest["data"])
    assert parsed["short_name"] == "Aduan"
    # Performance figures of the first visit (Chromium's own, like Lighthouse's metrics).
    timing = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = Object.fromEntries(performance.getEntriesByType('paint')
            .map(p => [p.name, Math.round(p.startTime)]));
        return {ttfb: Math.round(nav.responseStart), dcl: Math.round(nav.domContentLoadedEventEnd),
                load: Math.round(nav.loadEventEnd), fcp: paint['first-contentful-paint'],
                transfer: nav.transferSize};
    }""")
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    print(f"metrics /: TTFB {timing['ttfb']} ms, FCP {timing['fcp']} ms, DCL {timing['dcl']} ms, "
          f"load {timing['load']} ms, HTML {timing['transfer']} B, "
          f"JS heap {metrics['JSHeapUsedSize'] / KB:.0f} KB, nodes {metrics['Nodes']:.0f}")
    # Offline, the app still opens and shows its offline page for what it never saw.
    page.context.set_offline(True)
    page.goto("/lapor/")
    assert page.locator("#id_title").is_visible()
    page.goto("/laporan/tidak-pernah-dibuka/")
    assert "Tidak ada koneksi" in page.content()
    check_a11y(page, "offline page")
    page.context.set_offline(False)


@pytest.mark.parametrize("path", ["/", "/lapor/"])
def test_budgets_first_and_repeat_visit_and_no_third_party(served, path):
    before = served.bytes_sent.total
    page, traffic = first_visit(served, path)
    first = served.bytes_sent.total - before
    print(f"\nfirst visit {path}: {first / KB:.1f} KB sent by the server (compressed, with the "
          f"service worker's precache), {len(traffic.urls)} requests")
    assert first <= 150 * KB
    assert traffic.foreign() == []
    before = served.bytes_sent.total
    page.goto(path, wait_until="networkidle")
    repeat = served.bytes_sent.total - before
    print(f"repeat visit {path}: {repeat / KB:.1f} KB sent by the server "
          f"(the page itself; everything else from the service worker's cache)")
    assert repeat <= 20 * KB
    assert traffic.foreign() == []


def big_photo(path, seed):
    """A 12-megapixel camera-like photo: smooth light with fine grain (not pure noise)."""
    grain = Image.effect_noise((4000, 3000), 30).filter(ImageFilter.GaussianBlur(1.5))
    light = Image.linear_gradient("L").resize((4000, 3000))
    red = ImageChops.add(light, grain, scale=2.0, offset=seed * 20)
    image = Image.merge("RGB", [red, ImageChops.multiply(light, grain), grain.point(
        lambda v: (v + 40 * seed) % 256)])
    image.save(path, "JPEG", quality=92)
    return path


def test_a_report_written_offline_waits_then_is_sent_once(pages, tmp_path):
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
    print(f"\nthree photos: {original / KB:.0f} KB chosen, {sum(sizes) / KB:.0f} KB to send, "
          f"longest sides {dims}")
    assert sum(sizes) < 1024 * KB and max(dims) == 1600
    with page.expect_navigation():
        page.click("button[name=_send]")
    page.wait_for_url("**/laporan-saya/?antrian=1")
    page.wait_for_selector("#device-waiting li")
    assert "Menunggu dikirim" in page.inner_text("#device-waiting")
    check_a11y(page, "device reports, waiting")
    assert not Report.objects.exists()
    page.evaluate("() => AduanQueue.waiting().then(items => { window.kept = items[0]; })")
    page.context.set_offline(False)
    # The connection is back: Background Sync (or this page, a few seconds on) sends it.
    page.wait_for_selector("#device-sent li", timeout=20_000)
    assert page.locator("#device-waiting li").count() == 0
    report = Report.objects.get()
    assert report.title == "Pohon tumbang menutup jalan"
    assert Attachment.objects.filter(report=report).count() == 3
    # The same waiting report sent again (another tab, a late sync): stored once.
    again = page.evaluate("""() => {
        const data = new FormData();
        data.append('report', JSON.stringify(window.kept.report));
        window.kept.photos.forEach(p => data.append('attachments', p.blob, p.name));
        return fetch('/api/v1/reports/upload', {method: 'POST', body: data,
            headers: {'Idempotency-Key': window.kept.key}})
          .then(r => r.json().then(j => [r.status, r.headers.get('Idempotent-Replayed'), j]));
    }""")
    assert again[0] == 201 and again[1] == "true" and again[2]["tracking_id"] == report.tracking_id
    assert Report.objects.count() == 1
    # One tap opens the report with the PIN kept on the phone.
    with page.expect_navigation():
        page.click("#device-sent li button.primary")
    assert "Pohon tumbang menutup jalan" in page.content()
    page.goto("/laporan-saya/")
    page.wait_for_selector("#device-sent li")
    check_a11y(page, "device reports")


def _held_reports(national, n):
    for i in range(n):
        report, _pin = services.report_submit(data=services.NewReport(
            kind="complaint", title=f"Lampu jalan mati {i}", body="Gelap sejak minggu lalu.",
            category="jalan_drainase", region_code="35.78.02"))
        services.report_dispatch(caller=national.caller, report=report,
                                 agency="pemkot-surabaya.dpupr")
    return report


def _photo_file(tmp_path):
    path = tmp_path / "kamera.jpg"
    Image.new("RGB", (1200, 900), (90, 120, 60)).save(path, "JPEG")
    return str(path)


def test_back_office_on_a_phone_under_slow_3g(served, tmp_path):
    national = _member("national", "kemenpanrb", Role.NATIONAL_ADMIN)
    _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN)
    report = _held_reports(national, 25)
    third_party = []
    # No request interception here: Playwright would turn the browser's HTTP cache off.
    page = served.new("admin_a", intercept=False)
    page.on("request", lambda request: third_party.append(request.url)
            if not request.url.startswith(served.base_url) else None)
    staff_login(page, "admin_a")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    for queue in ("held", "overdue", "waiting", "responded"):
        page.goto(f"/kantor/antrian/{queue}/")
        loaded = page.evaluate("() => Math.round(performance.getEntriesByType('navigation')[0]"
                               ".loadEventEnd)")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        print(f"\nqueue {queue} on slow 3G (400 ms RTT, 400 kbit/s): loaded in {loaded} ms, "
              f"{width} px wide")
        assert width <= 360 and not third_party
    page.goto(f"/kantor/laporan/{report.tracking_id}/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    act(page, "accept")
    panel = page.locator("#act-respond")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    assert panel.locator("input[name=camera]").get_attribute("capture") == "environment"
    panel.locator("[name=message]").fill("Lampu sudah diganti petugas.")
    panel.locator("input[name=camera]").set_input_files(_photo_file(tmp_path))
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    answered = Report.objects.get(pk=report.pk)
    assert answered.status == "responded"
    assert Attachment.objects.filter(report=report, from_reporter=False).count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    check_a11y(page, "back-office report on a phone")


def test_a_liaison_signs_off_a_draft_from_a_phone(pages, tmp_path):
    national = _member("national", "kemenpanrb", Role.NATIONAL_ADMIN)
    admin = _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN)
    _member("liaison_a", "pemkot-surabaya", Role.LIAISON)
    Agency.objects.filter(pk="pemkot-surabaya").update(requires_signoff=True)
    report = _held_reports(national, 1)
    services.report_accept(caller=admin.caller, report=Report.objects.get(pk=report.pk))
    writer = pages.new("admin_a")
    staff_login(writer, "admin_a")
    writer.goto(f"/kantor/laporan/{report.tracking_id}/")
    panel = writer.locator("#act-draft_response")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.locator("[name=message]").fill("Perbaikan dijadwalkan Senin.")
    panel.locator("input[name=camera]").set_input_files(_photo_file(tmp_path))
    with writer.expect_navigation():
        panel.locator("button[type=submit]").click()
    liaison = pages.new("liaison_a")
    staff_login(liaison, "liaison_a")
    liaison.goto("/kantor/antrian/signoff/")
    assert liaison.evaluate("() => document.documentElement.scrollWidth") <= 360
    liaison.goto(f"/kantor/laporan/{report.tracking_id}/")
    act(liaison, "sign_off")
    assert Report.objects.get(pk=report.pk).status == "responded"
    assert ReportEvent.objects.filter(report=report, action="sign_off").exists()
    check_a11y(liaison, "sign-off on a phone")
