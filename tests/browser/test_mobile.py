"""The portal as an installable app (install criteria, audits, byte budgets), and the back
office on a phone under a slow network. Offline reports: test_offline.py.

Offline and slow networks are emulated through the DevTools protocol (Playwright's
``set_offline`` sends Network.emulateNetworkConditions to the page and to the service
worker; the slow network is sent by hand over a CDP session). Timings and byte counts are
printed, never asserted on timing (run with ``-s`` to see them).
"""

import json
import threading

import pytest
from conftest import _member
from PIL import Image

from aduan.accounts.services import staff_add
from aduan.agencies.models import Agency, Role
from aduan.reports import services
from aduan.reports.callers import caller_for_user
from aduan.reports.models import Attachment, Report, ReportEvent
from aduan.reports.selectors import queues_for

from .audit import (
    OBSERVERS,
    performance,
    performance_line,
    pwa_audits,
    pwa_line,
    throttle_like_lighthouse,
    unthrottle,
)
from .conftest import Pages, check_a11y
from .test_journeys import act, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KB = 1024
# WebPageTest's "3G Slow": 400 ms round trip, 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1000 / 8,
           "uploadThroughput": 400 * 1000 / 8}
# Chromium DevTools' own "Slow 3G" (now "3G"): 2 s added to every request, so no page that
# needs one request can load under 1 s with it; printed beside the figure above.
CHROMIUM_SLOW_3G = {"offline": False, "latency": 400 * 5,
                    "downloadThroughput": 500 * 1000 / 8 * 0.8,
                    "uploadThroughput": 500 * 1000 / 8 * 0.8}


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
                           timeout=60_000)  # a cold first install under a loaded CI


class Traffic:
    """Every request the context makes (pages and service worker), for third parties."""

    def __init__(self, context, origin):
        self.origin = origin
        self.urls = []
        context.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        return [url for url in self.urls if not url.startswith((self.origin, "data:", "blob:"))]


def test_install_criteria_and_the_pwa_audits(pages, figure):
    page = pages.new("install")
    page.goto("/", wait_until="networkidle")
    wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    audits = pwa_audits(page, cdp)
    figure(pwa_line(audits))
    assert all(audits.values()), audits
    parsed = json.loads(cdp.send("Page.getAppManifest")["data"])
    assert parsed["short_name"] == "Aduan"
    # Offline, the app still opens the form and shows its offline page for what it never saw.
    page.context.set_offline(True)
    page.goto("/lapor/")
    assert page.locator("#id_title").is_visible()
    page.goto("/laporan/tidak-pernah-dibuka/")
    assert "Tidak ada koneksi" in page.content()
    check_a11y(page, "offline page")
    page.context.set_offline(False)


def _warm(served, path):
    """One request before measuring: a server in service is warm (templates, caches)."""
    from urllib.request import urlopen

    with urlopen(served.base_url + path) as answer:
        answer.read()


@pytest.mark.parametrize("path", ["/", "/lapor/"])
def test_budgets_first_and_repeat_visit_and_no_third_party(served, path, figure):
    _warm(served, path)
    before = served.bytes_sent.total
    page = served.new(f"first{path.replace('/', '-')}")
    traffic = Traffic(page.context, served.base_url)
    page.add_init_script(OBSERVERS)
    cdp = page.context.new_cdp_session(page)
    throttle_like_lighthouse(cdp)
    page.goto(path, wait_until="load")
    figure(performance_line(path, performance(page)))
    unthrottle(cdp)
    wait_for_worker(page)
    page.wait_for_load_state("networkidle")
    first = served.bytes_sent.total - before
    figure(f"first visit {path}: {first / KB:.1f} KB sent by the server (compressed, with the "
           f"service worker's precache), {len(traffic.urls)} requests")
    assert first <= 150 * KB
    assert traffic.foreign() == []
    before = served.bytes_sent.total
    page.goto(path, wait_until="networkidle")
    repeat = served.bytes_sent.total - before
    figure(f"repeat visit {path}: {repeat / KB:.1f} KB sent by the server "
           f"(the page itself; everything else from the service worker's cache)")
    assert repeat <= 20 * KB
    assert traffic.foreign() == []


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


def _queue_load(page, queue) -> int:
    page.goto(f"/kantor/antrian/{queue}/")
    return page.evaluate("() => Math.round(performance.getEntriesByType('navigation')[0]"
                         ".loadEventEnd)")


def _every_action_fits(page):
    """Every action panel of the report page open at once: nothing wider than the phone,
    every field and button inside it."""
    page.evaluate("() => document.querySelectorAll('details.action').forEach(d => d.open = true)")
    outside = page.evaluate("""() => Array.from(document.querySelectorAll(
        'details.action input:not([type=hidden]), details.action select, '
        + 'details.action textarea, details.action button')).filter(e => {
          const box = e.getBoundingClientRect();
          return box.width > 0 && (box.left < 0 || box.right > 360); })
        .map(e => e.closest('details').id + ' ' + (e.name || e.textContent.trim()))""")
    actions = page.evaluate("() => Array.from(document.querySelectorAll('details.action'))"
                            ".map(d => d.id)")
    assert actions and not outside, outside
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.evaluate("() => document.querySelectorAll('details.action').forEach("
                  "(d, i) => d.open = i === 0)")
    return actions


def test_back_office_on_a_phone_under_slow_3g(served, tmp_path, figure):
    national = _member("national", "kemenpanrb", Role.NATIONAL_ADMIN)
    admin = _member("admin_a", "pemkot-surabaya", Role.AGENCY_ADMIN)
    # Also the agency's liaison: every queue there is, on one phone.
    staff_add(username="admin_a", agency_code="pemkot-surabaya", role=Role.LIAISON,
              password=None)
    report = _held_reports(national, 25)
    services.report_submit(data=services.NewReport(
        kind="complaint", title="Trotoar rusak", body="Berlubang.", category="jalan_drainase",
        region_code="35.78.02"))
    queues = queues_for(caller_for_user(admin.user))
    assert {"verify", "signoff", "held", "overdue", "waiting", "responded"} <= set(queues)
    third_party = []
    # No request interception here: Playwright would turn the browser's HTTP cache off.
    page = served.new("admin_a", intercept=False)
    page.on("request", lambda request: third_party.append(request.url)
            if not request.url.startswith(served.base_url) else None)
    staff_login(page, "admin_a")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    for label, conditions in (("slow 3G (WebPageTest: 400 ms RTT, 400 kbit/s)", SLOW_3G),
                              ("Chromium's 'Slow 3G' preset (2000 ms latency, 400 kbit/s)",
                               CHROMIUM_SLOW_3G)):
        cdp.send("Network.emulateNetworkConditions", conditions)
        for queue in queues:
            loaded = _queue_load(page, queue)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            figure(f"queue {queue} on {label}: loaded in {loaded} ms, {width} px wide")
            assert width <= 360 and not third_party
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    page.goto(f"/kantor/laporan/{report.tracking_id}/")
    figure(f"report page actions at 360 px: {', '.join(_every_action_fits(page))}")
    act(page, "accept")
    _every_action_fits(page)
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
