"""Browser tests: Playwright for Python driving Debian's Chromium, headless.

The browser is never downloaded: tests use /usr/bin/chromium (installed from
Debian's packages by the Makefile and .ci/run) and skip with the reason when it
or Playwright is missing. axe-core (vendored in tests/assets, injected only
here) checks WCAG 2.2 AA on every page the scenarios visit. A failed test
leaves a screenshot of each open page in test-artifacts/screenshots/.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ADUAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "assets" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A 1×1 transparent PNG, served instead of map tiles: the tests never reach the network.
BLANK_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                          "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _why_not() -> str | None:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        return (f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium'; "
                "`make browser` installs it where apt-get is available)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make install-dev)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _why_not()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_call = report.failed


class Pages:
    """Browser contexts for the cast, each a phone-sized screen with its own session."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.opened = []
        self.csp_errors: list[str] = []

    def new(self, name: str, *, locale: str = "id-ID", width: int = 360,
            intercept: bool = True):
        """A page in a new context; ``intercept`` answers third-party requests with a blank
        image (Playwright then turns the HTTP cache off, so timing tests pass False)."""
        context = self.browser.new_context(base_url=self.base_url, locale=locale,
                                           viewport={"width": width, "height": 800})
        if intercept:
            context.route("https://**/*", lambda route: route.fulfill(
                status=200, content_type="image/png", body=BLANK_PNG))
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda msg: self._console(name, msg))
        self.opened.append((name, page))
        return page

    def _console(self, name, message):
        if "Content Security Policy" in message.text:
            self.csp_errors.append(f"{name}: {message.text}")

    def close(self, failed: bool, test_name: str):
        for name, page in self.opened:
            if failed:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{test_name}-{name}.png"), full_page=True)
            page.context.close()


@pytest.fixture
def pages(browser, live_server, request):
    from aduan.agencies.models import Region
    from aduan.agencies.refdata import load_reference_data

    # live_server works on a flushed, committed database: bring the reference data back.
    if not Region.objects.exists():
        load_reference_data(force=True)
    opened = Pages(browser, live_server.url)
    yield opened
    opened.close(getattr(request.node, "failed_call", True), request.node.name)
    assert not opened.csp_errors, opened.csp_errors


def check_a11y(page, label: str = "") -> None:
    """Run axe-core on the page and fail with the rule, its help text and the elements."""
    # After a click the new page may still be loading its stylesheet; judge the finished page.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP stays untouched.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help, "
        "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))", AXE_TAGS)
    assert not result, f"axe on {label or page.url}: {result}"
